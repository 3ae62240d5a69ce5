// Node-only: the logic of the `mhlr-plot` bin (kept apart from the bin file so tests can call it).
import { readFileSync, writeFileSync } from 'node:fs';

import { parseLossLog } from '../plot/parse-loss-log';
import { renderScheduleSvg } from '../plot/render-schedule-svg';
import { traceSchedule } from '../plot/trace-schedule';
import { FastFaceScheduler } from '../schedulers/fast-face-scheduler';
import type { LrScheduler } from '../schedulers/lr-scheduler';
import { MovingHaarScheduler } from '../schedulers/moving-haar-scheduler';

export const PLOT_USAGE = `Usage: mhlr-plot <losses.jsonl> [options]

Replays a loss log (JSONL: one number, or one {"loss": …} object, per iteration) through an MHLR
scheduler and writes an SVG with the loss, the learning rate and the detector signal.

Options:
  --scheduler <name>    moving-haar (MHLR v1) or fast-face (MHLR v2). Default fast-face.
  --lr <number>         initial learning rate. Default 0.02.
  --key <field>         field holding the loss in object lines. Default loss.
  --set <name=value>    any scheduler option, repeatable (e.g. --set window=4000 --set lambda=4e-5).
                        totalSteps defaults to the number of losses.
  --out <file.svg>      output file. Default <input>.svg.
  --changes <file.json> also write the list of learning-rate changes as JSON.
  --title <text>        plot title.
  -h, --help            show this help.`;

/** Parsed command line of `mhlr-plot`. */
export interface PlotArgs {
  input: string;
  scheduler: 'moving-haar' | 'fast-face';
  lr: number;
  key: string;
  set: Record<string, number | boolean | string>;
  out: string;
  changes: string | null;
  title: string | null;
}

/** Parses `mhlr-plot` arguments; returns `null` for `--help`. Throws with a message naming the bad argument. */
export function parsePlotArgs(argv: readonly string[]): PlotArgs | null {
  let input: string | null = null;
  const args: Omit<PlotArgs, 'input' | 'out'> & { out: string | null } = {
    scheduler: 'fast-face',
    lr: 0.02,
    key: 'loss',
    set: {},
    out: null,
    changes: null,
    title: null,
  };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const value = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`mhlr-plot: ${arg} needs a value`);
      return v;
    };
    switch (arg) {
      case '-h':
      case '--help':
        return null;
      case '--scheduler': {
        const v = value();
        if (v !== 'moving-haar' && v !== 'fast-face') {
          throw new Error(`mhlr-plot: --scheduler must be moving-haar or fast-face, got ${v}`);
        }
        args.scheduler = v;
        break;
      }
      case '--lr': {
        const v = Number(value());
        if (!(v > 0)) throw new Error(`mhlr-plot: --lr must be a number > 0, got ${argv[i]}`);
        args.lr = v;
        break;
      }
      case '--key':
        args.key = value();
        break;
      case '--set': {
        const v = value();
        const eq = v.indexOf('=');
        if (eq <= 0) throw new Error(`mhlr-plot: --set expects name=value, got ${v}`);
        const raw = v.slice(eq + 1);
        args.set[v.slice(0, eq)] =
          raw === 'true' ? true : raw === 'false' ? false : Number.isNaN(Number(raw)) ? raw : Number(raw);
        break;
      }
      case '--out':
        args.out = value();
        break;
      case '--changes':
        args.changes = value();
        break;
      case '--title':
        args.title = value();
        break;
      default:
        if (arg.startsWith('-')) throw new Error(`mhlr-plot: unknown option ${arg}`);
        if (input !== null) throw new Error(`mhlr-plot: one input file expected, got ${input} and ${arg}`);
        input = arg;
    }
  }
  if (input === null) throw new Error('mhlr-plot: missing the input loss log (see --help)');
  return { ...args, input, out: args.out ?? `${input.replace(/\.jsonl?$/, '')}.svg` };
}

/** Builds the scheduler the command line asks for, for a log of `steps` losses. */
export function schedulerForArgs(args: PlotArgs, steps: number): LrScheduler {
  const options = { lr: args.lr, ...args.set };
  if (args.scheduler === 'moving-haar') {
    const withTotal =
      'window' in options || 'totalSteps' in options ? options : { ...options, totalSteps: steps };
    return new MovingHaarScheduler(withTotal as never);
  }
  const withTotal =
    'patience' in options || 'totalSteps' in options ? options : { ...options, totalSteps: steps };
  return new FastFaceScheduler(withTotal as never);
}

/**
 * Runs `mhlr-plot`: reads the log, replays it, writes the SVG (and optionally the changes as JSON).
 * @returns The lines to print on stdout.
 */
export function runPlotCli(argv: readonly string[]): string[] {
  const args = parsePlotArgs(argv);
  if (args === null) return [PLOT_USAGE];
  const losses = parseLossLog(readFileSync(args.input, 'utf8'), { key: args.key, source: args.input });
  if (losses.length === 0) throw new Error(`mhlr-plot: ${args.input} holds no losses`);
  const scheduler = schedulerForArgs(args, losses.length);
  const trace = traceSchedule(scheduler, losses);
  const title = args.title ?? `${scheduler.kind} on ${args.input} (${losses.length} iterations)`;
  writeFileSync(args.out, renderScheduleSvg(trace, { title }));
  if (args.changes !== null) writeFileSync(args.changes, `${JSON.stringify(trace.changes, null, 2)}\n`);
  return [
    `${scheduler.kind}: ${trace.changes.length} learning-rate changes, final lr ${scheduler.lr}`,
    ...trace.changes.map((c) => `  step ${c.step}: ×${c.multiplier} → ${c.to}`),
    `wrote ${args.out}${args.changes !== null ? ` and ${args.changes}` : ''}`,
  ];
}
