import '@tensorflow/tfjs-backend-cpu';

import * as tf from '@tensorflow/tfjs-core';
import { initBackend } from '@frx/tensor-utils';
import { testBackend } from '@frx/tensor-utils/testing';
import * as tfl from '@tensorflow/tfjs-layers';
import { beforeAll, describe, expect, it } from 'vitest';

import { Adam } from '../optimizers/adam';
import { SGD } from '../optimizers/sgd';
import { FastFaceScheduler } from '../schedulers/fast-face-scheduler';
import { MultiStepScheduler } from '../schedulers/multi-step-scheduler';
import { lrSchedulerCallback } from './lr-scheduler-callback';

function tinyModel(optimizer: tf.Optimizer): tfl.LayersModel {
  const model = tfl.sequential({ layers: [tfl.layers.dense({ units: 1, inputShape: [3] })] });
  model.compile({ optimizer, loss: 'meanSquaredError' });
  return model;
}

describe('lrSchedulerCallback with model.fit', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('trains a layers model with our optimizer and steps the scheduler once per batch with the raw loss', async () => {
    const optimizer = new SGD({ learningRate: 1, momentum: 0.9 });
    const model = tinyModel(optimizer);
    const scheduler = new MultiStepScheduler({ lr: 0.05, milestones: [3, 6], gamma: 0.1 });
    const seen: number[] = [];
    const x = tf.randomNormal([32, 3], 0, 1, 'float32', 1);
    const y = tf.sum(x, 1, true);
    const history = await model.fit(x, y, {
      epochs: 2,
      batchSize: 8,
      shuffle: false,
      verbose: 0,
      callbacks: [
        lrSchedulerCallback({ scheduler, optimizer }),
        { onBatchEnd: () => Promise.resolve(void seen.push(optimizer.learningRate)) },
      ],
    });
    // 2 epochs × 4 batches: the rate set after batch t applies from batch t + 1.
    expect(scheduler.stepCount).toBe(8);
    expect(seen).toEqual(
      [0.05, 0.05, 0.005, 0.005, 0.005, 5e-4, 5e-4, 5e-4].map((v): unknown => expect.closeTo(v, 15)),
    );
    expect(history.history.loss!.length).toBe(2);
    // The model learned something at these rates (loss fell), so the optimizer really updated the weights.
    expect(history.history.loss![1]).toBeLessThan(history.history.loss![0] as number);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('feeds the MHLR scheduler the mini-batch loss and reports changes; Adam keeps a steady tensor count', async () => {
    const optimizer = new Adam({ learningRate: 0.01 });
    const model = tinyModel(optimizer);
    const scheduler = new FastFaceScheduler({ lr: 0.01, patience: 3, lambda: 1e9 }); // everything is "plateau"
    const changes: number[] = [];
    const x = tf.randomNormal([16, 3], 0, 1, 'float32', 2);
    const y = tf.sum(x, 1, true);
    const counts: number[] = [];
    await model.fit(x, y, {
      epochs: 3,
      batchSize: 4,
      verbose: 0,
      callbacks: [
        lrSchedulerCallback({ scheduler, optimizer, onChange: ({ step }) => changes.push(step) }),
        { onBatchEnd: () => Promise.resolve(void counts.push(tf.memory().numTensors)) },
      ],
    });
    // t = 0 has no decision; triggers need P + 1 = 4 plateau iterations: t = 4, 8.
    expect(changes).toEqual([4, 8]);
    expect(optimizer.learningRate).toBeCloseTo(0.0025, 15);
    expect(new Set(counts.slice(2)).size).toBe(1);
    tf.dispose([x, y]);
    model.dispose();
  });

  it('rejects a missing optimizer and a log without the monitored key', async () => {
    const scheduler = new FastFaceScheduler({ lr: 0.01, totalSteps: 10 });
    expect(() => lrSchedulerCallback({ scheduler, optimizer: {} as never })).toThrow(/'optimizer'/);
    const callback = lrSchedulerCallback({
      scheduler,
      optimizer: { setLearningRate: () => undefined },
      monitor: 'acc',
    });
    await expect(callback.onBatchEnd(0, { loss: 1 })).rejects.toThrow(/batch 0 logs have no numeric 'acc'/);
  });
});
