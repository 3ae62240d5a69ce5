import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { imageFolderFromPaths, sortNames } from './image-folder-dataset';
import { listImageFolder } from './list-image-folder';
import { splitByIdentity, splitByImage } from './split-image-folder';

const shared = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const hasShared = existsSync(shared + 'faces/orl');

describe('imageFolderFromPaths and sortNames', () => {
  it('sorts like Python sorted() by default and numerically when asked', () => {
    expect(sortNames(['s10', 's2', 's1'])).toEqual(['s1', 's10', 's2']);
    expect(sortNames(['s10', 's2', 's1'], 'natural')).toEqual(['s1', 's2', 's10']);
  });

  it('labels identities in order and groups their files', () => {
    const ds = imageFolderFromPaths('root', ['b/2.jpg', 'a/1.jpg', 'b/1.jpg']);
    expect(ds.classes).toEqual(['a', 'b']);
    expect(ds.entries.map((e) => [e.path, e.label])).toEqual([
      ['root/a/1.jpg', 0],
      ['root/b/1.jpg', 1],
      ['root/b/2.jpg', 1],
    ]);
    expect(() => imageFolderFromPaths('', ['loose.jpg'])).toThrow(/identity\/file/);
  });
});

describe('splits', () => {
  // 5 identities x 10 images
  const ds = imageFolderFromPaths(
    '',
    Array.from({ length: 50 }, (_, i) => `id${Math.floor(i / 10)}/${i % 10}.png`),
  );

  it('splitByImage is stratified, disjoint, complete and seeded', () => {
    const { train, test } = splitByImage(ds, { testFraction: 0.3, seed: 1 });
    expect(test.entries.length).toBe(15);
    expect(train.entries.length).toBe(35);
    for (let l = 0; l < 5; l++) expect(test.entries.filter((e) => e.label === l).length).toBe(3);
    const all = new Set([...train.entries, ...test.entries].map((e) => e.path));
    expect(all.size).toBe(50);
    expect(splitByImage(ds, { testFraction: 0.3, seed: 1 }).test.entries).toEqual(test.entries);
    expect(splitByImage(ds, { testFraction: 0.3, seed: 2 }).test.entries).not.toEqual(test.entries);
  });

  it('splitByIdentity holds out whole identities and relabels each side from 0', () => {
    const { train, test } = splitByIdentity(ds, { testIdentities: 2, seed: 3 });
    expect(test.classes.length).toBe(2);
    expect(train.classes.length).toBe(3);
    expect(test.classes.some((c) => train.classes.includes(c))).toBe(false);
    expect(new Set(test.entries.map((e) => e.label))).toEqual(new Set([0, 1]));
    expect(test.entries.every((e) => test.classes[e.label] === e.identity)).toBe(true);
    expect(() => splitByIdentity(ds, { testIdentities: 6 })).toThrow(/integer in \[0, 5\]/);
    expect(() => splitByImage(ds, { fraction: 0.1 } as never)).toThrow(/unknown option "fraction"/);
  });
});

describe('listImageFolder', () => {
  const root = mkdtempSync(join(tmpdir(), 'frx-folder-'));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it('ignores root files, hidden entries and other extensions; reports thin identities', async () => {
    for (const [dir, files] of [
      ['alice', ['1.jpg', '2.PNG', 'notes.txt', '.DS_Store']],
      ['bob', ['x.pgm']],
      ['.hidden', ['1.jpg']],
      ['empty', []],
    ] as const) {
      mkdirSync(join(root, dir), { recursive: true });
      for (const f of files) writeFileSync(join(root, dir, f), '');
    }
    writeFileSync(join(root, 'README'), '');
    const ds = await listImageFolder(root);
    expect(ds.classes).toEqual(['alice', 'bob']);
    expect(ds.entries.map((e) => e.path)).toEqual([
      join(root, 'alice/1.jpg'),
      join(root, 'alice/2.PNG'),
      join(root, 'bob/x.pgm'),
    ]);
    expect(ds.skipped).toEqual([{ identity: 'empty', images: 0 }]);
    const strict = await listImageFolder(root, { minImagesPerIdentity: 2 });
    expect(strict.classes).toEqual(['alice']);
    const any = await listImageFolder(root, { extensions: 'any' });
    expect(any.entries.length).toBe(4);
  });
});

describe.skipIf(!hasShared)('real trees in ../shared/data (skipped when that folder is absent)', () => {
  it('ORL: 40 identities x 10 images, torchvision label order', async () => {
    const orl = await listImageFolder(shared + 'faces/orl');
    expect(orl.classes.length).toBe(40);
    expect(orl.entries.length).toBe(400);
    expect(orl.classes.slice(0, 3)).toEqual(['s1', 's10', 's11']);
    const natural = await listImageFolder(shared + 'faces/orl', { order: 'natural' });
    expect(natural.classes.slice(0, 3)).toEqual(['s1', 's2', 's3']);
    const { train, test } = splitByIdentity(orl, { testIdentities: 10, seed: 0 });
    expect([train.entries.length, test.entries.length]).toEqual([300, 100]);
  });

  it('CIFAR-10 JPEG tree: 10 classes x 1000 test images', async () => {
    const test = await listImageFolder(shared + 'images/cifar10-jpeg/test');
    expect(test.classes).toEqual([
      'airplane',
      'automobile',
      'bird',
      'cat',
      'deer',
      'dog',
      'frog',
      'horse',
      'ship',
      'truck',
    ]);
    expect(test.entries.length).toBe(10_000);
    const train = await listImageFolder(shared + 'images/cifar10-jpeg/train');
    expect(train.entries.length).toBe(5_000);
  });
});
