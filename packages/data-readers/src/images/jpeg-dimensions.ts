import { DataFormatError } from '../errors/data-format-error';

/**
 * Reads a JPEG's frame size from its SOFn marker without decoding, walking the marker segments with every
 * length checked against the buffer (ITU-T T.81, Annex B). Used to refuse oversized images before a decoder
 * allocates.
 *
 * @param bytes - the JPEG file.
 * @param file - label for errors. Default `'<bytes>'`.
 * @returns `{ width, height, components }`.
 * @throws DataFormatError with the byte offset for a missing SOI, a segment running past the end, or no SOF.
 */
export function readJpegDimensions(
  bytes: Uint8Array,
  file = '<bytes>',
): { width: number; height: number; components: number } {
  const { width, height, sampling } = readJpegFrame(bytes, file);
  return { width, height, components: sampling.length };
}

/**
 * The SOF header of a JPEG: size and each component's sampling factors `[h, v]` (ITU-T T.81 §B.2.2).
 * @internal
 */
export function readJpegFrame(
  bytes: Uint8Array,
  file = '<bytes>',
): { width: number; height: number; sampling: [number, number][]; offset: number } {
  if (bytes.length < 4 || bytes[0] !== 0xff || bytes[1] !== 0xd8) {
    throw new DataFormatError('JPEG: bad SOI marker, expected FF D8', { file, offset: 0 });
  }
  let pos = 2;
  while (pos + 4 <= bytes.length) {
    if (bytes[pos] !== 0xff)
      throw new DataFormatError(`JPEG: expected a marker, found 0x${bytes[pos]!.toString(16)}`, {
        file,
        offset: pos,
      });
    const marker = bytes[pos + 1]!;
    if (marker === 0xff) {
      pos++; // fill byte
      continue;
    }
    if (marker === 0xd8 || (marker >= 0xd0 && marker <= 0xd7) || marker === 0x01) {
      pos += 2;
      continue;
    }
    const length = (bytes[pos + 2]! << 8) | bytes[pos + 3]!;
    if (length < 2 || pos + 2 + length > bytes.length) {
      throw new DataFormatError(
        `JPEG: segment 0xff${marker.toString(16)} of length ${length} runs past the end`,
        {
          file,
          offset: pos,
        },
      );
    }
    const isSof = marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc;
    if (isSof) {
      const components = length >= 8 ? bytes[pos + 9]! : 0;
      if (length < 8 + 3 * components)
        throw new DataFormatError('JPEG: SOF segment too short', { file, offset: pos });
      const sampling: [number, number][] = [];
      for (let c = 0; c < components; c++) {
        const factors = bytes[pos + 11 + 3 * c]!;
        sampling.push([factors >> 4, factors & 15]);
      }
      return {
        height: (bytes[pos + 5]! << 8) | bytes[pos + 6]!,
        width: (bytes[pos + 7]! << 8) | bytes[pos + 8]!,
        sampling,
        offset: pos,
      };
    }
    if (marker === 0xda || marker === 0xd9) break;
    pos += 2 + length;
  }
  throw new DataFormatError('JPEG: no SOF marker before the scan data or the end of the file', {
    file,
    offset: pos,
  });
}
