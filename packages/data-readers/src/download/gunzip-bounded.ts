import { constants as zlibConstants, gunzipSync } from 'node:zlib';

import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { memoryBudgetFor } from '../limits/memory-budget';

/**
 * Gunzips a `.tar.gz` with the output bounded by the archive's memory budget, `8 · bytes + 64 MiB` unless
 * `maxTotalBytes` says otherwise: a 200 KB gzip can inflate to gigabytes. Node only (`node:zlib`).
 * @internal
 */
export function gunzipBounded(bytes: Uint8Array, file: string, maxTotalBytes?: number): Uint8Array {
  const limit = Math.min(
    2 ** 31 - 1,
    memoryBudgetFor(bytes.byteLength, maxTotalBytes, undefined, 'maxTotalBytes'),
  );
  try {
    return gunzipSync(bytes, { maxOutputLength: limit });
  } catch (error) {
    const code = (error as { code?: string }).code;
    if (code === 'ERR_BUFFER_TOO_LARGE')
      throw new DataLimitError('gunzipped archive bytes', limit + 1, limit, 'maxTotalBytes', {
        file,
        offset: 0,
      });
    if (code?.startsWith('Z_') || (error as { errno?: number }).errno === zlibConstants.Z_DATA_ERROR)
      throw new DataFormatError(`gzip: ${(error as Error).message}`, { file }, { cause: error });
    throw error;
  }
}
