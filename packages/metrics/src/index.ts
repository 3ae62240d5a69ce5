export { tenFoldVerification } from './verification/ten-fold';
export type {
  TenFoldOptions,
  ValAtFar,
  VerificationProtocol,
  VerificationResult,
} from './verification/ten-fold';
export { rocCurve, tarAtFar, IJB_FAR_TARGETS } from './verification/roc';
export type { RocCurve, RocOptions, TarAtFar } from './verification/roc';
export { MetricInputError } from './verification/embeddings';
export type { EmbeddingsInput } from './verification/embeddings';

export { accuracy, topKAccuracy, confusionMatrix } from './classification/accuracy';
export type { LabelsInput, ScoresInput } from './classification/accuracy';

// Generative metrics (FID, KID, IS) over pluggable feature extractors
export { frechetInceptionDistance, frechetDistance, gaussianStatistics } from './generative/frechet-distance';
export type { GaussianStatistics } from './generative/frechet-distance';
export { kernelInceptionDistance } from './generative/kernel-inception-distance';
export type { KernelInceptionDistanceOptions, MetricSummary } from './generative/kernel-inception-distance';
export { inceptionScore } from './generative/inception-score';
export type { InceptionScoreOptions } from './generative/inception-score';
export { symmetricEigenvalues } from './generative/symmetric-eigenvalues';
export { GenerativeMetricError, toFeatureMatrix } from './generative/feature-matrix';
export type { FeatureInput, FeatureMatrix } from './generative/feature-matrix';
export { extractFeatures } from './generative/feature-extractor';
export type { ExtractFeaturesOptions, FeatureExtractor } from './generative/feature-extractor';
export {
  createNsfwjsInceptionExtractor,
  NSFWJS_INCEPTION_NAME,
  INCEPTION_INPUT_SIZE,
} from './generative/nsfwjs-inception-extractor';
