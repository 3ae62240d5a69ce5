import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { listImageFolder } from '../image-folder/list-image-folder';
import { readVerificationBinFile, writeVerificationBinFromPairs } from './node-verification-bin';
import { buildVerificationPairs } from './verification-pairs';

const bbt = fileURLToPath(new URL('../../../../../shared/data/faces/bbt/', import.meta.url));
const out = mkdtempSync(join(tmpdir(), 'frx-bin-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!existsSync(bbt))(
  'verification .bin from an identity-folder tree (../shared/data/faces/bbt; skipped when absent)',
  () => {
    it('builds seeded pairs, packs the image files unchanged and reads them back', async () => {
      const dataset = await listImageFolder(bbt);
      const pairs = buildVerificationPairs(dataset, { folds: 2, pairsPerFold: 3, seed: 1 });
      const path = join(out, 'bbt.bin');
      await writeVerificationBinFromPairs(bbt, pairs, path);
      const { images, issame } = await readVerificationBinFile(path);
      expect(issame).toEqual(pairs.map((p) => p.same));
      expect(images.length).toBe(24);
      expect(Buffer.from(images[3]!).equals(readFileSync(pairs[1]!.b))).toBe(true);
    });
  },
);
