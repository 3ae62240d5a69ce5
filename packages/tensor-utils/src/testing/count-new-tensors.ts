import * as tf from '@tensorflow/tfjs-core';

/** What {@link countNewTensors} measured. */
export interface NewTensorCount<T> {
  /** What `fn` returned (awaited when it returned a promise). */
  result: T;
  /** `tf.memory().numTensors` after minus before. */
  newTensors: number;
  /** `tf.memory().numBytes` after minus before. */
  newBytes: number;
}

/**
 * Runs `fn` and reports how many tensors it left alive, for leak tests: a pure function returning one
 * tensor should leave exactly one; a training step should leave zero once its first call has created
 * the optimizer state.
 *
 * @example
 * const { result, newTensors } = await countNewTensors(() => l2Normalize(x));
 * expect(newTensors).toBe(1);
 * result.dispose();
 */
export async function countNewTensors<T>(fn: () => T | Promise<T>): Promise<NewTensorCount<T>> {
  const before = tf.memory();
  const result = await fn();
  const after = tf.memory();
  return {
    result,
    newTensors: after.numTensors - before.numTensors,
    newBytes: after.numBytes - before.numBytes,
  };
}
