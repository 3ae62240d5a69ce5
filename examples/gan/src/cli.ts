import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { dropPnpmSeparator, parseTrainArgs, USAGE, UsageError } from './options';
import { formatSummaryTable } from './table';
import { train, type RunSummary } from './train';

async function main(argv: string[]): Promise<void> {
  if (argv.includes('--help') || argv.includes('-h')) {
    process.stdout.write(USAGE);
    return;
  }
  if (argv[0] === 'compare') {
    if (argv.length < 2) throw new UsageError('compare needs at least one run folder');
    const runs = await Promise.all(
      argv
        .slice(1)
        .map(async (dir) => JSON.parse(await readFile(join(dir, 'summary.json'), 'utf8')) as RunSummary),
    );
    process.stdout.write(`${formatSummaryTable(runs)}\n`);
    return;
  }
  const summary = await train(parseTrainArgs(argv));
  process.stdout.write(`${formatSummaryTable([summary])}\n`);
}

main(dropPnpmSeparator(process.argv.slice(2))).catch((error: unknown) => {
  if (error instanceof UsageError) process.stderr.write(`${error.message}\n\n${USAGE}`);
  else process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exitCode = 1;
});
