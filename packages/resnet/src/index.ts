import { registerResnetLayers } from './register';

registerResnetLayers();

export { registerResnetLayers } from './register';

export {
  iresnet,
  iresnet18,
  iresnet34,
  iresnet50,
  iresnet100,
  iresnet200,
  IRESNET_BLOCKS,
  IRESNET_STAGE_WIDTHS,
  IRESNET_CONV_INIT_STD,
} from './iresnet/iresnet';
export type { IResNetDepth, IResNetOptions, IResNetPresetOptions } from './iresnet/iresnet';
export { iBasicBlock, PRELU_INITIAL_SLOPE } from './iresnet/ibasic-block';
export type { IBasicBlockOptions } from './iresnet/ibasic-block';

export { mobileFaceNet, MOBILE_FACE_NET_PRESETS } from './mobile-face-net/mobile-face-net';
export type { MobileFaceNetOptions, MobileFaceNetVariant } from './mobile-face-net/mobile-face-net';

export {
  TorchBatchNorm,
  TORCH_BATCH_NORM_EPSILON,
  TORCH_BATCH_NORM_MOMENTUM,
} from './layers/torch-batch-norm';
export type { TorchBatchNormArgs } from './layers/torch-batch-norm';
export { GroupedConv2D } from './layers/grouped-conv2d';
export type { GroupedConv2DArgs } from './layers/grouped-conv2d';

export { loadTorchWeights, TorchWeightsError } from './torch-weights/load-torch-weights';
export type {
  LoadTorchWeightsOptions,
  LoadTorchWeightsResult,
  TorchStateDict,
  TorchStateTensor,
} from './torch-weights/load-torch-weights';

export { modelStats } from './model-stats/model-stats';
export type { ModelStats } from './model-stats/model-stats';
export { iresnetStats, mobileFaceNetStats } from './model-stats/backbone-stats';
