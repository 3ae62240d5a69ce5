/** How the fuzzer judges one case (fuzz/run-fuzz.ts): the memory a case may add and the finding a result is. */
import { DEFAULT_MEMORY_BUDGET, IMAGE_MEMORY_BUDGET } from '../src/limits/memory-budget';
import type { CaseResult } from './case-runner';
import type { FuzzTarget } from './targets';

const MiB = 2 ** 20;
// Measurement slack: V8 heap growth, worker bookkeeping and the input's copy are counted with the case.
const MEMORY_SLACK = 48 * MiB;

/** What the issue counts as a defect: an untyped error, no result within the time bound, or too much memory. */
export type Finding = 'crash' | 'hang' | 'over-allocation';

/** Memory a case may add: its reader's default budget for the input, plus measurement slack. */
export function allowedMemory(target: FuzzTarget, inputBytes: number): number {
  const rule = target.budget === 'image' ? IMAGE_MEMORY_BUDGET : DEFAULT_MEMORY_BUDGET;
  return rule.multiple * inputBytes + rule.allowance + MEMORY_SLACK;
}

/** The finding a case result is, or `undefined` for a case that ended as it should. */
export function findingOf(result: CaseResult, allowed: number): Finding | undefined {
  if (result.outcome === 'crash' || result.outcome === 'hang' || result.outcome === 'over-allocation')
    return result.outcome;
  if (result.heldBytes > allowed || result.peakRssBytes > allowed) return 'over-allocation';
  return undefined;
}
