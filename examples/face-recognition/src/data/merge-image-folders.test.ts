import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import type { ImageFolderDataset } from '@frx/data-readers';

import { facePreset } from '../config/presets';
import { loadTrainingData } from './load-training-data';
import { mergeImageFolders } from './merge-image-folders';

function tree(root: string, people: Record<string, number>): ImageFolderDataset {
  const classes = Object.keys(people);
  const entries = classes.flatMap((identity, label) =>
    Array.from({ length: people[identity]! }, (_, i) => ({
      path: `${root}/${identity}/${i}.pgm`,
      identity,
      label,
    })),
  );
  return { root, classes, entries };
}

describe('mergeImageFolders', () => {
  it('keeps same-named identities of different trees apart and offsets the labels', () => {
    const merged = mergeImageFolders([
      tree('/data/orl', { s1: 2, s2: 1 }),
      tree('/data/umist', { s1: 1, p9: 2 }),
    ]);
    expect(merged.classes).toEqual(['orl/s1', 'orl/s2', 'umist/s1', 'umist/p9']);
    expect(merged.entries.map((e) => [e.identity, e.label])).toEqual([
      ['orl/s1', 0],
      ['orl/s1', 0],
      ['orl/s2', 1],
      ['umist/s1', 2],
      ['umist/p9', 3],
      ['umist/p9', 3],
    ]);
    expect(merged.entries[3]!.path).toBe('/data/umist/s1/0.pgm');
    expect(merged.root).toBe('/data/orl + /data/umist');
  });

  it('names trees by their full path when their folder names collide', () => {
    const merged = mergeImageFolders([tree('/a/faces', { x: 1 }), tree('/b/faces', { x: 1 })]);
    expect(merged.classes).toEqual(['/a/faces/x', '/b/faces/x']);
  });

  it('returns a single tree unchanged and rejects an empty list', () => {
    const one = tree('/data/orl', { s1: 1 });
    expect(mergeImageFolders([one])).toBe(one);
    expect(() => mergeImageFolders([])).toThrow(/no image tree/);
  });
});

const FACES = fileURLToPath(new URL('../../../../../shared/data/faces/', import.meta.url));
const TREES = ['orl', 'imm'].map((t) => `${FACES}${t}`);
const hasTrees = TREES.every((t) => existsSync(t));

describe.skipIf(!hasTrees)(
  `loadTrainingData over several trees (${hasTrees ? 'data found' : 'ORL/IMM absent from ../shared/data/faces'})`,
  () => {
    const config = (seed: number) => ({
      ...facePreset('orl-tiny'),
      data: TREES,
      inputSize: 16,
      seed,
      verification: { kind: 'held-out' as const, identities: 20, pairsPerFold: 3, splitSeed: 7 },
    });

    it('trains on both trees (ORL 40 × 10 + IMM 40 × 6) minus the held-out identities', async () => {
      const { train, verification } = await loadTrainingData(config(0));
      expect(train.numClasses).toBe(80 - 20);
      const heldOutImages = 400 + 240 - train.size;
      // 20 held-out people of 10 (ORL) or 6 (IMM) images each.
      expect(heldOutImages).toBeGreaterThanOrEqual(20 * 6);
      expect(heldOutImages).toBeLessThanOrEqual(20 * 10);
      expect(verification!.issame.filter((s) => s)).toHaveLength(30);
      const image = await train.image(train.size - 1); // an IMM image, 64 × 48 grey → 16 × 16 RGB
      expect([image.width, image.height, image.channels]).toEqual([16, 16, 3]);
      await train.close();
    });

    it('holds out the same identities whatever the run seed when splitSeed is fixed', async () => {
      const a = await loadTrainingData(config(0));
      const b = await loadTrainingData(config(5));
      expect(a.train.description).toBe(b.train.description);
      expect(Array.from(a.train.labels)).toEqual(Array.from(b.train.labels));
      expect(a.verification!.issame).toEqual(b.verification!.issame);
    });

    it('rejects a .rec mixed with image folders, naming it', async () => {
      await expect(
        loadTrainingData({ ...config(0), data: [TREES[0]!, `${FACES}orl/README`] }),
      ).rejects.toThrow(/orl\/README' is a file: several --data must all be image folders/);
    });
  },
);
