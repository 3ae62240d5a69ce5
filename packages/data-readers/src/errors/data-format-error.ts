import { FrxError, frxErrorBrand } from '@frx/tensor-utils';

/**
 * Where in a file a {@link DataFormatError} was found. Every field is optional; readers fill in what they know.
 */
export interface DataFormatLocation {
  /** File path, URL or a caller-chosen label for the bytes (`'<bytes>'` when nothing better is known). */
  file?: string;
  /** Zero-based byte offset of the offending bytes. */
  offset?: number;
  /** One-based line number (text formats). */
  line?: number;
  /** One-based column within `line`: the field of a delimited table row (UCR `.tsv`, comma and whitespace files). */
  column?: number;
}

/**
 * Thrown by every reader in `@frx/data-readers` when input bytes or text do not follow the expected format:
 * wrong magic, truncated data, a length running past the end, an unknown opcode, a malformed line, or a file
 * that would need more memory than its reader's budget ({@link DataLimitError}, a subclass).
 * The message names the file and the byte offset or line; the same values are available as fields.
 *
 * `instanceof DataFormatError` holds for errors thrown from either entry point (`@frx/data-readers` and
 * `@frx/data-readers/node`) and either module format: the check reads a brand (see `FrxError` of
 * `@frx/tensor-utils`), not the prototype chain.
 *
 * @example
 * ```ts
 * try {
 *   await openRecordIO({ rec, idx });
 * } catch (error) {
 *   if (error instanceof DataFormatError) console.error(error.file, error.offset, error.detail);
 * }
 * ```
 */
export class DataFormatError extends FrxError {
  static override readonly brand: symbol = frxErrorBrand('DataFormatError');
  override readonly name: string = 'DataFormatError';
  /** File path or label, if known. */
  readonly file: string | undefined;
  /** Zero-based byte offset, if known. */
  readonly offset: number | undefined;
  /** One-based line number, if known. */
  readonly line: number | undefined;
  /** One-based column (table field) within the line, if known. */
  readonly column: number | undefined;
  /** The problem itself, without the location prefix. */
  readonly detail: string;

  /**
   * @param detail - what is wrong (e.g. `bad magic 0x00000000, expected 0xced7230a`).
   * @param location - file and byte offset or line and column.
   * @param options - standard `ErrorOptions` (`cause`).
   */
  constructor(detail: string, location: DataFormatLocation = {}, options?: ErrorOptions) {
    super(`${formatLocation(location)}${detail}`, options);
    this.file = location.file;
    this.offset = location.offset;
    this.line = location.line;
    this.column = location.column;
    this.detail = detail;
  }
}

/**
 * A {@link DataFormatError} for input that is well-formed as far as it was read but would need more memory (or
 * more elements, pixels, records) than the reader's budget allows: a decompression bomb, a header announcing a
 * huge image, a pickle of millions of empty dicts. `limit` is the budget that was hit and `option` the reader
 * option that raises it.
 *
 * @example
 * ```ts
 * try {
 *   decodeImage(bytes);
 * } catch (error) {
 *   if (error instanceof DataLimitError) decodeImage(bytes, { [error.option]: error.needed });
 * }
 * ```
 */
export class DataLimitError extends DataFormatError {
  static override readonly brand: symbol = frxErrorBrand('DataLimitError');
  override readonly name: string = 'DataLimitError';
  /** The limit that was exceeded (bytes, pixels, elements or records, see the message). */
  readonly limit: number;
  /** What the input needs, at least (may be a lower bound: readers stop at the first excess). */
  readonly needed: number;
  /** The option of the reader that sets this limit, e.g. `'maxMemoryBytes'`. */
  readonly option: string;

  /**
   * @param what - what is being counted, e.g. `'decoded pixels'` or `'pickle objects and bytes'`.
   * @param needed - the amount the input needs (at least).
   * @param limit - the limit in force.
   * @param option - the reader option that raises the limit.
   * @param location - file and byte offset.
   */
  constructor(
    what: string,
    needed: number,
    limit: number,
    option: string,
    location: DataFormatLocation = {},
  ) {
    super(`${what}: ${needed} exceeds ${option} ${limit} (raise the ${option} option to read it)`, location);
    this.limit = limit;
    this.needed = needed;
    this.option = option;
  }
}

function formatLocation({ file, offset, line, column }: DataFormatLocation): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(file);
  if (line !== undefined) parts.push(`line ${line}`);
  if (column !== undefined) parts.push(`column ${column}`);
  if (offset !== undefined) parts.push(`byte ${offset}`);
  return parts.length > 0 ? `${parts.join(': ')}: ` : '';
}
