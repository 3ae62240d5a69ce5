import * as tf from '@tensorflow/tfjs-core';

import { importOptional, NATIVE_PACKAGES } from '../../backend/init-backend';

/** Writes TensorBoard scalars under one log folder. */
export interface TensorBoardWriter {
  /** The folder TensorBoard reads (`tensorboard --logdir <it>`). */
  readonly logdir: string;
  /**
   * Writes every finite number of `values` as a scalar at `step`, named `<prefix>/<key>` (or `<key>`).
   * Non-numeric and non-finite values are left out (TensorBoard cannot plot them).
   */
  scalars(values: Readonly<Record<string, unknown>>, step: number, prefix?: string): void;
  /** Writes what is queued to disk. */
  flush(): void;
}

interface NodeSummaryWriter {
  scalar(name: string, value: number, step: number): void;
  flush(): void;
}

interface TfjsNodeModule {
  node: { summaryFileWriter(logdir: string, maxQueue?: number, flushMillis?: number): NodeSummaryWriter };
}

/**
 * A TensorBoard event-file writer on tfjs-node's `summaryFileWriter` (TensorFlow's own event writer), for
 * training loops that run on the native `tensorflow` backend; `undefined` on any other backend (the
 * writer runs TensorFlow ops, which only that backend has). The file it writes, `events.out.tfevents.*`,
 * is what `tensorboard --logdir <logdir>` reads.
 *
 * @param logdir - the folder for the event files (created if missing).
 * @returns the writer, or `undefined` when the active backend is not `tensorflow`.
 *
 * @example
 * const board = await openTensorBoardWriter('runs/a/tensorboard');
 * board?.scalars({ loss: 2.31, lr: 0.1 }, step, 'train');
 */
export async function openTensorBoardWriter(logdir: string): Promise<TensorBoardWriter | undefined> {
  if (typeof logdir !== 'string' || logdir === '') {
    throw new TypeError(`openTensorBoardWriter: logdir must be a non-empty path, got ${String(logdir)}`);
  }
  if (tf.getBackend() !== 'tensorflow') return undefined;
  let tfn: TfjsNodeModule | undefined;
  for (const name of NATIVE_PACKAGES) {
    try {
      tfn = (await importOptional(name)) as TfjsNodeModule;
      break;
    } catch {
      // try the next package
    }
  }
  if (!tfn) return undefined;
  // Written at least every 10 s, so that a crashed run keeps its curve.
  const writer = tfn.node.summaryFileWriter(logdir, 100, 10_000);
  return {
    logdir,
    scalars(values, step, prefix) {
      if (!Number.isInteger(step) || step < 0) {
        throw new RangeError(`TensorBoardWriter.scalars: step must be a non-negative integer, got ${step}`);
      }
      for (const [key, value] of Object.entries(values)) {
        if (typeof value !== 'number' || !Number.isFinite(value)) continue;
        writer.scalar(prefix ? `${prefix}/${key}` : key, value, step);
      }
    },
    flush() {
      writer.flush();
    },
  };
}
