import { DataFormatError } from '../errors/data-format-error';

import {
  checkDimensions,
  checkImageMemory,
  DEFAULT_MAX_PIXELS,
  type DecodedImage,
  type ImageLimits,
} from './decoded-image';

const isSpace = (b: number) =>
  b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d || b === 0x0b || b === 0x0c;

/**
 * Decodes Netpbm grey and colour maps: P2 (ASCII PGM), P5 (binary PGM, e.g. ORL and Extended Yale B),
 * P3 (ASCII PPM) and P6 (binary PPM). Header fields are separated by whitespace and may carry `#`
 * comments; binary rasters start after exactly one whitespace byte following maxval; samples are one byte
 * when maxval < 256, otherwise two bytes big-endian. Samples are rescaled to 0…255 when maxval ≠ 255.
 * Follows the Netpbm specification (netpbm.sourceforge.net/doc/pgm.html, ppm.html).
 *
 * @param bytes - the file content.
 * @param options - `file` (label for errors, default `'<bytes>'`), `maxPixels` (default 10⁸), `maxMemoryBytes`
 *   (default `32 · bytes.byteLength + 256 MiB`).
 * @returns HWC uint8: 1 channel for PGM, 3 for PPM.
 * @throws DataFormatError naming the byte offset for a bad magic, header, sample or truncation.
 *
 * @example
 * const face = decodePnm(await readFile('orl/s1/1.pgm')); // { width: 92, height: 112, channels: 1 }
 */
export function decodePnm(bytes: Uint8Array, options: { file?: string } & ImageLimits = {}): DecodedImage {
  const file = options.file ?? '<bytes>';
  const maxPixels = options.maxPixels ?? DEFAULT_MAX_PIXELS;
  if (bytes.length < 2 || bytes[0] !== 0x50 /* P */) {
    throw new DataFormatError('PNM: bad magic, expected P2, P3, P5 or P6', { file, offset: 0 });
  }
  const kind = bytes[1]! - 0x30;
  if (kind !== 2 && kind !== 3 && kind !== 5 && kind !== 6) {
    throw new DataFormatError(
      `PNM: unsupported magic P${String.fromCharCode(bytes[1]!)} (supported: P2, P3, P5, P6)`,
      {
        file,
        offset: 0,
      },
    );
  }
  let pos = 2;
  // Reads one unsigned decimal token, skipping whitespace and comments.
  const readToken = (what: string): number => {
    for (;;) {
      while (pos < bytes.length && isSpace(bytes[pos]!)) pos++;
      if (pos < bytes.length && bytes[pos] === 0x23 /* # */) {
        while (pos < bytes.length && bytes[pos] !== 0x0a && bytes[pos] !== 0x0d) pos++;
        continue;
      }
      break;
    }
    const start = pos;
    let value = 0;
    while (pos < bytes.length && bytes[pos]! >= 0x30 && bytes[pos]! <= 0x39) {
      value = value * 10 + (bytes[pos]! - 0x30);
      pos++;
      if (value > 0xffffffff) throw new DataFormatError(`PNM: ${what} too large`, { file, offset: start });
    }
    if (pos === start) {
      throw new DataFormatError(
        pos >= bytes.length
          ? `PNM: truncated, expected ${what}`
          : `PNM: expected ${what}, found byte 0x${bytes[pos]!.toString(16)}`,
        { file, offset: start },
      );
    }
    return value;
  };
  const width = readToken('width');
  const height = readToken('height');
  const headerOffset = pos;
  const maxval = readToken('maxval');
  if (maxval < 1 || maxval > 65535) {
    throw new DataFormatError(`PNM: maxval ${maxval} outside 1…65535`, { file, offset: headerOffset });
  }
  checkDimensions(width, height, maxPixels, file, 3, 'PNM');
  const channels = kind === 2 || kind === 5 ? 1 : 3;
  const count = width * height * channels;
  // Every sample takes at least one byte of the file (a digit, or a binary byte): refuse a short file up front.
  if (count > bytes.length - pos) {
    throw new DataFormatError(
      `PNM: ${width}x${height} needs ${count} samples but only ${bytes.length - pos} bytes remain`,
      { file, offset: pos },
    );
  }
  checkImageMemory(4 * width * height, bytes.byteLength, options.maxMemoryBytes, file, 3, 'PNM');
  const data = new Uint8Array(count);
  const scale = (v: number, at: number): number => {
    if (v > maxval)
      throw new DataFormatError(`PNM: sample ${v} exceeds maxval ${maxval}`, { file, offset: at });
    return maxval === 255 ? v : Math.round((v * 255) / maxval);
  };
  if (kind === 5 || kind === 6) {
    if (pos >= bytes.length || !isSpace(bytes[pos]!)) {
      throw new DataFormatError('PNM: expected one whitespace byte after maxval', { file, offset: pos });
    }
    pos++;
    const bytesPerSample = maxval < 256 ? 1 : 2;
    const need = count * bytesPerSample;
    if (bytes.length - pos < need) {
      throw new DataFormatError(`PNM: truncated raster, need ${need} bytes, have ${bytes.length - pos}`, {
        file,
        offset: pos,
      });
    }
    if (bytesPerSample === 1) {
      if (maxval === 255) data.set(bytes.subarray(pos, pos + count));
      else for (let i = 0; i < count; i++) data[i] = scale(bytes[pos + i]!, pos + i);
    } else {
      for (let i = 0; i < count; i++) {
        const at = pos + 2 * i;
        data[i] = scale((bytes[at]! << 8) | bytes[at + 1]!, at);
      }
    }
  } else {
    for (let i = 0; i < count; i++) {
      const at = pos;
      data[i] = scale(readToken(`sample ${i}`), at);
    }
  }
  return { width, height, channels, data };
}
