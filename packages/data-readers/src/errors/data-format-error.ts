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
}

/**
 * Thrown by every reader in `@frx/data-readers` when input bytes or text do not follow the expected format:
 * wrong magic, truncated data, a length running past the end, an unknown opcode, a malformed line.
 * The message names the file and the byte offset or line; the same values are available as fields.
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
export class DataFormatError extends Error {
  override readonly name = 'DataFormatError';
  /** File path or label, if known. */
  readonly file: string | undefined;
  /** Zero-based byte offset, if known. */
  readonly offset: number | undefined;
  /** One-based line number, if known. */
  readonly line: number | undefined;
  /** The problem itself, without the location prefix. */
  readonly detail: string;

  /**
   * @param detail - what is wrong (e.g. `bad magic 0x00000000, expected 0xced7230a`).
   * @param location - file and byte offset or line.
   * @param options - standard `ErrorOptions` (`cause`).
   */
  constructor(detail: string, location: DataFormatLocation = {}, options?: ErrorOptions) {
    super(`${formatLocation(location)}${detail}`, options);
    this.file = location.file;
    this.offset = location.offset;
    this.line = location.line;
    this.detail = detail;
  }
}

function formatLocation({ file, offset, line }: DataFormatLocation): string {
  const parts: string[] = [];
  if (file !== undefined) parts.push(file);
  if (line !== undefined) parts.push(`line ${line}`);
  if (offset !== undefined) parts.push(`byte ${offset}`);
  return parts.length > 0 ? `${parts.join(': ')}: ` : '';
}
