/**
 * Runs fuzz cases in a worker thread, so that the runner can stop a case that hangs (by terminating the worker)
 * and bound its heap (`resourceLimits`). Replies one {@link CaseReport} per {@link CaseRequest}.
 */
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { parentPort } from 'node:worker_threads';

import { DataFormatError } from '../src/index';
import { fuzzTarget } from './targets';

/** One input for one target. */
export interface CaseRequest {
  target: string;
  bytes: Uint8Array;
}

/** How one case ended, as the worker saw it. */
export interface CaseReport {
  /** `clean`: a result; `typed-error`: a DataFormatError (DataLimitError included); `crash`: any other error. */
  outcome: 'clean' | 'typed-error' | 'crash';
  /** Error name and message (and the first stack frame for crashes). */
  detail: string;
  ms: number;
  /** Heap and array-buffer bytes held after the case with its result alive, above the level before it. */
  heldBytes: number;
}

// gc() before each case, so that the held-memory figure is this case's and not garbage of the previous one.
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const held = () => {
  const { heapUsed, arrayBuffers } = process.memoryUsage();
  return heapUsed + arrayBuffers;
};

async function runCase({ target, bytes }: CaseRequest): Promise<CaseReport> {
  const { run } = fuzzTarget(target);
  gc();
  const before = held();
  const start = performance.now();
  let outcome: CaseReport['outcome'] = 'clean';
  let detail = '';
  let result: unknown;
  try {
    result = await run(bytes);
  } catch (error) {
    if (error instanceof DataFormatError) {
      outcome = 'typed-error';
      detail = `${error.name}: ${error.message.slice(0, 300)}`;
    } else {
      outcome = 'crash';
      const e = error as Error | undefined;
      const frame = String(e?.stack).split('\n')[1]?.trim() ?? '';
      detail = `${e?.name}: ${String(e?.message).slice(0, 300)} @ ${frame}`;
    }
  }
  const ms = performance.now() - start;
  const heldBytes = Math.max(0, held() - before);
  // Keeps the result reachable until the measurement above.
  if (result === held) detail += '';
  return { outcome, detail, ms, heldBytes };
}

parentPort!.on('message', (request: CaseRequest | 'ping') => {
  if (request === 'ping') return parentPort!.postMessage('ready');
  void runCase(request).then((report) => parentPort!.postMessage(report));
});
