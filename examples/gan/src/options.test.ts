import { describe, expect, it } from 'vitest';

import { parseTrainArgs, UsageError } from './options';

describe('parseTrainArgs', () => {
  it('applies the documented defaults', () => {
    const o = parseTrainArgs(['--data', 'd']);
    expect(o).toMatchObject({
      data: 'd',
      format: 'auto',
      resolution: 32,
      model: 'giu',
      width: 16,
      loss: 'hinge',
      criticSteps: 1,
      batchSize: 64,
      lrG: 1e-4,
      lrD: 4e-4,
      emaDecay: 0.999,
      giuWiring: 'C',
      out: 'runs/giu',
      backend: 'auto',
      generatorNorm: 'default',
    });
    expect(parseTrainArgs(['--data', 'd', '--generator-norm', 'rbn']).generatorNorm).toBe('rbn');
    expect(parseTrainArgs(['--data', 'd', '--loss', 'wgan-gp']).criticSteps).toBe(5);
    expect(parseTrainArgs(['--data', 'd', '--format', 'image-folder']).resolution).toBe(64);
  });

  it('rejects missing data, unknown flags and bad values, naming the flag', () => {
    expect(() => parseTrainArgs([])).toThrow(/--data <dir> is required/);
    expect(() => parseTrainArgs(['--data', 'd', '--widht', '3'])).toThrow(UsageError);
    expect(() => parseTrainArgs(['--data', 'd', '--width', '0'])).toThrow(
      /--width must be an integer >= 1, got '0'/,
    );
    expect(() => parseTrainArgs(['--data', 'd', '--model', 'dcgan'])).toThrow(
      /--model must be one of baseline, giu, got 'dcgan'/,
    );
    expect(() => parseTrainArgs(['--data', 'd', '--giu-kernel', '4'])).toThrow(
      /--giu-kernel must be odd, got 4/,
    );
    expect(() => parseTrainArgs(['--data', 'd', '--resolution', '48'])).toThrow(
      /--resolution must be 32 or 64, got '48'/,
    );
    expect(() => parseTrainArgs(['--data', 'd', '--lr-g', 'fast'])).toThrow(/--lr-g must be a number/);
    expect(() => parseTrainArgs(['--data', 'd', '--generator-norm', 'group'])).toThrow(
      /--generator-norm must be one of default, batch, rbn, got 'group'/,
    );
  });
});
