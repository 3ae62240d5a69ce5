import { frxVitestProject } from '../../vitest.shared';

// The claim scripts' quick modes are tested beside them (claims/*.test.ts).
export default frxVitestProject('@frx/example-face-recognition', {
  include: ['src/**/*.test.ts', 'claims/**/*.test.ts'],
});
