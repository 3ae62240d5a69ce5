import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, expectTensorsClose, testBackend } from '@frx/tensor-utils/testing';

import { subCenterArcFaceLogits } from './sub-center';

describe('subCenterArcFaceLogits', () => {
  beforeAll(async () => {
    await initBackend({ backend: testBackend() });
  });

  it('takes the maximum over the K sub-centres of each class, then ArcFace', () => {
    // Classes 0 and 1, K = 2: class cosines max(0.1, 0.8) = 0.8 and max(0.3, −0.2) = 0.3.
    const cos = tf.tensor2d([[0.1, 0.8, 0.3, -0.2]]);
    const labels = tf.tensor1d([0], 'int32');
    expectTensorsClose(subCenterArcFaceLogits(cos, labels, { subCenters: 2, s: 1 }), [[0.414411, 0.3]], {
      atol: 1e-5,
    });
    expect(() => subCenterArcFaceLogits(cos, labels, { subCenters: 3 })).toThrow(/classes \* 3/);
    tf.dispose([cos, labels]);
  });

  it('leaves one tensor per call', async () => {
    const cos = tf.tensor2d([[0.1, 0.8, 0.3, -0.2, 0.5, 0.1]]);
    const labels = tf.tensor1d([1], 'int32');
    const { result, newTensors } = await countNewTensors(() => subCenterArcFaceLogits(cos, labels));
    expect(newTensors).toBe(1);
    tf.dispose([result, cos, labels]);
  });
});
