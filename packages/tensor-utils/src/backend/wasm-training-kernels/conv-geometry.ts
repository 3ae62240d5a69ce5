import * as tf from '@tensorflow/tfjs-core';

/** Padding as the tfjs convolution ops and kernels accept it. */
export type ConvPadding = 'valid' | 'same' | number | tf.backend_util.ExplicitPadding;

/**
 * The sizes of one NHWC 2-D convolution, from tfjs's own `computeConv2DInfo`, so the backward kernels
 * resolve 'same' / 'valid' / explicit padding and `dimRoundingMode` exactly as the forward op did.
 */
export interface ConvGeometry {
  batch: number;
  inHeight: number;
  inWidth: number;
  inChannels: number;
  outHeight: number;
  outWidth: number;
  outChannels: number;
  filterHeight: number;
  filterWidth: number;
  strideHeight: number;
  strideWidth: number;
  dilationHeight: number;
  dilationWidth: number;
  padTop: number;
  padLeft: number;
}

/** Throws a clear error for a kernel attribute value this module does not handle. */
export function unsupported(kernelName: string, attribute: string, value: unknown, supported: string): never {
  throw new Error(
    `@frx/tensor-utils wasm ${kernelName}: unsupported ${attribute} ${JSON.stringify(value)} (supported: ${supported})`,
  );
}

function checkPositiveIntegers(kernelName: string, attribute: string, value: unknown): void {
  const values = Array.isArray(value) ? (value as unknown[]) : [value];
  const ok =
    (values.length === 1 || values.length === 2) &&
    values.every((v) => typeof v === 'number' && Number.isInteger(v) && v >= 1);
  if (!ok) unsupported(kernelName, attribute, value, 'a positive integer or a pair of them');
}

function checkPadding(kernelName: string, pad: unknown): void {
  if (pad === 'same' || pad === 'valid') return;
  if (typeof pad === 'number' && Number.isInteger(pad) && pad >= 0) return;
  const explicit =
    Array.isArray(pad) &&
    pad.length === 4 &&
    pad.every(
      (pair) =>
        Array.isArray(pair) &&
        pair.length === 2 &&
        pair.every((p) => typeof p === 'number' && Number.isInteger(p) && p >= 0),
    );
  if (!explicit) {
    unsupported(
      kernelName,
      'pad',
      pad,
      "'same', 'valid', a non-negative integer or explicit [[0,0],[t,b],[l,r],[0,0]]",
    );
  }
}

/** Attributes shared by the conv backward kernels, before validation. */
export interface RawConvAttrs {
  strides: unknown;
  dilations?: unknown;
  pad: unknown;
  dimRoundingMode?: unknown;
  dataFormat?: unknown;
}

/**
 * Validates the attributes of a conv backward kernel and returns the geometry of its forward pass.
 *
 * @param kernelName for error messages.
 * @param xShape the forward input's shape in `dataFormat` order.
 * @param filterShape `[filterHeight, filterWidth, inChannels, outChannels or channelMultiplier]`.
 * @param dyShape the incoming gradient's shape in `dataFormat` order; must match the forward output.
 * @param depthwise whether the forward op was a depthwise convolution.
 */
export function convGeometry(
  kernelName: string,
  xShape: number[],
  filterShape: number[],
  dyShape: number[],
  attrs: RawConvAttrs,
  depthwise: boolean,
): ConvGeometry {
  const dataFormat = attrs.dataFormat ?? 'NHWC';
  if (dataFormat !== 'NHWC' && dataFormat !== 'NCHW') {
    unsupported(kernelName, 'dataFormat', dataFormat, "'NHWC', 'NCHW'");
  }
  checkPositiveIntegers(kernelName, 'strides', attrs.strides);
  const dilations = attrs.dilations ?? 1;
  checkPositiveIntegers(kernelName, 'dilations', dilations);
  checkPadding(kernelName, attrs.pad);
  const rounding = attrs.dimRoundingMode;
  if (rounding != null && rounding !== 'floor' && rounding !== 'round' && rounding !== 'ceil') {
    unsupported(kernelName, 'dimRoundingMode', rounding, "'floor', 'round', 'ceil'");
  }
  if (xShape.length !== 4 || filterShape.length !== 4 || dyShape.length !== 4) {
    throw new Error(
      `@frx/tensor-utils wasm ${kernelName}: expected rank-4 input, filter and dy, got shapes ` +
        `[${xShape.join(', ')}], [${filterShape.join(', ')}], [${dyShape.join(', ')}]`,
    );
  }
  const info = tf.backend_util.computeConv2DInfo(
    xShape as [number, number, number, number],
    filterShape as [number, number, number, number],
    attrs.strides as number | [number, number],
    dilations as number | [number, number],
    attrs.pad as ConvPadding,
    rounding as 'floor' | 'round' | 'ceil' | undefined,
    depthwise,
    dataFormat === 'NHWC' ? 'channelsLast' : 'channelsFirst',
  );
  const expected =
    dataFormat === 'NHWC' ? info.outShape : [info.batchSize, info.outChannels, info.outHeight, info.outWidth];
  if (expected.join(',') !== dyShape.join(',')) {
    throw new Error(
      `@frx/tensor-utils wasm ${kernelName}: dy has shape [${dyShape.join(', ')}] but the forward ` +
        `convolution produces [${expected.join(', ')}]`,
    );
  }
  return {
    batch: info.batchSize,
    inHeight: info.inHeight,
    inWidth: info.inWidth,
    inChannels: info.inChannels,
    outHeight: info.outHeight,
    outWidth: info.outWidth,
    outChannels: info.outChannels,
    filterHeight: info.filterHeight,
    filterWidth: info.filterWidth,
    strideHeight: info.strideHeight,
    strideWidth: info.strideWidth,
    dilationHeight: info.dilationHeight,
    dilationWidth: info.dilationWidth,
    padTop: info.padInfo.top,
    padLeft: info.padInfo.left,
  };
}

/**
 * Pads (positive amounts) or crops (negative amounts) the two spatial axes of an NHWC tensor.
 * Cropping goes through `tf.slice`; padding through `tf.pad` (both native wasm kernels).
 */
export function padOrCropSpatial(
  x: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
): tf.Tensor4D {
  let result = x;
  if (top < 0 || bottom < 0 || left < 0 || right < 0) {
    const [n, h, w, c] = x.shape;
    const t = Math.max(0, -top);
    const l = Math.max(0, -left);
    result = tf.slice(
      result,
      [0, t, l, 0],
      [n, h - t - Math.max(0, -bottom), w - l - Math.max(0, -right), c],
    );
  }
  if (top > 0 || bottom > 0 || left > 0 || right > 0) {
    result = tf.pad(result, [
      [0, 0],
      [Math.max(0, top), Math.max(0, bottom)],
      [Math.max(0, left), Math.max(0, right)],
      [0, 0],
    ]);
  }
  return result;
}

/**
 * A stride-1 convolution of `x` padded (positive amounts) or cropped (negative amounts) on its spatial
 * axes, `'valid'` on the result. Cropping goes through `tf.slice`; padding is handed to the native
 * conv2d as explicit padding, which XNNPACK applies through its indirection buffer instead of
 * copying the input (a `tf.pad` would copy it).
 *
 * @param dilations the convolution's dilations (default 1).
 */
export function convValidPadded(
  x: tf.Tensor4D,
  filter: tf.Tensor4D,
  top: number,
  bottom: number,
  left: number,
  right: number,
  dilations: number | [number, number] = 1,
): tf.Tensor4D {
  const cropped = padOrCropSpatial(
    x,
    Math.min(0, top),
    Math.min(0, bottom),
    Math.min(0, left),
    Math.min(0, right),
  );
  const padding: tf.backend_util.ExplicitPadding = [
    [0, 0],
    [Math.max(0, top), Math.max(0, bottom)],
    [Math.max(0, left), Math.max(0, right)],
    [0, 0],
  ];
  return tf.conv2d(cropped, filter, 1, padding, 'NHWC', dilations);
}

/**
 * The input of a strided, dilated convolution rearranged so that the input window of every filter tap
 * is one contiguous block of rows, which `tf.slice` copies with a single memcpy and `tf.matMul` consumes
 * without a transpose.
 *
 * How: the padded input is split into `strideHeight * strideWidth` phases (rows `h * s + a`), so a tap
 * at offset `k * dilation = q * s + a` reads phase `a` at rows `h + q` with stride 1. Inside a phase the
 * layout is `[Hq, Wq, batch, channels]`; a stride-1 window is then a flat row range that starts at
 * `(q_h * Wq + q_w) * batch`, provided the output grid is computed "wide" (Wq columns instead of
 * outWidth). The extra columns read wrapped-around values and must meet zeros in dy.
 */
export interface TapSource {
  /** `[phases * Hq * Wq * batch, channels]`. */
  rows: tf.Tensor2D;
  /** Width of the wide output grid, `outWidth + max tap offset in phase columns`. */
  wideWidth: number;
  /** Number of rows in one tap window: `outHeight * wideWidth * batch`. */
  windowRows: number;
  /** First row of the window of filter tap `(kh, kw)`. */
  windowStart(kh: number, kw: number): number;
}

/**
 * Builds the {@link TapSource} of an NHWC input. Must run inside `tf.tidy`.
 */
export function buildTapSource(x: tf.Tensor4D, g: ConvGeometry): TapSource {
  const sH = g.strideHeight;
  const sW = g.strideWidth;
  const maxQH = Math.floor(((g.filterHeight - 1) * g.dilationHeight) / sH);
  const maxQW = Math.floor(((g.filterWidth - 1) * g.dilationWidth) / sW);
  // One spare phase row keeps the window of the last tap inside its phase block.
  const hq = g.outHeight + maxQH + 1;
  const wq = g.outWidth + maxQW;
  const padded = padOrCropSpatial(
    x,
    g.padTop,
    hq * sH - g.inHeight - g.padTop,
    g.padLeft,
    wq * sW - g.inWidth - g.padLeft,
  );
  const n = g.batch;
  const c = g.inChannels;
  let rows: tf.Tensor2D;
  if (sH === 1 && sW === 1) {
    rows = tf.reshape(tf.transpose(padded, [1, 2, 0, 3]), [hq * wq * n, c]);
  } else {
    // [N, Hq, sH, Wq, sW*C] -> [sH, Hq, Wq, N, sW*C] = [sH, Hq*Wq*N, sW, C] -> [sH, sW, Hq*Wq*N, C];
    // two transposes of rank <= 5 instead of one of rank 6.
    const first = tf.transpose(tf.reshape(padded, [n, hq, sH, wq, sW * c]), [2, 1, 3, 0, 4]);
    const second = tf.transpose(tf.reshape(first, [sH, hq * wq * n, sW, c]), [0, 2, 1, 3]);
    rows = tf.reshape(second, [sH * sW * hq * wq * n, c]);
  }
  const phaseRows = hq * wq * n;
  return {
    rows,
    wideWidth: wq,
    windowRows: g.outHeight * wq * n,
    windowStart(kh: number, kw: number): number {
      const offH = kh * g.dilationHeight;
      const offW = kw * g.dilationWidth;
      const phase = (offH % sH) * sW + (offW % sW);
      return phase * phaseRows + (Math.floor(offH / sH) * wq + Math.floor(offW / sW)) * n;
    },
  };
}

/** Rows `[start, start + count)` of a 2-D tensor: a contiguous copy in the wasm Slice kernel. */
export function rowBlock(rows: tf.Tensor2D, start: number, count: number): tf.Tensor2D {
  return tf.slice(rows, [start, 0], [count, rows.shape[1]]);
}

/**
 * Inserts `stride - 1` zeros between the rows and columns of an NHWC tensor (the "fractionally strided"
 * input of a transposed convolution). Result spatial size: `(size - 1) * stride + 1`.
 */
export function dilateSpatial(x: tf.Tensor4D, strideHeight: number, strideWidth: number): tf.Tensor4D {
  const [n, h, w, c] = x.shape;
  let result: tf.Tensor4D = x;
  if (strideHeight > 1) {
    const spread = tf.pad(tf.reshape(result, [n, h, 1, w * c]), [
      [0, 0],
      [0, 0],
      [0, strideHeight - 1],
      [0, 0],
    ]);
    result = tf.slice(tf.reshape(spread, [n, h * strideHeight, w, c]), 0, [
      n,
      (h - 1) * strideHeight + 1,
      w,
      c,
    ]) as tf.Tensor4D;
  }
  if (strideWidth > 1) {
    const h2 = result.shape[1];
    const spread = tf.pad(tf.reshape(result, [n * h2, w, 1, c]), [
      [0, 0],
      [0, 0],
      [0, strideWidth - 1],
      [0, 0],
    ]);
    result = tf.slice(tf.reshape(spread, [n, h2, w * strideWidth, c]), 0, [
      n,
      h2,
      (w - 1) * strideWidth + 1,
      c,
    ]) as tf.Tensor4D;
  }
  return result;
}

/**
 * Turns the incoming gradient of a convolution into the input of the equivalent stride-1 "full"
 * correlation that computes the input gradient: zeros between strided positions, then padding of
 * `(k - 1) * dilation - padBefore` before and `inSize - dilatedSize + padBefore` after each axis
 * (cropping where those are negative), so a 'valid' stride-1 convolution with the flipped filter
 * returns exactly `[batch, inHeight, inWidth, channels]`.
 */
export function fullCorrelationInput(dy: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const spread = dilateSpatial(dy, g.strideHeight, g.strideWidth);
  const lh = spread.shape[1];
  const lw = spread.shape[2];
  return padOrCropSpatial(
    spread,
    (g.filterHeight - 1) * g.dilationHeight - g.padTop,
    g.inHeight - lh + g.padTop,
    (g.filterWidth - 1) * g.dilationWidth - g.padLeft,
    g.inWidth - lw + g.padLeft,
  );
}

/** The kernel inputs as tensors; wraps a bare TensorInfo (refcounted, disposed by the caller's tidy). */
export function asTensor<R extends tf.Rank>(info: tf.TensorInfo): tf.Tensor<R> {
  if (info instanceof tf.Tensor) return info as tf.Tensor<R>;
  return tf.engine().makeTensorFromTensorInfo(info) as tf.Tensor<R>;
}

/** NCHW -> NHWC when needed. */
export function toChannelsLast(x: tf.Tensor4D, dataFormat: unknown): tf.Tensor4D {
  return dataFormat === 'NCHW' ? tf.transpose(x, [0, 2, 3, 1]) : x;
}
