import * as tf from '@tensorflow/tfjs-core';

import {
  asTensor,
  convGeometry,
  convValidPadded,
  padOrCropSpatial,
  toChannelsLast,
  type ConvGeometry,
} from './conv-geometry';

/**
 * A faster `Conv2DBackpropInput` for the wasm backend. tfjs-backend-wasm 4.22 has one, but it runs at
 * about a tenth of the forward convolution's speed (measured in `bench/backend-gflops.ts`), which makes
 * it the bottleneck of conv-net training. This version runs on the native (XNNPACK) conv2d:
 *
 * - stride 1: the textbook transposed convolution, a 'valid' convolution of the fully padded dy with
 *   the spatially flipped filter whose in/out channels are swapped;
 * - stride s > 1: the sub-pixel ("phase") decomposition. Input row `i` receives only the taps
 *   `kh ≡ (i + padTop) mod s`, so each of the `sH·sW` phases of dx is a stride-1 convolution of dy
 *   with a sub-filter of every s-th tap, and the phases are interleaved. This does exactly the
 *   forward pass's multiply-adds; the zero-insertion alternative (zeros between dy's rows and
 *   columns, then one stride-1 convolution) does s² times as many, most of them on zeros, and was
 *   measured 6-7× slower than the forward convolution on IResNet's stride-2 layers.
 *
 * Registered only when `registerWasmTrainingKernels({ replaceSlowKernels: true })` asks for it.
 * Inputs: `dy` `[batch, outHeight, outWidth, outChannels]`, `filter` `[kh, kw, inChannels,
 * outChannels]`; attrs as tfjs's `Conv2DBackpropInputAttrs` (NCHW accepted and transposed).
 */
export const conv2dBackpropInputKernel: tf.KernelFunc = ({ inputs, attrs }) => {
  const a = attrs as unknown as tf.Conv2DBackpropInputAttrs;
  const dyInfo = inputs.dy!;
  const filterInfo = inputs.filter!;
  const g = convGeometry(tf.Conv2DBackpropInput, a.inputShape, filterInfo.shape, dyInfo.shape, a, false);
  return tf.tidy(() => {
    const dy = toChannelsLast(tf.cast(asTensor<tf.Rank.R4>(dyInfo), 'float32'), a.dataFormat);
    const filter = tf.cast(asTensor<tf.Rank.R4>(filterInfo), 'float32');
    const dx =
      g.strideHeight === 1 && g.strideWidth === 1
        ? convValidPadded(
            dy,
            flippedTaps(
              filter,
              g,
              { first: 0, step: 1, count: g.filterHeight },
              { first: 0, step: 1, count: g.filterWidth },
            ),
            g.filterHeight - 1 - g.padTop,
            g.inHeight - g.outHeight + g.padTop,
            g.filterWidth - 1 - g.padLeft,
            g.inWidth - g.outWidth + g.padLeft,
          )
        : phaseDecomposedInputGradient(dy, filter, g);
    return a.dataFormat === 'NCHW' ? tf.transpose(dx, [0, 3, 1, 2]) : dx;
  });
};

/** One axis of the phase decomposition: which flipped taps phase `r` uses, and how dy is padded. */
interface AxisPhase {
  /** Number of taps of phase `r`: `ceil((k − r) / s)`, 0 when the filter is shorter than the stride. */
  taps: number;
  /** First flipped tap of phase `r`: `k − 1 − r − s·(taps − 1)`. */
  firstFlippedTap: number;
}

function axisPhase(k: number, s: number, r: number): AxisPhase {
  const taps = Math.max(0, Math.ceil((k - r) / s));
  return { taps, firstFlippedTap: k - 1 - r - s * (taps - 1) };
}

/** Flipped-tap indices along one axis: `first, first + step, …` (`count` of them). */
interface TapRange {
  first: number;
  step: number;
  count: number;
}

/**
 * Taps of the spatially flipped filter, in/out channels swapped: `[rows.count, columns.count,
 * outChannels, inChannels]` with element `[u, v]` = `filter[kh − 1 − (rows.first + rows.step·u), kw − 1 −
 * (columns.first + columns.step·v)]`. A filter tap is one contiguous `inChannels·outChannels` block,
 * so this is one contiguous slice per tap, a concat and one small transpose. The native wasm Reverse,
 * StridedSlice and GatherV2 walk the filter element by element: 46, 59 and 20 ms on a 3×3×256×256
 * filter, against about 3 ms for this.
 */
function flippedTaps(filter: tf.Tensor4D, g: ConvGeometry, rows: TapRange, columns: TapRange): tf.Tensor4D {
  const indices: number[] = [];
  for (let u = 0; u < rows.count; u++) {
    for (let v = 0; v < columns.count; v++) {
      const kh = g.filterHeight - 1 - (rows.first + rows.step * u);
      const kw = g.filterWidth - 1 - (columns.first + columns.step * v);
      indices.push(kh * g.filterWidth + kw);
    }
  }
  const taps = tf.reshape(filter, [g.filterHeight * g.filterWidth, g.inChannels * g.outChannels]);
  const picked = tf.concat(
    indices.map((index) => tf.slice(taps, [index, 0], [1, -1])),
    0,
  );
  return tf.transpose(
    tf.reshape(picked, [rows.count, columns.count, g.inChannels, g.outChannels]),
    [0, 1, 3, 2],
  );
}

/**
 * dx of a strided convolution as `sH·sW` stride-1 convolutions. In padded coordinates `p = i + pad`,
 * phase `r = p mod s` at `m = (p − r) / s` is `Σ_t dy[m − t] · W[r + s·t]`, a 'valid' correlation of dy
 * (padded by `taps − 1` before) with the flipped sub-filter `flipped[first + s·u]`. Every phase is
 * computed on the same `[ceil((pad + in) / s)]` grid, interleaved by two stacks, then cropped.
 */
function phaseDecomposedInputGradient(dy: tf.Tensor4D, filter: tf.Tensor4D, g: ConvGeometry): tf.Tensor4D {
  const sH = g.strideHeight;
  const sW = g.strideWidth;
  const gridHeight = Math.ceil((g.padTop + g.inHeight) / sH);
  const gridWidth = Math.ceil((g.padLeft + g.inWidth) / sW);
  const rowsOfPhases: tf.Tensor4D[] = [];
  for (let rh = 0; rh < sH; rh++) {
    const ph = axisPhase(g.filterHeight, sH, rh);
    const phases: tf.Tensor4D[] = [];
    for (let rw = 0; rw < sW; rw++) {
      const pw = axisPhase(g.filterWidth, sW, rw);
      if (ph.taps === 0 || pw.taps === 0) {
        phases.push(tf.zeros([g.batch, gridHeight, gridWidth, g.inChannels]));
        continue;
      }
      const subFilter = flippedTaps(
        filter,
        g,
        { first: ph.firstFlippedTap, step: sH, count: ph.taps },
        { first: pw.firstFlippedTap, step: sW, count: pw.taps },
      );
      phases.push(
        convValidPadded(
          dy,
          subFilter,
          ph.taps - 1,
          gridHeight - g.outHeight,
          pw.taps - 1,
          gridWidth - g.outWidth,
        ),
      );
    }
    // [batch, gridHeight, gridWidth, sW, inChannels] -> columns interleaved.
    const interleaved = sW === 1 ? phases[0]! : tf.stack(phases, 3);
    rowsOfPhases.push(tf.reshape(interleaved, [g.batch, gridHeight, gridWidth * sW, g.inChannels]));
  }
  const all = sH === 1 ? rowsOfPhases[0]! : tf.stack(rowsOfPhases, 2);
  const grid = tf.reshape<tf.Rank.R4>(all, [g.batch, gridHeight * sH, gridWidth * sW, g.inChannels]);
  return padOrCropSpatial(
    grid,
    -g.padTop,
    g.padTop + g.inHeight - gridHeight * sH,
    -g.padLeft,
    g.padLeft + g.inWidth - gridWidth * sW,
  );
}
