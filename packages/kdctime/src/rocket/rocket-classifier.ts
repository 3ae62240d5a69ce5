import { rejectUnknownOptions } from '../internal/validate';
import { fitMiniRocket, miniRocketTransform, type MiniRocketParameters } from './mini-rocket';
import { RidgeClassifierCV, type RidgeClassifierCVOptions } from './ridge-classifier-cv';
import { generateRocketKernels, rocketTransform, type RocketKernels } from './rocket';
import type { SeriesMatrix } from './series-matrix';

/** Options of {@link RocketClassifier}. */
export interface RocketClassifierOptions {
  /** `'rocket'` (random kernels, PPV + max) or `'minirocket'` (84 fixed kernels, PPV). Default `'rocket'`. */
  transform?: 'rocket' | 'minirocket';
  /** ROCKET kernels. Default 10,000. */
  numKernels?: number;
  /** MiniRocket features. Default 10,000 (→ 9,996). */
  numFeatures?: number;
  /** Seed of the transform's random draws. Default 0. */
  seed?: number | string;
  /** Options of the {@link RidgeClassifierCV}. Default: ROCKET's alphas, `'l2'` normalisation. */
  ridge?: RidgeClassifierCVOptions;
}

/**
 * ROCKET or MiniRocket features followed by {@link RidgeClassifierCV}, as in the ROCKET and MiniRocket UCR
 * experiments (angus924/rocket `reproduce_experiments_ucr.py`, angus924/minirocket).
 *
 * @example
 * const rocket = new RocketClassifier({ transform: 'minirocket', seed: 1 }).fit(train, trainCodes, 2);
 * const predicted = rocket.predict(test); // Int32Array
 */
export class RocketClassifier {
  private readonly transform: 'rocket' | 'minirocket';
  private readonly numKernels: number | undefined;
  private readonly numFeatures: number | undefined;
  private readonly seed: number | string;
  private readonly ridge: RidgeClassifierCV;
  private rocketKernels: RocketKernels | null = null;
  private miniRocket: MiniRocketParameters | null = null;

  constructor(options: RocketClassifierOptions = {}) {
    rejectUnknownOptions('RocketClassifier', options, [
      'transform',
      'numKernels',
      'numFeatures',
      'seed',
      'ridge',
    ]);
    const transform = options.transform ?? 'rocket';
    if (transform !== 'rocket' && transform !== 'minirocket') {
      throw new RangeError(
        `RocketClassifier: transform must be 'rocket' or 'minirocket', got "${String(transform)}"`,
      );
    }
    this.transform = transform;
    this.numKernels = options.numKernels;
    this.numFeatures = options.numFeatures;
    this.seed = options.seed ?? 0;
    this.ridge = new RidgeClassifierCV(options.ridge);
  }

  /** The fitted ridge classifier (chosen alpha, LOO errors). */
  get classifier(): RidgeClassifierCV {
    return this.ridge;
  }

  /**
   * Features of `series` under the fitted transform.
   *
   * @param series - `[cases, length, 1]`.
   * @returns `[cases, features]` row-major.
   */
  features(series: SeriesMatrix): Float32Array {
    if (this.rocketKernels) return rocketTransform(this.rocketKernels, series);
    if (this.miniRocket) return miniRocketTransform(this.miniRocket, series);
    throw new Error('RocketClassifier: call fit() first');
  }

  /**
   * Draws/fits the transform, transforms the training series and fits the ridge classifier.
   *
   * @param series - training series `[cases, length, 1]`.
   * @param codes - class codes `[cases]`.
   * @param classes - number of classes.
   * @returns this.
   */
  fit(series: SeriesMatrix, codes: ArrayLike<number>, classes: number): this {
    if (this.transform === 'rocket') {
      this.rocketKernels = generateRocketKernels(series.shape[1], {
        seed: this.seed,
        ...(this.numKernels !== undefined ? { numKernels: this.numKernels } : {}),
      });
    } else {
      this.miniRocket = fitMiniRocket(series, {
        seed: this.seed,
        ...(this.numFeatures !== undefined ? { numFeatures: this.numFeatures } : {}),
      });
    }
    const features = this.features(series);
    this.ridge.fit(features, features.length / series.shape[0], codes, classes);
    return this;
  }

  /**
   * Predicted class codes.
   *
   * @param series - `[cases, length, 1]`.
   * @returns `[cases]` class codes.
   */
  predict(series: SeriesMatrix): Int32Array {
    return this.ridge.predict(this.features(series));
  }
}
