import { FrxError, frxErrorBrand } from '../../errors/frx-error';

/**
 * A step of the native set-up could not be done. `message` says what is missing; `hint` says how to get it
 * (one command where there is one). The CLI prints both and exits non-zero.
 */
export class NativeSetupError extends FrxError {
  static override readonly brand: symbol = frxErrorBrand('NativeSetupError');
  override readonly name: string = 'NativeSetupError';
  constructor(
    message: string,
    /** How to fix it. */
    readonly hint: string,
    /**
     * `unavailable` when no TensorFlow library could be found at all (the native backend is simply not
     * possible here: wasm stays the default); `failed` when one was found but a step failed.
     */
    readonly kind: 'unavailable' | 'failed' = 'failed',
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}
