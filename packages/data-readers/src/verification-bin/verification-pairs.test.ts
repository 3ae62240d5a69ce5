import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { imageFolderFromPaths } from '../image-folder/image-folder-dataset';
import { buildVerificationPairs, lfwImagePath, parseLfwPairs } from './verification-pairs';

const pairsPath = fileURLToPath(
  new URL('../../../../../shared/data/faces/lfw-pairs/pairs.txt', import.meta.url),
);

describe.skipIf(!existsSync(pairsPath))(
  'parseLfwPairs on the real LFW View-2 pairs.txt (../shared/data; skipped when absent)',
  () => {
    it('reads 10 folds of 300 matched then 300 mismatched pairs', () => {
      const pairs = parseLfwPairs(readFileSync(pairsPath, 'utf8'));
      expect(pairs.length).toBe(6000);
      expect(pairs.filter((p) => p.same).length).toBe(3000);
      expect(pairs.slice(0, 300).every((p) => p.same && p.fold === 0)).toBe(true);
      expect(pairs.slice(300, 600).every((p) => !p.same && p.fold === 0)).toBe(true);
      expect(pairs[5999]!.fold).toBe(9);
      // First line of the file: "Abel_Pacheco	1	4".
      expect(pairs[0]).toEqual({
        fold: 0,
        same: true,
        a: 'Abel_Pacheco/Abel_Pacheco_0001.jpg',
        b: 'Abel_Pacheco/Abel_Pacheco_0004.jpg',
      });
    });
  },
);

describe('parseLfwPairs bad input and lfwImagePath', () => {
  it('names the line', () => {
    expect(() => parseLfwPairs('1\t1\nA\t1\t2\nB\t1\n', 'p.txt')).toThrow(
      /p.txt: line 3: expected a mismatched/,
    );
    expect(() => parseLfwPairs('1\t1\nA\t1\t2\n')).toThrow(
      /line 1: header announces 2 pairs but 1 lines follow/,
    );
    expect(() => parseLfwPairs('x\n')).toThrow(/line 1: malformed header/);
    expect(() => parseLfwPairs('1\t1\nA\t0\t2\nA\t1\tB\t1\n')).toThrow(/line 2: bad image number "0"/);
    expect(lfwImagePath('Zico', 3)).toBe('Zico/Zico_0003.jpg');
  });
});

describe('buildVerificationPairs', () => {
  const paths = Array.from({ length: 20 }, (_, p) =>
    Array.from({ length: 4 }, (_, i) => `p${p}/${i}.jpg`),
  ).flat();
  const dataset = imageFolderFromPaths('', paths);

  it('builds identity-disjoint folds of distinct matched then mismatched pairs, reproducibly', () => {
    const pairs = buildVerificationPairs(dataset, { folds: 5, pairsPerFold: 6, seed: 3 });
    expect(pairs.length).toBe(60);
    expect(buildVerificationPairs(dataset, { folds: 5, pairsPerFold: 6, seed: 3 })).toEqual(pairs);
    const person = (path: string) => path.split('/')[0]!;
    const foldOf = new Map<string, number>();
    for (const [i, pair] of pairs.entries()) {
      expect(pair.fold).toBe(Math.floor(i / 12));
      expect(pair.same).toBe(i % 12 < 6);
      expect(pair.a).not.toBe(pair.b);
      expect(person(pair.a) === person(pair.b)).toBe(pair.same);
      for (const p of [person(pair.a), person(pair.b)]) {
        expect(foldOf.get(p) ?? pair.fold).toBe(pair.fold);
        foldOf.set(p, pair.fold);
      }
    }
    expect(new Set(pairs.map((p) => `${p.a} ${p.b}`)).size).toBe(60);
  });

  it('reports a fold that cannot supply enough pairs', () => {
    expect(() => buildVerificationPairs(dataset, { folds: 10, pairsPerFold: 50 })).toThrow(
      /fold 0 \(2 identities, 2 with 2\+ images\) cannot supply 50 distinct matched pairs/,
    );
  });
});
