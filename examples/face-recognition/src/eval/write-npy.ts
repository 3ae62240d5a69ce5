import { writeFile } from 'node:fs/promises';

/**
 * Writes a float32 C-order array as a NumPy `.npy` file (format version 1.0), readable with `numpy.load`.
 *
 * @param path Output file.
 * @param data Values, row-major.
 * @param shape e.g. `[images, dim]`.
 */
export async function writeNpy(path: string, data: Float32Array, shape: readonly number[]): Promise<void> {
  const dims = shape.length === 1 ? `${shape[0]},` : shape.join(', ');
  let header = `{'descr': '<f4', 'fortran_order': False, 'shape': (${dims}), }`;
  // Magic (6) + version (2) + header length (2) + header + '\n' must be a multiple of 64 bytes.
  const total = Math.ceil((10 + header.length + 1) / 64) * 64;
  header = header.padEnd(total - 10 - 1, ' ') + '\n';
  const out = new Uint8Array(total + data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, 1, 0], 0);
  new DataView(out.buffer).setUint16(8, header.length, true);
  out.set(new TextEncoder().encode(header), 10);
  out.set(new Uint8Array(data.buffer, data.byteOffset, data.byteLength), total);
  await writeFile(path, out);
}
