/**
 * Mutation fuzzer of every parser in @frx/data-readers. Each case is a seeded mutation of a small valid seed
 * (fuzz/mutate.ts, fuzz/targets.ts) run in a worker with a time bound and a memory bound (fuzz/case-runner.ts). A
 * case must end in a result or a DataFormatError (DataLimitError included) within the time bound, without growing
 * the process by more than its reader's default memory budget for that input. Anything else is a finding: a crash
 * (any other error), a hang, or an over-allocation. Targets take turns, one case each, until `--cases` per target
 * or `--seconds` in all is reached; case `n` of a target is the same input for the same `--seed` on every machine.
 *
 *   pnpm --filter @frx/data-readers fuzz -- --seed 1 --seconds 60     # CI budget
 *   pnpm --filter @frx/data-readers fuzz -- --seed 7 --seconds 600    # a longer run
 *   pnpm --filter @frx/data-readers fuzz -- --target pickle --seed 1 --from 417 --cases 1   # replay one case
 *   pnpm --filter @frx/data-readers fuzz -- --target pickle --input fuzz/findings/crash-pickle-s1-c417.bin
 *
 * Each finding is written to `--findings` (default fuzz/findings/, outside git) as the input and a JSON
 * description, and reported on stderr as one JSON line. stdout gets one JSON line: the totals and per-target
 * counts. The exit code is 1 when there was a finding.
 */
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { CaseRunner } from './case-runner';
import { allowedMemory, findingOf } from './classify';
import { caseRng, mutate } from './mutate';
import { FUZZ_TARGETS, fuzzTarget, type FuzzTarget } from './targets';

const MiB = 2 ** 20;

interface Counts {
  cases: number;
  clean: number;
  typedErrors: number;
  crashes: number;
  hangs: number;
  overAllocations: number;
}

const positiveInt = (name: string, text: string) => {
  const n = Number(text);
  if (!Number.isSafeInteger(n) || n < 0)
    throw new Error(`--${name} must be a non-negative integer, got ${text}`);
  return n;
};

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  if (argv[0] === '--') argv.shift(); // `pnpm fuzz -- --seed 1` forwards the separator
  const { values } = parseArgs({
    args: argv,
    strict: true,
    options: {
      seed: { type: 'string', default: '1' },
      cases: { type: 'string' },
      seconds: { type: 'string' },
      from: { type: 'string', default: '0' },
      target: { type: 'string', multiple: true },
      input: { type: 'string' },
      'timeout-ms': { type: 'string', default: '2000' },
      'heap-mb': { type: 'string', default: '512' },
      findings: { type: 'string', default: fileURLToPath(new URL('./findings/', import.meta.url)) },
      verbose: { type: 'boolean', default: false },
    },
  });
  const seed = positiveInt('seed', values.seed);
  const from = positiveInt('from', values.from);
  const casesPerTarget = values.cases === undefined ? Infinity : positiveInt('cases', values.cases);
  const seconds = values.seconds === undefined ? Infinity : Number(values.seconds);
  if (casesPerTarget === Infinity && seconds === Infinity && values.input === undefined)
    throw new Error('give --cases (per target) or --seconds (in all), or --input');
  const targets = (values.target ?? FUZZ_TARGETS.map((t) => t.name)).map(fuzzTarget);
  if (values.input !== undefined && targets.length !== 1) throw new Error('--input needs one --target');

  const runner = new CaseRunner({
    timeoutMs: positiveInt('timeout-ms', values['timeout-ms']),
    heapMb: positiveInt('heap-mb', values['heap-mb']),
  });
  const zero = (): Counts => ({
    cases: 0,
    clean: 0,
    typedErrors: 0,
    crashes: 0,
    hangs: 0,
    overAllocations: 0,
  });
  const total = zero();
  const perTarget = new Map(targets.map((t) => [t.name, { ...zero(), slowestMs: 0 }]));
  const seeds = new Map(targets.map((t) => [t.name, t.seeds()]));
  const findingsDir = resolve(values.findings);
  const started = performance.now();
  const deadline = started + seconds * 1000;

  const runOne = async (target: FuzzTarget, bytes: Uint8Array, index: number | undefined) => {
    const allowed = allowedMemory(target, bytes.byteLength);
    const result = await runner.run({ target: target.name, bytes }, allowed);
    const finding = findingOf(result, allowed);
    const counts = perTarget.get(target.name)!;
    for (const c of [counts, total]) {
      c.cases++;
      if (finding === undefined) c[result.outcome === 'clean' ? 'clean' : 'typedErrors']++;
      else c[finding === 'crash' ? 'crashes' : finding === 'hang' ? 'hangs' : 'overAllocations']++;
    }
    counts.slowestMs = Math.max(counts.slowestMs, Math.round(result.ms));
    if (finding === undefined && !values.verbose) return;
    const report = {
      finding: finding ?? 'none',
      target: target.name,
      seed,
      case: index,
      outcome: result.outcome,
      detail: result.detail,
      inputBytes: bytes.byteLength,
      ms: Math.round(result.ms),
      heldMB: +(result.heldBytes / MiB).toFixed(1),
      peakRssMB: +(result.peakRssBytes / MiB).toFixed(1),
      allowedMB: +(allowed / MiB).toFixed(1),
    };
    if (finding !== undefined && index !== undefined) {
      mkdirSync(findingsDir, { recursive: true });
      const base = join(findingsDir, `${finding}-${target.name}-s${seed}-c${index}`);
      writeFileSync(`${base}.bin`, bytes);
      writeFileSync(`${base}.json`, `${JSON.stringify(report, null, 2)}\n`);
      Object.assign(report, { input: relative(process.cwd(), `${base}.bin`) });
    }
    console.error(JSON.stringify(report));
  };

  await runner.ready();
  try {
    if (values.input !== undefined) {
      await runOne(targets[0]!, new Uint8Array(readFileSync(values.input)), undefined);
    } else {
      for (let index = from; index < from + casesPerTarget && performance.now() < deadline; index++) {
        for (const target of targets) {
          if (performance.now() >= deadline) break;
          const bytes = mutate(seeds.get(target.name)!, caseRng(seed, target.name, index), target.text);
          await runOne(target, bytes, index);
        }
      }
    }
  } finally {
    await runner.close();
  }
  console.log(
    JSON.stringify({
      seed,
      seconds: Math.round((performance.now() - started) / 1000),
      ...total,
      targets: Object.fromEntries(perTarget),
    }),
  );
  if (total.crashes + total.hangs + total.overAllocations > 0) process.exitCode = 1;
}

await main();
