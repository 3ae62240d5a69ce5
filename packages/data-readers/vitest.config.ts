import { frxVitestProject } from '../../vitest.shared';

export default frxVitestProject('@frx/data-readers');
