import type { Options } from 'tsup';

/**
 * The one tsup preset every @frx package builds with: ESM + CJS, declarations, source maps.
 *
 * tfjs and sibling @frx packages stay external: they are peers or dependencies, and bundling a
 * second copy of tfjs-core would split the kernel and layer registries (tfjs-notes.md §3).
 */
export function frxTsupPreset(entry: Record<string, string>, overrides: Options = {}): Options {
  return {
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    sourcemap: true,
    clean: true,
    target: 'es2022',
    treeshake: false,
    splitting: false,
    tsconfig: 'tsconfig.build.json',
    external: [/^@tensorflow\//, /^@frx\//],
    ...overrides,
  };
}
