import { frxVitestProject } from '../../vitest.shared';

export default frxVitestProject('@frx/example-face-recognition');
