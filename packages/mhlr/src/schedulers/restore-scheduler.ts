import { InvalidStateError } from '../errors';
import { ConstantScheduler } from './constant-scheduler';
import { CosineWarmupScheduler } from './cosine-warmup-scheduler';
import { FastFaceScheduler } from './fast-face-scheduler';
import type { LrScheduler } from './lr-scheduler';
import { MovingHaarScheduler } from './moving-haar-scheduler';
import { MultiStepScheduler } from './multi-step-scheduler';
import { PolynomialWarmupScheduler } from './polynomial-warmup-scheduler';
import { ReduceLROnPlateau } from './reduce-lr-on-plateau';
import { StepScheduler } from './step-scheduler';

const RESTORERS: Record<string, (json: unknown) => LrScheduler> = {
  ConstantScheduler: (json) => ConstantScheduler.fromJSON(json),
  StepScheduler: (json) => StepScheduler.fromJSON(json),
  MultiStepScheduler: (json) => MultiStepScheduler.fromJSON(json),
  PolynomialWarmupScheduler: (json) => PolynomialWarmupScheduler.fromJSON(json),
  CosineWarmupScheduler: (json) => CosineWarmupScheduler.fromJSON(json),
  ReduceLROnPlateau: (json) => ReduceLROnPlateau.fromJSON(json),
  MovingHaarScheduler: (json) => MovingHaarScheduler.fromJSON(json),
  FastFaceScheduler: (json) => FastFaceScheduler.fromJSON(json),
};

/**
 * Rebuilds any scheduler of this package from its `toJSON()` output, dispatching on `kind`. The
 * restored scheduler continues with the identical learning-rate sequence.
 *
 * @param json The serialised scheduler: the string `JSON.stringify(scheduler)` wrote, or its parsed
 *   value (`JSON.parse(JSON.stringify(scheduler))`).
 * @throws InvalidStateError for text that is not JSON, an unknown kind or malformed state.
 * @example
 * await writeFile('scheduler.json', JSON.stringify(scheduler));
 * const resumed = restoreScheduler(JSON.parse(await readFile('scheduler.json', 'utf8')));
 */
export function restoreScheduler(json: unknown): LrScheduler {
  if (typeof json === 'string') {
    try {
      json = JSON.parse(json) as unknown;
    } catch (error) {
      throw new InvalidStateError('restoreScheduler', 'json', `is not JSON (${(error as Error).message})`);
    }
  }
  const kind = json !== null && typeof json === 'object' ? (json as { kind?: unknown }).kind : undefined;
  const restore = typeof kind === 'string' ? RESTORERS[kind] : undefined;
  if (!restore) {
    throw new InvalidStateError(
      'restoreScheduler',
      'kind',
      `must be one of ${Object.keys(RESTORERS).join(', ')}, got ${JSON.stringify(kind)}`,
    );
  }
  return restore(json);
}
