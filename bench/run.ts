/**
 * `npm run bench`: every benchmark, each result saved as JSON under bench/results/ with the machine
 * it ran on. Medians and ratios come from runs in the same process, one after the other.
 *
 * - model.json: distinct states/s and bytes per visited state exploring fig6-relocation and
 *   fig8-resize with `patent` to completion, the packed model vs its JSON view (checkBfs).
 * - engines.json: every shipped scenario (patent) through the JSON view and on the packed model with
 *   and without the `not-enabled` check, and the packed model on bench/scenarios/fig6-scaled.json.
 * - relocation.json: impl/ relocating a 64 MiB page-fixed area with I/O in flight, MB/s next to a
 *   plain copy of the same bytes.
 * - scale.json: scenarios of ~10^5 to ~10^7 states by plain BFS, the parallel explorer on 1 and on
 *   every core, and Spin on the same model (bench/scale.bench.ts).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { runEnginesBench } from './engines.bench.ts';
import { runModelBench } from './lean.bench.ts';
import { runRelocationBench } from './relocation.bench.ts';
import { runScaleBench } from './scale.bench.ts';

const dir = new URL('./results/', import.meta.url);
mkdirSync(dir, { recursive: true });
const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: cpus().length,
  loadAverage: loadavg()[0],
};

const only = process.argv.slice(2);
const benches: [string, () => Promise<object>][] = [
  ['model', () => runModelBench()],
  ['engines', () => runEnginesBench()],
  ['relocation', () => runRelocationBench()],
  ['scale', () => runScaleBench()],
];
for (const [name, run] of benches) {
  if (only.length > 0 && !only.includes(name)) continue;
  process.stderr.write(`bench ${name}...\n`);
  const result = await run();
  const record = { bench: name, date: new Date().toISOString(), machine, result };
  writeFileSync(new URL(`${name}.json`, dir), `${JSON.stringify(record, null, 2)}\n`);
  process.stdout.write(`${JSON.stringify(record)}\n`);
}
