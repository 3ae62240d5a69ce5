import { frxVitestProject } from '../../vitest.shared';

export default frxVitestProject('@frx/example-time-series');
