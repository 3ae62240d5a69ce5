import * as tf from '@tensorflow/tfjs-core';
import * as tfl from '@tensorflow/tfjs-layers';

type LayerArgs = NonNullable<ConstructorParameters<typeof tfl.layers.Layer>[0]>;

/** Arguments of {@link ZeroPaddedMaxPool1D}. */
export interface ZeroPaddedMaxPool1DArgs extends LayerArgs {
  /** Window length (odd). Default 3. */
  poolSize?: number;
}

/**
 * Max-pooling over time with stride 1 after zero padding of ⌊poolSize/2⌋ steps on each side, as the KDCTime code
 * does (`F.pad` then `MaxPool1d`): unlike Keras 'same' pooling, the padded zeros take part in the maximum, so the
 * first and last outputs are at least 0. Input and output `[batch, length, channels]`.
 *
 * @example
 * const pool = new ZeroPaddedMaxPool1D({ poolSize: 3 });
 * pool.apply(tf.tensor3d([[[-1], [-2], [-3]]])); // [[[0], [-1], [0]]]
 *
 * @see amoonfana/Knowledge_Distillation `code/Net/InceptionTime.py`.
 */
export class ZeroPaddedMaxPool1D extends tfl.layers.Layer {
  static readonly className = 'FrxZeroPaddedMaxPool1D';
  readonly poolSize: number;

  constructor(args: ZeroPaddedMaxPool1DArgs = {}) {
    const { poolSize, ...rest } = args;
    super(rest);
    this.poolSize = poolSize ?? 3;
    if (!Number.isInteger(this.poolSize) || this.poolSize < 1 || this.poolSize % 2 === 0) {
      throw new RangeError(
        `ZeroPaddedMaxPool1D: poolSize must be a positive odd integer, got ${this.poolSize}`,
      );
    }
  }

  override call(inputs: tf.Tensor | tf.Tensor[]): tf.Tensor {
    return tf.tidy(() => {
      const x = (Array.isArray(inputs) ? inputs[0]! : inputs) as tf.Tensor3D;
      const half = (this.poolSize - 1) / 2;
      const length = x.shape[1];
      const padded = tf.pad(x, [
        [0, 0],
        [half, half],
        [0, 0],
      ]);
      let out = tf.slice(padded, [0, 0, 0], [-1, length, -1]);
      for (let offset = 1; offset < this.poolSize; offset++) {
        out = tf.maximum(out, tf.slice(padded, [0, offset, 0], [-1, length, -1]));
      }
      return out;
    });
  }

  override computeOutputShape(inputShape: tfl.Shape | tfl.Shape[]): tfl.Shape | tfl.Shape[] {
    return inputShape;
  }

  override getConfig(): tf.serialization.ConfigDict {
    return { ...super.getConfig(), poolSize: this.poolSize };
  }
}
