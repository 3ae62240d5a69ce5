import { createRng, permutation } from '@frx/tensor-utils';

/** Where a training step's images come from. */
export interface BatchPosition {
  /** 0-based epoch. */
  epoch: number;
  /** 0-based batch within the epoch. */
  batch: number;
  /** Image indices of the batch, `[batchSize]`. */
  indices: Int32Array;
}

/**
 * The deterministic data order of a run: every epoch is a seeded permutation of the images (seed
 * `"<seed>:epoch:<e>"`), cut into full batches; the last incomplete batch is dropped (arcface_torch's
 * `drop_last=True`). Because the order is a pure function of (seed, step), the data position saved in a
 * checkpoint is just the step number, and a resumed run reads exactly the batches the uninterrupted run
 * would have read.
 */
export class BatchOrder {
  readonly stepsPerEpoch: number;
  private epoch = -1;
  private order: Int32Array = new Int32Array(0);

  constructor(
    readonly size: number,
    readonly batchSize: number,
    readonly seed: number,
  ) {
    this.stepsPerEpoch = Math.floor(size / batchSize);
    if (this.stepsPerEpoch < 1) {
      throw new RangeError(`batch size ${batchSize} is larger than the ${size} training images`);
    }
  }

  /** The batch of global step `step` (0-based). */
  at(step: number): BatchPosition {
    const epoch = Math.floor(step / this.stepsPerEpoch);
    const batch = step - epoch * this.stepsPerEpoch;
    if (epoch !== this.epoch) {
      this.order = permutation(this.size, createRng(`${this.seed}:epoch:${epoch}`));
      this.epoch = epoch;
    }
    return { epoch, batch, indices: this.order.slice(batch * this.batchSize, (batch + 1) * this.batchSize) };
  }
}
