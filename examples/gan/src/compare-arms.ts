// The four arms of the GIU-GAN paper's comparison at one budget: the SAGAN-style baseline, GIU-GAN, and the
// ablations RBN without the GIU module and the GIU module without RBN. Each arm is a run folder under `out`;
// a cut comparison resumes every unfinished arm from its checkpoint, and `comparison.json` is rewritten after
// each arm, so results are on disk as they come.
import { existsSync } from 'node:fs';
import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import { parseTrainArgs } from './options';
import { train, type RunSummary } from './train';

/** One arm: a model and its generator normalisation. */
export interface Arm {
  name: string;
  model: 'baseline' | 'giu';
  generatorNorm: 'default' | 'batch' | 'rbn';
}

/** Baseline, GIU-GAN and the two ablations of Table 3 of the GIU-GAN paper (Tian et al.). */
export const ARMS: readonly Arm[] = [
  { name: 'baseline', model: 'baseline', generatorNorm: 'default' },
  { name: 'giu-gan', model: 'giu', generatorNorm: 'default' },
  { name: 'rbn-without-giu', model: 'baseline', generatorNorm: 'rbn' },
  { name: 'giu-without-rbn', model: 'giu', generatorNorm: 'batch' },
];

/** Options of {@link compareArms}; all arms share them. */
export interface CompareOptions {
  data: string;
  out: string;
  width: number;
  batchSize: number;
  steps: number;
  evalEvery: number;
  evalSamples: number;
  checkpointEvery: number;
  seed: number;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
  /** Extra training flags passed to every arm (e.g. `['--limit', '64']`). */
  extra?: string[];
  /** Skip FID/KID. */
  noEval?: boolean;
  /**
   * Names of the arms this call trains (default: all of {@link ARMS}). Two processes given disjoint sets train
   * a comparison in about half the time on two cores: at width 16, batch 32 one TensorFlow process keeps about
   * one core busy (measured: two concurrent GIU-GAN runs, 0.52 and 0.53 s/step, one alone 0.55 s/step).
   */
  arms?: string[];
}

/** The budget of `--quick` (under two minutes on the native backend): a pipeline check, not a result. */
export const QUICK: Pick<
  CompareOptions,
  'width' | 'batchSize' | 'steps' | 'evalEvery' | 'evalSamples' | 'checkpointEvery'
> & { extra: string[] } = {
  width: 2,
  batchSize: 8,
  steps: 4,
  evalEvery: 4,
  evalSamples: 16,
  checkpointEvery: 2,
  extra: ['--limit', '32', '--latent-dim', '16'],
};

/** What `comparison.json` holds. */
export interface ComparisonResult {
  options: CompareOptions;
  arms: (RunSummary & { arm: string; folder: string })[];
}

/** The arms named by `names` (all when undefined), in {@link ARMS} order; an unknown name is an error. */
export function selectArms(names?: readonly string[]): Arm[] {
  if (names === undefined) return [...ARMS];
  const known = new Set(ARMS.map((a) => a.name));
  const unknown = names.filter((n) => !known.has(n));
  if (unknown.length > 0 || names.length === 0) {
    throw new Error(
      `unknown arm(s) ${JSON.stringify(unknown)}: choose among ${ARMS.map((a) => a.name).join(', ')}`,
    );
  }
  return ARMS.filter((a) => names.includes(a.name));
}

async function readSummary(folder: string): Promise<RunSummary | undefined> {
  const file = join(folder, 'summary.json');
  return existsSync(file) ? (JSON.parse(await readFile(file, 'utf8')) as RunSummary) : undefined;
}

/**
 * Every arm with a summary on disk, in {@link ARMS} order: the comparison as it stands, whichever process
 * trained which arm.
 */
async function collect(o: CompareOptions): Promise<ComparisonResult> {
  const arms: ComparisonResult['arms'] = [];
  for (const arm of ARMS) {
    const folder = join(o.out, arm.name);
    const summary = await readSummary(folder);
    if (summary) arms.push({ ...summary, arm: arm.name, folder });
  }
  return { options: o, arms };
}

/**
 * Trains (or resumes) every selected arm in turn and rewrites `<out>/comparison.json` after each, from the
 * summaries of all arms on disk. Returns that comparison.
 */
export async function compareArms(
  o: CompareOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<ComparisonResult> {
  const selected = selectArms(o.arms);
  await mkdir(o.out, { recursive: true });
  for (const arm of selected) {
    const folder = join(o.out, arm.name);
    const done = await readSummary(folder);
    if (done && done.steps >= o.steps) {
      log(`${arm.name}: done already (${done.steps} steps)`);
      continue;
    }
    const resume = existsSync(join(folder, 'checkpoint.json'));
    log(`${arm.name}: ${resume ? 'resuming' : 'starting'} (${o.steps} steps)`);
    const args = [
      ...['--data', o.data, '--model', arm.model, '--generator-norm', arm.generatorNorm],
      ...['--width', String(o.width), '--batch-size', String(o.batchSize), '--steps', String(o.steps)],
      ...['--eval-every', String(o.evalEvery), '--eval-samples', String(o.evalSamples)],
      ...['--checkpoint-every', String(o.checkpointEvery), '--sample-every', String(o.checkpointEvery)],
      ...['--seed', String(o.seed), '--backend', o.backend, '--out', folder],
      ...['--real-features', join(o.out, 'real-features.f32')],
      ...(o.noEval ? ['--no-eval'] : []),
      ...(resume ? ['--resume'] : []),
      ...(o.extra ?? []),
    ];
    await train(parseTrainArgs(args), log);
    await writeFile(join(o.out, 'comparison.json'), `${JSON.stringify(await collect(o), null, 2)}\n`);
  }
  const result = await collect(o);
  await writeFile(join(o.out, 'comparison.json'), `${JSON.stringify(result, null, 2)}\n`);
  return result;
}
