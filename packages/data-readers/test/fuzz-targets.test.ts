// The fuzzer's own parts (fuzz/): its seeds must be valid inputs (a fuzzer mutating a seed that already fails
// explores nothing), its cases must replay exactly, and a case's result must be classified as the issue defines
// a finding. The fuzz run itself is .ci/run's `fuzz` stage, not a test.
import { afterAll, describe, expect, it } from 'vitest';

import { CaseRunner } from '../fuzz/case-runner';
import { caseRng, MAX_CASE_BYTES, mutate } from '../fuzz/mutate';
import { allowedMemory, findingOf } from '../fuzz/classify';
import { FUZZ_TARGETS, fuzzTarget } from '../fuzz/targets';

const MiB = 2 ** 20;

describe('fuzz targets', () => {
  it.each(FUZZ_TARGETS.map((t) => [t.name, t] as const))(
    '%s: every seed reads cleanly',
    async (_, target) => {
      const seeds = target.seeds();
      expect(seeds.length).toBeGreaterThan(0);
      for (const seed of seeds)
        await expect(Promise.resolve().then(() => target.run(seed))).resolves.toBeDefined();
    },
  );

  it('covers every parser family of the package', () => {
    expect(FUZZ_TARGETS.map((t) => t.name).sort()).toEqual(
      [
        'cifar10',
        'gzip',
        'image',
        'image-record',
        'jpeg-dimensions',
        'pickle',
        'recordio',
        'recordio-insightface',
        'tar',
        'text-lists',
        'torch-checkpoint',
        'ts',
        'ucr-dataset',
        'ucr-text',
        'verification-bin',
        'zip',
      ].sort(),
    );
    expect(() => fuzzTarget('nope')).toThrow(/unknown fuzz target nope; known: pickle/);
  });
});

describe('mutate', () => {
  const seeds = fuzzTarget('pickle').seeds();

  it('replays: the same (seed, target, case) gives the same bytes, other cases other bytes', () => {
    const a = mutate(seeds, caseRng(1, 'pickle', 417), false);
    const b = mutate(seeds, caseRng(1, 'pickle', 417), false);
    expect(Buffer.from(a).equals(Buffer.from(b))).toBe(true);
    const distinct = new Set<string>();
    for (let i = 0; i < 50; i++)
      distinct.add(Buffer.from(mutate(seeds, caseRng(1, 'pickle', i), false)).toString('hex'));
    // 1–8 stacked random mutations: collisions between 50 cases would mean the case index is ignored.
    expect(distinct.size).toBeGreaterThan(45);
  });

  it('never grows an input past MAX_CASE_BYTES and never mutates the seeds', () => {
    const before = seeds.map((s) => Buffer.from(s).toString('hex'));
    for (let i = 0; i < 200; i++)
      expect(mutate(seeds, caseRng(2, 'pickle', i), true).byteLength).toBeLessThanOrEqual(MAX_CASE_BYTES);
    expect(seeds.map((s) => Buffer.from(s).toString('hex'))).toEqual(before);
  });
});

describe('finding classification', () => {
  const clean = { outcome: 'clean' as const, detail: '', ms: 1, heldBytes: 0, peakRssBytes: 0 };

  it('allows a structured reader its budget of 8x the input + 64 MiB, plus 48 MiB of slack', () => {
    // memory-budget.ts: DEFAULT_MEMORY_BUDGET = { multiple: 8, allowance: 64 MiB }.
    expect(allowedMemory(fuzzTarget('pickle'), 1000)).toBe(8 * 1000 + 64 * MiB + 48 * MiB);
  });

  it('a result or a DataFormatError within the bounds is not a finding; anything else is', () => {
    const allowed = 100 * MiB;
    expect(findingOf(clean, allowed)).toBeUndefined();
    expect(findingOf({ ...clean, outcome: 'typed-error' }, allowed)).toBeUndefined();
    expect(findingOf({ ...clean, outcome: 'crash' }, allowed)).toBe('crash');
    expect(findingOf({ ...clean, outcome: 'hang' }, allowed)).toBe('hang');
    expect(findingOf({ ...clean, heldBytes: allowed + 1 }, allowed)).toBe('over-allocation');
    expect(findingOf({ ...clean, outcome: 'typed-error', peakRssBytes: allowed + 1 }, allowed)).toBe(
      'over-allocation',
    );
  });
});

describe('CaseRunner', () => {
  const runner = new CaseRunner({ timeoutMs: 20_000, heapMb: 256 });
  afterAll(() => runner.close());

  it('runs a case in its worker: a seed is clean, garbage is a typed error, a bound stops a case', async () => {
    await runner.ready();
    const [seed] = fuzzTarget('pickle').seeds();
    expect((await runner.run({ target: 'pickle', bytes: seed! }, 512 * MiB)).outcome).toBe('clean');
    const garbage = await runner.run({ target: 'pickle', bytes: Uint8Array.of(0xff, 0xff) }, 512 * MiB);
    expect(garbage.outcome).toBe('typed-error');
    expect(garbage.detail).toMatch(/^DataFormatError: /);
    // A zero resident-memory bound: the first sample above the start stops the worker as an over-allocation,
    // and the next case gets a fresh worker. (A clean case can finish before the first 5 ms sample.)
    const big = fuzzTarget('zip').seeds()[2]!;
    const results = [];
    for (let i = 0; i < 5; i++) results.push(await runner.run({ target: 'zip', bytes: big }, -1));
    expect(results.some((r) => r.outcome === 'over-allocation')).toBe(true);
    expect((await runner.run({ target: 'pickle', bytes: seed! }, 512 * MiB)).outcome).toBe('clean');
  });
});
