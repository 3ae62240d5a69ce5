import { DataFormatError } from '../errors/data-format-error';

/**
 * Random access to a sequence of bytes: an in-memory buffer, a browser `Blob`/`File`, or (through
 * `@frx/data-readers/node`) a file on disk. Readers take a `ByteSource` so that one parser serves every platform
 * and large files are never loaded whole.
 */
export interface ByteSource {
  /** File path, URL or label used in error messages. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /**
   * Reads `length` bytes starting at `offset`. Throws a {@link DataFormatError} when the range runs past the end.
   * The returned view may share memory with the source (do not modify it).
   */
  read(offset: number, length: number): Promise<Uint8Array>;
  /** Releases the underlying handle (a no-op for memory and Blob sources). */
  close(): Promise<void>;
}

/** Anything {@link toByteSource} accepts. */
export type ByteSourceInput = ByteSource | Uint8Array | ArrayBuffer | Blob;

/** Throws unless `[offset, offset + length)` lies inside `[0, size)`; shared by every source. */
export function checkRange(name: string, size: number, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0) {
    throw new DataFormatError(`invalid byte range (offset ${offset}, length ${length})`, {
      file: name,
      offset,
    });
  }
  if (offset + length > size) {
    throw new DataFormatError(
      `unexpected end of data: need ${length} bytes at offset ${offset}, but the source has ${size} bytes`,
      { file: name, offset },
    );
  }
}

/**
 * Wraps bytes already in memory. Reads return views into `data` (no copy).
 *
 * @param data - the bytes.
 * @param name - label for error messages. Default `'<bytes>'`.
 * @example
 * ```ts
 * const source = bytesSource(new Uint8Array(await (await fetch(url)).arrayBuffer()), url);
 * ```
 */
export function bytesSource(data: Uint8Array | ArrayBuffer, name = '<bytes>'): ByteSource {
  const bytes = data instanceof Uint8Array ? data : new Uint8Array(data);
  return {
    name,
    size: bytes.byteLength,
    read(offset, length) {
      checkRange(name, bytes.byteLength, offset, length);
      return Promise.resolve(bytes.subarray(offset, offset + length));
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Wraps a browser `Blob` or `File`; each read slices the blob, so only the requested range is loaded.
 *
 * @param blob - the blob.
 * @param name - label for error messages. Default: the file's `name`, else `'<blob>'`.
 */
export function blobSource(blob: Blob, name?: string): ByteSource {
  const label =
    name ?? (typeof (blob as { name?: unknown }).name === 'string' ? (blob as File).name : '<blob>');
  return {
    name: label,
    size: blob.size,
    async read(offset, length) {
      checkRange(label, blob.size, offset, length);
      return new Uint8Array(await blob.slice(offset, offset + length).arrayBuffer());
    },
    close: () => Promise.resolve(),
  };
}

/**
 * Turns a buffer, a Blob or an existing source into a {@link ByteSource}.
 *
 * @param input - bytes, a Blob/File, or a source (returned as is).
 * @param name - label for error messages when `input` is not already a source.
 */
export function toByteSource(input: ByteSourceInput, name?: string): ByteSource {
  if (input instanceof Uint8Array || input instanceof ArrayBuffer) return bytesSource(input, name);
  if (typeof Blob !== 'undefined' && input instanceof Blob) return blobSource(input, name);
  return input as ByteSource;
}

/** Reads a whole source into memory (the view may share memory with an in-memory source). */
export async function readAll(source: ByteSource): Promise<Uint8Array> {
  return source.read(0, source.size);
}
