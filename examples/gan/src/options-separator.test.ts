import { describe, expect, it } from 'vitest';

import { dropPnpmSeparator, parseTrainArgs } from './options';

describe('the `--` pnpm forwards', () => {
  it('is dropped, so the README command `pnpm --filter @frx/example-gan start -- --data …` parses', () => {
    expect(parseTrainArgs(['--', '--data', 'd', '--width', '8'])).toMatchObject({ data: 'd', width: 8 });
    expect(dropPnpmSeparator(['--', 'compare', 'runs/a'])).toEqual(['compare', 'runs/a']);
  });

  it('only in first position', () => {
    expect(dropPnpmSeparator(['--data', 'd'])).toEqual(['--data', 'd']);
    expect(() => parseTrainArgs(['--data', 'd', '--', '--width', '8'])).toThrow(/--width|Unexpected/);
  });
});
