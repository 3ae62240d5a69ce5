import { DataFormatError } from '../errors/data-format-error';
import { NumpyArray } from '../pickle/numpy-globals';
import { readPickle } from '../pickle/read-pickle';

/** An insightface verification set: `images[2i]` and `images[2i + 1]` form pair `i`. */
export interface VerificationBin {
  /** 2·P encoded images (JPEG/PNG bytes). */
  images: Uint8Array[];
  /** P flags: whether pair `i` shows the same person. */
  issame: boolean[];
}

function asImage(value: unknown): Uint8Array | undefined {
  if (value instanceof Uint8Array) return value;
  if (value instanceof NumpyArray && value.dtype === 'uint8') return value.data as Uint8Array;
  return undefined;
}

function asFlag(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  if (value === 0 || value === 1) return value === 1;
  return undefined;
}

/**
 * Reads an insightface verification `.bin` (lfw, cfp_fp, agedb_30, calfw, cplfw, …): the pickled pair
 * `(bins, issame_list)`. Every encoding insightface files use is accepted: Python-2 `str` images (protocol 2),
 * Python-3 `bytes` (protocols 3–5), protocol-2 files written by Python 3 (`_codecs.encode(…, 'latin1')`), numpy
 * uint8 arrays (`_reconstruct` and protocol-5 `_frombuffer`), and numpy booleans in the flag list. The pickle is
 * read with the restricted unpickler (no code runs).
 *
 * Follows insightface `recognition/arcface_torch/eval/verification.py` (`load_bin`).
 *
 * @param bytes - the whole `.bin` file.
 * @param options - `file`: name for error messages (default `'<bin>'`); `maxMemoryBytes`: budget of the pickle's
 *   objects and bytes (default `8 · bytes.byteLength + 64 MiB`, see `readPickle`).
 * @example
 * ```ts
 * import { readVerificationBinFile } from '@frx/data-readers/node';
 * const { images, issame } = await readVerificationBinFile('faces_emore/lfw.bin'); // 12000 JPEGs, 6000 flags
 * ```
 */
export function readVerificationBin(
  bytes: Uint8Array,
  options: { file?: string; maxMemoryBytes?: number } = {},
): VerificationBin {
  for (const name of Object.keys(options)) {
    if (name !== 'file' && name !== 'maxMemoryBytes')
      throw new TypeError(`readVerificationBin: unknown option "${name}"`);
  }
  const file = options.file ?? '<bin>';
  const value = readPickle(bytes, {
    file,
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
  });
  const fail = (detail: string): never => {
    throw new DataFormatError(detail, { file });
  };
  if (!Array.isArray(value) || value.length !== 2) fail('expected a pickled pair (bins, issame_list)');
  const [bins, flags] = value as unknown[];
  if (!Array.isArray(bins) || !Array.isArray(flags)) fail('expected bins and issame_list to be lists');
  const images = (bins as unknown[]).map(
    (item, i) => asImage(item) ?? fail(`bins[${i}] is not a byte string or uint8 array`),
  );
  const issame = (flags as unknown[]).map(
    (item, i) => asFlag(item) ?? fail(`issame_list[${i}] is not a boolean`),
  );
  if (images.length !== 2 * issame.length) {
    fail(`${images.length} images for ${issame.length} pairs; expected exactly two images per pair`);
  }
  return { images, issame };
}
