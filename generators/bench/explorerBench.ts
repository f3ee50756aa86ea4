/**
 * Measures the bare explorers on the lean `torus` model: distinct states per second and bytes of
 * visited-state table (plus parent store, for BFS) per state.
 *
 * Run with `npx tsx generators/bench/explorerBench.ts [width] [height]` (default 1024 × 1024, about
 * a million states). Prints one JSON line per strategy; not part of the test suite.
 */
import { checkBfs } from '../bfs.ts';
import { checkDfs } from '../dfs.ts';
import { torus } from '../testing/tinyModels.ts';

const width = Number(process.argv[2] ?? 1024);
const height = Number(process.argv[3] ?? 1024);
const model = torus(width, height);

for (const [strategy, check] of [
  ['bfs', checkBfs],
  ['dfs', checkDfs],
] as const) {
  const { status, stats } = check(model);
  console.log(
    JSON.stringify({
      model: model.name,
      strategy,
      status,
      distinctStates: stats.distinctStates,
      statesGenerated: stats.statesGenerated,
      elapsedMs: Math.round(stats.elapsedMs),
      statesPerSecond: stats.statesPerSecond,
      bytesPerState: stats.bytesPerState,
    }),
  );
}
