import '@tensorflow/tfjs-backend-cpu';
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { initBackend } from '@frx/tensor-utils';
import { countNewTensors, testBackend } from '@frx/tensor-utils/testing';
import { beforeAll, describe, expect, it } from 'vitest';

import { DataFormatError } from '../errors/data-format-error';

import { encodeLabels, kdctimeLabelCodes } from './encode-labels';
import { loadUcrDataset, readTsFile } from './load-ucr-dataset';
import { parseTs } from './parse-ts';
import { parseUcrText } from './parse-ucr-text';
import {
  interpolateMissing,
  prepareSeries,
  resampleLinear,
  TimeSeriesPolicyError,
  zNormalize,
} from './prepare-series';
import { seriesToTensor } from './series-to-tensor';
import { describeSeries } from './time-series-split';

const shared = fileURLToPath(new URL('../../../../../shared/data/', import.meta.url));
const fixtures = fileURLToPath(new URL('../../test/fixtures/', import.meta.url));
const hasShared = existsSync(shared + 'ucr2018');
interface SplitStats {
  cases: number;
  minLength: number;
  maxLength: number;
  missing: number;
  sum: number;
  first?: (number | null)[];
  dimensions?: number;
}
const expected = JSON.parse(readFileSync(fixtures + 'ucr-expected.json', 'utf8')) as {
  tsv: Record<string, { train: SplitStats; test: SplitStats; classes: string[]; trainCodes: number[] }>;
  ts: Record<string, { train: SplitStats; test: SplitStats; classes: string[] }>;
  gunPointZ: number[];
  dodgerInterpolated: { row: number; values: number[]; nanCount: number };
};

const total = (series: Float64Array[][]) => {
  let s = 0;
  for (const c of series) for (const d of c) for (const v of d) if (!Number.isNaN(v)) s += v;
  return s;
};

beforeAll(async () => {
  await initBackend({ backend: testBackend() });
});

describe('parseUcrText', () => {
  it('reads TSV with NaN padding as shorter series and interior NaN as missing', () => {
    const split = parseUcrText('1\t0.5\t1.5\tNaN\n-1\t2\tNaN\t3\n', { file: 'x.tsv' });
    expect(split.labels).toEqual(['1', '-1']);
    expect(Array.from(split.series[0]![0]!)).toEqual([0.5, 1.5]);
    expect(Array.from(split.series[1]![0]!)).toEqual([2, NaN, 3]);
    expect(describeSeries(split)).toMatchObject({
      minLength: 2,
      maxLength: 3,
      equalLength: false,
      missingValues: 1,
      casesWithMissing: [1],
    });
    const keep = parseUcrText('1\t0.5\tNaN\n', { trailingNaN: 'missing' });
    expect(keep.series[0]![0]!.length).toBe(2);
  });

  it('reads the UCR 2015 comma layout with scientific-notation labels and the whitespace .txt layout', () => {
    expect(parseUcrText('1.0000000e+00,2,3\n2.0000000e+00,4,5\n').labels).toEqual(['1', '2']);
    const txt = parseUcrText('  1  2.5   3\n 2 4 5 \n');
    expect(txt.labels).toEqual(['1', '2']);
    expect(Array.from(txt.series[1]![0]!)).toEqual([4, 5]);
  });

  it('names the line and column of malformed values', () => {
    expect(() => parseUcrText('1\t2\n1\tabc\n', { file: 'bad.tsv' })).toThrow(
      /^bad\.tsv: line 2: column 2: not a number: "abc"/,
    );
    expect(() => parseUcrText('1\n', { file: 'f' })).toThrow(/line 1: row has a label but no values/);
    expect(() => parseUcrText('NaN\t1\n', { file: 'f' })).toThrow(/missing class label/);
    expect(() => parseUcrText('1\t1\n', { sep: ',' } as never)).toThrow(/unknown option "sep"/);
  });
});

describe('parseTs', () => {
  const header =
    '#comment\n@problemName Toy\n@timeStamps false\n@missing true\n@univariate false\n@dimensions 2\n@equalLength false\n@classLabel true a b\n@data\n';

  it('reads multivariate, unequal-length, missing values and labels', () => {
    const ts = parseTs(`${header}1,2,3:4,?,6:a\n7,8:9,10:b\n`);
    expect(ts.header).toMatchObject({
      problemName: 'Toy',
      dimensions: 2,
      missing: true,
      equalLength: false,
      classLabels: ['a', 'b'],
    });
    expect(ts.labels).toEqual(['a', 'b']);
    expect(Array.from(ts.series[0]![1]!)).toEqual([4, NaN, 6]);
    expect(ts.series[1]![0]!.length).toBe(2);
  });

  it('reads regression targets and @classLabel false', () => {
    const reg = parseTs('@univariate true\n@targetLabel true\n@data\n1,2:0.5\n');
    expect(reg.labels).toEqual(['0.5']);
    const unlabelled = parseTs('@classLabel false\n@data\n1,2,3\n');
    expect(unlabelled.series[0]![0]!.length).toBe(3);
  });

  it('ends every malformed file in a DataFormatError with the line', () => {
    const cases: [string, RegExp][] = [
      [`${header}1,2:3:4:a\n`, /line 10: 3 dimensions, expected 2/],
      [`${header}1,2:3,4:c\n`, /line 10: label "c" is not declared/],
      [`${header}1,x:3,4:a\n`, /line 10: dimension 1, value 2: not a number/],
      ['@problemName X\n1,2:a\n', /line 2: expected a header tag or @data/],
      ['@problemName X\n', /no @data line/],
      ['@bogus 1\n@data\n', /line 1: unknown header tag @bogus/],
      ['@dimensions two\n@data\n', /expects a positive integer/],
      ['@timeStamps true\n@data\n', /@timeStamps true files are not supported/],
      [
        '@equalLength true\n@seriesLength 3\n@classLabel true 1\n@data\n1,2:1\n',
        /line 5: dimension 1 has 2 values, @seriesLength is 3/,
      ],
      [`${header}1,2:3,4:\n`, /missing label/],
    ];
    for (const [text, message] of cases) {
      expect(() => parseTs(text, { file: 'f.ts' }), text).toThrow(DataFormatError);
      expect(() => parseTs(text, { file: 'f.ts' })).toThrow(message);
    }
  });

  it('survives every truncation of a valid file with a result or a DataFormatError', () => {
    const text = `${header}1,2,3:4,?,6:a\n7,8:9,10:b\n`;
    for (let n = 0; n < text.length; n++) {
      try {
        parseTs(text.slice(0, n), { file: 'cut.ts' });
      } catch (error) {
        expect(error, `cut at ${n}`).toBeInstanceOf(DataFormatError);
      }
    }
  });
});

describe('labels', () => {
  it('encodes the union of train and test, numeric order when numeric', () => {
    const { classes, codes } = encodeLabels([
      ['10', '2', '-1'],
      ['2', '3'],
    ]);
    expect(classes).toEqual(['-1', '2', '3', '10']);
    expect(Array.from(codes[0]!)).toEqual([3, 1, 0]);
    expect(encodeLabels([['b', 'a']]).classes).toEqual(['a', 'b']);
  });

  it('reproduces the KDCTime rule (shift positive minimum, negatives to 0)', () => {
    expect(Array.from(kdctimeLabelCodes(['1', '2', '3']))).toEqual([0, 1, 2]);
    expect(Array.from(kdctimeLabelCodes(['-1', '1']))).toEqual([0, 1]);
    expect(Array.from(kdctimeLabelCodes(['0', '2']))).toEqual([0, 2]);
  });
});

describe('prepareSeries', () => {
  const uneven = {
    series: [[Float64Array.from([1, 2, 3])], [Float64Array.from([4, NaN])]],
    labels: ['a', 'b'],
  };

  it('refuses unequal lengths and missing values unless a policy is chosen', () => {
    expect(() => prepareSeries(uneven)).toThrow(TimeSeriesPolicyError);
    expect(() => prepareSeries(uneven, { missing: 'interpolate' })).toThrow(
      /unequal lengths \(case 1: 2, case 0: 3\)/,
    );
    expect(() => prepareSeries(uneven, { lengthPolicy: 'pad' })).toThrow(
      /case 1 has a missing value at position 1/,
    );
    expect(() => prepareSeries(uneven, { pad: true } as never)).toThrow(/unknown option "pad"/);
  });

  it('pads, truncates and resamples on request', () => {
    const padded = prepareSeries(uneven, { lengthPolicy: 'pad', missing: 'keep', padValue: -9 });
    expect(padded.shape).toEqual([2, 3, 1]);
    expect(Array.from(padded.values)).toEqual([1, 2, 3, 4, NaN, -9]);
    expect(Array.from(padded.originalLengths)).toEqual([3, 2]);
    const cut = prepareSeries(uneven, { lengthPolicy: 'truncate', missing: 'interpolate' });
    expect(Array.from(cut.values)).toEqual([1, 2, 4, 4]);
    const resampled = prepareSeries(uneven, { lengthPolicy: 'resample', missing: 'interpolate', length: 5 });
    expect(Array.from(resampled.values.subarray(0, 5))).toEqual([1, 1.5, 2, 2.5, 3]);
  });

  it('interpolates, z-normalises and resamples like NumPy', () => {
    expect(Array.from(interpolateMissing(Float64Array.from([NaN, 1, NaN, NaN, 4, NaN])))).toEqual([
      1, 1, 2, 3, 4, 4,
    ]);
    expect(() => interpolateMissing(Float64Array.from([NaN]))).toThrow(/no valid value/);
    expect(Array.from(zNormalize(Float64Array.from([1, 3])))).toEqual([-1, 1]);
    expect(Array.from(zNormalize(Float64Array.from([5, 5])))).toEqual([0, 0]);
    // np.interp(np.linspace(0, 2, 4), [0, 1, 2], [0, 3, 6])
    expect(Array.from(resampleLinear(Float64Array.from([0, 3, 6]), 4))).toEqual([0, 2, 4, 6]);
  });

  it('lays multivariate data out as [cases, length, dims] and makes a tensor without leaks', async () => {
    const split = { series: [[Float64Array.from([1, 2]), Float64Array.from([10, 20])]], labels: ['x'] };
    const dense = prepareSeries(split);
    expect(Array.from(dense.values)).toEqual([1, 10, 2, 20]);
    const { result, newTensors } = await countNewTensors(() => seriesToTensor(dense));
    expect(newTensors).toBe(1);
    expect(result.shape).toEqual([1, 2, 2]);
    result.dispose();
  });
});

describe.skipIf(!hasShared)(
  'UCR 2018 TSV files in ../shared/data (skipped when that folder is absent)',
  () => {
    it.each(Object.keys(expected.tsv))('%s matches the NumPy statistics', async (name) => {
      const e = expected.tsv[name]!;
      const ds = await loadUcrDataset(shared + 'ucr2018', name);
      expect(ds.format).toBe('tsv');
      expect(ds.classes).toEqual(e.classes);
      expect(Array.from(ds.train.codes.subarray(0, 20))).toEqual(e.trainCodes);
      for (const split of ['train', 'test'] as const) {
        const summary = describeSeries(ds[split]);
        expect(summary.cases).toBe(e[split].cases);
        expect([summary.minLength, summary.maxLength]).toEqual([e[split].minLength, e[split].maxLength]);
        expect(summary.missingValues).toBe(e[split].missing);
        expect(total(ds[split].series)).toBeCloseTo(e[split].sum, 6);
        expect(Array.from(ds[split].series[0]![0]!.subarray(0, 5))).toEqual(
          e[split].first!.map((v) => v ?? NaN),
        );
      }
    });

    it('GunPoint: [50, 150, 1] tensor, z-normalised like NumPy', async () => {
      const ds = await loadUcrDataset(shared + 'ucr2018', 'GunPoint');
      const dense = prepareSeries(ds.train, { zNormalize: true });
      expect(dense.shape).toEqual([50, 150, 1]);
      expected.gunPointZ.forEach((v, i) => expect(dense.values[i]).toBeCloseTo(v, 5));
    });

    it('DodgerLoopDay: missing values are reported, and interpolated like np.interp on request', async () => {
      const ds = await loadUcrDataset(shared + 'ucr2018', 'DodgerLoopDay');
      expect(() => prepareSeries(ds.train)).toThrow(/missing value/);
      const { row, values } = expected.dodgerInterpolated;
      const dense = prepareSeries(ds.train, { missing: 'interpolate' });
      values.forEach((v, t) => expect(dense.values[row * 288 + t]).toBeCloseTo(v, 4));
    });

    it('PickupGestureWiimoteZ: variable lengths must be padded explicitly', async () => {
      const ds = await loadUcrDataset(shared + 'ucr2018', 'PickupGestureWiimoteZ');
      expect(() => prepareSeries(ds.train)).toThrow(/unequal lengths/);
      expect(prepareSeries(ds.train, { lengthPolicy: 'pad' }).shape).toEqual([50, 361, 1]);
    });

    it('KDCTime parity labels for ECG200 (−1/1 → 0/1)', async () => {
      const ds = await loadUcrDataset(shared + 'ucr2018', 'ECG200', { labelEncoding: 'kdctime' });
      expect(ds.classes).toEqual(['0', '1']);
      const union = await loadUcrDataset(shared + 'ucr2018', 'ECG200');
      expect(Array.from(ds.train.codes)).toEqual(Array.from(union.train.codes));
    });

    it('names the paths it tried for a missing dataset', async () => {
      await expect(loadUcrDataset(shared + 'ucr2018', 'NoSuchSet')).rejects.toThrow(/NoSuchSet_TRAIN\.tsv/);
    });
  },
);

describe.skipIf(!hasShared)('.ts files in ../shared/data (skipped when that folder is absent)', () => {
  it.each(Object.keys(expected.ts))('%s matches an independent reader', async (name) => {
    const e = expected.ts[name]!;
    const ds = await loadUcrDataset(shared + 'ucr-ts', name);
    expect(ds.format).toBe('ts');
    expect(ds.classes).toEqual(e.classes);
    for (const split of ['train', 'test'] as const) {
      const summary = describeSeries(ds[split]);
      expect(summary.cases).toBe(e[split].cases);
      expect(summary.dimensions).toBe(e[split].dimensions);
      expect([summary.minLength, summary.maxLength]).toEqual([e[split].minLength, e[split].maxLength]);
      expect(summary.missingValues).toBe(e[split].missing);
      expect(total(ds[split].series)).toBeCloseTo(e[split].sum, 4);
    }
  });

  it('BasicMotions header and JapaneseVowels lengths', async () => {
    const bm = await readTsFile(shared + 'ucr-ts/BasicMotions/BasicMotions_TRAIN.ts');
    expect(bm.header).toMatchObject({
      dimensions: 6,
      seriesLength: 100,
      classLabels: ['Standing', 'Running', 'Walking', 'Badminton'],
    });
    const jv = await loadUcrDataset(shared + 'ucr-ts', 'JapaneseVowels');
    const dense = prepareSeries(jv.train, { lengthPolicy: 'pad' });
    expect(dense.shape).toEqual([270, 26, 12]);
  });
});
