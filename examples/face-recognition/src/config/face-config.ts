/**
 * The full description of one face-recognition training run. Every field has a command-line flag
 * (see `parse-args.ts`); presets (`presets.ts`) fill them in the way insightface arcface_torch's
 * `configs/*.py` do.
 */

/** Backbones of `@frx/resnet` the pipeline can build. */
export type BackboneName =
  'iresnet18' | 'iresnet34' | 'iresnet50' | 'iresnet100' | 'iresnet200' | 'mobilefacenet';

/** Margin heads of `@frx/margin-losses` the pipeline can train with. */
export type MarginName =
  | 'x2softmax'
  | 'arcface'
  | 'cosface'
  | 'combined'
  | 'normface'
  | 'magface'
  | 'adacos'
  | 'curricularface'
  | 'subcenter';

/** Learning-rate schedules of `@frx/mhlr`, by their command-line name. */
export type SchedulerName = 'mhlr' | 'fastface' | 'poly' | 'multistep' | 'cosine' | 'constant';

/** Optimizers of `@frx/mhlr`. */
export type OptimizerName = 'sgd' | 'adamw';

/** Backends `initBackend` of `@frx/tensor-utils` can select. */
export type BackendName = 'wasm' | 'cpu' | 'tensorflow' | 'auto';

/** Where held-out verification pairs come from. */
export type VerificationSource =
  | { kind: 'none' }
  /** An insightface verification pack (`lfw.bin`, `cfp_fp.bin`, `agedb_30.bin`, …). */
  | { kind: 'bin'; path: string }
  /** LFW View-2 `pairs.txt` plus the folder of LFW images (`Name/Name_0001.jpg`). */
  | { kind: 'lfw-pairs'; pairsPath: string; imageRoot: string }
  /** Pairs built over identities held out from the training image folder. */
  | {
      kind: 'held-out';
      identities: number;
      pairsPerFold: number;
      /**
       * Seed of which identities are held out and of the pairs built over them. Default: the run's `seed`.
       * Fix it to compare runs of different seeds on one split.
       */
      splitSeed?: number;
    };

/** One training run. */
export interface FaceConfig {
  /** Preset the run started from (informational). */
  preset: string;
  // --- data
  /**
   * An identity-per-folder image tree or an insightface `train.rec` (with `train.idx` next to it); or
   * several image trees, trained on together with their identities kept apart (`mergeImageFolders`).
   */
  data: string | string[];
  /** Use at most this many identities of the training data (0 = all). */
  maxIdentities: number;
  /** Square input side of the backbone; images are resized (bilinear) to it. */
  inputSize: number;
  /** Random horizontal flip of training images (arcface_torch `RandomHorizontalFlip`). */
  flip: boolean;
  /** Held-out verification. */
  verification: VerificationSource;
  // --- model
  backbone: BackboneName;
  /** Channel width multiplier of IResNet (1 = insightface). */
  width: number;
  embeddingSize: number;
  dropout: number;
  /** insightface `.pth` state dict to start from (`backbone.pth`), or '' for random initialisation. */
  pretrained: string;
  // --- head
  margin: MarginName;
  /** Logit scale s. */
  scale: number;
  /** ArcFace/CosFace m; combined m2 (ArcFace part). */
  marginM: number;
  /** Combined margin m1 (multiplicative angle) and m3 (CosFace part). */
  marginM1: number;
  marginM3: number;
  /** Sub-centres per class of `subcenter` (sub-center ArcFace's K). Default 3. */
  subCenters?: number;
  /** Partial FC class sample rate in (0, 1]; 1 = full softmax. */
  sampleRate: number;
  // --- optimisation
  optimizer: OptimizerName;
  lr: number;
  momentum: number;
  weightDecay: number;
  /** Global-norm gradient clipping of the backbone (arcface_torch: 5); 0 = off. */
  clipGradNorm: number;
  batchSize: number;
  epochs: number;
  scheduler: SchedulerName;
  /**
   * Constants of the loss-driven schedules. `'paper'` (default): FastFace's α = β = 1e-3 and λ = 5e-5 as
   * published, MHLR v1's m = ⌊0.015·T⌋ and threshold 0.06. `'budget'`: FastFace's α, β and λ multiplied by
   * T_ref / T (T_ref = 202,320, the MS1MV3 run they were tuned on; α, β at most 0.5), so its smoothing spans
   * and slope threshold are the same fractions of the run as in the paper; MHLR v1 is unchanged (its window
   * already scales with T, and its threshold 0.06 then means "less than 16 loss units over the whole run").
   */
  schedulerConstants?: 'paper' | 'budget';
  /** Warm-up epochs of `poly`, `cosine` and `multistep`. */
  warmupEpochs: number;
  /** Milestones of `multistep`, in epochs. */
  milestones: number[];
  /** Decay factor of `multistep`. */
  gamma: number;
  seed: number;
  // --- run
  /** Run folder: log.jsonl, checkpoints/, charts/, embeddings. */
  out: string;
  /** Steps between checkpoints (0 = only at the end). */
  checkpointEvery: number;
  /** Checkpoints kept on disk (the newest ones). */
  keepCheckpoints: number;
  /** Steps between verification runs (0 = only at the end). */
  evalEvery: number;
  /** Batch size of embedding for verification. */
  evalBatchSize: number;
  /** Stop after this many steps (0 = the whole schedule); the schedule still spans all epochs. */
  maxSteps: number;
  backend: BackendName;
  /** Progress display of `@frx/tensor-utils`' `createProgress`. */
  progress: 'auto' | 'bar' | 'lines' | 'silent';
}
