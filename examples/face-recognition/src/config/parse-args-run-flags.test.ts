import { describe, expect, it } from 'vitest';

import { parseFaceArgs } from './parse-args';

const EVAL = ['eval', '--checkpoint', 'runs/x/checkpoints/step-000010', '--val-bin', 'lfw.bin'];

describe('run-control flags in eval', () => {
  it('eval takes --progress, --backend and --eval-batch-size as train does', () => {
    const command = parseFaceArgs([
      '--',
      ...EVAL,
      '--progress',
      'lines',
      '--backend',
      'cpu',
      '--eval-batch-size',
      '8',
    ]);
    expect(command).toMatchObject({ command: 'eval', progress: 'lines', backend: 'cpu', batchSize: 8 });
    const train = parseFaceArgs([
      '--data',
      'orl',
      '--progress',
      'lines',
      '--backend',
      'cpu',
      '--eval-batch-size',
      '8',
    ]);
    expect(train).toMatchObject({ command: 'train' });
  });

  it('still rejects a bad value and training-only flags', () => {
    expect(() => parseFaceArgs([...EVAL, '--progress', 'loud'])).toThrow(/--progress/);
    expect(() => parseFaceArgs([...EVAL, '--lr', '0.1'])).toThrow(/--lr is not an option of 'eval'/);
  });
});
