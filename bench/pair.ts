/**
 * Two (or more) versions of vmcheck side by side in one process (before and after a change):
 * `checkBfs` under `patent` on the same scenario, interleaved round after round (each round in
 * another order), so a loaded machine slows all alike. Prints, per version, the median distinct
 * states per second by wall clock and by CPU time of the process, and bytes per state.
 *
 * `git archive <commit> | tar -x -C /tmp/before && ln -s $PWD/node_modules /tmp/before/`, then
 * `npx tsx bench/pair.ts /tmp/before . bench/scenarios/fig6-scaled.json 2` (`ROOT... SCENARIO ROUNDS`).
 * `PAIR_OPTIONS='{"traceStore":"parents"}'` adds options to every version's `checkBfs`.
 */
import { pathToFileURL } from 'node:url';

const args = process.argv.slice(2);
const [path, rounds] = args.slice(-2) as [string, string];
const roots = args.slice(0, -2);
const extra = JSON.parse(process.env.PAIR_OPTIONS ?? '{}') as Record<string, unknown>;
async function load(root: string) {
  const { checkBfs } = await import(pathToFileURL(`${root}/generators/index.ts`).href);
  const { vmmModelOfJson } = await import(pathToFileURL(`${root}/properties/parallelModel.ts`).href);
  const { loadScenarioFile } = await import(pathToFileURL(`${root}/scenario/load.ts`).href);
  return { root, checkBfs, vmmModelOfJson, scenario: loadScenarioFile(path) };
}
const sides: Awaited<ReturnType<typeof load>>[] = [];
for (const root of roots) sides.push(await load(root));
const res: Record<string, { wall: number[]; cpu: number[]; distinct: number; bytes: number }> = {};
for (let r = 0; r < Number(rounds); r++) {
  // Each version first in turn, the others after it in one direction or the other.
  const shift = r % sides.length;
  const order = [...sides.slice(shift), ...sides.slice(0, shift)];
  for (const side of Math.floor(r / sides.length) % 2 === 0
    ? order
    : [order[0]!, ...order.slice(1).reverse()]) {
    const model = side.vmmModelOfJson(side.scenario, 'patent');
    const t = performance.now();
    const c = process.cpuUsage();
    const result = side.checkBfs(model, { stopAtFirst: false, ...extra });
    const ms = performance.now() - t;
    const cu = process.cpuUsage(c);
    const d = result.stats.distinctStates;
    const e = (res[side.root] ??= { wall: [], cpu: [], distinct: d, bytes: result.stats.bytesPerState });
    e.wall.push(Math.round((d * 1000) / ms));
    e.cpu.push(Math.round((d * 1e6) / (cu.user + cu.system)));
  }
}
const med = (x: number[]) => [...x].sort((p, q) => p - q)[x.length >> 1];
for (const [root, e] of Object.entries(res))
  console.log(
    JSON.stringify({
      root,
      path,
      distinct: e.distinct,
      bytesPerState: e.bytes,
      wallMedian: med(e.wall),
      cpuMedian: med(e.cpu),
      wall: e.wall,
      cpu: e.cpu,
    }),
  );
