import type { ByteSource } from './byte-source';

/**
 * Serves small reads from a cached window of a {@link ByteSource}, so sequential parsing (record headers, then
 * payloads) costs one source read per `windowSize` bytes instead of two per record.
 */
export class WindowedReader {
  private windowStart = 0;
  private window: Uint8Array = new Uint8Array(0);

  constructor(
    readonly source: ByteSource,
    private readonly windowSize = 1 << 20,
  ) {}

  /** Bytes `[offset, offset + length)`; range errors come from the source. The view is valid until the next call. */
  async read(offset: number, length: number): Promise<Uint8Array> {
    const start = offset - this.windowStart;
    if (start >= 0 && start + length <= this.window.byteLength)
      return this.window.subarray(start, start + length);
    if (length >= this.windowSize || offset + length > this.source.size)
      return this.source.read(offset, length);
    const size = Math.min(this.windowSize, this.source.size - offset);
    this.window = await this.source.read(offset, size);
    this.windowStart = offset;
    return this.window.subarray(0, length);
  }
}
