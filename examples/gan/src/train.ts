import { readFile, writeFile, mkdir } from 'node:fs/promises';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';

import { createGan, GanTrainer, GIU_WIRINGS } from '@frx/giu-gan';
import { createJsonlWriter, loadGanCheckpoint, saveGanCheckpoint, writeSampleGrid } from '@frx/giu-gan/node';
import { createNsfwjsInceptionExtractor, type FeatureExtractor, type FeatureMatrix } from '@frx/metrics';
import { Adam } from '@frx/mhlr';
import {
  createProgress,
  backendSelection,
  createRng,
  initBackend,
  randomNormalTensor,
} from '@frx/tensor-utils';
import { openTensorBoardWriter } from '@frx/tensor-utils/node';

import type { EvalPoint } from './chart';
import { evaluateGenerator, realFeatures } from './evaluation';
import { batchSampler, batchTensor, loadImageSet } from './image-data';
import { writeGanCharts } from './run-charts';
import type { TrainOptions } from './options';

/** What a finished run reports (also written to `<out>/summary.json`). */
export interface RunSummary {
  model: string;
  generatorNorm: string;
  steps: number;
  width: number;
  batchSize: number;
  loss: string;
  generatorParams: number;
  discriminatorParams: number;
  msPerStep: number;
  backend: string;
  extractor: string | null;
  evalSamples: number;
  fid: number | null;
  kid: number | null;
  kidStd: number | null;
  data: string;
}

/** Trains one GAN as configured, writing samples, checkpoints, JSONL metrics, the FID/KID chart and a summary. */
export async function train(
  o: TrainOptions,
  log: (line: string) => void = (l) => process.stderr.write(`${l}\n`),
): Promise<RunSummary> {
  const backend = await initBackend({ backend: o.backend });
  const dataRng = createRng(`data-${o.seed}`);
  const set = await loadImageSet(o.data, o.format, o.resolution, o.limit, o.celebaCrop, dataRng);
  log(`data: ${set.source}; backend ${backend} (${backendSelection()?.reason ?? ''})`);

  const giu = { ...GIU_WIRINGS[o.giuWiring], kernelSize: o.giuKernel };
  const { generator, discriminator } = createGan({
    resolution: o.resolution,
    variant: o.model,
    width: o.width,
    latentDim: o.latentDim,
    giu,
    ...(o.generatorNorm === 'default' ? {} : { generator: { normalization: o.generatorNorm } }),
    seed: o.seed,
  });
  const trainer = new GanTrainer({
    generator,
    discriminator,
    loss: o.loss,
    criticSteps: o.criticSteps,
    emaDecay: o.emaDecay,
    seed: o.seed,
    generatorOptimizer: new Adam({ learningRate: o.lrG, beta1: 0, beta2: 0.9 }),
    discriminatorOptimizer: new Adam({ learningRate: o.lrD, beta1: 0, beta2: 0.9 }),
  });
  const checkpointPath = join(o.out, 'checkpoint.json');
  const evalsPath = join(o.out, 'evals.json');
  let evals: EvalPoint[] = [];
  if (o.resume) {
    trainer.loadCheckpoint(await loadGanCheckpoint(checkpointPath));
    evals = JSON.parse(await readFile(evalsPath, 'utf8').catch(() => '[]')) as EvalPoint[];
    log(`resumed from ${checkpointPath} at step ${trainer.step}`);
  }
  await mkdir(o.out, { recursive: true });
  await writeFile(join(o.out, 'options.json'), JSON.stringify(o, null, 2));
  const metrics = createJsonlWriter(join(o.out, 'metrics.jsonl'));
  // TensorBoard event files beside metrics.jsonl, on the native backend (tensorboard --logdir <out>/tensorboard).
  const board = await openTensorBoardWriter(join(o.out, 'tensorboard'));
  // The data order is a function of the batch index, not of a stream the checkpoint would have to carry: a
  // resumed run skips the batches already drawn and sees what an uninterrupted run would.
  const nextBatch = batchSampler(set.count, o.batchSize, `batches-${o.seed}`, trainer.step * o.criticSteps);
  const fixedZ = randomNormalTensor([64, o.latentDim], createRng(`grid-${o.seed}`)) as tf.Tensor2D;

  let extractor: FeatureExtractor | null = null;
  let real: FeatureMatrix | null = null;
  const evaluate = async () => {
    if (o.noEval) return;
    if (!extractor) {
      extractor = await createNsfwjsInceptionExtractor();
      log(`extractor ${extractor.name}: computing ${Math.min(o.evalSamples, set.count)} real features`);
      real = await realFeatures(extractor, set, o.evalSamples, o.seed, o.realFeatures);
    }
    const result = await evaluateGenerator(trainer, extractor, real!, o.evalSamples, o.seed);
    const point = { step: trainer.step, fid: result.fid, kid: result.kid, kidStd: result.kidStd };
    evals = [...evals.filter((e) => e.step !== point.step), point];
    await metrics.write({
      type: 'eval',
      ...point,
      n: result.n,
      extractor: extractor.name,
      ms: Math.round(result.ms),
    });
    board?.scalars({ fid: point.fid, kid: point.kid, kidStd: point.kidStd }, point.step, 'eval');
    await writeFile(evalsPath, JSON.stringify(evals));
    await writeGanCharts(o.out, evals, `${o.model}, ${extractor.name}, N=${result.n}`);
    log(
      `step ${trainer.step}: FID ${result.fid.toFixed(2)}  KID ${result.kid.toExponential(3)} ± ${result.kidStd.toExponential(2)}`,
    );
  };

  const progress = createProgress({ total: o.steps, label: o.model, unit: 'step' });
  progress.update(trainer.step);
  const stepTimes: number[] = [];
  const baseline = tf.memory().numTensors;
  let steadyCount: number | null = null;
  while (trainer.step < o.steps) {
    const batches = Array.from({ length: o.criticSteps }, () => batchTensor(set, nextBatch()));
    const result = await trainer.trainStep(batches);
    tf.dispose(batches);
    stepTimes.push(result.ms);
    const count = tf.memory().numTensors;
    // After the first step (optimiser slots created) the tensor count must not grow.
    if (steadyCount === null) steadyCount = count;
    else if (count > steadyCount)
      throw new Error(
        `tensor leak: ${count - steadyCount} tensors gained by step ${result.step} (${baseline} before training)`,
      );
    await metrics.write({ type: 'step', ...result });
    board?.scalars({ ...result }, result.step, 'train');
    progress.tick(1, { lossD: result.lossD, lossG: result.lossG });
    const step = trainer.step;
    if (step % o.sampleEvery === 0 || step === o.steps) {
      const images = trainer.sample(fixedZ);
      await writeSampleGrid(join(o.out, 'samples', `step-${String(step).padStart(6, '0')}.png`), images, {
        columns: 8,
      });
      images.dispose();
    }
    if (step % o.checkpointEvery === 0 || step === o.steps)
      await saveGanCheckpoint(checkpointPath, trainer.getCheckpoint());
    if (step % o.evalEvery === 0 || step === o.steps) {
      await evaluate();
      // The extractor's weights are loaded on the first evaluation: count from here on.
      steadyCount = tf.memory().numTensors;
    }
  }
  progress.finish();
  const timed = stepTimes.length > 1 ? stepTimes.slice(1) : stepTimes;
  const last = evals.find((e) => e.step === trainer.step) ?? null;
  const summary: RunSummary = {
    model: o.model,
    generatorNorm: o.generatorNorm,
    steps: trainer.step,
    width: o.width,
    batchSize: o.batchSize,
    loss: o.loss,
    generatorParams: generator.countParams(),
    discriminatorParams: discriminator.countParams(),
    msPerStep: timed.length ? timed.reduce((s, v) => s + v, 0) / timed.length : NaN,
    backend,
    extractor: (extractor as FeatureExtractor | null)?.name ?? null,
    evalSamples: o.evalSamples,
    fid: last?.fid ?? null,
    kid: last?.kid ?? null,
    kidStd: last?.kidStd ?? null,
    data: set.source,
  };
  board?.flush();
  await writeGanCharts(o.out, evals, `${o.model}, ${summary.extractor ?? 'no eval'}`);
  await writeFile(join(o.out, 'summary.json'), JSON.stringify(summary, null, 2));
  fixedZ.dispose();
  trainer.dispose();
  generator.dispose();
  discriminator.dispose();
  (extractor as FeatureExtractor | null)?.dispose();
  return summary;
}
