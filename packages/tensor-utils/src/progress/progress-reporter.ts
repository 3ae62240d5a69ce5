/** Where progress is written: `process.stderr` by default under Node, anything with `write` otherwise. */
export interface ProgressStream {
  write(text: string): unknown;
  /** True on an interactive terminal: the bar redraws in place. */
  isTTY?: boolean;
  /** Terminal width, used to fit the bar. */
  columns?: number;
}

/** How progress is shown. */
export type ProgressMode = 'auto' | 'bar' | 'lines' | 'silent';

/** Options of {@link createProgress}. */
export interface ProgressOptions {
  /** Number of units (steps, batches, images) in the whole loop; omit when unknown (no ETA then). */
  total?: number;
  /** Text before the bar, e.g. `'epoch 3'`. Default `''`. */
  label?: string;
  /** Unit for the rate, e.g. `'img'` gives `img/s`. Default `'it'`. */
  unit?: string;
  /**
   * `'bar'`: a bar redrawn in place (TTY); `'lines'`: a plain line every `intervalMs` (logs, CI);
   * `'silent'`: nothing; `'auto'` (default): `bar` on a TTY, else `lines`.
   */
  mode?: ProgressMode;
  /** Output. Default `process.stderr` under Node; `console.log` lines elsewhere. */
  stream?: ProgressStream;
  /** Minimum time between redraws of the bar. Default `100` ms. */
  redrawMs?: number;
  /** Time between plain lines in `lines` mode. Default `10000` ms. */
  intervalMs?: number;
  /** Clock in milliseconds, for tests. Default `performance.now`. */
  now?: () => number;
}

/** Extra figures shown after the rate, e.g. `{ loss: 0.42, lr: 0.1 }`. */
export type ProgressMetrics = Record<string, number | string>;

/** A running progress display. Create with {@link createProgress}. */
export interface ProgressReporter {
  /** Adds `n` completed units (default 1) and optionally updates the metrics shown. */
  tick(n?: number, metrics?: ProgressMetrics): void;
  /** Sets the number of completed units. */
  update(done: number, metrics?: ProgressMetrics): void;
  /** Writes the final state and a newline. Further calls do nothing. */
  finish(metrics?: ProgressMetrics): void;
  /** Completed units so far. */
  readonly done: number;
}

const PROGRESS_OPTION_KEYS = new Set([
  'total',
  'label',
  'unit',
  'mode',
  'stream',
  'redrawMs',
  'intervalMs',
  'now',
]);

/** `75` -> `1m15s`; `3725` -> `1h02m05s`. */
export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '?';
  const s = Math.round(seconds);
  const h = Math.floor(s / 3600);
  const m = Math.floor((s % 3600) / 60);
  const sec = s % 60;
  if (h > 0) return `${h}h${String(m).padStart(2, '0')}m${String(sec).padStart(2, '0')}s`;
  if (m > 0) return `${m}m${String(sec).padStart(2, '0')}s`;
  return `${sec}s`;
}

function formatNumber(v: number | string): string {
  if (typeof v === 'string') return v;
  if (Number.isInteger(v)) return String(v);
  const a = Math.abs(v);
  return a !== 0 && (a < 1e-3 || a >= 1e5) ? v.toExponential(3) : v.toPrecision(4);
}

function formatRate(rate: number): string {
  if (!Number.isFinite(rate)) return '?';
  return rate >= 100 ? rate.toFixed(0) : rate >= 1 ? rate.toFixed(2) : rate.toPrecision(2);
}

function defaultStream(): ProgressStream {
  const proc = (globalThis as { process?: { stderr?: ProgressStream } }).process;
  if (proc?.stderr && typeof proc.stderr.write === 'function') return proc.stderr;
  // Browsers: one console line per write, trimmed of control characters.
  return { write: (text: string) => console.log(text.replace(/[\r\n]+/g, ' ').trim()), isTTY: false };
}

/**
 * A progress display for long loops: a bar with percentage, rate and ETA redrawn in place on a
 * terminal, a plain line every `intervalMs` when output goes to a log or CI, or nothing when silent.
 *
 * @example
 * const progress = createProgress({ total: steps, label: 'train', unit: 'img' });
 * for (let i = 0; i < steps; i++) { ...; progress.tick(batchSize, { loss }); }
 * progress.finish();
 */
export function createProgress(options: ProgressOptions = {}): ProgressReporter {
  for (const key of Object.keys(options)) {
    if (!PROGRESS_OPTION_KEYS.has(key)) throw new TypeError(`createProgress: unknown option '${key}'`);
  }
  const { total, label = '', unit = 'it', redrawMs = 100, intervalMs = 10_000 } = options;
  if (total !== undefined && !(Number.isFinite(total) && total >= 0)) {
    throw new RangeError(`createProgress: total must be a non-negative number, got ${total}`);
  }
  const mode = options.mode ?? 'auto';
  if (!['auto', 'bar', 'lines', 'silent'].includes(mode))
    throw new TypeError(`createProgress: unknown mode '${mode}'`);
  const now = options.now ?? (() => performance.now());
  const stream = mode === 'silent' ? undefined : (options.stream ?? defaultStream());
  const resolved: ProgressMode = mode === 'auto' ? (stream?.isTTY ? 'bar' : 'lines') : mode;

  const start = now();
  let done = 0;
  let metrics: ProgressMetrics = {};
  let lastDraw = -Infinity;
  let lastLine = start;
  let finished = false;

  const describe = (): string => {
    const elapsed = (now() - start) / 1000;
    const rate = elapsed > 0 ? done / elapsed : NaN;
    const parts: string[] = [];
    if (total !== undefined && total > 0) {
      const pct = Math.min(100, (100 * done) / total);
      parts.push(`${done}/${total} (${pct.toFixed(1)}%)`);
    } else parts.push(`${done}`);
    parts.push(`${formatRate(rate)} ${unit}/s`);
    parts.push(`elapsed ${formatDuration(elapsed)}`);
    if (total !== undefined && rate > 0 && done < total)
      parts.push(`ETA ${formatDuration((total - done) / rate)}`);
    for (const [k, v] of Object.entries(metrics)) parts.push(`${k} ${formatNumber(v)}`);
    return parts.join(' | ');
  };

  const drawBar = () => {
    if (!stream) return;
    const text = describe();
    const prefix = label ? `${label} ` : '';
    let bar = '';
    const width = stream.columns ?? 100;
    const room = width - prefix.length - text.length - 4;
    if (total !== undefined && total > 0 && room >= 10) {
      const cells = Math.min(40, room);
      const filled = Math.round((cells * Math.min(done, total)) / total);
      bar = `[${'#'.repeat(filled)}${'-'.repeat(cells - filled)}] `;
    }
    let line = `${prefix}${bar}${text}`;
    if (line.length > width - 1) line = line.slice(0, width - 1);
    stream.write(`\r${line}\x1b[K`);
  };

  const writeLine = () => stream?.write(`${label ? `${label}: ` : ''}${describe()}\n`);

  const render = (force: boolean) => {
    if (!stream || finished) return;
    const t = now();
    if (resolved === 'bar') {
      if (force || t - lastDraw >= redrawMs) {
        lastDraw = t;
        drawBar();
      }
    } else if (force || t - lastLine >= intervalMs) {
      lastLine = t;
      writeLine();
    }
  };

  return {
    tick(n = 1, m?: ProgressMetrics) {
      if (!Number.isFinite(n)) throw new RangeError(`ProgressReporter.tick: n must be finite, got ${n}`);
      done += n;
      if (m) metrics = { ...metrics, ...m };
      render(false);
    },
    update(value: number, m?: ProgressMetrics) {
      if (!Number.isFinite(value))
        throw new RangeError(`ProgressReporter.update: done must be finite, got ${value}`);
      done = value;
      if (m) metrics = { ...metrics, ...m };
      render(false);
    },
    finish(m?: ProgressMetrics) {
      if (finished) return;
      if (m) metrics = { ...metrics, ...m };
      if (stream) {
        if (resolved === 'bar') {
          drawBar();
          stream.write('\n');
        } else writeLine();
      }
      finished = true;
    },
    get done() {
      return done;
    },
  };
}
