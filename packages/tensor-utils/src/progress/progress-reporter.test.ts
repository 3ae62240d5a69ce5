import { describe, expect, it } from 'vitest';

import { createProgress, formatDuration } from './progress-reporter';

function fakeStream(isTTY: boolean, columns = 120) {
  const writes: string[] = [];
  return { stream: { write: (t: string) => writes.push(t), isTTY, columns }, writes };
}

function clock() {
  let t = 0;
  return { now: () => t, advance: (ms: number) => (t += ms) };
}

describe('createProgress', () => {
  it('redraws a bar in place on a TTY with rate, ETA and metrics', () => {
    const { stream, writes } = fakeStream(true);
    const c = clock();
    const p = createProgress({ total: 100, label: 'train', unit: 'img', stream, now: c.now, redrawMs: 100 });
    c.advance(2000);
    p.tick(25, { loss: 1.23456 });
    // 25 units in 2 s: 12.50 img/s, 75 left: ETA 6 s.
    expect(writes.at(-1)).toBe(
      `\rtrain [${'#'.repeat(10)}${'-'.repeat(30)}] 25/100 (25.0%) | 12.50 img/s | elapsed 2s | ETA 6s | loss 1.235\u001b[K`,
    );
    c.advance(50);
    p.tick(1);
    expect(writes.length).toBe(1); // throttled: less than redrawMs since the last draw
    c.advance(60);
    p.tick(1);
    expect(writes.length).toBe(2);
    p.finish();
    expect(writes.at(-1)).toBe('\n');
    expect(writes.at(-2)).toMatch(/27\/100/);
    p.tick();
    expect(writes.length).toBe(4);
  });

  it('prints plain lines at an interval when not on a TTY', () => {
    const { stream, writes } = fakeStream(false);
    const c = clock();
    const p = createProgress({ total: 10, stream, now: c.now, intervalMs: 1000 });
    for (let i = 0; i < 10; i++) {
      c.advance(300);
      p.tick();
    }
    // lines at t = 1200 (4 done), 2400 (8 done), then the final one.
    p.finish();
    expect(writes).toHaveLength(3);
    expect(writes[0]).toBe('4/10 (40.0%) | 3.33 it/s | elapsed 1s | ETA 2s\n');
    expect(writes[2]).toMatch(/^10\/10 \(100\.0%\) \| 3\.33 it\/s \| elapsed 3s\n$/);
    for (const w of writes) {
      expect(w).not.toContain('\r');
      expect(w).not.toContain('\u001b');
    }
  });

  it('writes nothing when silent, and works without a total', () => {
    const p = createProgress({ mode: 'silent', total: 3 });
    p.tick(3);
    p.finish();
    expect(p.done).toBe(3);
    const { stream, writes } = fakeStream(false);
    const q = createProgress({ stream, mode: 'lines', now: () => 1000 });
    q.update(7);
    q.finish();
    expect(writes[0]).toMatch(/^7 \| /);
  });

  it('rejects bad options', () => {
    expect(() => createProgress({ totl: 3 } as never)).toThrow(/unknown option 'totl'/);
    expect(() => createProgress({ total: -1 })).toThrow(/total must be/);
    expect(() => createProgress({ mode: 'fancy' as never })).toThrow(/unknown mode 'fancy'/);
    expect(() => createProgress({ mode: 'silent' }).tick(NaN)).toThrow(/finite/);
  });
});

describe('formatDuration', () => {
  it('formats seconds, minutes and hours', () => {
    expect(formatDuration(5.4)).toBe('5s');
    expect(formatDuration(75)).toBe('1m15s');
    expect(formatDuration(3725)).toBe('1h02m05s');
    expect(formatDuration(NaN)).toBe('?');
  });
});
