#!/usr/bin/env node
// Adds up the vitest JSON reports of every workspace package, per backend leg (arguments: the legs; default
// wasm), into one closing line, "tests: N passed, N failed, N skipped", and fails when no test ran at all.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const root = new URL('..', import.meta.url).pathname;
const legs = process.argv.length > 2 ? process.argv.slice(2) : ['wasm'];
let passed = 0;
let failed = 0;
let skipped = 0;
const rows = [];
for (const leg of legs) {
  for (const group of ['packages', 'examples']) {
    const dir = join(root, group);
    if (!existsSync(dir)) continue;
    for (const name of readdirSync(dir).sort()) {
      const manifest = join(dir, name, 'package.json');
      if (!existsSync(manifest) || !JSON.parse(readFileSync(manifest, 'utf8')).scripts?.test) continue;
      const report = join(dir, name, '.test-results', `vitest-${leg}.json`);
      if (!existsSync(report)) {
        // A package whose test run died (a crashed worker, a failed build) writes no report.
        failed += 1;
        rows.push(`${leg} ${group}/${name}: NO REPORT (its test run did not finish), counted as 1 failed`);
        continue;
      }
      const r = JSON.parse(readFileSync(report, 'utf8'));
      const skippedHere = (r.numPendingTests ?? 0) + (r.numTodoTests ?? 0);
      // A test file that fails to load has no test results of its own: count it as one failure.
      const brokenFiles = (r.testResults ?? []).filter(
        (file) => file.status === 'failed' && (file.assertionResults ?? []).length === 0,
      ).length;
      passed += r.numPassedTests;
      failed += r.numFailedTests + brokenFiles;
      skipped += skippedHere;
      rows.push(
        `${leg} ${group}/${name}: ${r.numPassedTests} passed, ${r.numFailedTests + brokenFiles} failed, ${skippedHere} skipped`,
      );
    }
  }
}
for (const row of rows) console.log(row);
console.log(`tests: ${passed} passed, ${failed} failed, ${skipped} skipped (legs: ${legs.join(', ')})`);
if (passed + failed === 0) {
  console.error('No test ran.');
  process.exit(1);
}
process.exit(failed > 0 ? 1 : 0);
