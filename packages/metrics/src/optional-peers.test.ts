import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { isTensor } from './generative/tfjs-core';

const SRC = dirname(fileURLToPath(import.meta.url));

/** Every module reachable from `src/index.ts` through relative imports, with its import statements. */
function moduleImports(): Map<string, string[]> {
  const seen = new Map<string, string[]>();
  const visit = (file: string) => {
    if (seen.has(file)) return;
    const text = readFileSync(file, 'utf8');
    const statements = [...text.matchAll(/^(?:import|export)\s[^;]*?from\s+'([^']+)';/gms)].map((m) => m[0]);
    seen.set(file, statements);
    for (const statement of statements) {
      const specifier = /'([^']+)';$/.exec(statement)![1]!;
      if (specifier.startsWith('.')) visit(resolve(dirname(file), `${specifier}.ts`));
    }
  };
  visit(resolve(SRC, 'index.ts'));
  return seen;
}

describe('optional peers', () => {
  it('no module of the entry point imports a tfjs value at load time (import @frx/metrics works alone)', () => {
    const offending: string[] = [];
    for (const [file, statements] of moduleImports()) {
      for (const statement of statements) {
        if (/from\s+'@tensorflow\//.test(statement) && !/^(?:import|export)\s+type\s/.test(statement))
          offending.push(`${file}: ${statement}`);
      }
    }
    expect(moduleImports().size).toBeGreaterThan(10);
    expect(offending).toEqual([]);
  });

  it('isTensor recognises tensors by shape, without tfjs-core', () => {
    const fake = { dataSync: () => new Float32Array(0), shape: [0, 2], rank: 2 };
    expect(isTensor(fake)).toBe(true);
    expect(isTensor([[1, 2]])).toBe(false);
    expect(isTensor({ rows: 1, dim: 1, data: new Float64Array(1) })).toBe(false);
    expect(isTensor(null)).toBe(false);
  });
});
