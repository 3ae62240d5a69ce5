import { registerGanLayers } from './register';

registerGanLayers();

export { registerGanLayers } from './register';
export { GanOptionError } from './internal/validate';

// Layers
export { Involution2D, INVOLUTION_GROUP_CHANNELS, INVOLUTION_REDUCTION } from './layers/involution-2d';
export type { Involution2DArgs } from './layers/involution-2d';
export { SqueezeExcitation, SE_REDUCTION } from './layers/squeeze-excitation';
export type { SqueezeExcitationArgs } from './layers/squeeze-excitation';
export { RepresentativeBatchNorm } from './layers/representative-batch-norm';
export type { RepresentativeBatchNormArgs } from './layers/representative-batch-norm';
export { GIUModule, GIU_WIRINGS } from './layers/giu-module';
export type { GIUModuleArgs, GIUOrder, GIUResidual } from './layers/giu-module';
export { TwiceDifferentiableLeakyReLU } from './layers/leaky-relu';
export type { TwiceDifferentiableLeakyReLUArgs } from './layers/leaky-relu';
export { SelfAttention, SAGAN_ATTENTION_REDUCTION } from './layers/self-attention';
export type { SelfAttentionArgs } from './layers/self-attention';
export { spectralNormalize } from './layers/spectral-normalization';
export { SpectralConv2D } from './layers/spectral-conv-2d';
export { DCGAN_INIT_STDDEV } from './layers/spectral-layer';
export type { SpectralConv2DArgs } from './layers/spectral-conv-2d';
export { SpectralDense } from './layers/spectral-dense';
export type { SpectralDenseArgs } from './layers/spectral-dense';

// Models
export { createGenerator32 } from './models/generator-32';
export { createGenerator64 } from './models/generator-64';
export { createDiscriminator32 } from './models/discriminator-32';
export { createDiscriminator64 } from './models/discriminator-64';
export { createGan } from './models/create-gan';
export type { CreateGanOptions, GanModels, GanVariant } from './models/create-gan';
export type {
  AttentionKind,
  DiscriminatorOptions,
  GeneratorNormalization,
  GeneratorOptions,
} from './models/backbone-options';

// Losses
export {
  nonSaturatingLoss,
  hingeLoss,
  wassersteinLoss,
  gradientPenalty,
  ganLoss,
  WGAN_GP_LAMBDA,
} from './losses/gan-losses';
export type { GanLoss, GanLossKind } from './losses/gan-losses';

// Training
export { GanTrainer, SAGAN_ADAM } from './training/gan-trainer';
export type {
  GanCheckpoint,
  GanOptimizer,
  GanStepLog,
  GanTrainerOptions,
  TensorJson,
} from './training/gan-trainer';
export { ExponentialMovingAverage, GENERATOR_EMA_DECAY } from './training/ema';

// Images
export { imageGrid } from './image/image-grid';
export type { ImageGridOptions, RgbaImage } from './image/image-grid';
export { encodePng } from './image/encode-png';
