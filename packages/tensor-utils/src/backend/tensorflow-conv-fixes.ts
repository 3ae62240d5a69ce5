import * as tf from '@tensorflow/tfjs-core';

/**
 * Work-arounds for conv kernels of TensorFlow 2.21's x86 CPU build that compute wrong results, or corrupt
 * memory, under its oneDNN kernels (on by default; docs/native-backend.md, "oneDNN"). Each case is
 * rewritten into an equivalent computation of kernels that are correct, on the `tensorflow` backend only:
 *
 * - a 1×1 convolution with stride s > 1 (IResNet's downsampling shortcut): oneDNN's Conv2D with a 1×1
 *   filter and stride 2 crashes the process or returns wrong values for some shapes (measured: batch 1,
 *   16×16 input, 2 or 8 channels). With a 1×1 filter the convolution only reads every s-th pixel and
 *   'same' adds no padding, so it equals the stride-1 convolution of the subsampled input
 *   `x[:, ::s, ::s, :]`; its input gradient is the stride-1 one scattered back to every s-th pixel, its
 *   filter gradient the stride-1 one of the subsampled input.
 * - the input gradient of a convolution whose input has a single channel (Conv2DBackpropInput and
 *   DepthwiseConv2dNativeBackpropInput): wrong on some x86 CPUs (measured in an earlier run up to 0.48 off
 *   on values of order 1). The filter is padded with a zero second input channel, the gradient computed for
 *   two channels and the first one kept.
 */
const BACKEND = 'tensorflow';

type Pair = [number, number];

interface ConvAttrs {
  strides: number | Pair;
  pad: unknown;
  dataFormat?: string;
  dilations?: number | Pair;
  inputShape?: number[];
  filterShape?: number[];
}

const pair = (v: number | Pair | undefined): Pair =>
  v === undefined ? [1, 1] : typeof v === 'number' ? [v, v] : [v[0], v[1]];

/** The strides of a 1×1, stride > 1, undilated NHWC convolution with 'same' or 'valid' padding, else null. */
function strided1x1(filterShape: readonly number[], attrs: ConvAttrs): Pair | null {
  if (filterShape[0] !== 1 || filterShape[1] !== 1) return null;
  if (attrs.pad !== 'same' && attrs.pad !== 'valid') return null;
  if (attrs.dataFormat !== undefined && attrs.dataFormat !== 'NHWC') return null;
  const [dh, dw] = pair(attrs.dilations);
  if (dh !== 1 || dw !== 1) return null;
  const strides = pair(attrs.strides);
  return strides[0] > 1 || strides[1] > 1 ? strides : null;
}

function asTensor(info: tf.TensorInfo): tf.Tensor {
  if (info instanceof tf.Tensor) return info as tf.Tensor<tf.Rank>;
  const engine = tf.engine() as unknown as { makeTensorFromTensorInfo(i: tf.TensorInfo): tf.Tensor };
  return engine.makeTensorFromTensorInfo(info);
}

/** `x[:, ::sh, ::sw, :]`. */
const subsample = (x: tf.TensorInfo, [sh, sw]: Pair): tf.Tensor4D => {
  const t = asTensor(x) as tf.Tensor4D;
  return tf.stridedSlice(t, [0, 0, 0, 0], t.shape, [1, sh, sw, 1]) as tf.Tensor4D;
};

let installed = false;

/**
 * Installs the work-arounds above over the `tensorflow` backend's Conv2D, FusedConv2D, Conv2DBackpropInput,
 * Conv2DBackpropFilter and DepthwiseConv2dNativeBackpropInput kernels. Idempotent; a no-op (returns false)
 * when the `tensorflow` backend's kernels are not registered. {@link initBackend} calls it when it selects
 * the `tensorflow` backend; an application that imports tfjs-node itself and never calls `initBackend`
 * can call it directly.
 */
export function installTensorflowConvFixes(): boolean {
  if (installed) return true;
  const names = [
    tf.Conv2D,
    tf.FusedConv2D,
    tf.Conv2DBackpropInput,
    tf.Conv2DBackpropFilter,
    tf.DepthwiseConv2dNativeBackpropInput,
  ];
  const originals = new Map(names.map((name) => [name, tf.getKernel(name, BACKEND)]));
  if ([...originals.values()].some((k) => k === undefined)) return false;
  const original = (name: string) => originals.get(name)!.kernelFunc;
  const replace = (name: string, kernelFunc: tf.KernelFunc) => {
    tf.unregisterKernel(name, BACKEND);
    tf.registerKernel({ ...originals.get(name)!, kernelFunc });
  };

  // Conv2D and FusedConv2D: the stride-1 convolution of the subsampled input.
  for (const name of [tf.Conv2D, tf.FusedConv2D]) {
    const run = original(name);
    replace(name, (args) => {
      const { x, filter } = args.inputs as { x: tf.TensorInfo; filter: tf.TensorInfo };
      const attrs = args.attrs as unknown as ConvAttrs;
      const strides = strided1x1(filter.shape, attrs);
      if (!strides) return run(args);
      const sub = subsample(x, strides);
      try {
        return run({
          ...args,
          inputs: { ...args.inputs, x: sub },
          attrs: { ...args.attrs, strides: [1, 1], pad: 'valid' },
        });
      } finally {
        sub.dispose();
      }
    });
  }

  const backpropInput = original(tf.Conv2DBackpropInput);
  replace(tf.Conv2DBackpropInput, (args) => {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const inputShape = attrs.inputShape as [number, number, number, number];
    const strides = strided1x1(filter.shape, attrs);
    if (strides) {
      const [b, h, w, c] = inputShape;
      const [, ho, wo] = dy.shape as [number, number, number, number];
      const [sh, sw] = strides;
      const strideOne = {
        ...args,
        attrs: { ...args.attrs, strides: [1, 1], pad: 'valid', inputShape: [b, ho, wo, c] },
      };
      // The stride-1 gradient goes through the single-channel work-around too when it applies.
      const sub = asTensor(
        (c === 1 ? singleChannelInputGrad(strideOne) : backpropInput(strideOne)) as tf.TensorInfo,
      );
      // Gradient of x[:, ::sh, ::sw, :]: each value at (i·sh, j·sw), zeros between (ho = ceil(h / sh)).
      const grad = tf.tidy(() => {
        const spread = tf.pad(tf.reshape(sub, [b, ho, 1, wo, 1, c]), [
          [0, 0],
          [0, 0],
          [0, sh - 1],
          [0, 0],
          [0, sw - 1],
          [0, 0],
        ]);
        return tf.slice(tf.reshape(spread, [b, ho * sh, wo * sw, c]), [0, 0, 0, 0], [b, h, w, c]);
      });
      sub.dispose();
      return grad;
    }
    if (filter.shape[2] === 1 && attrs.dataFormat !== 'NCHW') return singleChannelInputGrad(args);
    return backpropInput(args);
  });

  /** Input gradient for a one-channel input, through a filter padded with a zero second channel. */
  function singleChannelInputGrad(args: Parameters<tf.KernelFunc>[0]): tf.TensorInfo {
    const { dy, filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const [b, h, w] = attrs.inputShape as [number, number, number, number];
    const wide = tf.pad(asTensor(filter), [
      [0, 0],
      [0, 0],
      [0, 1],
      [0, 0],
    ]);
    try {
      const two = asTensor(
        backpropInput({
          ...args,
          inputs: { dy, filter: wide },
          attrs: { ...args.attrs, inputShape: [b, h, w, 2] },
        }) as tf.TensorInfo,
      );
      const grad = tf.slice(two, [0, 0, 0, 0], [b, h, w, 1]);
      two.dispose();
      return grad;
    } finally {
      wide.dispose();
    }
  }

  const backpropFilter = original(tf.Conv2DBackpropFilter);
  replace(tf.Conv2DBackpropFilter, (args) => {
    const { x } = args.inputs as { x: tf.TensorInfo; dy: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const strides = strided1x1(attrs.filterShape ?? [], attrs);
    if (!strides) return backpropFilter(args);
    const sub = subsample(x, strides);
    try {
      return backpropFilter({
        ...args,
        inputs: { ...args.inputs, x: sub },
        attrs: { ...args.attrs, strides: [1, 1], pad: 'valid' },
      });
    } finally {
      sub.dispose();
    }
  });

  // A depthwise conv of a one-channel input with multiplier m is the ordinary conv with m outputs.
  const depthwiseInput = original(tf.DepthwiseConv2dNativeBackpropInput);
  replace(tf.DepthwiseConv2dNativeBackpropInput, (args) => {
    const { filter } = args.inputs as { dy: tf.TensorInfo; filter: tf.TensorInfo };
    const attrs = args.attrs as unknown as ConvAttrs;
    const [dh, dw] = pair(attrs.dilations);
    const typedPad = attrs.pad === 'same' || attrs.pad === 'valid';
    if (filter.shape[2] !== 1 || dh !== 1 || dw !== 1 || !typedPad || attrs.dataFormat === 'NCHW')
      return depthwiseInput(args);
    return singleChannelInputGrad({
      ...args,
      attrs: {
        strides: attrs.strides,
        pad: attrs.pad as 'same' | 'valid',
        dataFormat: 'NHWC',
        inputShape: attrs.inputShape!,
      },
    });
  });

  installed = true;
  return true;
}
