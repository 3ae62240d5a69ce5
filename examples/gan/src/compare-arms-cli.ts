// pnpm --filter @frx/example-gan arms -- --data <cifar10-jpeg/train> --out <dir> [--quick] [--arms a,b] [budget flags]
import { parseArgs } from 'node:util';

import { compareArms, QUICK, type CompareOptions } from './compare-arms';
import { formatSummaryTable } from './table';

const argv = process.argv.slice(2);
if (argv[0] === '--') argv.shift(); // `pnpm arms -- --flag` forwards the separator

const { values: v } = parseArgs({
  args: argv,
  strict: true,
  options: {
    data: { type: 'string' },
    out: { type: 'string', default: 'runs/arms' },
    quick: { type: 'boolean', default: false },
    width: { type: 'string', default: '16' },
    'batch-size': { type: 'string', default: '32' },
    steps: { type: 'string', default: '5000' },
    'eval-every': { type: 'string', default: '1000' },
    'eval-samples': { type: 'string', default: '1000' },
    'checkpoint-every': { type: 'string', default: '200' },
    seed: { type: 'string', default: '1' },
    backend: { type: 'string', default: 'auto' },
    'no-eval': { type: 'boolean', default: false },
    arms: { type: 'string' },
  },
});
if (!v.data) throw new Error('--data <dir> is required (e.g. ../shared/data/images/cifar10-jpeg/train)');
const options: CompareOptions = {
  data: v.data,
  out: v.out,
  width: Number(v.width),
  batchSize: Number(v['batch-size']),
  steps: Number(v.steps),
  evalEvery: Number(v['eval-every']),
  evalSamples: Number(v['eval-samples']),
  checkpointEvery: Number(v['checkpoint-every']),
  seed: Number(v.seed),
  backend: v.backend as CompareOptions['backend'],
  noEval: v['no-eval'],
  ...(v.arms === undefined ? {} : { arms: v.arms.split(',').map((a) => a.trim()) }),
  ...(v.quick ? QUICK : {}),
};
const result = await compareArms(options);
process.stdout.write(`${formatSummaryTable(result.arms)}\n`);
