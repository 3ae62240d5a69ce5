import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

import { describe, expect, it } from 'vitest';

import { DataFormatError, DataLimitError } from '../errors/data-format-error';
import { readTorchCheckpoint } from './read-torch-checkpoint';

const fixture = (name: string) =>
  new Uint8Array(readFileSync(fileURLToPath(new URL(`../../test/fixtures/${name}`, import.meta.url))));
/** What torch itself reports for each key (scripts/torch_fixtures.py): dtype, shape, C-order values. */
const expected = JSON.parse(new TextDecoder().decode(fixture('torch-expected.json'))) as Record<
  string,
  { dtype: string; shape: number[]; values: (number | string)[] }
>;

const DATA_DTYPE: Record<string, string> = { float16: 'float32', bfloat16: 'float32' };

function expectMatchesTorch(
  weights: Map<string, { dtype: string; storageDtype: string; shape: number[]; data: ArrayLike<unknown> }>,
  prefix = '',
) {
  expect([...weights.keys()]).toEqual(Object.keys(expected).map((k) => prefix + k));
  for (const [name, want] of Object.entries(expected)) {
    const got = weights.get(prefix + name)!;
    expect(got.storageDtype, name).toBe(want.dtype);
    expect(got.dtype, name).toBe(DATA_DTYPE[want.dtype] ?? want.dtype);
    expect(got.shape, name).toEqual(want.shape);
    const values = Array.from(got.data, (v) => (typeof v === 'bigint' ? v.toString() : v));
    if (want.dtype === 'float32' || want.dtype === 'float16' || want.dtype === 'bfloat16') {
      // Exact: fp32 storage bytes are copied; fp16/bf16 widen to fp32 exactly, as torch's .float() does.
      expect(values, name).toEqual(want.values.map((v) => Math.fround(v as number)));
    } else {
      expect(values, name).toEqual(want.values);
    }
  }
}

describe('readTorchCheckpoint on files written by torch 1.13 (scripts/torch_fixtures.py)', () => {
  it('reads the zip format: every dtype, strides, storage offsets, shared storages, scalars', () => {
    expectMatchesTorch(readTorchCheckpoint(fixture('torch-state-dict-zip.pth')));
  });

  it('reads the legacy format (_use_new_zipfile_serialization=False)', () => {
    expectMatchesTorch(readTorchCheckpoint(fixture('torch-state-dict-legacy.pth')));
  });

  it('names tensors inside a training checkpoint by their path and ignores non-tensor entries', () => {
    expectMatchesTorch(readTorchCheckpoint(fixture('torch-training-zip.pth')), 'state_dict_backbone.');
  });

  it('returns num_batches_tracked as int64 and the transposed view in C order (hand-checked)', () => {
    const weights = readTorchCheckpoint(fixture('torch-state-dict-zip.pth'));
    expect(weights.get('1.num_batches_tracked')!.data).toEqual(BigInt64Array.of(1n));
    // base = arange(24).reshape(4, 6) / 8; transposed[i][j] = base[j][i] = (6j + i) / 8.
    const t = weights.get('transposed')!;
    expect(Array.from(t.data as Float32Array).slice(0, 5)).toEqual([0, 6 / 8, 12 / 8, 18 / 8, 1 / 8]);
    // offset_view = base[1:3, 2:5] → rows (8, 9, 10) and (14, 15, 16), / 8.
    expect(Array.from(weights.get('offset_view')!.data as Float32Array)).toEqual(
      [8, 9, 10, 14, 15, 16].map((v) => v / 8),
    );
  });
});

describe('readTorchCheckpoint bad input', () => {
  it('refuses a non-checkpoint with the file and offset', () => {
    expect(() => readTorchCheckpoint(new TextEncoder().encode('hello'), { file: 'x.pth' })).toThrow(
      /x.pth: byte 0: not a PyTorch checkpoint/,
    );
    expect(() => readTorchCheckpoint(new Uint8Array(0), { fil: 'x' } as never)).toThrow(
      /unknown option "fil"/,
    );
  });

  it('refuses compressed zip entries with a clear message', () => {
    const bytes = fixture('torch-state-dict-zip.pth').slice();
    // Set the method of the first central-directory entry and its local header to deflate (8).
    const view = new DataView(bytes.buffer);
    for (let at = 0; at + 4 <= bytes.length; at++) {
      const sig = view.getUint32(at, true);
      if (sig === 0x04034b50) view.setUint16(at + 8, 8, true);
      if (sig === 0x02014b50) view.setUint16(at + 10, 8, true);
    }
    expect(() => readTorchCheckpoint(bytes)).toThrow(/uses compression method 8; only stored/);
  });

  it('refuses globals outside the torch allowlist', () => {
    const bytes = fixture('torch-state-dict-legacy.pth').slice();
    const text = new TextDecoder('latin1').decode(bytes);
    const at = text.indexOf('torch._utils\n_rebuild_tensor_v2');
    bytes.set(new TextEncoder().encode('torch._utils\n_rebuild_tensor_v3'), at);
    expect(() => readTorchCheckpoint(bytes, { file: 'm.pth' })).toThrow(
      /"torch._utils._rebuild_tensor_v3" is not on the allowlist/,
    );
  });

  it('ends every truncation and single-byte corruption in a DataFormatError or a valid read', () => {
    for (const name of ['torch-state-dict-zip.pth', 'torch-state-dict-legacy.pth']) {
      const bytes = fixture(name);
      for (let length = 0; length < bytes.byteLength; length += 7) {
        expect(() => readTorchCheckpoint(bytes.slice(0, length)), `${name} cut at ${length}`).toThrow(
          DataFormatError,
        );
      }
      for (let at = 0; at < bytes.byteLength; at++) {
        const bad = bytes.slice();
        bad[at] = bad[at]! ^ 0xff;
        try {
          readTorchCheckpoint(bad);
        } catch (error) {
          expect(error, `${name} byte ${at}`).toBeInstanceOf(DataFormatError);
        }
      }
    }
  });
});

describe('readTorchCheckpoint on hostile input (issue 14)', () => {
  // The legacy fixture's `1.weight`: storage offset 0, size (4,), stride (1,); replaced by 2-D stride-0 views.
  const legacy = Buffer.from(fixture('torch-state-dict-legacy.pth')).toString('latin1');
  const view = 'K\x00K\x04\x85q\x11K\x01\x85q\x12';
  const withView = (size: string) =>
    Uint8Array.from(legacy.replace(view, `K\x00${size}${size}\x86q\x11K\x00K\x00\x86q\x12`), (c) =>
      c.charCodeAt(0),
    );
  const long1 = (n: bigint) => {
    const bytes: number[] = [];
    for (let v = n; v > 0n; v >>= 8n) bytes.push(Number(v & 255n));
    if (bytes.at(-1)! >= 0x80) bytes.push(0);
    return '\x8a' + String.fromCharCode(bytes.length, ...bytes);
  };

  it('refuses stride-0 tensors with more elements than the budget before allocating them', () => {
    expect(legacy.includes(view)).toBe(true);
    expect(() =>
      readTorchCheckpoint(withView('M\x00\x10'), { file: 's.pth', maxMemoryBytes: 2 ** 20 }),
    ).toThrow(/s.pth: checkpoint tensor elements: \d+ exceeds maxMemoryBytes 1048576/);
    for (const size of ['J\x00\x00\x01\x00', long1(10n ** 15n)]) {
      const start = performance.now();
      expect(() => readTorchCheckpoint(withView(size), { file: 's.pth' })).toThrow(DataLimitError);
      expect(performance.now() - start).toBeLessThan(1000);
    }
  });

  it('refuses a legacy protocol number that is a deeply nested list with a DataFormatError', () => {
    const deep = '\x80\x02' + ']'.repeat(200_000) + 'a'.repeat(199_999) + '.';
    const bytes = Uint8Array.from(legacy.replace('\x80\x02M\xe9\x03.', deep), (c) => c.charCodeAt(0));
    expect(() => readTorchCheckpoint(bytes, { file: 'deep.pth' })).toThrow(
      /deep.pth: byte 15: legacy checkpoint: unsupported protocol version/,
    );
  });
});
