import { DataFormatError } from '../errors/data-format-error';

/** Size of MXNet's `IRHeader` (struct format `IfQQ`, little-endian, no padding). */
export const IMAGE_RECORD_HEADER_BYTES = 24;

/** A decoded MXNet image record (`mx.recordio.unpack`). */
export interface ImageRecord {
  /** 0 when `label` is a single number; otherwise the number of float32 labels. */
  flag: number;
  /** The label: a number when `flag` is 0, else a `Float32Array` of `flag` values. */
  label: number | Float32Array;
  /** Record id (insightface: the record index). Values above 2^53 lose precision. */
  id: number;
  /** Second id (0 in im2rec and insightface files). */
  id2: number;
  /** The encoded image (JPEG/PNG) — a view into the payload, possibly empty (insightface header records). */
  image: Uint8Array;
}

/**
 * Splits an image-record payload into MXNet's `IRHeader` and the encoded image (`mxnet.recordio.unpack`).
 *
 * @param payload - one record payload from {@link RecordIOReader.readRecord}.
 * @param where - file and byte offset of the record, for error messages.
 * @returns the header fields and the image bytes (a view, no copy).
 * @example
 * ```ts
 * const { label, image } = unpackImageRecord(await reader.readRecord(1));
 * ```
 */
export function unpackImageRecord(
  payload: Uint8Array,
  where: { file?: string; offset?: number } = {},
): ImageRecord {
  if (payload.byteLength < IMAGE_RECORD_HEADER_BYTES) {
    throw new DataFormatError(
      `image record of ${payload.byteLength} bytes is shorter than the 24-byte IRHeader`,
      where,
    );
  }
  const view = new DataView(payload.buffer, payload.byteOffset, payload.byteLength);
  const flag = view.getUint32(0, true);
  const id = Number(view.getBigUint64(8, true));
  const id2 = Number(view.getBigUint64(16, true));
  if (flag === 0) {
    return {
      flag,
      label: view.getFloat32(4, true),
      id,
      id2,
      image: payload.subarray(IMAGE_RECORD_HEADER_BYTES),
    };
  }
  const labelBytes = flag * 4;
  if (labelBytes > payload.byteLength - IMAGE_RECORD_HEADER_BYTES) {
    throw new DataFormatError(
      `image record flag ${flag} announces ${flag} float32 labels but only ${payload.byteLength - IMAGE_RECORD_HEADER_BYTES} bytes follow the header`,
      where,
    );
  }
  const label = new Float32Array(flag);
  for (let i = 0; i < flag; i++) label[i] = view.getFloat32(IMAGE_RECORD_HEADER_BYTES + 4 * i, true);
  return { flag, label, id, id2, image: payload.subarray(IMAGE_RECORD_HEADER_BYTES + labelBytes) };
}

/** Input of {@link packImageRecord}. */
export interface ImageRecordInput {
  /** A single label, or an array of labels (stored after the header with `flag` = its length). */
  label: number | ArrayLike<number>;
  /** Record id. Default 0. */
  id?: number;
  /** Second id. Default 0. */
  id2?: number;
  /** Encoded image bytes. Default: empty (header and identity records). */
  image?: Uint8Array;
}

/**
 * Builds an image-record payload (`mxnet.recordio.pack`): the 24-byte `IRHeader`, the label array when `label`
 * is an array, then the image bytes.
 *
 * @param record - label, ids and image.
 * @example
 * ```ts
 * const header = packImageRecord({ label: [firstIdentityKey, endIdentityKey], id: 0, id2: 1 }); // insightface record 0
 * ```
 */
export function packImageRecord(record: ImageRecordInput): Uint8Array {
  const image = record.image ?? new Uint8Array(0);
  const labels = typeof record.label === 'number' ? undefined : Array.from(record.label);
  const flag = labels?.length ?? 0;
  const out = new Uint8Array(IMAGE_RECORD_HEADER_BYTES + 4 * flag + image.byteLength);
  const view = new DataView(out.buffer);
  view.setUint32(0, flag, true);
  view.setFloat32(4, typeof record.label === 'number' ? record.label : 0, true);
  view.setBigUint64(8, BigInt(record.id ?? 0), true);
  view.setBigUint64(16, BigInt(record.id2 ?? 0), true);
  labels?.forEach((value, i) => view.setFloat32(IMAGE_RECORD_HEADER_BYTES + 4 * i, value, true));
  out.set(image, IMAGE_RECORD_HEADER_BYTES + 4 * flag);
  return out;
}
