import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { registerGanLayers } from '../register';
import { GIU_WIRINGS, GIUModule } from './giu-module';
import { Involution2D } from './involution-2d';
import { SqueezeExcitation } from './squeeze-excitation';

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
  registerGanLayers();
});

/** Copies the weights of a built GIU module's sub-layers into stand-alone layers, for composing by hand. */
function standalone(giu: GIUModule, x: tf.Tensor4D): { inv: Involution2D; se: SqueezeExcitation } {
  const inv = new Involution2D({
    kernelSize: giu.kernelSize,
    reduction: giu.involutionReduction,
    groupChannels: 4,
  });
  const se = new SqueezeExcitation({ reduction: giu.seReduction });
  inv.build(x.shape);
  se.build(x.shape);
  inv.setWeights(giu.involution.getWeights());
  se.setWeights(giu.squeezeExcitation.getWeights());
  return { inv, se };
}

describe('GIUModule', () => {
  const x = () => tf.randomNormal<tf.Rank.R4>([2, 4, 4, 8], 0, 1, 'float32', 7);

  it('wirings A, B, D equal the compositions SE(Inv(x)), Inv(SE(x)), Inv(x)·s(x)', () => {
    const input = x();
    for (const [id, compose] of [
      [
        'A',
        (inv: Involution2D, se: SqueezeExcitation, v: tf.Tensor4D) => se.apply(inv.apply(v)) as tf.Tensor,
      ],
      [
        'B',
        (inv: Involution2D, se: SqueezeExcitation, v: tf.Tensor4D) => inv.apply(se.apply(v)) as tf.Tensor,
      ],
      [
        'D',
        (inv: Involution2D, se: SqueezeExcitation, v: tf.Tensor4D) =>
          tf.mul(inv.apply(v) as tf.Tensor, tf.reshape(se.excitation(v), [2, 1, 1, 8])),
      ],
    ] as const) {
      const giu = new GIUModule({ ...GIU_WIRINGS[id], groupChannels: 4, seReduction: 4, seed: 5 });
      const y = giu.apply(input) as tf.Tensor;
      const { inv, se } = standalone(giu, input);
      const expected = compose(inv, se, input);
      expectTensorsClose(y, expected, { rtol: 1e-5, atol: 1e-6, label: `wiring ${id}` });
      tf.dispose([y, expected]);
    }
    input.dispose();
  });

  it('wiring C (default) is the identity at initialisation (γ = 0) and x + γ·SE(Inv(x)) once γ moves', () => {
    const input = x();
    const giu = new GIUModule({ groupChannels: 4, seReduction: 4, seed: 2 });
    expect(giu.order).toBe('involution-se');
    expect(giu.residual).toBe('gated');
    const y0 = giu.apply(input) as tf.Tensor;
    expectTensorsClose(y0, input, { rtol: 0, atol: 0 });
    const gate = giu.weights.find((w) => w.name.includes('gate'))!;
    tf.tidy(() => {
      gate.write(tf.tensor([0.5]));
    });
    const y = giu.apply(input) as tf.Tensor;
    const { inv, se } = standalone(giu, input);
    const expected = tf.tidy(() => tf.add(input, tf.mul(0.5, se.apply(inv.apply(input)) as tf.Tensor)));
    expectTensorsClose(y, expected, { rtol: 1e-5, atol: 1e-6 });
    tf.dispose([input, y0, y, expected]);
  });

  it('exposes the sub-layers’ weights as its own and passes gradients to all of them', () => {
    const giu = new GIUModule({ groupChannels: 4, seReduction: 4, gateInit: 0.3, seed: 1 });
    const input = x();
    tf.dispose(giu.apply(input, { training: true }) as tf.Tensor);
    // gate + involution (reduce, γ, β, span kernel, span bias) + SE (4).
    expect(giu.trainableWeights).toHaveLength(1 + 5 + 4);
    expect(giu.nonTrainableWeights).toHaveLength(2);
    const vars = giu.trainableWeights.map((w) => w.read() as tf.Variable);
    const { grads } = tf.variableGrads(
      () => tf.sum<tf.Scalar>(tf.square(giu.apply(input, { training: true }) as tf.Tensor)),
      vars,
    );
    for (const v of vars) {
      const g = grads[v.name]!;
      expect(tf.sum(tf.abs(g)).dataSync()[0], v.name).toBeGreaterThan(0);
    }
    tf.dispose([grads, input]);
  });

  it('round-trips its config, leaks nothing, rejects unknown wirings', async () => {
    const giu = new GIUModule({
      order: 'se-involution',
      residual: 'identity',
      kernelSize: 5,
      groups: 2,
      seed: 4,
    });
    const input = x();
    tf.dispose(giu.apply(input) as tf.Tensor);
    const { result, newTensors } = await countNewTensors(
      () => giu.apply(input, { training: true }) as tf.Tensor,
    );
    expect(newTensors).toBe(1);
    const config = giu.getConfig();
    expect(GIUModule.fromConfig(GIUModule, config).getConfig()).toEqual({
      ...config,
      name: expect.any(String),
    });
    expect(() => new GIUModule({ order: 'sideways' as never })).toThrow(
      /order must be one of involution-se, se-involution, parallel, got sideways/,
    );
    tf.dispose([input, result]);
  });
});
