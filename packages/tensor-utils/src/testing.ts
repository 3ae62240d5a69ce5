// Test helpers, published on the `@frx/tensor-utils/testing` subpath so they never weigh on runtime bundles.
export { expectTensorsClose } from './testing/expect-tensors-close';
export type { CloseOptions } from './testing/expect-tensors-close';
export { countNewTensors } from './testing/count-new-tensors';
export type { NewTensorCount } from './testing/count-new-tensors';
export { testBackend } from './testing/test-backend';
export type { TestBackend } from './testing/test-backend';
