// Command-line entry: `pnpm start -- --preset orl-tiny --data <orl>` trains; `pnpm start -- eval …` scores.
import { parseFaceArgs, USAGE, UsageError } from './config/parse-args';
import { evaluateCheckpoint } from './eval/evaluate-checkpoint';
import { trainFaceRecognition } from './train/train-face-recognition';

function formatReport(r: {
  name: string;
  pairs: number;
  accuracy: number;
  std: number;
  tarAtFar: { far: number; tar: number }[];
  flipTta: boolean;
}): string {
  const tar = r.tarAtFar.map((t) => `TAR@FAR=${t.far}: ${t.tar.toFixed(4)}`).join(', ');
  return `[${r.name}] ${r.pairs} pairs, Accuracy${r.flipTta ? '-Flip' : ''}: ${r.accuracy.toFixed(5)}+-${r.std.toFixed(5)}, ${tar}`;
}

async function main(argv: string[]): Promise<void> {
  const command = parseFaceArgs(argv);
  if (command.command === 'help') {
    process.stdout.write(USAGE);
    return;
  }
  if (command.command === 'eval') {
    const { verification } = command;
    if (verification.kind === 'none') throw new UsageError('eval needs verification pairs');
    const report = await evaluateCheckpoint({
      checkpoint: command.checkpoint,
      verification,
      ...(command.data !== '' ? { data: command.data } : {}),
      flipTta: command.flipTta,
      batchSize: command.batchSize,
      backend: command.backend,
      exportPath: command.exportPath,
    });
    process.stdout.write(formatReport(report) + '\n');
    if (command.exportPath !== '') process.stdout.write(`embeddings written to ${command.exportPath}\n`);
    return;
  }
  const result = await trainFaceRecognition(command.config, { resume: command.resume });
  process.stdout.write(
    `trained ${result.finalStep}/${result.totalSteps} steps in ${result.trainSeconds.toFixed(1)} s; ` +
      `checkpoint ${result.checkpoint}; log ${command.config.out}/log.jsonl; charts ${command.config.out}/charts/\n`,
  );
  if (result.finalReport !== null) process.stdout.write(formatReport(result.finalReport) + '\n');
}

main(process.argv.slice(2)).catch((error: unknown) => {
  const e = error as Error;
  process.stderr.write(`${e.name}: ${e.message}\n`);
  if (e instanceof UsageError) process.stderr.write('\n' + USAGE);
  process.exitCode = 1;
});
