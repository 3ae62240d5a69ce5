// Experiment 2 of issue 16: MHLR's claim ("1/4 of the training time, at most about 1 point lost", Gong et
// al., arXiv 2404.11118) on a second task, image classification on the CIFAR-10 JPEG subset of
// ../shared/data/images/cifar10-jpeg (train on train/, 500 images per class; score top-1 accuracy on test/,
// 1000 per class). MHLR is a schedule, so this asks whether its mechanism carries beyond faces.
//
// The face pipeline trains it unchanged: the ten classes are its "identities", the head is a cosine
// (NormFace) classifier, no pairs are held out; a run is scored by classifying the test images with the
// nearest class centre of its final checkpoint (argmax of the cosine logits, which is the head's prediction).
// Same arms as experiment 1: (a) poly over E, (b) MHLR v1 over E/4, (c) FastFace over E/4 with the paper's
// constants, (c2) with its constants scaled by the step budget, (d) poly squeezed into E/4.
//
//   pnpm --filter @frx/example-face-recognition claim:mhlr-cifar [-- --quick] [--epochs 30] [--seeds 0,1,2]
//
// Writes claims/results/mhlr-cifar/{results.json, loss.png, lr.png, signal-*.png}; run folders (with
// checkpoints, so an interrupted experiment resumes) under runs/claims/mhlr-cifar/.
import { existsSync } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';

import { decodeImage, preprocessImage, type DecodedImage } from '@frx/data-readers';
import { listImageFolder } from '@frx/data-readers/node';

import type { FaceConfig } from '../src/config/face-config';
import { facePreset } from '../src/config/presets';
import { embedImages } from '../src/eval/embed-images';
import { buildBackbone } from '../src/train/build-backbone';
import { readCheckpoint, restoreBackbone } from '../src/train/checkpoint';
import { meanSpread, type RunEvaluator } from './claim-runs';
import { aggregateMhlrArms, runMhlrArms, writeMhlrCharts } from './mhlr-faces';

/** The CIFAR-10 JPEG subset of `../shared/data` (`train/<class>/`, `test/<class>/`). */
export const SHARED_CIFAR10_JPEG = fileURLToPath(
  new URL('../../../../shared/data/images/cifar10-jpeg', import.meta.url),
);

/** Whether the subset is present (the experiment and its test skip with a message otherwise). */
export function sharedCifarPresent(root = SHARED_CIFAR10_JPEG): boolean {
  return existsSync(join(root, 'train')) && existsSync(join(root, 'test'));
}

/** Options of {@link runMhlrCifarClaim}. */
export interface MhlrCifarOptions {
  /** Full budget E in epochs of the 5000 training images. Default 30 (0.1 with `quick`). */
  epochs?: number;
  seeds?: number[];
  /** Folder holding `train/` and `test/`. Default {@link SHARED_CIFAR10_JPEG}. */
  root?: string;
  /** Results folder (JSON + PNG). Default `claims/results/mhlr-cifar`. */
  results?: string;
  /** Run folders. Default `runs/claims/mhlr-cifar`. */
  runs?: string;
  /** Test images per class scored. Default all (1000); 20 with `quick`. */
  testPerClass?: number;
  /** Tiny network, budget and test set for a smoke test (under 2 minutes). */
  quick?: boolean;
  backend?: FaceConfig['backend'];
  log?: (line: string) => void;
}

/** The configuration every arm shares (only scheduler, epochs, seed and out differ). */
export function mhlrCifarConfig(quick: boolean, root = SHARED_CIFAR10_JPEG): FaceConfig {
  return {
    ...facePreset('orl-small'),
    preset: 'claim-mhlr-cifar',
    data: join(root, 'train'),
    maxIdentities: 0,
    // CIFAR's own resolution; the flip is the only augmentation (arcface_torch's), as for the faces.
    inputSize: 32,
    verification: { kind: 'none' },
    backbone: 'iresnet18',
    width: 0.25,
    embeddingSize: 128,
    // A cosine-softmax classifier (NormFace, Wang et al. 2017, whose classification experiments use s ≈ 16):
    // no margin, because a class margin is a face-verification device, not part of the schedule question.
    margin: 'normface',
    scale: 16,
    lr: 0.1,
    batchSize: 64,
    warmupEpochs: 0,
    checkpointEvery: 200,
    keepCheckpoints: 2,
    evalEvery: 0,
    evalBatchSize: 250,
    progress: 'silent',
    ...(quick ? { width: 0.125, embeddingSize: 32, batchSize: 16, checkpointEvery: 10 } : {}),
  };
}

interface TestSet {
  images: DecodedImage[];
  labels: Int32Array;
  classes: string[];
}

const testSets = new Map<string, Promise<TestSet>>();

/** The first `perClass` images of every class of `<root>/test`, decoded once per process. */
function loadTestSet(root: string, perClass: number, inputSize: number): Promise<TestSet> {
  const key = `${root}:${perClass}:${inputSize}`;
  let set = testSets.get(key);
  if (set === undefined) {
    set = (async () => {
      const listing = await listImageFolder(join(root, 'test'));
      const taken = new Map<number, number>();
      const entries = listing.entries.filter((e) => {
        const n = taken.get(e.label) ?? 0;
        taken.set(e.label, n + 1);
        return n < perClass;
      });
      const images: DecodedImage[] = [];
      for (const e of entries) {
        const decoded = decodeImage(new Uint8Array(await readFile(e.path)), { file: e.path });
        images.push(preprocessImage(decoded, { height: inputSize, width: inputSize, channels: 3 }, e.path));
      }
      return {
        images,
        labels: Int32Array.from(entries, (e) => e.label),
        classes: listing.classes,
      };
    })();
    testSets.set(key, set);
  }
  return set;
}

/**
 * Top-1 accuracy of a checkpoint on `<root>/test`: embeds each image with the backbone (inference mode),
 * and predicts the class whose centre (row of the head) has the largest cosine with it.
 *
 * @param perClass Test images per class (the first ones of each folder). Default all.
 */
export async function cifarTestAccuracy(
  checkpointPath: string,
  root = SHARED_CIFAR10_JPEG,
  perClass = Number.POSITIVE_INFINITY,
): Promise<number> {
  const checkpoint = await readCheckpoint(checkpointPath);
  const config = checkpoint.manifest.config;
  const trainClasses = (await listImageFolder(join(root, 'train'))).classes;
  const test = await loadTestSet(root, perClass, config.inputSize);
  if (test.classes.join('/') !== trainClasses.join('/')) {
    throw new Error(`${root}: train/ and test/ hold different classes`);
  }
  const entry = checkpoint.manifest.head;
  const [classes, dim] = entry.shape as [number, number];
  const centres = checkpoint.tensors.subarray(entry.offset, entry.offset + classes * dim);
  const model = buildBackbone(config, config.seed);
  let embedded: { embeddings: Float32Array; dim: number };
  try {
    restoreBackbone(checkpoint, model);
    embedded = await embedImages(model, test.images, { batchSize: config.evalBatchSize });
  } finally {
    model.dispose();
  }
  const norms = Array.from({ length: classes }, (_, c) =>
    Math.hypot(...centres.subarray(c * dim, (c + 1) * dim)),
  );
  let correct = 0;
  test.labels.forEach((label, i) => {
    const e = embedded.embeddings.subarray(i * dim, (i + 1) * dim);
    let best = -1;
    let bestCos = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < classes; c++) {
      let dot = 0;
      for (let k = 0; k < dim; k++) dot += e[k]! * centres[c * dim + k]!;
      // |e| is the same for every class: it does not change the argmax.
      const cos = dot / norms[c]!;
      if (cos > bestCos) {
        bestCos = cos;
        best = c;
      }
    }
    if (best === label) correct++;
  });
  return correct / test.labels.length;
}

/**
 * Runs (or resumes) every arm × seed, scores each on the test images, then writes `results.json` (per-run
 * summaries, per-arm mean ± spread of test accuracy) and the loss / learning-rate / detector-signal PNGs of
 * the first seed.
 */
export async function runMhlrCifarClaim(options: MhlrCifarOptions = {}) {
  const quick = options.quick ?? false;
  const root = options.root ?? SHARED_CIFAR10_JPEG;
  const epochs = options.epochs ?? (quick ? 0.1 : 30);
  const seeds = options.seeds ?? (quick ? [0] : [0, 1, 2]);
  const perClass = options.testPerClass ?? (quick ? 20 : Number.POSITIVE_INFINITY);
  const resultsDir = options.results ?? 'claims/results/mhlr-cifar';
  const runsDir = options.runs ?? 'runs/claims/mhlr-cifar';
  const base = mhlrCifarConfig(quick, root);
  const evaluate: RunEvaluator = async (checkpoint) => ({
    accuracy: await cifarTestAccuracy(checkpoint, root, perClass),
    foldStd: 0,
    tarAtFar: [],
  });
  const outcomes = await runMhlrArms({
    base,
    epochs,
    seeds,
    runs: runsDir,
    evaluate,
    ...(options.backend !== undefined ? { backend: options.backend } : {}),
    ...(options.log !== undefined ? { log: options.log } : {}),
  });
  // No verification pairs here: drop the TAR@FAR fields of the face aggregate.
  const arms = aggregateMhlrArms(outcomes).map(({ tarAtFar01: _a, tarAtFar001: _b, accuracy, ...rest }) => ({
    ...rest,
    testAccuracy: accuracy,
  }));
  const runs = outcomes.map(({ summary: { tarAtFar: _t, foldStd: _f, accuracy, ...rest } }) => ({
    ...rest,
    testAccuracy: accuracy,
  }));
  await mkdir(resultsDir, { recursive: true });
  const { data: _data, out: _out, seed: _seed, ...shared } = base;
  const testImages = (await loadTestSet(root, perClass, base.inputSize)).images.length;
  await writeFile(
    join(resultsDir, 'results.json'),
    JSON.stringify(
      {
        experiment: 'mhlr-cifar',
        fullBudgetEpochs: epochs,
        seeds,
        data: 'cifar10-jpeg train/ (5000 images), test/',
        testImages,
        config: shared,
        arms,
        runs,
      },
      null,
      1,
    ),
  );
  await writeMhlrCharts(resultsDir, outcomes, seeds[0]!);
  return { arms, runs, testImages, meanSecondsPerStep: secondsPerStep(outcomes) };
}

/** Mean and spread over runs of the mean logged step time, seconds (the figure that sizes a budget). */
function secondsPerStep(outcomes: Awaited<ReturnType<typeof runMhlrArms>>) {
  return meanSpread(outcomes.map((o) => o.summary.wallSeconds / Math.max(1, o.steps.length)));
}

if (process.argv[1] !== undefined && import.meta.url.endsWith(process.argv[1].replace(/^.*[\\/]/, ''))) {
  const { values } = parseArgs({
    args: process.argv.slice(2).filter((a) => a !== '--'),
    strict: true,
    options: {
      quick: { type: 'boolean', default: false },
      epochs: { type: 'string' },
      seeds: { type: 'string' },
      root: { type: 'string' },
      results: { type: 'string' },
      runs: { type: 'string' },
    },
  });
  const root = values.root ?? SHARED_CIFAR10_JPEG;
  if (!sharedCifarPresent(root)) {
    process.stderr.write(`CIFAR-10 JPEG subset not found at ${root} (train/ and test/)\n`);
    process.exit(1);
  }
  const result = await runMhlrCifarClaim({
    quick: values.quick,
    root,
    ...(values.epochs !== undefined ? { epochs: Number(values.epochs) } : {}),
    ...(values.seeds !== undefined ? { seeds: values.seeds.split(',').map(Number) } : {}),
    ...(values.results !== undefined ? { results: values.results } : {}),
    ...(values.runs !== undefined ? { runs: values.runs } : {}),
  });
  for (const arm of result.arms) process.stdout.write(JSON.stringify({ figure: 'arm', ...arm }) + '\n');
  process.stdout.write(JSON.stringify({ figure: 'seconds-per-step', ...result.meanSecondsPerStep }) + '\n');
}
