import { describe, expect, it, vi } from 'vitest';

import { FrxError, frxErrorBrand } from './frx-error';
import type * as FrxErrorModuleValue from './frx-error';

type FrxErrorModule = typeof FrxErrorModuleValue;

class ParseError extends FrxError {
  static override readonly brand = frxErrorBrand('ParseError');
  override readonly name = 'ParseError';
}

class UnbrandedError extends FrxError {}

// A second copy of the module, as a second build entry or the other module format would load it.
async function freshCopy(): Promise<FrxErrorModule> {
  vi.resetModules();
  return import('./frx-error');
}

describe('FrxError', () => {
  it('is an Error with its message, name and cause', () => {
    const cause = new Error('inner');
    const error = new FrxError('outer', { cause });
    expect(error).toBeInstanceOf(Error);
    expect(error.message).toBe('outer');
    expect(error.name).toBe('FrxError');
    expect(error.cause).toBe(cause);
    expect(String(error.stack)).toContain('outer');
  });

  it('brands subclasses with their own registered symbol and the shared one', () => {
    const error = new ParseError('bad');
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('frx.error.ParseError')]).toBe(true);
    expect((error as unknown as Record<symbol, unknown>)[Symbol.for('frx.error')]).toBe(true);
    expect(Object.prototype.propertyIsEnumerable.call(error, Symbol.for('frx.error'))).toBe(false);
    expect(error.name).toBe('ParseError');
  });

  it('instanceof and isInstance tell classes apart', () => {
    const base = new FrxError('base');
    const parse = new ParseError('parse');
    expect(parse instanceof FrxError).toBe(true);
    expect(parse instanceof ParseError).toBe(true);
    expect(base instanceof ParseError).toBe(false);
    expect(ParseError.isInstance(base)).toBe(false);
    expect(FrxError.isInstance(parse)).toBe(true);
    expect(new Error('plain') instanceof FrxError).toBe(false);
    for (const value of [null, undefined, 1, 'FrxError', { name: 'FrxError' }]) {
      expect(FrxError.isInstance(value)).toBe(false);
    }
  });

  it('a subclass without its own brand falls back to the prototype check', () => {
    expect(new UnbrandedError('x') instanceof UnbrandedError).toBe(true);
    expect(new FrxError('x') instanceof UnbrandedError).toBe(false);
    expect(new UnbrandedError('x') instanceof FrxError).toBe(true);
  });

  it('recognises errors made by another copy of the module, both ways', async () => {
    const copy = await freshCopy();
    expect(copy.FrxError).not.toBe(FrxError);
    const theirs = new copy.FrxError('from the other copy');
    expect(Object.getPrototypeOf(theirs)).not.toBe(FrxError.prototype);
    expect(theirs instanceof FrxError).toBe(true);
    expect(new ParseError('mine') instanceof copy.FrxError).toBe(true);

    class TheirParseError extends copy.FrxError {
      static override readonly brand = copy.frxErrorBrand('ParseError');
    }
    expect(new TheirParseError('x') instanceof ParseError).toBe(true);
    expect(ParseError.isInstance(new TheirParseError('x'))).toBe(true);
    expect(new copy.FrxError('x') instanceof ParseError).toBe(false);
  });
});
