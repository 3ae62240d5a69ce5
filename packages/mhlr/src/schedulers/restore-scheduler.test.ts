import { describe, expect, it } from 'vitest';

import { InvalidStateError } from '../errors';
import { FastFaceScheduler } from './fast-face-scheduler';
import { MovingHaarScheduler } from './moving-haar-scheduler';
import { restoreScheduler } from './restore-scheduler';

/** A loss that falls, then plateaus, so the detectors have something to see. */
const loss = (t: number) => 1 / (1 + 0.05 * t) + 0.01 * Math.sin(t);

describe('restoreScheduler', () => {
  it('accepts the string JSON.stringify wrote (what the README tells users to pass)', () => {
    const original = new MovingHaarScheduler({ lr: 0.02, window: 8 });
    for (let t = 0; t < 40; t++) original.step(loss(t));
    const resumed = restoreScheduler(JSON.stringify(original));
    expect(resumed.kind).toBe('MovingHaarScheduler');
    expect(resumed.stepCount).toBe(40);
    for (let t = 40; t < 80; t++) {
      original.step(loss(t));
      resumed.step(loss(t));
      expect(resumed.lr).toBe(original.lr);
    }
  });

  it('accepts the parsed value as well', () => {
    const original = new FastFaceScheduler({ lr: 0.1, totalSteps: 50 });
    for (let t = 0; t < 10; t++) original.step(loss(t));
    const resumed = restoreScheduler(JSON.parse(JSON.stringify(original)));
    expect(resumed.stepCount).toBe(10);
    expect(resumed.lr).toBe(original.lr);
  });

  it('names the problem when the string is not JSON', () => {
    expect(() => restoreScheduler('{"kind": "FastFaceSch')).toThrow(InvalidStateError);
    expect(() => restoreScheduler('not json')).toThrow(/restoreScheduler.*not JSON/);
  });
});
