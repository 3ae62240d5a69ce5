import type { FaceConfig } from './face-config';

/** Settings shared by every preset unless it overrides them (arcface_torch `configs/base.py`). */
const BASE: Omit<FaceConfig, 'preset'> = {
  data: '',
  maxIdentities: 0,
  inputSize: 112,
  flip: true,
  verification: { kind: 'none' },
  backbone: 'iresnet50',
  width: 1,
  embeddingSize: 512,
  dropout: 0,
  pretrained: '',
  margin: 'x2softmax',
  scale: 64,
  marginM: 0.5,
  marginM1: 1,
  marginM3: 0,
  sampleRate: 1,
  optimizer: 'sgd',
  // arcface_torch: SGD, momentum 0.9 (hard-coded), weight decay 5e-4 on all parameters.
  lr: 0.1,
  momentum: 0.9,
  weightDecay: 5e-4,
  clipGradNorm: 5,
  batchSize: 128,
  epochs: 20,
  scheduler: 'poly',
  warmupEpochs: 0,
  milestones: [],
  gamma: 0.1,
  seed: 2048,
  out: 'runs/face',
  checkpointEvery: 2000,
  keepCheckpoints: 2,
  evalEvery: 2000,
  evalBatchSize: 64,
  maxSteps: 0,
  backend: 'auto',
  progress: 'auto',
};

/**
 * Named starting points. The arcface_torch ones mirror `recognition/arcface_torch/configs/*.py` (one GPU:
 * lr 0.02 for batch 128, mhlr.md §5.2); the FastFace one mirrors `amoonfana/FastFace configs` (mhlr.md
 * §5.1); the X2-Softmax one mirrors `XieZixiUSTC/X2-Softmax configuration.py`. The `orl-*` presets are
 * sized for a 2-core CPU and the AT&T (ORL) faces. Every field can be overridden on the command line.
 */
export const FACE_PRESETS: Readonly<Record<string, FaceConfig>> = {
  // arcface_torch configs/ms1mv3_r50_onegpu.py: ArcFace (1, 0.5, 0), s 64, emb 512, batch 128, lr 0.02,
  // 20 epochs, PolynomialLRWarmup (power 1, no warm-up), clip 5, evaluation every 2000 steps.
  ms1mv3_r50_onegpu: {
    ...BASE,
    preset: 'ms1mv3_r50_onegpu',
    backbone: 'iresnet50',
    margin: 'arcface',
    marginM: 0.5,
    lr: 0.02,
    epochs: 20,
    scheduler: 'poly',
    out: 'runs/ms1mv3_r50_onegpu',
  },
  // Same recipe with IResNet-100 (configs/ms1mv3_r100.py at one-GPU lr).
  ms1mv3_r100_onegpu: {
    ...BASE,
    preset: 'ms1mv3_r100_onegpu',
    backbone: 'iresnet100',
    margin: 'arcface',
    marginM: 0.5,
    lr: 0.02,
    epochs: 20,
    scheduler: 'poly',
    out: 'runs/ms1mv3_r100_onegpu',
  },
  // arcface_torch configs/wf4m_r100.py semantics (CosFace (1, 0, 0.4)) trained the FastFace way:
  // 5 epochs, lr 0.02, MHLR v1 every iteration, clip 5 on the backbone.
  wf4m_r100_mhlr: {
    ...BASE,
    preset: 'wf4m_r100_mhlr',
    backbone: 'iresnet100',
    margin: 'cosface',
    marginM: 0.4,
    lr: 0.02,
    epochs: 5,
    scheduler: 'mhlr',
    seed: 3407,
    out: 'runs/wf4m_r100_mhlr',
  },
  // X2-Softmax paper setting: IResNet-50, lr 0.1, MultiStep x0.1 at epochs 8, 14, 20, 25; 20 epochs run.
  x2softmax_r50: {
    ...BASE,
    preset: 'x2softmax_r50',
    backbone: 'iresnet50',
    margin: 'x2softmax',
    lr: 0.1,
    epochs: 20,
    scheduler: 'multistep',
    milestones: [8, 14, 20, 25],
    out: 'runs/x2softmax_r50',
  },
  // A few seconds on 2 CPU cores: tests and smoke runs on ORL (30 training identities, 10 held out).
  'orl-tiny': {
    ...BASE,
    preset: 'orl-tiny',
    inputSize: 32,
    // s = 32, not 64: marginCrossEntropy's 1e-30 floor cuts the gradient of rows whose target probability
    // is below it, which at s = 64 is every row of a freshly initialised small network.
    scale: 32,
    verification: { kind: 'held-out', identities: 10, pairsPerFold: 10 },
    backbone: 'iresnet18',
    width: 0.125,
    embeddingSize: 32,
    lr: 0.05,
    batchSize: 16,
    epochs: 2,
    seed: 0,
    out: 'runs/orl-tiny',
    checkpointEvery: 10,
    evalEvery: 0,
    evalBatchSize: 40,
  },
  // Minutes on 2 CPU cores: the MHLR-claim experiment's backbone (IResNet-18 at width 1/4, 64x64).
  'orl-small': {
    ...BASE,
    preset: 'orl-small',
    inputSize: 64,
    scale: 32,
    verification: { kind: 'held-out', identities: 10, pairsPerFold: 20 },
    backbone: 'iresnet18',
    width: 0.25,
    embeddingSize: 128,
    lr: 0.1,
    batchSize: 32,
    epochs: 40,
    seed: 0,
    out: 'runs/orl-small',
    checkpointEvery: 100,
    evalEvery: 0,
    evalBatchSize: 50,
  },
};

/** Thrown for an unknown preset name; lists the known ones. */
export class UnknownPresetError extends Error {
  override readonly name = 'UnknownPresetError';
}

/**
 * A fresh copy of a preset.
 *
 * @param name One of {@link FACE_PRESETS}' keys, e.g. `'orl-tiny'` or `'ms1mv3_r50_onegpu'`.
 * @example
 * const config = { ...facePreset('orl-tiny'), data: '/data/orl', steps: 20 };
 */
export function facePreset(name: string): FaceConfig {
  const preset = FACE_PRESETS[name];
  if (preset === undefined) {
    throw new UnknownPresetError(`unknown preset '${name}' (known: ${Object.keys(FACE_PRESETS).join(', ')})`);
  }
  return structuredClone(preset);
}
