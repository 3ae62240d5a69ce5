import { describe, expect, it } from 'vitest';

import { MovingHaarScheduler } from '../schedulers/moving-haar-scheduler';
import { parseLossLog } from './parse-loss-log';
import { renderScheduleSvg } from './render-schedule-svg';
import { traceSchedule } from './trace-schedule';

describe('traceSchedule / renderScheduleSvg / parseLossLog', () => {
  it('records the rate in force, the detector signal and each change (reference/mhlr.md §3.6 row 1)', () => {
    const trace = traceSchedule(
      new MovingHaarScheduler({ lr: 1, window: 10, faithfulStart: true }),
      Array(110).fill(3),
    );
    expect(trace.changes).toEqual([
      { step: 40, from: 1, to: 0.5, multiplier: 0.5 },
      { step: 61, from: 0.5, to: 0.25, multiplier: 0.5 },
      { step: 82, from: 0.25, to: 0.125, multiplier: 0.5 },
      { step: 103, from: 0.125, to: 0.5, multiplier: 4 },
    ]);
    expect(trace.lr[40]).toBe(1);
    expect(trace.lr[41]).toBe(0.5);
    expect(trace.signal[19]).toBeNull();
    expect(trace.signal[20]).toBe(0);
    expect(trace.threshold).toBe(0.06);
    expect(trace.signalName).toBe('haar response');
  });

  it('renders a well-formed SVG with one marker per change', () => {
    const trace = traceSchedule(new MovingHaarScheduler({ lr: 1, window: 10 }), Array(5000).fill(3));
    const svg = renderScheduleSvg(trace, { title: 'a <test> & more', maxPoints: 100 });
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('a &lt;test&gt; &amp; more');
    expect(svg.match(/stroke-dasharray="4 3"/g)!.length).toBe(trace.changes.length);
    expect(svg).toContain('threshold 0.06');
  });

  it('parses bare numbers and objects, naming the line of a bad entry', () => {
    expect(parseLossLog('1.5\n\n{"step":1,"loss":1.25}\n')).toEqual([1.5, 1.25]);
    expect(parseLossLog('{"l":2}', { key: 'l' })).toEqual([2]);
    expect(() => parseLossLog('1\n{"loss":"x"}\n', { source: 'run.jsonl' })).toThrow(
      /run\.jsonl:2: expected a number/,
    );
    expect(() => parseLossLog('1\n{oops\n', { source: 'run.jsonl' })).toThrow(/run\.jsonl:2: not valid JSON/);
  });
});
