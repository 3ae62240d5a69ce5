/**
 * The parsers under fuzzing, each with its small valid seeds (the package's test fixtures, or inputs built here
 * where no fixture exists) and the call that reads one input the way a user would: every record iterated, every
 * image decoded, every label encoded.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gunzipSync, gzipSync } from 'node:zlib';

import { encode as encodePng } from 'fast-png';
import { zipSync } from 'fflate';
import { GifWriter } from 'omggif';

import {
  blobSource,
  DataFormatError,
  decodeImage,
  encodeRecord,
  openRecordIO,
  packImageRecord,
  parseCifar10Batch,
  parseCifar10Meta,
  parseImageList,
  parseLfwPairs,
  parseRecordIOIndex,
  parseRecordIOProperty,
  parseTs,
  parseUcrText,
  readInsightfaceLayout,
  readJpegDimensions,
  readPickle,
  readTar,
  readTorchCheckpoint,
  readVerificationBin,
  readZip,
  unpackImageRecord,
  writeVerificationBin,
} from '../src/index';
import { gunzipBounded } from '../src/download/gunzip-bounded';
import { loadUcrDataset } from '../src/time-series/load-ucr-dataset';

/** One fuzzed parser. */
export interface FuzzTarget {
  /** Stable name, used in seeds of the random generator and on the command line. */
  readonly name: string;
  /** Text formats get text-aware mutations as well as byte mutations. */
  readonly text: boolean;
  /** Which default memory budget of the package the target's reader follows. */
  readonly budget: 'structured' | 'image';
  /** Small valid inputs the mutations start from (each must read cleanly: `test/fuzz-targets.test.ts`). */
  readonly seeds: () => Uint8Array[];
  /** Reads one input completely; returns anything (the result is kept alive while memory is measured). */
  readonly run: (bytes: Uint8Array) => unknown;
}

const fixture = (name: string) =>
  new Uint8Array(readFileSync(new URL(`../test/fixtures/${name}`, import.meta.url)));
const utf8 = (text: string) => new TextEncoder().encode(text);
const asText = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

const IMAGE_FIXTURES = [
  'image-rgb-420.jpg',
  'image-grey.jpg',
  'image-rgb.png',
  'image-palette.png',
  'image-grey-alpha.png',
  'image-1bit.png',
  'image-palette.gif',
  'image-rgb.bmp',
  'image-palette.bmp',
  'image-rgb.ppm',
  'image-grey.pgm',
  'image-16bit.pgm',
  'image-ascii-maxval15.pgm',
];

// Images built here: a PNG whose IDAT inflates 200x (size fields then matter), a two-frame GIF.
function imageSeeds(): Uint8Array[] {
  const png = encodePng({ width: 128, height: 128, data: new Uint8Array(128 * 128), channels: 1, depth: 8 });
  const gifBytes = new Uint8Array(1024);
  const gif = new GifWriter(gifBytes, 4, 4, { palette: [0x000000, 0xff0000, 0x00ff00, 0xffffff], loop: 0 });
  gif.addFrame(0, 0, 4, 4, [0, 1, 2, 3, 3, 2, 1, 0, 0, 1, 2, 3, 3, 2, 1, 0]);
  gif.addFrame(1, 1, 2, 2, [1, 1, 1, 1], { delay: 10 });
  return [png, gifBytes.slice(0, gif.end())];
}

// A RecordIO file whose second payload holds the magic at an aligned offset (split into three parts).
function recordIOSeed(): Uint8Array {
  const jpeg = fixture('image-grey.jpg');
  const split = new Uint8Array(24);
  split.set([0x0a, 0x23, 0xd7, 0xce], 8);
  split.set([0x0a, 0x23, 0xd7, 0xce], 16);
  return concat(
    [packImageRecord({ label: 3, id: 1, image: jpeg }), split, new Uint8Array(0)].map(encodeRecord),
  );
}

async function readAllRecords(bytes: Uint8Array): Promise<number> {
  const reader = await openRecordIO({ rec: bytes, file: 'fuzz.rec' });
  let total = 0;
  for await (const { payload } of reader) total += payload.byteLength;
  return total;
}

// The insightface training path: a Blob source (windowed reads), the fixture's index, the header record's layout,
// then every image record by key.
async function readInsightfaceRecords(bytes: Uint8Array): Promise<number> {
  const reader = await openRecordIO({
    rec: blobSource(new Blob([Uint8Array.from(bytes)]), 'fuzz.rec'),
    idx: INSIGHTFACE_IDX,
  });
  const { imageKeys } = await readInsightfaceLayout(reader);
  let total = 0;
  for (const key of imageKeys) {
    const record = unpackImageRecord(await reader.readRecord(key), {
      file: 'fuzz.rec',
      offset: reader.offsetOf(key),
    });
    total += record.image.byteLength;
  }
  return total;
}
const INSIGHTFACE_IDX = asText(fixture('recordio-insightface.idx'));

// Pickles built opcode by opcode, the shapes the hostile inputs grew from (duplication mutations repeat
// their opcodes): LONG1/LONG4, MARK, EMPTY_DICT and APPENDS, bytes through builtins.bytes, nested lists.
const PICKLE_SEEDS = [
  '\x80\x02\x8a\x08\x01\x02\x03\x04\x05\x06\x07\x08.',
  '\x80\x02\x8b\x10\x00\x00\x00' + '\xff'.repeat(15) + '\x7f.',
  '\x80\x02]q\x00(}}}]](K\x01K\x02le.',
  '\x80\x03cbuiltins\nbytes\nq\x00C\x04abcd\x85Rq\x010h\x00h\x01\x85R.',
  '\x80\x02(((]]]lll.',
  '\x80\x04\x95\x10\x00\x00\x00\x00\x00\x00\x00}\x94(\x8c\x01a\x94K\x01\x8c\x01b\x94G?\xf0\x00\x00\x00\x00\x00\x00u.',
].map(latin1);

// A gzip of 1 MiB of zeros (about 1 KB): mutations of its lengths and blocks probe the inflate bound.
const gzipSeed = () => new Uint8Array(gzipSync(new Uint8Array(2 ** 20)));

const UCR_SEEDS = [
  '1\t0.5\t-1.25\t3e-2\n2\t1\t2\tNaN\n',
  '-1,1.5,2.5,3.5\n1,0.1,0.2,0.3\n',
  '  1.0000000e+00  -6.4705000e-01  2.0e+00\n  2.0000000e+00   1.0e-01  ?\n',
];

const TS_SEEDS = [
  '# comment\n@problemName Toy\n@timeStamps false\n@missing true\n@univariate true\n@equalLength false\n@classLabel true a b\n@data\n1,2,3:a\n4,?,6,7:b\n',
  '@problemName Multi\n@univariate false\n@dimensions 2\n@equalLength true\n@seriesLength 3\n@classLabel true 1 2\n@data\n1,2,3:4,5,6:1\n0.5,1e-3,-2:7,8,9:2\n',
  '@problemName Reg\n@univariate true\n@targetLabel true\n@data\n1,2,3:0.25\n',
];

// loadUcrDataset reads files: one scratch folder per worker, the fuzzed text as both splits.
let ucrDir: string | undefined;
async function loadUcrBothEncodings(bytes: Uint8Array): Promise<unknown[]> {
  if (ucrDir === undefined) {
    const dir = mkdtempSync(join(tmpdir(), 'frx-fuzz-ucr-'));
    process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
    ucrDir = dir;
  }
  writeFileSync(join(ucrDir, 'Fuzz_TRAIN.tsv'), bytes);
  writeFileSync(join(ucrDir, 'Fuzz_TEST.tsv'), bytes.subarray(0, bytes.length >> 1));
  return [
    await loadUcrDataset(ucrDir, 'Fuzz', { format: 'tsv' }),
    await loadUcrDataset(ucrDir, 'Fuzz', { format: 'tsv', labelEncoding: 'kdctime' }),
  ];
}

/** Every parser of the package that reads untrusted bytes or text. */
export const FUZZ_TARGETS: readonly FuzzTarget[] = [
  {
    name: 'pickle',
    text: false,
    budget: 'structured',
    seeds: () => [
      ...[1, 2, 3, 4, 5].map((p) => fixture(`pickle-basic-p${p}.pkl`)),
      ...[2, 3, 4, 5].map((p) => fixture(`pickle-numpy-p${p}.pkl`)),
      ...PICKLE_SEEDS,
    ],
    run: (bytes) => readPickle(bytes, { file: 'fuzz.pkl' }),
  },
  {
    name: 'verification-bin',
    text: false,
    budget: 'structured',
    seeds: () => [
      ...['bin-py2-p2.bin', 'bin-py3-p3.bin', 'bin-numpy-p2.bin', 'bin-numpy-p5.bin'].map(fixture),
      writeVerificationBin({ images: [utf8('a'), utf8('b')], issame: [true] }, { protocol: 2 }),
    ],
    run: (bytes) => readVerificationBin(bytes, { file: 'fuzz.bin' }),
  },
  {
    name: 'torch-checkpoint',
    text: false,
    budget: 'structured',
    seeds: () =>
      ['torch-state-dict-zip.pth', 'torch-state-dict-legacy.pth', 'torch-training-zip.pth'].map(fixture),
    run: (bytes) => readTorchCheckpoint(bytes, { file: 'fuzz.pth' }),
  },
  {
    name: 'recordio',
    text: false,
    budget: 'structured',
    seeds: () => [recordIOSeed(), fixture('recordio-insightface.rec'), fixture('recordio-multipart.rec')],
    run: readAllRecords,
  },
  {
    name: 'recordio-insightface',
    text: false,
    budget: 'structured',
    seeds: () => [fixture('recordio-insightface.rec')],
    run: readInsightfaceRecords,
  },
  {
    name: 'image-record',
    text: false,
    budget: 'structured',
    seeds: () => [
      packImageRecord({ label: 3, id: 1, image: fixture('image-grey.jpg') }),
      packImageRecord({ label: [1, 2.5], id: 7, id2: 9, image: new Uint8Array(5) }),
    ],
    run: (bytes) => unpackImageRecord(bytes, { file: 'fuzz.rec' }),
  },
  {
    name: 'image',
    text: false,
    budget: 'image',
    seeds: () => [...IMAGE_FIXTURES.map(fixture), ...imageSeeds()],
    run: (bytes) => decodeImage(bytes, { file: 'fuzz.img', channels: 'native' }),
  },
  {
    name: 'jpeg-dimensions',
    text: false,
    budget: 'image',
    seeds: () => ['image-rgb-420.jpg', 'image-rgb-q95.jpg'].map(fixture),
    run: (bytes) => readJpegDimensions(bytes, 'fuzz.jpg'),
  },
  {
    name: 'cifar10',
    text: false,
    budget: 'structured',
    seeds: () => [fixture('cifar-small.bin').subarray(0, 3 * 3073)],
    run: (bytes) => parseCifar10Batch(bytes, { file: 'fuzz.bin' }),
  },
  {
    name: 'tar',
    text: false,
    budget: 'structured',
    seeds: () => [new Uint8Array(gunzipSync(fixture('download-cifar-10-binary.tar.gz')))],
    run: (bytes) => readTar(bytes, { file: 'fuzz.tar' }),
  },
  {
    name: 'gzip',
    text: false,
    budget: 'structured',
    seeds: () => [fixture('download-cifar-10-binary.tar.gz'), gzipSeed()],
    run: (bytes) => {
      const tar = gunzipBounded(bytes, 'fuzz.tar.gz');
      try {
        return readTar(tar, { file: 'fuzz.tar.gz' });
      } catch (error) {
        // A gzip of something other than a tar: the inflate bound is what this target checks.
        if (error instanceof DataFormatError) return tar.byteLength;
        throw error;
      }
    },
  },
  {
    name: 'zip',
    text: false,
    budget: 'structured',
    seeds: () => [
      fixture('download-Toy.zip'),
      zipSync({ 'a/b.txt': utf8('hello hello hello hello'), 'c.bin': [new Uint8Array(300), { level: 0 }] }),
      zipSync({ 'zeros.bin': new Uint8Array(2 ** 20), 'd/': new Uint8Array(0) }),
    ],
    run: (bytes) => readZip(bytes, { file: 'fuzz.zip' }),
  },
  {
    name: 'ucr-text',
    text: true,
    budget: 'structured',
    seeds: () => UCR_SEEDS.map(utf8),
    run: (bytes) => parseUcrText(asText(bytes), { file: 'fuzz.tsv' }),
  },
  {
    name: 'ucr-dataset',
    text: true,
    budget: 'structured',
    seeds: () => [UCR_SEEDS[0]!, '3\t1\t2\n1\t0\t0\n2\t5\t5\n', '-1\t1\n1\t2\n'].map(utf8),
    run: loadUcrBothEncodings,
  },
  {
    name: 'ts',
    text: true,
    budget: 'structured',
    seeds: () => TS_SEEDS.map(utf8),
    run: (bytes) => parseTs(asText(bytes), { file: 'fuzz.ts' }),
  },
  {
    name: 'text-lists',
    text: true,
    budget: 'structured',
    seeds: () => [
      fixture('recordio-insightface.idx'),
      fixture('recordio-insightface.property'),
      utf8('0\t3.000000\tsub/a.jpg\n1\t1\t2\tb.png\n'),
      utf8('2\nAaron\t1\t2\nAbel\t1\tBob\t3\n'),
      utf8('airplane\nautomobile\n\n'),
    ],
    run: (bytes) => {
      // One text, every small text parser of the package: each must either accept or refuse it cleanly.
      const text = asText(bytes);
      const outcomes: unknown[] = [];
      for (const parse of [
        () => parseRecordIOIndex(text, { file: 'fuzz.idx' }),
        () => parseRecordIOProperty(text, 'fuzz.property'),
        () => parseImageList(text, 'fuzz.lst'),
        () => parseLfwPairs(text, 'fuzz-pairs.txt'),
        () => parseCifar10Meta(text),
      ]) {
        try {
          outcomes.push(parse());
        } catch (error) {
          if (!(error instanceof DataFormatError)) throw error;
          outcomes.push(error);
        }
      }
      return outcomes;
    },
  },
];

/** The target called `name`; throws for an unknown name. */
export function fuzzTarget(name: string): FuzzTarget {
  const target = FUZZ_TARGETS.find((t) => t.name === name);
  if (!target)
    throw new Error(`unknown fuzz target ${name}; known: ${FUZZ_TARGETS.map((t) => t.name).join(', ')}`);
  return target;
}
