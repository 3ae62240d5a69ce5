import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';
import { describe, expect, it } from 'vitest';

import { GroupedConv2D } from './grouped-conv2d';

/**
 * Independent reference: the definition of a grouped convolution, i.e. one ordinary conv2d per group
 * on its slice of input channels with its slice of output channels, concatenated.
 * `kernel` is in PyTorch's [out, in / groups, k, k] layout.
 */
function groupedConvReference(
  x: tf.Tensor4D,
  torchKernel: tf.Tensor4D,
  groups: number,
  stride: number,
  padding: number,
) {
  return tf.tidy(() => {
    const padded = tf.pad(x, [
      [0, 0],
      [padding, padding],
      [padding, padding],
      [0, 0],
    ]);
    const a = x.shape[3] / groups;
    const b = torchKernel.shape[0] / groups;
    const parts = [];
    for (let g = 0; g < groups; g++) {
      const xs = tf.slice(padded, [0, 0, 0, g * a], [-1, -1, -1, a]);
      const w = tf.transpose<tf.Tensor4D>(
        tf.slice(torchKernel, [g * b, 0, 0, 0], [b, -1, -1, -1]),
        [2, 3, 1, 0],
      );
      parts.push(tf.conv2d(xs, w, stride, 'valid'));
    }
    return tf.concat(parts, 3);
  });
}

/** PyTorch [out, in/groups, k, k] → the layer's [k, k, in, out/groups] (iresnet.md §6, grouped case). */
function toLayerKernel(torchKernel: tf.Tensor4D, groups: number, inChannels: number) {
  const [out, a, k] = torchKernel.shape;
  const b = out / groups;
  const layerKernel = tf.buffer([k, k, inChannels, b]);
  const w = torchKernel.bufferSync();
  for (let g = 0; g < groups; g++)
    for (let m = 0; m < b; m++)
      for (let j = 0; j < a; j++)
        for (let i = 0; i < k; i++)
          for (let l = 0; l < k; l++) layerKernel.set(w.get(g * b + m, j, i, l), i, l, g * a + j, m);
  return layerKernel.toTensor();
}

const cases = [
  { name: 'grouped 2-in/2-out (MobileFaceNet stem)', inC: 8, out: 8, groups: 4, k: 3, stride: 1, padding: 1 },
  { name: 'grouped 2-in/3-out, stride 2', inC: 6, out: 9, groups: 3, k: 3, stride: 2, padding: 1 },
  { name: 'depthwise, stride 2', inC: 5, out: 5, groups: 5, k: 3, stride: 2, padding: 1 },
  { name: 'depthwise GDC, no padding', inC: 4, out: 4, groups: 4, k: 4, stride: 1, padding: 0 },
];

describe.each(['cpu', testBackend()] as const)('GroupedConv2D on %s', (backend) => {
  it.each(cases)(
    '$name: forward and gradients equal the per-group definition',
    async ({ inC, out, groups, k, stride, padding }) => {
      await initBackend({ backend });
      const x = tf.randomNormal<tf.Rank.R4>([2, 8, 8, inC], 0, 1, 'float32', 1);
      const torchKernel = tf.randomNormal<tf.Rank.R4>([out, inC / groups, k, k], 0, 1, 'float32', 2);
      const layer = new GroupedConv2D({ filters: out, kernelSize: k, groups, strides: stride, padding });
      layer.apply(x);
      const kernel = toLayerKernel(torchKernel, groups, inC);
      layer.setWeights([kernel]);
      const y = layer.apply(x) as tf.Tensor;
      const expected = groupedConvReference(x, torchKernel, groups, stride, padding);
      expect(y.shape).toEqual(layer.computeOutputShape([null, 8, 8, inC]).map((d, i) => d ?? y.shape[i]));
      expectTensorsClose(y, expected, { rtol: 1e-4, atol: 1e-4 });
      // Gradients w.r.t. input and kernel through the layer, against autodiff of the reference.
      const probe = tf.randomNormal(expected.shape, 0, 1, 'float32', 3);
      // Reference gradients: autodiff of the per-group definition w.r.t. x and the PyTorch kernel, mapped.
      const [gx, gk] = tf.grads((xi: tf.Tensor, ti: tf.Tensor) =>
        tf.sum(
          tf.mul(groupedConvReference(xi as tf.Tensor4D, ti as tf.Tensor4D, groups, stride, padding), probe),
        ),
      )([x, torchKernel]);
      const xVar = tf.variable(x);
      const kernelVar = layer.kernel!.read() as tf.Variable;
      const { grads } = tf.variableGrads(
        () => tf.sum(tf.mul(layer.apply(xVar) as tf.Tensor, probe)),
        [xVar, kernelVar],
      );
      const [lx, lk] = [grads[xVar.name], grads[kernelVar.name]];
      expectTensorsClose(lx!, gx!, { rtol: 1e-4, atol: 1e-4, label: 'dx' });
      expectTensorsClose(lk!, toLayerKernel(gk as tf.Tensor4D, groups, inC), {
        rtol: 1e-4,
        atol: 1e-4,
        label: 'dkernel',
      });
      tf.dispose([x, xVar, torchKernel, kernel, y, expected, probe, gx!, gk!, grads]);
    },
  );
});

describe('GroupedConv2D', () => {
  it('validates its options and round-trips its config', async () => {
    await initBackend({ backend: testBackend() });
    expect(() => new GroupedConv2D({ filters: 6, kernelSize: 3, groups: 4 })).toThrow(
      /filters 6 is not a multiple of groups 4/,
    );
    expect(() => new GroupedConv2D({ filters: 4, kernelSize: 3, groups: 2, dilation: 2 } as never)).toThrow(
      /unknown option 'dilation'/,
    );
    const layer = new GroupedConv2D({
      filters: 4,
      kernelSize: 3,
      groups: 2,
      strides: 2,
      padding: 1,
      name: 'g',
    });
    const again = new GroupedConv2D(layer.getConfig() as never);
    expect(again.getConfig()).toEqual(layer.getConfig());
    expect(() => layer.apply(tf.zeros([1, 4, 4, 3]))).toThrow(
      /input channels 3 are not a multiple of groups 2/,
    );
  });

  it('does not leak tensors', async () => {
    await initBackend({ backend: testBackend() });
    const layer = new GroupedConv2D({ filters: 4, kernelSize: 3, groups: 2, padding: 1 });
    const x = tf.ones([1, 4, 4, 4]);
    tf.dispose(layer.apply(x) as tf.Tensor);
    const { result, newTensors } = await countNewTensors(() => layer.apply(x) as tf.Tensor);
    expect(newTensors).toBe(1);
    tf.dispose([result, x]);
  });
});
