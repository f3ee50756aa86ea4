// Writes tests/setup/durations.json (milliseconds of test time per file, for the sequencer) from a
// vitest JSON report: `node tests/setup/durations.mjs /tmp/vitest.json`.
import { readFileSync, writeFileSync } from 'node:fs';
import { relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('../..', import.meta.url));
const report = JSON.parse(readFileSync(process.argv[2], 'utf8'));
const rows = report.testResults
  .map((f) => [relative(root, f.name), Math.round(f.endTime - f.startTime)])
  .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
writeFileSync(
  new URL('./durations.json', import.meta.url),
  `${JSON.stringify(Object.fromEntries(rows), null, 2)}\n`,
);
