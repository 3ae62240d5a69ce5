export { softmaxLogits } from './logits/softmax';
export type { SoftmaxOptions } from './logits/softmax';
export { normFaceLogits } from './logits/norm-face';
export type { NormFaceOptions } from './logits/norm-face';
export { sphereFaceLogits, sphereFaceLambda } from './logits/sphere-face';
export type { SphereFaceOptions, SphereFaceLambdaOptions } from './logits/sphere-face';
export { cosFaceLogits } from './logits/cos-face';
export type { CosFaceOptions } from './logits/cos-face';
export { arcFaceLogits } from './logits/arc-face';
export type { ArcFaceOptions } from './logits/arc-face';
export { combinedMarginLogits } from './logits/combined-margin';
export type { CombinedMarginOptions } from './logits/combined-margin';
export { x2SoftmaxLogits } from './logits/x2-softmax';
export type { X2SoftmaxOptions } from './logits/x2-softmax';
export { curricularFaceLogits, curricularFaceUpdate } from './logits/curricular-face';
export type { CurricularFaceOptions, CurricularFaceUpdateOptions } from './logits/curricular-face';
export { magFaceLogits, magFaceRegularizer } from './logits/mag-face';
export type { MagFaceOptions, MagFaceNormOptions, MagFaceRegularizerOptions } from './logits/mag-face';
export { adaCosLogits, adaCosScale, adaCosInitialScale } from './logits/ada-cos';
export type { AdaCosOptions } from './logits/ada-cos';
export { subCenterArcFaceLogits } from './logits/sub-center';
export type { SubCenterArcFaceOptions } from './logits/sub-center';
export { interClassFilter } from './logits/inter-class-filter';
export type { InterClassFilterOptions } from './logits/inter-class-filter';
export { MarginOptionError, ACOS_EPSILON } from './logits/shared';
export type { MarginGradient } from './logits/shared';

export { marginCrossEntropy, MIN_TARGET_PROBABILITY } from './loss/cross-entropy';

export { cosineLogits } from './head/cosine-logits';
export { MarginHead, CLASS_CENTER_INIT_STDDEV } from './head/margin-head';
export type { MarginHeadArgs, MarginHeadMargin } from './head/margin-head';
export { registerMarginLayers } from './register';

export { PartialFC, samplePartialFCClasses } from './partial-fc/partial-fc';
export type {
  MarginFunction,
  PartialFCOptions,
  PartialFCSample,
  PartialFCStepOptions,
} from './partial-fc/partial-fc';
