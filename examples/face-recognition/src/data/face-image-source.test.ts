import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { recordIOImageSource } from './face-image-source';

const SAMPLE = fileURLToPath(new URL('../../../../../shared/data/recordio/adaface-sample/', import.meta.url));
const hasSample = existsSync(`${SAMPLE}train.rec`);

describe.skipIf(!hasSample)(
  `recordIOImageSource (${hasSample ? 'data found' : 'recordio/adaface-sample absent from ../shared/data'})`,
  () => {
    it('reads the labels MXNet wrote (train.lst) and decodes resized RGB images', async () => {
      const source = await recordIOImageSource(`${SAMPLE}train.rec`, 32);
      // train.lst, written by MXNet's im2rec next to the .rec: "index<TAB>label<TAB>path" per record.
      const lst = (await readFile(`${SAMPLE}train.lst`, 'utf8'))
        .trim()
        .split('\n')
        .map((line) => Number(line.split('\t')[1]));
      expect(Array.from(source.labels).sort()).toEqual([...lst].sort());
      expect(source.numClasses).toBe(Math.max(...lst) + 1);
      const image = await source.image(0);
      expect([image.width, image.height, image.channels, image.data.length]).toEqual([
        32,
        32,
        3,
        32 * 32 * 3,
      ]);
      await source.close();
    });
  },
);
