/**
 * Decimal numbers as UCR, UEA and im2rec files write them: optional sign, digits with an optional fraction (or a
 * fraction alone), optional exponent. JavaScript's `Number()` also accepts `0x10`, `0b11`, `0o7`, `Infinity`
 * and surrounding whitespace, which no such file contains: a reader that used it would read `0x10` as 16.
 * @internal
 */
export const DECIMAL_NUMBER = /^[+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?$/;

/**
 * The value of a decimal number token (see {@link DECIMAL_NUMBER}), or `undefined` when the token is not one or
 * its value is not finite (`1e999`).
 * @internal
 */
export function parseDecimal(token: string): number | undefined {
  if (!DECIMAL_NUMBER.test(token)) return undefined;
  const value = Number(token);
  return Number.isFinite(value) ? value : undefined;
}
