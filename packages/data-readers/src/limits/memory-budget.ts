import { DataLimitError } from '../errors/data-format-error';

const MiB = 2 ** 20;

/** How a reader's default memory budget follows its input: `multiple · input bytes + allowance`. */
export interface MemoryBudgetRule {
  /** Bytes of budget per input byte. */
  multiple: number;
  /** Fixed bytes added to every budget, so that small legitimate files are never refused. */
  allowance: number;
}

/**
 * Default budget of the structured readers (pickle, verification `.bin`, PyTorch checkpoints, RecordIO index and
 * records, time-series text, archives): 8 bytes per input byte plus 64 MiB. Real files of these formats expand
 * at most a few times when parsed (a pickled list of small ints is the worst case, about 4x); decompression
 * bombs and header-only allocations expand by thousands.
 */
export const DEFAULT_MEMORY_BUDGET: Readonly<MemoryBudgetRule> = Object.freeze({
  multiple: 8,
  allowance: 64 * MiB,
});

/**
 * Default budget of the image decoders: 32 bytes per input byte plus 256 MiB. Compressed images legitimately
 * expand 10-50x (a 12-megapixel 4:2:0 JPEG of 3 MB decodes to 36 MB, and jpeg-js holds about 16 bytes per pixel
 * while decoding it), so both terms are larger; a 1.4 KB JPEG announcing 9000x9000 still needs ten times more.
 */
export const IMAGE_MEMORY_BUDGET: Readonly<MemoryBudgetRule> = Object.freeze({
  multiple: 32,
  allowance: 256 * MiB,
});

/**
 * The memory budget of one read: `option` when given (validated), else `rule.multiple · inputBytes + rule.allowance`.
 * @internal
 */
export function memoryBudgetFor(
  inputBytes: number,
  option: number | undefined,
  rule: Readonly<MemoryBudgetRule> = DEFAULT_MEMORY_BUDGET,
  optionName = 'maxMemoryBytes',
): number {
  if (option === undefined) return rule.multiple * inputBytes + rule.allowance;
  if (typeof option !== 'number' || !(option > 0))
    throw new TypeError(`${optionName} must be a positive number of bytes, got ${String(option)}`);
  return option;
}

/**
 * Counts what a reader allocates for one input and refuses, with a {@link DataLimitError} naming the file, the
 * offset and the limit, the first charge that goes over. Charges are estimates of V8's real cost (a typed array's
 * bytes plus its object, a `Map` entry, an array slot) taken before the allocation happens.
 * @internal
 */
export class MemoryBudget {
  /** Bytes charged so far. */
  used = 0;

  /**
   * @param limit - the budget in bytes.
   * @param what - what is counted, for the message (e.g. `'pickle objects and bytes'`).
   * @param file - file label for the message.
   * @param option - the option that raises the budget.
   */
  constructor(
    readonly limit: number,
    readonly what: string,
    readonly file: string,
    readonly option = 'maxMemoryBytes',
  ) {}

  /** Adds `bytes` to the running total; throws when the total goes over the limit. */
  charge(bytes: number, offset?: number): void {
    this.used += bytes;
    if (!(this.used <= this.limit)) this.refuse(this.used, offset);
  }

  /** Checks that one allocation of `bytes` (not accumulated) fits; throws otherwise. */
  check(bytes: number, offset?: number): void {
    if (!(this.used + bytes <= this.limit)) this.refuse(this.used + bytes, offset);
  }

  private refuse(needed: number, offset: number | undefined): never {
    throw new DataLimitError(this.what, needed, this.limit, this.option, {
      file: this.file,
      ...(offset !== undefined ? { offset } : {}),
    });
  }
}

/** Rough V8 cost of a typed array object beyond its bytes (JSTypedArray + JSArrayBuffer + backing-store record). */
export const TYPED_ARRAY_OVERHEAD = 160;
