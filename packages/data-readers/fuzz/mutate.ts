/**
 * Seeded mutations of a valid input, in the spirit of AFL's havoc stage (bit flips, interesting values, block
 * deletion, duplication and splicing; Zalewski, "american fuzzy lop" technical details) with text tokens added
 * for the text formats. The same (seed, target, case) always gives the same input, so any finding is replayed by
 * its case number.
 */
import { createRng, type Rng } from '@frx/tensor-utils';

/** Largest mutated input: big enough for length fields to matter, small enough for thousands of cases a minute. */
export const MAX_CASE_BYTES = 1 << 18;

const INTERESTING_8 = [0x00, 0x01, 0x7f, 0x80, 0xff, 0x0a, 0x28, 0x2e, 0x5d, 0x7d];
const INTERESTING_32 = [0, 1, 0x7f, 0x80, 0xff, 0x100, 0xffff, 0x10000, 0x7fffffff, 0x80000000, 0xffffffff];
// Tokens that number and label grammars must refuse or handle (JavaScript's Number() accepts several of them).
const TEXT_TOKENS = [
  '0x10',
  '0b11',
  '0o7',
  '1e999',
  '-1e-999',
  'Infinity',
  'NaN',
  '?',
  '',
  ' ',
  '\t',
  ',',
  ':',
  '\n',
  '\r\n',
  '@data',
  '@classLabel true',
  '@dimensions 0',
  '3000000000',
  '10000001',
  '-0',
  '1.',
  '.5',
  '1e',
  '+',
  '#',
  '%',
];

/** The random generator of one fuzz case. */
export function caseRng(seed: number, target: string, index: number): Rng {
  return createRng(`${seed}:${target}:${index}`);
}

/**
 * A mutated copy of one of `seeds`: 1–8 stacked mutations.
 *
 * @param seeds - valid inputs of the target.
 * @param rng - the case's generator ({@link caseRng}).
 * @param text - whether to also insert text tokens.
 */
export function mutate(seeds: readonly Uint8Array[], rng: Rng, text: boolean): Uint8Array {
  let data: Uint8Array = Uint8Array.from(seeds[rng.int(seeds.length)]!);
  const count = 1 + rng.int(8);
  for (let m = 0; m < count; m++) {
    if (data.length === 0) data = Uint8Array.from(seeds[rng.int(seeds.length)]!);
    const at = rng.int(data.length);
    switch (rng.int(text ? 9 : 8)) {
      case 0: // flip one bit
        data[at]! ^= 1 << rng.int(8);
        break;
      case 1: // an interesting byte
        data[at] = INTERESTING_8[rng.int(INTERESTING_8.length)]!;
        break;
      case 2: // a random byte
        data[at] = rng.int(256);
        break;
      case 3: {
        // an interesting 32-bit value, either byte order
        if (data.length < 4) break;
        const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
        view.setUint32(
          Math.min(at, data.length - 4),
          INTERESTING_32[rng.int(INTERESTING_32.length)]!,
          rng.int(2) === 0,
        );
        break;
      }
      case 4: {
        // delete a block
        const length = 1 + rng.int(Math.min(data.length - at, 64));
        data = concat(data.subarray(0, at), data.subarray(at + length));
        break;
      }
      case 5: {
        // duplicate a block in place, up to 64 times (grows counts and nesting)
        const length = 1 + rng.int(Math.min(data.length - at, 32));
        const block = data.subarray(at, at + length);
        const copies = 1 + rng.int(64);
        data = concat(data.subarray(0, at), ...Array<Uint8Array>(copies).fill(block), data.subarray(at));
        break;
      }
      case 6: {
        // splice: our head with another seed's tail
        const other = seeds[rng.int(seeds.length)]!;
        data = concat(data.subarray(0, at), other.subarray(rng.int(other.length + 1)));
        break;
      }
      case 7: // truncate
        data = data.slice(0, at);
        break;
      case 8: {
        // a text token
        const token = new TextEncoder().encode(TEXT_TOKENS[rng.int(TEXT_TOKENS.length)]);
        const replace = rng.int(2) === 0 ? rng.int(Math.min(8, data.length - at) + 1) : 0;
        data = concat(data.subarray(0, at), token, data.subarray(at + replace));
        break;
      }
    }
    if (data.length > MAX_CASE_BYTES) data = data.slice(0, MAX_CASE_BYTES);
  }
  return data;
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}
