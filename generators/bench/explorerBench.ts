/**
 * Measures the bare explorers on the lean `torus` model: distinct states per second and bytes held
 * per visited state, for BFS with each trace store and for DFS; then the cost of a trace found at
 * the far corner of the torus (the deepest state), where `rerun` re-explores almost everything.
 *
 * Run with `npx tsx generators/bench/explorerBench.ts [width] [height] [runs]` (default 1024 × 1024,
 * about a million states, 5 runs). The configurations take turns run by run, so a noisy machine
 * disturbs them alike; each prints one JSON line with the median of its runs. Not part of the tests.
 */
import type { CheckResult, Model } from '../../model/core/index.ts';
import { checkBfs } from '../bfs.ts';
import { checkDfs } from '../dfs.ts';
import { always, torus } from '../testing/tinyModels.ts';

const width = Number(process.argv[2] ?? 1024);
const height = Number(process.argv[3] ?? 1024);
const runs = Number(process.argv[4] ?? 5);
const bare = torus(width, height);
const corner = width * height - 1;
const withBug: Model<number, 'x.inc' | 'y.inc'> = {
  ...bare,
  name: `${bare.name}-bug-at-corner`,
  properties: [always('neverInCorner', (state) => state !== corner)],
};

const configurations: Record<string, () => CheckResult<number, unknown>> = {
  'bfs rerun': () => checkBfs(bare, { traceStore: 'rerun' }),
  'bfs parents': () => checkBfs(bare, { traceStore: 'parents' }),
  dfs: () => checkDfs(bare),
  'bfs rerun, bug at corner': () => checkBfs(withBug, { traceStore: 'rerun' }),
  'bfs parents, bug at corner': () => checkBfs(withBug, { traceStore: 'parents' }),
};

const samples = new Map<string, CheckResult<number, unknown>[]>();
for (let run = 0; run < runs; run++) {
  for (const [name, check] of Object.entries(configurations)) {
    const list = samples.get(name) ?? [];
    list.push(check());
    samples.set(name, list);
  }
}

for (const [name, results] of samples) {
  const last = results[results.length - 1]!;
  const { stats } = last;
  const memory = 'memory' in last ? last.memory : undefined;
  console.log(
    JSON.stringify({
      configuration: name,
      model: last.model,
      status: last.status,
      runs: results.length,
      distinctStates: stats.distinctStates,
      statesGenerated: stats.statesGenerated,
      traceSteps: last.discoveries[0]?.trace.steps.length,
      medianElapsedMs: Math.round(median(results.map((r) => r.stats.elapsedMs))),
      medianStatesPerSecond: median(results.map((r) => r.stats.statesPerSecond)),
      bytesPerState: stats.bytesPerState,
      ...(memory === undefined ? {} : { memory }),
    }),
  );
}

function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}
