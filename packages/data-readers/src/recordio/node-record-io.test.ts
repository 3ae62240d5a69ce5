import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterAll, describe, expect, it } from 'vitest';

import { unpackImageRecord } from './image-record';
import { readInsightfaceLayout } from './insightface-layout';
import { openRecordIOFile, packImageFolderRecordIO } from './node-record-io';

const sampleDir = fileURLToPath(
  new URL('../../../../../shared/data/recordio/adaface-sample/', import.meta.url),
);
const hasSample = existsSync(`${sampleDir}train.rec`);
const out = mkdtempSync(join(tmpdir(), 'frx-recordio-'));
afterAll(() => rmSync(out, { recursive: true, force: true }));

describe.skipIf(!hasSample)(
  'RecordIO files on disk (../shared/data AdaFace sample; skipped when absent)',
  () => {
    it('reads the MXNet sample through positioned file reads', async () => {
      const reader = await openRecordIOFile(`${sampleDir}train.rec`);
      const record = unpackImageRecord(await reader.readRecord(6));
      const source = readFileSync(`${sampleDir}faces_webface_112x112/woman/woman_3.jpg`);
      expect(Buffer.from(record.image).equals(source)).toBe(true);
      await reader.close();
    });

    it('packs the sample image tree into an insightface-layout .rec/.idx/.lst/property and reads it back', async () => {
      const prefix = join(out, 'train');
      const counts = await packImageFolderRecordIO(`${sampleDir}faces_webface_112x112`, prefix);
      expect(counts).toEqual({ numImages: 8, numClasses: 2 });
      expect(readFileSync(join(out, 'property'), 'utf8')).toBe('2,112,112\n');
      expect(readFileSync(`${prefix}.lst`, 'utf8').split('\n')[0]).toBe('1\t0.000000\tman/man_1.jpg');
      const reader = await openRecordIOFile(`${prefix}.rec`);
      const layout = await readInsightfaceLayout(reader);
      expect(layout).toEqual({ hasHeader: true, imageKeys: [1, 2, 3, 4, 5, 6, 7, 8], identityKeys: [9, 11] });
      const last = unpackImageRecord(await reader.readRecord(8));
      expect(last.label).toBe(1);
      expect(
        Buffer.from(last.image).equals(readFileSync(`${sampleDir}faces_webface_112x112/woman/woman_4.jpg`)),
      ).toBe(true);
      await reader.close();
    });
  },
);
