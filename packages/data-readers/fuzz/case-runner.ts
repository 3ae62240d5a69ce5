/**
 * Runs cases one at a time in a worker with a time bound and two memory bounds (the worker's V8 heap limit, and
 * the process's resident memory sampled while the case runs), restarting the worker after a case that broke one.
 */
import { Worker } from 'node:worker_threads';

import type { CaseReport, CaseRequest } from './case-worker';

/** A case's end as the runner sees it: the worker's report, or a bound that stopped it. */
export interface CaseResult {
  outcome: CaseReport['outcome'] | 'hang' | 'over-allocation';
  detail: string;
  ms: number;
  /** Held bytes after the case (worker's count); 0 when the worker was stopped. */
  heldBytes: number;
  /** Peak resident memory during the case above its level at the start, sampled every few milliseconds. */
  peakRssBytes: number;
}

/** Bounds of every case. */
export interface CaseBounds {
  /** A case still running after this is a hang (the worker is terminated). */
  timeoutMs: number;
  /** The worker's V8 old-generation limit (typed-array bytes are outside it; the RSS bound covers those). */
  heapMb: number;
}

const RSS_SAMPLE_MS = 5;

/** A worker-backed case runner. */
export class CaseRunner {
  private worker: Worker | undefined;

  constructor(private readonly bounds: CaseBounds) {}

  private start(): Worker {
    this.worker ??= new Worker(new URL('./case-worker-entry.mjs', import.meta.url), {
      resourceLimits: { maxOldGenerationSizeMb: this.bounds.heapMb },
    });
    return this.worker;
  }

  /** Starts the worker and checks that it answers (fails loudly instead of reporting every case as a crash). */
  async ready(): Promise<void> {
    const worker = this.start();
    await new Promise<void>((resolve, reject) => {
      worker.once('message', () => resolve());
      worker.once('error', reject);
      worker.postMessage('ping');
    });
  }

  /**
   * Runs one case.
   *
   * @param request - target and input.
   * @param maxRssBytes - resident memory the case may add; above it the worker is stopped (`over-allocation`).
   */
  async run(request: CaseRequest, maxRssBytes: number): Promise<CaseResult> {
    const worker = this.start();
    const started = performance.now();
    const baseRss = process.memoryUsage.rss();
    let peakRss = baseRss;
    const result = await new Promise<CaseResult>((resolve) => {
      const elapsed = () => performance.now() - started;
      const done = (result: Omit<CaseResult, 'peakRssBytes'>) => {
        clearTimeout(timer);
        clearInterval(sampler);
        worker.off('message', onMessage);
        worker.off('error', onError);
        resolve({ ...result, peakRssBytes: peakRss - baseRss });
      };
      const stop = (outcome: CaseResult['outcome'], detail: string) => {
        worker.off('error', onError);
        // The worker is stopped; a late error event of the dying worker must not be unhandled.
        worker.on('error', () => {});
        void worker.terminate();
        this.worker = undefined;
        done({ outcome, detail, ms: elapsed(), heldBytes: 0 });
      };
      const onMessage = (report: CaseReport) => done(report);
      const onError = (error: Error & { code?: string }) => {
        this.worker = undefined;
        const outOfMemory = error.code === 'ERR_WORKER_OUT_OF_MEMORY';
        done({
          outcome: outOfMemory ? 'over-allocation' : 'crash',
          detail: `worker died: ${error.name}: ${error.message}`,
          ms: elapsed(),
          heldBytes: 0,
        });
      };
      const timer = setTimeout(
        () => stop('hang', `no result after ${this.bounds.timeoutMs} ms`),
        this.bounds.timeoutMs,
      );
      const sampler = setInterval(() => {
        peakRss = Math.max(peakRss, process.memoryUsage.rss());
        if (peakRss - baseRss > maxRssBytes) {
          stop(
            'over-allocation',
            `resident memory grew by ${mb(peakRss - baseRss)} MB, bound ${mb(maxRssBytes)} MB`,
          );
        }
      }, RSS_SAMPLE_MS);
      worker.on('message', onMessage);
      worker.on('error', onError);
      worker.postMessage(request);
    });
    return result;
  }

  /** Stops the worker. */
  async close(): Promise<void> {
    await this.worker?.terminate();
    this.worker = undefined;
  }
}

const mb = (bytes: number) => (bytes / 2 ** 20).toFixed(1);
