/**
 * One measured run for bench/scale.bench.ts, in a process of its own so its peak RSS is its own:
 * `tsx bench/scaleRun.ts SCENARIO.json VARIANT bfs|parallel|parallel+progress WORKERS [MAX_MEMORY_MB]
 * [por]` prints one JSON line (`+progress`: with the progress check, AG EF final, as `vmcheck check`
 * runs it; `MAX_MEMORY_MB`: the `--max-memory` bound, `-` for none; `por`: partial-order reduction).
 */
import { checkBfs } from '../generators/index.ts';
import { checkParallel } from '../generators/parallel/checkParallel.ts';
import { vmmModelOfJson, vmmModelSpec } from '../properties/parallelModel.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Variant } from '../scenario/variants.ts';

const [path, variant, engine, workers, maxMemory = '-', reduction = ''] = process.argv.slice(2) as [
  string,
  Variant,
  string,
  string,
  string?,
  string?,
];
const scenario = loadScenarioFile(path);
// As `vmcheck check` runs by default: a reached `sometimes` property is reported without its trace.
const bounds = {
  witnessTraces: false,
  ...(maxMemory === '-' ? {} : { maxMemoryBytes: Number(maxMemory) * 2 ** 20 }),
  ...(reduction === 'por' ? { partialOrder: true } : {}),
};
const start = performance.now();
const result =
  engine === 'bfs'
    ? checkBfs(vmmModelOfJson(scenario as never, variant), bounds)
    : await checkParallel(vmmModelSpec(scenario, variant), {
        ...bounds,
        workers: Number(workers),
        progress: engine === 'parallel+progress',
      });
const ms = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({
    status: result.status,
    ...(result.incompleteReason === undefined ? {} : { incompleteReason: result.incompleteReason }),
    distinct: result.stats.distinctStates,
    generated: result.stats.statesGenerated,
    ms,
    statesPerSecond: Math.round((result.stats.distinctStates * 1000) / ms),
    bytesPerState: result.stats.bytesPerState,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    violations: result.discoveries.map((d) => `${d.violation.invariant}:${d.trace.steps.length}`),
  })}\n`,
);
