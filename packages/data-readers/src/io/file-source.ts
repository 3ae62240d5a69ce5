import { open } from 'node:fs/promises';

import { checkRange, type ByteSource } from './byte-source';

/**
 * Opens a file on disk as a {@link ByteSource} (Node only, from `@frx/data-readers/node`). Each `read` is one
 * positioned read, so multi-gigabyte `.rec` files are never loaded whole. Call `close()` when done.
 *
 * @param path - file path; also used as the name in error messages.
 * @example
 * ```ts
 * const rec = await fileSource('faces_emore/train.rec');
 * const reader = await openRecordIO({ rec, idx: await readFile('faces_emore/train.idx', 'utf8') });
 * ```
 */
export async function fileSource(path: string): Promise<ByteSource> {
  const handle = await open(path, 'r');
  const { size } = await handle.stat();
  let closed = false;
  return {
    name: path,
    size,
    async read(offset, length) {
      checkRange(path, size, offset, length);
      const out = new Uint8Array(length);
      let done = 0;
      while (done < length) {
        const { bytesRead } = await handle.read(out, done, length - done, offset + done);
        if (bytesRead === 0) checkRange(path, offset + done, offset + done, 1); // file shrank underneath us
        done += bytesRead;
      }
      return out;
    },
    async close() {
      if (closed) return;
      closed = true;
      await handle.close();
    },
  };
}
