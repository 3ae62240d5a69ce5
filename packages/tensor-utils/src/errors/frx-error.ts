/** Prefix of every brand symbol: `Symbol.for('frx.error')` marks any @frx error, `frx.error.<Name>` one class. */
const BRAND_PREFIX = 'frx.error';

/**
 * The brand symbol of an @frx error class: `Symbol.for('frx.error.<name>')`, from the global symbol registry, so
 * every copy of the class (each build entry, ESM and CJS, two installed versions) shares it.
 *
 * @param name - the class name, e.g. `'DataFormatError'`.
 * @returns the registered symbol.
 * @example
 * ```ts
 * class CheckpointError extends FrxError {
 *   static override readonly brand = frxErrorBrand('CheckpointError');
 * }
 * ```
 */
export function frxErrorBrand(name: string): symbol {
  return Symbol.for(`${BRAND_PREFIX}.${name}`);
}

function hasBrand(value: unknown, brand: symbol): boolean {
  return typeof value === 'object' && value !== null && (value as Record<symbol, unknown>)[brand] === true;
}

/**
 * Base class of every error an @frx package throws on purpose. `instanceof` and {@link FrxError.isInstance} check
 * a brand stored on the error (a `Symbol.for` key), not the prototype chain, so they recognise an error thrown by
 * another copy of the class: tsup gives each entry point (`.` and `./node`) and each module format (ESM and CJS)
 * its own copy, and a prototype check would fail across them. Each subclass declares its own
 * `static readonly brand = frxErrorBrand('<Name>')`; a subclass that does not falls back to the ordinary
 * prototype check. Follows vercel/ai's `AISDKError` marker pattern (`packages/provider/src/errors/ai-sdk-error.ts`).
 *
 * @example
 * ```ts
 * export class DataFormatError extends FrxError {
 *   static override readonly brand = frxErrorBrand('DataFormatError');
 *   override readonly name = 'DataFormatError';
 * }
 * // in another bundle, with its own copy of the class:
 * if (error instanceof DataFormatError) console.error(error.message);
 * ```
 */
export class FrxError extends Error {
  /** The brand shared by every @frx error (`Symbol.for('frx.error')`). */
  static readonly brand: symbol = Symbol.for(BRAND_PREFIX);

  override readonly name: string = 'FrxError';

  /**
   * @param message - the full message.
   * @param options - standard `ErrorOptions` (`cause`).
   */
  constructor(message: string, options?: ErrorOptions) {
    super(message, options);
    // Stamp the brand of every class in the chain, from the concrete class up to FrxError.
    for (let c: unknown = new.target; typeof c === 'function' && c !== Error; c = Object.getPrototypeOf(c)) {
      if (Object.hasOwn(c, 'brand')) {
        Object.defineProperty(this, (c as typeof FrxError).brand, { value: true, enumerable: false });
      }
    }
  }

  /**
   * Whether `value` is an error of this class (or a subclass), from any copy of the class.
   *
   * @param value - anything, typically a caught error.
   * @returns `true` when `value` carries this class's brand.
   */
  static isInstance<T extends abstract new (...args: never[]) => unknown>(
    this: T,
    value: unknown,
  ): value is InstanceType<T> {
    return (this as unknown as typeof FrxError)[Symbol.hasInstance](value);
  }

  /** Makes `instanceof` check the brand (see the class documentation). */
  static override [Symbol.hasInstance](value: unknown): boolean {
    if (!Object.hasOwn(this, 'brand')) return Function.prototype[Symbol.hasInstance].call(this, value);
    return hasBrand(value, this.brand);
  }
}
