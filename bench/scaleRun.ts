/**
 * One measured run for bench/scale.bench.ts, in a process of its own so its peak RSS is its own:
 * `tsx bench/scaleRun.ts SCENARIO.json VARIANT bfs|parallel|parallel+progress WORKERS` prints one
 * JSON line (`+progress`: with the progress check, AG EF final, as `vmcheck check` runs it).
 */
import { checkBfs } from '../generators/index.ts';
import { checkParallel } from '../generators/parallel/checkParallel.ts';
import { vmmModelOfJson, vmmModelSpec } from '../properties/parallelModel.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Variant } from '../scenario/variants.ts';

const [path, variant, engine, workers] = process.argv.slice(2) as [string, Variant, string, string];
const scenario = loadScenarioFile(path);
const start = performance.now();
const result =
  engine === 'bfs'
    ? checkBfs(vmmModelOfJson(scenario as never, variant))
    : await checkParallel(vmmModelSpec(scenario, variant), {
        workers: Number(workers),
        progress: engine === 'parallel+progress',
      });
const ms = performance.now() - start;
process.stdout.write(
  `${JSON.stringify({
    status: result.status,
    distinct: result.stats.distinctStates,
    generated: result.stats.statesGenerated,
    ms,
    statesPerSecond: Math.round((result.stats.distinctStates * 1000) / ms),
    bytesPerState: result.stats.bytesPerState,
    peakRssBytes: process.resourceUsage().maxRSS * 1024,
    violations: result.discoveries.map((d) => `${d.violation.invariant}:${d.trace.steps.length}`),
  })}\n`,
);
