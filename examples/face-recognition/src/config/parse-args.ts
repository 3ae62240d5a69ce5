import { parseArgs } from 'node:util';

import type {
  BackboneName,
  BackendName,
  FaceConfig,
  MarginName,
  OptimizerName,
  SchedulerName,
  VerificationSource,
} from './face-config';
import { FACE_PRESETS, facePreset } from './presets';

/** Thrown for a bad command line; the message names the flag and the value. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

export const BACKBONES: readonly BackboneName[] = [
  'iresnet18',
  'iresnet34',
  'iresnet50',
  'iresnet100',
  'iresnet200',
  'mobilefacenet',
];
export const MARGINS: readonly MarginName[] = [
  'x2softmax',
  'arcface',
  'cosface',
  'combined',
  'normface',
  'magface',
  'adacos',
  'curricularface',
  'subcenter',
];
export const SCHEDULERS: readonly SchedulerName[] = [
  'mhlr',
  'fastface',
  'poly',
  'multistep',
  'cosine',
  'constant',
];
const OPTIMIZERS: readonly OptimizerName[] = ['sgd', 'adamw'];
const BACKENDS: readonly BackendName[] = ['wasm', 'cpu', 'tensorflow', 'auto'];
const PROGRESS = ['auto', 'bar', 'lines', 'silent'] as const;

export const USAGE = `Usage: pnpm start -- [train] --data <dir|train.rec> [--preset <name>] [options]
       pnpm start -- eval --checkpoint <dir> (--val-bin <file> | --val-pairs <pairs.txt> --val-lfw-root <dir>
                          | --data <dir> --val-held-out <n>) [--export <file.npy>]

Presets: ${Object.keys(FACE_PRESETS).join(', ')}   (default orl-tiny)

Data
  --data <path>             identity-per-folder images (ORL, LFW, ImageFolder) or an insightface train.rec;
                            repeat for several image trees (identities kept distinct per tree)
  --max-identities <n>      use the first n identities only (0 = all)
  --input-size <px>         square input side, multiple of 16
  --no-flip                 no random horizontal flip
Verification (held out)
  --val-bin <file>          insightface verification pack (lfw.bin, cfp_fp.bin, agedb_30.bin)
  --val-pairs <pairs.txt>   LFW View-2 pairs, with --val-lfw-root <dir> (the LFW image folder)
  --val-held-out <n>        hold n identities of --data out and build 10 folds of pairs over them
  --val-pairs-per-fold <n>  matched (and as many mismatched) pairs per fold for --val-held-out
  --val-split-seed <n>      seed of the held-out identities and pairs (default: --seed)
  --no-val                  no verification
Model
  --backbone <name>         ${BACKBONES.join(' | ')}
  --width <x>               IResNet channel multiplier (1 = insightface)
  --embedding <n>           embedding size
  --dropout <p>             dropout before the embedding layer
  --pretrained <file.pth>   start from an insightface backbone state dict
Head
  --margin <name>           ${MARGINS.join(' | ')}
  --scale <s>               logit scale
  --m <x>                   ArcFace / CosFace margin; combined: m2
  --m1 <x> --m3 <x>         combined margin m1 (angle factor) and m3 (cosine margin)
  --sub-centers <k>         sub-center ArcFace's K (3)
  --sample-rate <r>         Partial FC class sample rate in (0, 1]
Optimisation
  --optimizer <sgd|adamw>   SGD momentum + weight decay (arcface_torch) or AdamW
  --lr <x> --momentum <x> --weight-decay <x>
  --clip-grad <x>           backbone global-norm clip, 0 = off
  --batch-size <n> --epochs <n>
  --scheduler <name>        ${SCHEDULERS.join(' | ')}
  --warmup-epochs <x> --milestones <e1,e2,...> --gamma <x>
  --seed <n>
Run
  --out <dir>               run folder (log.jsonl, checkpoints/, charts/)
  --checkpoint-every <n>    steps, 0 = only at the end
  --keep-checkpoints <n>
  --eval-every <n>          steps, 0 = only at the end
  --eval-batch-size <n>
  --max-steps <n>           stop after n steps (the schedule still spans all epochs)
  --resume                  continue from the newest checkpoint in --out
  --backend <b>             ${BACKENDS.join(' | ')}   (auto: tensorflow if set up, else wasm)
  --progress <mode>         ${PROGRESS.join(' | ')}
                            (--backend, --progress and --eval-batch-size work with eval too)
Eval
  --checkpoint <dir>        a checkpoint folder (…/checkpoints/step-000100)
  --no-flip-tta             embed originals only (default: flip-sum, insightface "Accuracy-Flip")
  --export <file.npy>       write the embeddings [2·pairs, dim] as float32 .npy
`;

/** A parsed `train` command. */
export interface TrainCommand {
  command: 'train';
  config: FaceConfig;
  resume: boolean;
}

/** A parsed `eval` command. */
export interface EvalCommand {
  command: 'eval';
  checkpoint: string;
  /** For `held-out` pairs: the image folder(s) the run trained on. */
  data: FaceConfig['data'];
  verification: VerificationSource;
  flipTta: boolean;
  exportPath: string;
  batchSize: number;
  backend: BackendName;
  /** `--progress`: accepted by both commands so one run script can pass the same run flags. */
  progress: (typeof PROGRESS)[number];
}

/** What {@link parseFaceArgs} returns. */
export type FaceCommand = TrainCommand | EvalCommand | { command: 'help' };

function int(flag: string, text: string | undefined, fallback: number, min = 1): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isInteger(v) || v < min) {
    throw new UsageError(`--${flag} must be an integer >= ${min}, got '${text}'`);
  }
  return v;
}

function num(flag: string, text: string | undefined, fallback: number, min: number, max: number): number {
  if (text === undefined) return fallback;
  const v = Number(text);
  if (text.trim() === '' || !Number.isFinite(v) || v < min || v > max) {
    throw new UsageError(`--${flag} must be a number in [${min}, ${max}], got '${text}'`);
  }
  return v;
}

function choice<T extends string>(
  flag: string,
  text: string | undefined,
  allowed: readonly T[],
  fallback: T,
): T {
  if (text === undefined) return fallback;
  if (!(allowed as readonly string[]).includes(text)) {
    throw new UsageError(`--${flag} must be one of ${allowed.join(', ')}, got '${text}'`);
  }
  return text as T;
}

const STRING_FLAGS = [
  'preset',
  'data',
  'max-identities',
  'input-size',
  'val-bin',
  'val-pairs',
  'val-lfw-root',
  'val-held-out',
  'val-pairs-per-fold',
  'val-split-seed',
  'backbone',
  'width',
  'embedding',
  'dropout',
  'pretrained',
  'margin',
  'scale',
  'm',
  'm1',
  'm3',
  'sample-rate',
  'sub-centers',
  'optimizer',
  'lr',
  'momentum',
  'weight-decay',
  'clip-grad',
  'batch-size',
  'epochs',
  'scheduler',
  'warmup-epochs',
  'milestones',
  'gamma',
  'seed',
  'out',
  'checkpoint-every',
  'keep-checkpoints',
  'eval-every',
  'eval-batch-size',
  'max-steps',
  'backend',
  'progress',
  'checkpoint',
  'export',
] as const;
const BOOLEAN_FLAGS = ['no-flip', 'no-val', 'resume', 'no-flip-tta', 'help'] as const;

const TRAIN_ONLY = new Set<string>([
  'preset',
  'max-identities',
  'input-size',
  'no-flip',
  'no-val',
  'backbone',
  'width',
  'embedding',
  'dropout',
  'pretrained',
  'margin',
  'scale',
  'm',
  'm1',
  'm3',
  'sample-rate',
  'sub-centers',
  'optimizer',
  'lr',
  'momentum',
  'weight-decay',
  'clip-grad',
  'epochs',
  'scheduler',
  'warmup-epochs',
  'milestones',
  'gamma',
  'seed',
  'out',
  'checkpoint-every',
  'keep-checkpoints',
  'eval-every',
  'max-steps',
  'resume',
]);
const EVAL_ONLY = new Set<string>(['checkpoint', 'export', 'no-flip-tta']);

type Values = Partial<Record<Exclude<(typeof STRING_FLAGS)[number], 'data'>, string>> & {
  data?: string[];
} & Partial<Record<'val-split-seed', string>> &
  Partial<Record<(typeof BOOLEAN_FLAGS)[number], boolean>>;

function verificationFrom(values: Values, fallback: VerificationSource): VerificationSource {
  const given = [values['val-bin'], values['val-pairs'], values['val-held-out'], values['no-val']].filter(
    (v) => v !== undefined,
  );
  if (given.length > 1) {
    throw new UsageError('give at most one of --val-bin, --val-pairs, --val-held-out, --no-val');
  }
  if (values['val-lfw-root'] !== undefined && values['val-pairs'] === undefined) {
    throw new UsageError('--val-lfw-root needs --val-pairs <pairs.txt>');
  }
  const perFoldFallback = fallback.kind === 'held-out' ? fallback.pairsPerFold : 10;
  if (
    values['val-pairs-per-fold'] !== undefined &&
    values['val-held-out'] === undefined &&
    fallback.kind !== 'held-out'
  ) {
    throw new UsageError('--val-pairs-per-fold needs --val-held-out <n>');
  }
  if (values['no-val'] === true) return { kind: 'none' };
  if (values['val-bin'] !== undefined) return { kind: 'bin', path: values['val-bin'] };
  if (values['val-pairs'] !== undefined) {
    if (values['val-lfw-root'] === undefined) {
      throw new UsageError(
        '--val-pairs needs --val-lfw-root <dir> (the LFW image folder, Name/Name_0001.jpg)',
      );
    }
    return { kind: 'lfw-pairs', pairsPath: values['val-pairs'], imageRoot: values['val-lfw-root'] };
  }
  if (values['val-held-out'] !== undefined || values['val-pairs-per-fold'] !== undefined) {
    const splitSeed =
      values['val-split-seed'] !== undefined
        ? int('val-split-seed', values['val-split-seed'], 0, 0)
        : fallback.kind === 'held-out'
          ? fallback.splitSeed
          : undefined;
    const fallbackIds = fallback.kind === 'held-out' ? fallback.identities : 10;
    return {
      kind: 'held-out',
      identities: int('val-held-out', values['val-held-out'], fallbackIds, 2),
      pairsPerFold: int('val-pairs-per-fold', values['val-pairs-per-fold'], perFoldFallback, 1),
      ...(splitSeed !== undefined ? { splitSeed } : {}),
    };
  }
  return fallback;
}

/**
 * Parses the command line of the face-recognition CLI: `train` (default) with a preset and overrides, or
 * `eval` of a checkpoint. Unknown flags, flags of the other command and bad values are rejected.
 *
 * @param argv Arguments after the script name.
 * @throws UsageError naming the flag at fault.
 * @example
 * parseFaceArgs(['--preset', 'orl-tiny', '--data', 'orl', '--lr', '0.1']).command; // 'train'
 */
export function parseFaceArgs(argv: readonly string[]): FaceCommand {
  let args = [...argv];
  if (args[0] === '--') args = args.slice(1);
  let command: 'train' | 'eval' = 'train';
  if (args[0] === 'train' || args[0] === 'eval') {
    command = args[0];
    args = args.slice(1);
  }
  let values: Values;
  try {
    const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {};
    for (const f of STRING_FLAGS) options[f] = { type: 'string' };
    // Several image trees train together (identities kept apart per tree): `--data a --data b`.
    options['data'] = { type: 'string', multiple: true };
    for (const f of BOOLEAN_FLAGS) options[f] = { type: 'boolean' };
    values = parseArgs({ args, strict: true, allowPositionals: false, options }).values;
  } catch (error) {
    throw new UsageError((error as Error).message);
  }
  if (values.help === true) return { command: 'help' };
  const wrong = command === 'train' ? EVAL_ONLY : TRAIN_ONLY;
  for (const key of Object.keys(values)) {
    if (wrong.has(key)) throw new UsageError(`--${key} is not an option of '${command}'`);
  }

  if (command === 'eval') {
    if (values.checkpoint === undefined) throw new UsageError("'eval' needs --checkpoint <dir>");
    const verification = verificationFrom(values, { kind: 'none' });
    if (verification.kind === 'none') {
      throw new UsageError(
        "'eval' needs --val-bin, --val-pairs (with --val-lfw-root) or --val-held-out with --data",
      );
    }
    if (verification.kind === 'held-out' && values.data === undefined) {
      throw new UsageError('--val-held-out needs --data <image folder>');
    }
    return {
      command: 'eval',
      checkpoint: values.checkpoint,
      data: values.data === undefined ? '' : values.data.length === 1 ? values.data[0]! : values.data,
      verification,
      flipTta: values['no-flip-tta'] !== true,
      exportPath: values.export ?? '',
      batchSize:
        values['eval-batch-size'] !== undefined
          ? int('eval-batch-size', values['eval-batch-size'], 64)
          : int('batch-size', values['batch-size'], 64),
      backend: choice('backend', values.backend, BACKENDS, 'auto'),
      progress: choice('progress', values.progress, PROGRESS, 'auto'),
    };
  }

  let base: FaceConfig;
  try {
    base = facePreset(values.preset ?? 'orl-tiny');
  } catch (error) {
    throw new UsageError(`--preset: ${(error as Error).message}`);
  }
  const milestones =
    values.milestones === undefined
      ? base.milestones
      : values.milestones.split(',').map((t) => num('milestones', t, 0, 0, Number.MAX_SAFE_INTEGER));
  const config: FaceConfig = {
    ...base,
    data: values.data === undefined ? base.data : values.data.length === 1 ? values.data[0]! : values.data,
    maxIdentities: int('max-identities', values['max-identities'], base.maxIdentities, 0),
    inputSize: int('input-size', values['input-size'], base.inputSize, 16),
    flip: values['no-flip'] === true ? false : base.flip,
    verification: verificationFrom(values, base.verification),
    backbone: choice('backbone', values.backbone, BACKBONES, base.backbone),
    width: num('width', values.width, base.width, 1e-3, 16),
    embeddingSize: int('embedding', values.embedding, base.embeddingSize),
    dropout: num('dropout', values.dropout, base.dropout, 0, 0.99),
    pretrained: values.pretrained ?? base.pretrained,
    margin: choice('margin', values.margin, MARGINS, base.margin),
    scale: num('scale', values.scale, base.scale, 1e-3, 1e4),
    marginM: num('m', values.m, base.marginM, 0, 3.2),
    marginM1: num('m1', values.m1, base.marginM1, 0, 10),
    marginM3: num('m3', values.m3, base.marginM3, 0, 2),
    sampleRate: num('sample-rate', values['sample-rate'], base.sampleRate, 1e-6, 1),
    ...(values['sub-centers'] !== undefined || base.subCenters !== undefined
      ? { subCenters: int('sub-centers', values['sub-centers'], base.subCenters ?? 3, 1) }
      : {}),
    optimizer: choice('optimizer', values.optimizer, OPTIMIZERS, base.optimizer),
    lr: num('lr', values.lr, base.lr, 0, 100),
    momentum: num('momentum', values.momentum, base.momentum, 0, 0.9999),
    weightDecay: num('weight-decay', values['weight-decay'], base.weightDecay, 0, 10),
    clipGradNorm: num('clip-grad', values['clip-grad'], base.clipGradNorm, 0, 1e9),
    batchSize: int('batch-size', values['batch-size'], base.batchSize, 2),
    epochs: num('epochs', values.epochs, base.epochs, 1e-6, 1e6),
    scheduler: choice('scheduler', values.scheduler, SCHEDULERS, base.scheduler),
    warmupEpochs: num('warmup-epochs', values['warmup-epochs'], base.warmupEpochs, 0, 1e6),
    milestones,
    gamma: num('gamma', values.gamma, base.gamma, 0, 1),
    seed: int('seed', values.seed, base.seed, 0),
    out: values.out ?? base.out,
    checkpointEvery: int('checkpoint-every', values['checkpoint-every'], base.checkpointEvery, 0),
    keepCheckpoints: int('keep-checkpoints', values['keep-checkpoints'], base.keepCheckpoints, 1),
    evalEvery: int('eval-every', values['eval-every'], base.evalEvery, 0),
    evalBatchSize: int('eval-batch-size', values['eval-batch-size'], base.evalBatchSize, 1),
    maxSteps: int('max-steps', values['max-steps'], base.maxSteps, 0),
    backend: choice('backend', values.backend, BACKENDS, base.backend),
    progress: choice('progress', values.progress, PROGRESS, base.progress),
  };
  if (config.inputSize % 16 !== 0)
    throw new UsageError(`--input-size must be a multiple of 16, got ${config.inputSize}`);
  if (config.data === '') throw new UsageError('--data <dir|train.rec> is required for training');
  return { command: 'train', config, resume: values.resume === true };
}
