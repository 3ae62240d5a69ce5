import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { createRng } from '@frx/tensor-utils';
import { describe, expect, it } from 'vitest';

import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { NumpyArray } from './numpy-globals';
import { PickleDict } from './pickle-values';
import { readPickle } from './read-pickle';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
const expected = JSON.parse(new TextDecoder().decode(fixture('pickle-expected.json'))) as Record<
  string,
  unknown
>;

/** Converts unpickled values to the tagged JSON that scripts/pickle_fixtures.py writes from Python's own values. */
function tag(value: unknown): unknown {
  if (typeof value === 'bigint') {
    return value >= -(2n ** 53n - 1n) && value <= 2n ** 53n - 1n
      ? Number(value)
      : { bigint: value.toString() };
  }
  if (value instanceof Uint8Array) return { bytes: Buffer.from(value).toString('hex') };
  if (value instanceof NumpyArray) {
    return {
      ndarray: {
        dtype: value.dtype,
        shape: value.shape,
        values: Array.from(value.data as ArrayLike<unknown>, tag),
      },
    };
  }
  if (value instanceof PickleDict) return { dict: [...value].map(([k, v]) => [tag(k), tag(v)]) };
  if (Array.isArray(value)) return Object.isFrozen(value) ? { tuple: value.map(tag) } : value.map(tag);
  return value;
}

describe('readPickle on pickles written by CPython (scripts/pickle_fixtures.py)', () => {
  for (const protocol of [1, 2, 3, 4, 5]) {
    it(`reads ints, big ints, floats, text, bytes, tuples, lists, dicts and OrderedDict at protocol ${protocol}`, () => {
      const name = `pickle-basic-p${protocol}.pkl`;
      expect(tag(readPickle(fixture(name), { file: name }))).toEqual(expected[name]);
    });
  }
  for (const protocol of [2, 3, 4, 5]) {
    it(`reads numpy arrays (uint8, float32, int64, bool, float64, big-endian uint16) and scalars at protocol ${protocol}`, () => {
      const name = `pickle-numpy-p${protocol}.pkl`;
      expect(tag(readPickle(fixture(name), { file: name }))).toEqual(expected[name]);
    });
  }
});

describe('readPickle security and bad input', () => {
  it('refuses globals outside the allowlist, naming them, without executing anything', () => {
    const error = (() => {
      try {
        readPickle(fixture('pickle-evil-os-system.pkl'), { file: 'evil.pkl' });
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(DataFormatError);
    expect((error as Error).message).toBe(
      'evil.pkl: byte 8: pickle global "posix.system" is not on the allowlist (refused; nothing is executed)',
    );
    // An empty allowlist refuses even numpy.
    expect(() => readPickle(fixture('pickle-numpy-p2.pkl'), { globals: {} })).toThrow(
      /"numpy.core.multiarray._reconstruct" is not on the allowlist/,
    );
    // Prototype names are not on the allowlist either.
    expect(() => readPickle(new TextEncoder().encode('cbuiltins\nconstructor\n.'))).toThrow(
      /not on the allowlist/,
    );
  });

  it('refuses unknown and instance-creating opcodes, naming them and their offset', () => {
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0xff))).toThrow(
      /<pickle>: byte 2: unknown pickle opcode 0xff/,
    );
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x28, 0x6f))).toThrow(
      /byte 3: pickle opcode OBJ \(0x6f\) is refused/,
    );
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x82, 1))).toThrow(/EXT1/);
  });

  it('bounds every length by the remaining bytes (no allocation from a header field)', () => {
    // BINBYTES8 announcing 2^52 bytes; BINSTRING with a negative length; a FRAME past the end.
    const huge = Uint8Array.of(0x80, 4, 0x8e, 0, 0, 0, 0, 0, 0, 0x10, 0, 0x2e);
    expect(() => readPickle(huge)).toThrow(
      /byte 11: BINBYTES8: needs 4503599627370496 bytes but only 1 remain/,
    );
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x54, 0xff, 0xff, 0xff, 0xff, 0x2e))).toThrow(
      /negative BINSTRING length -1/,
    );
    expect(() => readPickle(Uint8Array.of(0x80, 4, 0x95, 9, 0, 0, 0, 0, 0, 0, 0, 0x4e, 0x2e))).toThrow(
      /frame: needs 9 bytes/,
    );
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x4e))).toThrow(/truncated pickle: no STOP/);
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x68, 5, 0x2e))).toThrow(/memo key 5 is not defined/);
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x2e))).toThrow(/STOP with 0 values/);
    expect(() => readPickle(Uint8Array.of(0x80, 2, 0x61, 0x2e))).toThrow(/stack underflow/);
  });

  it('enforces the stack and memo limits', () => {
    const many = new Uint8Array([0x80, 2, ...Array<number>(100).fill(0x4e), 0x2e]);
    expect(() => readPickle(many, { maxStack: 50 })).toThrow(/stack exceeds 50 values/);
    const memo = new Uint8Array([0x80, 4, 0x4e, ...Array<number>(20).fill(0x94), 0x2e]);
    expect(() => readPickle(memo, { maxMemo: 10 })).toThrow(/memo exceeds 10 entries/);
    expect(() => readPickle(many, { maxStak: 1 } as never)).toThrow(/unknown option "maxStak"/);
  });

  it('ends every truncation and random corruption of real pickles in a DataFormatError or a value', () => {
    const rng = createRng(1);
    for (const name of [
      'pickle-basic-p2.pkl',
      'pickle-basic-p4.pkl',
      'pickle-numpy-p2.pkl',
      'pickle-numpy-p5.pkl',
    ]) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.byteLength; length++) {
        expect(() => readPickle(bytes.slice(0, length)), `${name} cut at ${length}`).toThrow(DataFormatError);
      }
      for (let trial = 0; trial < 2000; trial++) {
        const bad = bytes.slice();
        for (let k = 0; k < 3; k++) bad[rng.int(bad.length)] = rng.int(256);
        try {
          readPickle(bad);
        } catch (error) {
          expect(error, `${name} trial ${trial}`).toBeInstanceOf(DataFormatError);
        }
      }
    }
  });
});

describe('readPickle on hostile input (issue 14)', () => {
  const latin1 = (text: string) => Uint8Array.from(text, (c) => c.charCodeAt(0));
  const MiB = 2 ** 20;

  it('reads a 256 KB LONG4 in linear time', () => {
    const n = 256 * 1024;
    const bytes = new Uint8Array(8 + n);
    bytes.set([0x80, 0x02, 0x8b]);
    new DataView(bytes.buffer).setUint32(3, n, true);
    bytes.fill(0xff, 7, 7 + n - 1);
    bytes[7 + n - 1] = 0x7f; // little-endian two's complement: 2^(8n-1) - 1
    bytes[7 + n] = 0x2e;
    const start = performance.now();
    const value = readPickle(bytes) as bigint;
    expect(performance.now() - start).toBeLessThan(1000);
    expect(value).toBe(2n ** BigInt(8 * n - 1) - 1n);
  });

  it('charges MARKs, empty dicts and dicts moved into lists to the memory budget', () => {
    const options = { file: 'm.pkl', maxMemoryBytes: 2 * MiB };
    expect(() => readPickle(latin1('\x80\x02' + '('.repeat(MiB)), options)).toThrow(DataLimitError);
    expect(() => readPickle(latin1('\x80\x02' + '}'.repeat(MiB)), options)).toThrow(DataLimitError);
    expect(() => readPickle(latin1('\x80\x02(' + '}'.repeat(MiB / 2) + 'l.'), options)).toThrow(
      /m.pkl: byte \d+: pickle objects and bytes: \d+ exceeds maxMemoryBytes 2097152/,
    );
  });

  it('bounds bytes copied through builtins.bytes', () => {
    const u32 = (n: number) => String.fromCharCode(n & 255, (n >>> 8) & 255, (n >>> 16) & 255, n >>> 24);
    const copies = 'h\x00h\x01\x85R'.repeat(300); // bytes(big) 300 times, kept in a list
    const pickle = latin1(
      `\x80\x03cbuiltins\nbytes\nq\x00B${u32(MiB)}${'x'.repeat(MiB)}q\x01(${copies}l\x87.`,
    );
    try {
      const [, , list] = readPickle(pickle, { file: 'b.pkl' }) as [unknown, Uint8Array, Uint8Array[]];
      // Accepted only if the copies share the one buffer.
      expect(new Set(list.map((b) => b.buffer)).size).toBe(1);
    } catch (error) {
      expect(error).toBeInstanceOf(DataLimitError);
    }
  });

  it('keeps the byte order of dtype(">f4") given directly as the type code (no BUILD)', () => {
    const pickle = latin1(
      '\x80\x03cnumpy.core.multiarray\nscalar\ncnumpy\ndtype\nX\x03\x00\x00\x00>f4\x85RC\x04\x3f\x80\x00\x00\x86R.',
    );
    expect(readPickle(pickle)).toBe(1);
  });
});
