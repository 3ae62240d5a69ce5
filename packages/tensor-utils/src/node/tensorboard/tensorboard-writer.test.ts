import { mkdtemp, readdir, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';

import { initBackend } from '../../backend/init-backend';
import { testBackend } from '../../testing/test-backend';
import { openTensorBoardWriter } from './tensorboard-writer';

/** The payloads of a TFRecord file: [u64 length][u32 crc][data][u32 crc] each (TensorFlow's record format). */
function records(bytes: Buffer): Buffer[] {
  const out: Buffer[] = [];
  for (let offset = 0; offset < bytes.length;) {
    const length = Number(bytes.readBigUInt64LE(offset));
    out.push(bytes.subarray(offset + 12, offset + 12 + length));
    offset += 12 + length + 4;
  }
  return out;
}

describe('openTensorBoardWriter', () => {
  it.runIf(testBackend() === 'tensorflow')(
    'writes scalars TensorBoard reads: one event per finite value, tagged prefix/key, and leaks no tensor',
    async () => {
      await initBackend({ backend: 'tensorflow' });
      const logdir = await mkdtemp(join(tmpdir(), 'frx-tb-'));
      const board = (await openTensorBoardWriter(logdir))!;
      expect(board.logdir).toBe(logdir);
      const before = tf.memory().numTensors;
      board.scalars({ loss: 2.5, lr: 0.125, note: 'text', bad: Number.NaN }, 3, 'train');
      board.scalars({ loss: 1.5 }, 4, 'train');
      board.flush();
      expect(tf.memory().numTensors).toBe(before);
      const [file] = (await readdir(logdir)).filter((f) => f.startsWith('events.out.tfevents.'));
      expect(file).toBeDefined();
      const events = records(await readFile(join(logdir, file!)));
      // The first record is the file-version event; then one event per scalar.
      const scalars = events.filter((e) => e.includes('train/'));
      expect(scalars).toHaveLength(3);
      const float = (v: number) => {
        const b = Buffer.alloc(4);
        b.writeFloatLE(v);
        return b;
      };
      expect(scalars[0]!.includes('train/loss')).toBe(true);
      expect(scalars[0]!.includes(float(2.5))).toBe(true);
      expect(scalars[1]!.includes('train/lr')).toBe(true);
      expect(scalars[1]!.includes(float(0.125))).toBe(true);
      expect(scalars[2]!.includes(float(1.5))).toBe(true);
      expect(events.some((e) => e.includes('note') || e.includes('bad'))).toBe(false);
      expect(() => board.scalars({ loss: 1 }, -1)).toThrow(/step must be a non-negative integer, got -1/);
    },
  );

  it('gives no writer on a backend other than tensorflow, and rejects an empty folder', async () => {
    await initBackend({ backend: 'cpu' });
    expect(await openTensorBoardWriter(join(tmpdir(), 'frx-tb-none'))).toBeUndefined();
    await expect(openTensorBoardWriter('')).rejects.toThrow(/logdir must be a non-empty path/);
  });
});
