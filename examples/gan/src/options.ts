import { parseArgs } from 'node:util';

/** Everything one training run is configured by (all from the command line). */
export interface TrainOptions {
  data: string;
  format: 'auto' | 'cifar-folder' | 'cifar-binary' | 'image-folder';
  resolution: 32 | 64;
  limit: number;
  celebaCrop: number;
  model: 'baseline' | 'giu';
  width: number;
  latentDim: number;
  giuWiring: 'A' | 'B' | 'C' | 'D';
  giuKernel: number;
  /** Generator normalisation override for ablations; 'default' = the model's own (giu: rbn, baseline: batch). */
  generatorNorm: 'default' | 'batch' | 'rbn';
  loss: 'hinge' | 'non-saturating' | 'wgan-gp';
  criticSteps: number;
  batchSize: number;
  steps: number;
  lrG: number;
  lrD: number;
  emaDecay: number;
  seed: number;
  out: string;
  sampleEvery: number;
  checkpointEvery: number;
  evalEvery: number;
  evalSamples: number;
  realFeatures: string | undefined;
  noEval: boolean;
  resume: boolean;
  backend: 'auto' | 'wasm' | 'cpu' | 'tensorflow';
}

export const USAGE = `Usage: pnpm start --data <dir> [options]
       pnpm start compare <runDir> <runDir> ...

Trains a SAGAN-style baseline or a GIU-GAN and evaluates FID/KID (nsfwjs InceptionV3 features,
comparable within this project only).

Data
  --data <dir>            CIFAR-10 JPEG class folders (e.g. cifar10-jpeg/train), the CIFAR-10 binary
                          batches, or a flat folder of images (CelebA)
  --format <f>            auto | cifar-folder | cifar-binary | image-folder       (auto)
  --resolution <32|64>    image size                                    (32; 64 for image-folder)
  --limit <n>             use at most n images (0 = all)                           (0)
  --celeba-crop <px>      centre crop before resizing flat-folder images (CelebA)  (108)
Model
  --model <baseline|giu>  SAGAN-style baseline or GIU-GAN                          (giu)
  --width <w>             base width (full size 64; CPU: 8-16)                     (16)
  --latent-dim <n>                                                                 (128)
  --giu-wiring <A|B|C|D>  GIU module wiring (see @frx/giu-gan GIU_WIRINGS)         (C)
  --giu-kernel <k>        involution kernel size                                   (3)
  --generator-norm <n>    default | batch | rbn: the generator's normalisation, for the
                          ablations RBN without GIU (baseline + rbn) and GIU without RBN
                          (giu + batch)                                            (default)
Training
  --loss <hinge|non-saturating|wgan-gp>                                            (hinge)
  --n-critic <n>          D steps per G step                              (1; 5 for wgan-gp)
  --batch-size <n>                                                                 (64)
  --steps <n>             generator steps                                          (1000)
  --lr-g <x> --lr-d <x>   Adam learning rates, beta (0, 0.9)                       (1e-4, 4e-4)
  --ema <decay>           generator EMA decay, 0 = off                             (0.999)
  --seed <n>                                                                       (0)
Output
  --out <dir>             run folder: samples/, checkpoint.json, metrics.jsonl, chart  (runs/<model>)
  --sample-every <n>      PNG sample grid every n steps                            (100)
  --checkpoint-every <n>                                                           (100)
  --eval-every <n>        FID/KID every n steps (and at the end)                   (500)
  --eval-samples <n>      images per FID/KID evaluation                            (500)
  --real-features <file>  cache of the real images' features (shared between runs)
  --no-eval               skip FID/KID
  --resume                continue from <out>/checkpoint.json
  --backend <b>           auto | wasm | cpu | tensorflow                           (auto)
`;

/** Thrown for a bad command line; the message names the flag. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

function int(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isInteger(v) || v < min)
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${text}'`);
  return v;
}

function num(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (!Number.isFinite(v) || v < min || v > max)
    throw new UsageError(`--${flag} must be a number in [${min}, ${max}], got '${text}'`);
  return v;
}

function choice<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text))
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${text}'`);
  return text as T;
}

/**
 * Drops the `--` that `pnpm start -- …` forwards in front of the arguments (npm drops it, pnpm does not;
 * node:util's parseArgs would take everything after it as positionals).
 */
export function dropPnpmSeparator(argv: readonly string[]): string[] {
  return argv[0] === '--' ? argv.slice(1) : [...argv];
}

/** Parses the training command line. @throws UsageError on unknown flags or bad values. */
export function parseTrainArgs(argv: string[]): TrainOptions {
  let parsed;
  try {
    parsed = parseArgs({
      args: dropPnpmSeparator(argv),
      strict: true,
      allowPositionals: false,
      options: {
        data: { type: 'string' },
        format: { type: 'string' },
        resolution: { type: 'string' },
        limit: { type: 'string' },
        'celeba-crop': { type: 'string' },
        model: { type: 'string' },
        width: { type: 'string' },
        'latent-dim': { type: 'string' },
        'giu-wiring': { type: 'string' },
        'giu-kernel': { type: 'string' },
        'generator-norm': { type: 'string' },
        loss: { type: 'string' },
        'n-critic': { type: 'string' },
        'batch-size': { type: 'string' },
        steps: { type: 'string' },
        'lr-g': { type: 'string' },
        'lr-d': { type: 'string' },
        ema: { type: 'string' },
        seed: { type: 'string' },
        out: { type: 'string' },
        'sample-every': { type: 'string' },
        'checkpoint-every': { type: 'string' },
        'eval-every': { type: 'string' },
        'eval-samples': { type: 'string' },
        'real-features': { type: 'string' },
        'no-eval': { type: 'boolean' },
        resume: { type: 'boolean' },
        backend: { type: 'string' },
      },
    });
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  const v = parsed.values;
  if (!v.data) throw new UsageError('--data <dir> is required');
  const format = choice('format', v.format, ['auto', 'cifar-folder', 'cifar-binary', 'image-folder'], 'auto');
  const resolutionText = v.resolution ?? (format === 'image-folder' ? '64' : '32');
  if (resolutionText !== '32' && resolutionText !== '64')
    throw new UsageError(`--resolution must be 32 or 64, got '${resolutionText}'`);
  const model = choice('model', v.model, ['baseline', 'giu'], 'giu');
  const loss = choice('loss', v.loss, ['hinge', 'non-saturating', 'wgan-gp'], 'hinge');
  const giuKernel = int('giu-kernel', v['giu-kernel'], 3);
  if (giuKernel % 2 === 0) throw new UsageError(`--giu-kernel must be odd, got ${giuKernel}`);
  return {
    data: v.data,
    format,
    resolution: resolutionText === '64' ? 64 : 32,
    limit: int('limit', v.limit, 0, 0),
    celebaCrop: int('celeba-crop', v['celeba-crop'], 108),
    model,
    width: int('width', v.width, 16),
    latentDim: int('latent-dim', v['latent-dim'], 128),
    giuWiring: choice('giu-wiring', v['giu-wiring'], ['A', 'B', 'C', 'D'], 'C'),
    giuKernel,
    generatorNorm: choice('generator-norm', v['generator-norm'], ['default', 'batch', 'rbn'], 'default'),
    loss,
    criticSteps: int('n-critic', v['n-critic'], loss === 'wgan-gp' ? 5 : 1),
    batchSize: int('batch-size', v['batch-size'], 64),
    steps: int('steps', v.steps, 1000),
    lrG: num('lr-g', v['lr-g'], 1e-4, 0, 1),
    lrD: num('lr-d', v['lr-d'], 4e-4, 0, 1),
    emaDecay: num('ema', v.ema, 0.999, 0, 0.999999),
    seed: int('seed', v.seed, 0, 0),
    out: v.out ?? `runs/${model}`,
    sampleEvery: int('sample-every', v['sample-every'], 100),
    checkpointEvery: int('checkpoint-every', v['checkpoint-every'], 100),
    evalEvery: int('eval-every', v['eval-every'], 500),
    evalSamples: int('eval-samples', v['eval-samples'], 500, 2),
    realFeatures: v['real-features'],
    noEval: v['no-eval'] ?? false,
    resume: v.resume ?? false,
    backend: choice('backend', v.backend, ['auto', 'wasm', 'cpu', 'tensorflow'], 'auto'),
  };
}
