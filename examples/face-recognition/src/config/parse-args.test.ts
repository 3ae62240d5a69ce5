import { describe, expect, it } from 'vitest';

import { parseFaceArgs, UsageError } from './parse-args';
import { FACE_PRESETS } from './presets';

describe('parseFaceArgs', () => {
  it('starts from the preset and applies every override', () => {
    const parsed = parseFaceArgs([
      '--',
      '--preset',
      'ms1mv3_r50_onegpu',
      '--data',
      '/d/train.rec',
      '--lr',
      '0.1',
      '--scheduler',
      'mhlr',
      '--margin',
      'cosface',
      '--m',
      '0.4',
      '--milestones',
      '8,14',
      '--val-bin',
      '/d/lfw.bin',
      '--resume',
    ]);
    expect(parsed.command).toBe('train');
    if (parsed.command !== 'train') return;
    expect(parsed.resume).toBe(true);
    expect(parsed.config).toMatchObject({
      preset: 'ms1mv3_r50_onegpu',
      data: '/d/train.rec',
      lr: 0.1,
      scheduler: 'mhlr',
      margin: 'cosface',
      marginM: 0.4,
      milestones: [8, 14],
      verification: { kind: 'bin', path: '/d/lfw.bin' },
      // untouched preset values (arcface_torch ms1mv3_r50_onegpu: batch 128, 20 epochs, emb 512)
      batchSize: 128,
      epochs: 20,
      embeddingSize: 512,
      weightDecay: 5e-4,
      momentum: 0.9,
    });
  });

  it('does not modify the preset table', () => {
    parseFaceArgs(['--preset', 'orl-tiny', '--data', 'x', '--lr', '9']);
    expect(FACE_PRESETS['orl-tiny']!.lr).toBe(0.05);
  });

  it('rejects unknown flags, bad values and flags of the other command, naming them', () => {
    expect(() => parseFaceArgs(['--data', 'x', '--learning-rate', '1'])).toThrow(UsageError);
    expect(() => parseFaceArgs(['--data', 'x', '--learning-rate', '1'])).toThrow(/learning-rate/);
    expect(() => parseFaceArgs(['--data', 'x', '--scheduler', 'step'])).toThrow(
      /--scheduler must be one of mhlr/,
    );
    expect(() => parseFaceArgs(['--data', 'x', '--batch-size', '1.5'])).toThrow(
      /--batch-size must be an integer/,
    );
    expect(() => parseFaceArgs(['--data', 'x', '--input-size', '100'])).toThrow(/multiple of 16/);
    expect(() => parseFaceArgs(['--data', 'x', '--preset', 'nope'])).toThrow(/unknown preset 'nope'/);
    expect(() => parseFaceArgs(['--data', 'x', '--export', 'e.npy'])).toThrow(
      /--export is not an option of 'train'/,
    );
    expect(() => parseFaceArgs(['eval', '--checkpoint', 'c', '--val-bin', 'b', '--lr', '1'])).toThrow(
      /--lr is not an option of 'eval'/,
    );
    expect(() => parseFaceArgs(['--preset', 'orl-tiny'])).toThrow(/--data/);
    expect(() => parseFaceArgs(['--data', 'x', '--val-pairs', 'p.txt'])).toThrow(/--val-lfw-root/);
    expect(() => parseFaceArgs(['--data', 'x', '--val-bin', 'a', '--no-val'])).toThrow(/at most one/);
  });

  it('parses eval with LFW pairs and export', () => {
    const parsed = parseFaceArgs([
      'eval',
      '--checkpoint',
      'runs/a/checkpoints/step-000010',
      '--val-pairs',
      'pairs.txt',
      '--val-lfw-root',
      'lfw',
      '--export',
      'e.npy',
      '--no-flip-tta',
    ]);
    expect(parsed).toEqual({
      command: 'eval',
      checkpoint: 'runs/a/checkpoints/step-000010',
      data: '',
      verification: { kind: 'lfw-pairs', pairsPath: 'pairs.txt', imageRoot: 'lfw' },
      flipTta: false,
      exportPath: 'e.npy',
      batchSize: 64,
      backend: 'auto',
      progress: 'auto',
    });
    expect(() => parseFaceArgs(['eval', '--checkpoint', 'c'])).toThrow(/needs --val-bin/);
  });
});
