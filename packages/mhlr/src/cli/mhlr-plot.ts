#!/usr/bin/env node
// The `mhlr-plot` bin: plot an LR schedule and the MHLR detector signal for a JSONL loss log.
import { runPlotCli } from './plot-cli';

try {
  for (const line of runPlotCli(process.argv.slice(2))) console.log(line);
} catch (error) {
  console.error(error instanceof Error ? error.message : String(error));
  process.exitCode = 1;
}
