// Records/s and MB/s reading the MXNet-written AdaFace sample .rec (../shared/data), in memory and from disk.
// Prints one JSON line per figure. Run: pnpm bench
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

// Direct module imports keep the bench independent of other workspace packages' build output.
import { fileSource } from '../src/io/file-source';
import { unpackImageRecord } from '../src/recordio/image-record';
import { openRecordIO } from '../src/recordio/read-record-io';

const dir = fileURLToPath(new URL('../../../../shared/data/recordio/adaface-sample/', import.meta.url));
if (!existsSync(`${dir}train.rec`)) {
  console.error(`bench: ${dir}train.rec not found (../shared/data is absent); nothing to measure`);
  process.exit(0);
}
const idx = readFileSync(`${dir}train.idx`, 'utf8');
const MIN_SECONDS = 2;

async function measure(
  name: string,
  open: () => Promise<Awaited<ReturnType<typeof openRecordIO>>>,
  random: boolean,
) {
  let records = 0;
  let bytes = 0;
  const start = performance.now();
  while (performance.now() - start < MIN_SECONDS * 1000) {
    const reader = await open();
    if (random) {
      for (const key of reader.keys()) {
        const { image } = unpackImageRecord(await reader.readRecord(key));
        records++;
        bytes += image.byteLength;
      }
    } else {
      for await (const { payload } of reader) {
        records++;
        bytes += payload.byteLength;
      }
    }
    await reader.close();
  }
  const seconds = (performance.now() - start) / 1000;
  const base = {
    bench: 'recordio-read',
    mode: name,
    file: 'adaface-sample/train.rec',
    seconds: +seconds.toFixed(3),
  };
  console.log(
    JSON.stringify({ ...base, figure: 'records_per_second', value: Math.round(records / seconds) }),
  );
  console.log(
    JSON.stringify({ ...base, figure: 'megabytes_per_second', value: +(bytes / seconds / 1e6).toFixed(1) }),
  );
}

const rec = new Uint8Array(readFileSync(`${dir}train.rec`));
await measure('memory-sequential', () => openRecordIO({ rec, idx }), false);
await measure('memory-random-by-key', () => openRecordIO({ rec, idx }), true);
await measure(
  'file-sequential',
  async () => openRecordIO({ rec: await fileSource(`${dir}train.rec`), idx }),
  false,
);
await measure(
  'file-random-by-key',
  async () => openRecordIO({ rec: await fileSource(`${dir}train.rec`), idx }),
  true,
);
