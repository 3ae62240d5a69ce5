import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, describe, expect, it } from 'vitest';

import { listImageFolder } from './list-image-folder';

let base = '';

beforeAll(async () => {
  base = await mkdtemp(join(tmpdir(), 'frx-links-'));
  // The dataset lives elsewhere; the training tree only links to it (no copy).
  for (const [identity, files] of [
    ['alice', ['1.png', '2.png']],
    ['bob', ['1.png']],
  ] as const) {
    await mkdir(join(base, 'store', identity), { recursive: true });
    for (const f of files) await writeFile(join(base, 'store', identity, f), 'x');
  }
  await mkdir(join(base, 'tree', 'carol'), { recursive: true });
  await symlink(join(base, 'store', 'alice'), join(base, 'tree', 'alice'));
  await symlink(join(base, 'store', 'bob'), join(base, 'tree', 'bob'));
  await symlink(join(base, 'store', 'alice', '1.png'), join(base, 'tree', 'carol', 'linked.png'));
  await symlink(join(base, 'nowhere'), join(base, 'tree', 'dangling'));
  // A link back to the root: listing must not loop.
  await symlink(join(base, 'tree'), join(base, 'tree', 'loop'));
});

afterAll(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('listImageFolder and symbolic links', () => {
  it('follows links to identity folders and to images, as torchvision ImageFolder does', async () => {
    const listed = await listImageFolder(join(base, 'tree'));
    expect(listed.classes).toEqual(['alice', 'bob', 'carol']);
    expect(listed.entries.map((e) => `${e.identity}/${e.path.split('/').pop()}`)).toEqual([
      'alice/1.png',
      'alice/2.png',
      'bob/1.png',
      'carol/linked.png',
    ]);
    // The loop link is an identity folder with no image directly inside (only folders): skipped, no loop.
    expect(listed.skipped).toEqual([{ identity: 'loop', images: 0 }]);
  });
});
