// Node-only helpers, on the `@frx/tensor-utils/node` subpath (they use the file system and child processes).
export { setupTfjsNode, DEFAULT_TENSORFLOW_REQUIREMENT } from './node/tfjs-node-setup/setup-tfjs-node';
export type { SetupTfjsNodeOptions, SetupTfjsNodeResult } from './node/tfjs-node-setup/setup-tfjs-node';
export { NativeSetupError } from './node/tfjs-node-setup/native-setup-error';
export { frxCacheDir } from './node/tfjs-node-setup/cache-dir';
export { verifyTfjsNode, VERIFY_TOLERANCE } from './node/tfjs-node-setup/verify-tfjs-node';
export type { TfjsNodeVerification } from './node/tfjs-node-setup/verify-tfjs-node';
export { findTfjsNodePackage } from './node/tfjs-node-setup/tfjs-node-package';
export type { TfjsNodePackage, TfjsNodePackageName } from './node/tfjs-node-setup/tfjs-node-package';
export { openTensorBoardWriter } from './node/tensorboard/tensorboard-writer';
export type { TensorBoardWriter } from './node/tensorboard/tensorboard-writer';
export { writeChart } from './node/charts/write-chart';
