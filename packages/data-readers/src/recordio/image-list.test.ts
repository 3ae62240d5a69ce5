import { describe, expect, it } from 'vitest';

import { formatImageList, parseImageList } from './image-list';
import { formatRecordIOIndex, parseRecordIOIndex } from './index-file';
import { parseRecordIOProperty } from './property-file';

describe('.lst, .idx and property text files', () => {
  it('parses im2rec lists with one or several labels and formats them back as im2rec does', () => {
    const text = '0\t0.000000\tman/man_1.jpg\n4\t1.000000\t2.500000\twoman/woman 1.jpg\n';
    const entries = parseImageList(text);
    expect(entries).toEqual([
      { index: 0, labels: [0], path: 'man/man_1.jpg' },
      { index: 4, labels: [1, 2.5], path: 'woman/woman 1.jpg' },
    ]);
    expect(formatImageList(entries)).toBe(text);
  });

  it('names the line of malformed list, index and property text', () => {
    expect(() => parseImageList('0\t0\ta.jpg\nx\t1\tb.jpg\n', 'train.lst')).toThrow(
      /train.lst: line 2: bad index "x"/,
    );
    expect(() => parseImageList('0\ta.jpg\n', 'train.lst')).toThrow(/line 1: fewer than 3/);
    expect(() => parseImageList('0\tNaNx\ta.jpg\n')).toThrow(/bad label/);
    expect(() => parseRecordIOIndex('0\t0\n1\t-4\n', { file: 'a.idx' })).toThrow(
      /a.idx: line 2: key 1 \/ offset -4 out of range/,
    );
    expect(() => parseRecordIOProperty('12,112\n')).toThrow(/property: line 1: malformed property/);
  });

  it('round-trips .idx text', () => {
    const entries = [
      { key: 3, offset: 0 },
      { key: 1, offset: 5500 },
    ];
    expect(parseRecordIOIndex(formatRecordIOIndex(entries))).toEqual(entries);
  });
});
