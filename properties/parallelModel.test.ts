import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBfs } from '../generators/index.ts';
import { checkParallel, WorkerPool } from '../generators/parallel/checkParallel.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { VARIANTS, type Variant } from '../scenario/variants.ts';
import { createLeanModel } from './leanCheckModel.ts';
import { vmmModelSpec } from './parallelModel.ts';

const dir = new URL('../scenarios/', import.meta.url);
const scenarios = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => loadScenarioFile(new URL(f, dir).pathname));
const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);

/**
 * The parallel explorer against plain BFS on every shipped scenario and variant, every level on two
 * threads, stopping at the first discovery and not, with the progress check (AG EF final) as
 * `check` runs it: the same verdict, counts, counterexamples (action for action) and `sometimes`
 * outcomes.
 */
// Each case is two explorations of up to 8,500 states: ~0.5 s here, budgeted for a machine 60x slower.
describe('the parallel explorer on the VMM model', { timeout: 60_000 }, () => {
  const cases = scenarios.flatMap((scenario) =>
    VARIANTS.map((variant) => [scenario.name, variant, scenario] as const),
  );
  it.each(cases)('should agree with plain BFS on %s under %s', async (_, variant, scenario) => {
    for (const stopAtFirst of [true, false]) await agree(scenario, variant, stopAtFirst, true);
    // As `check` runs by default: no witness traces, so witnesses are not looked for again.
    await agree(scenario, variant, true, false);
  });
});

async function agree(scenario: Scenario, variant: Variant, stopAtFirst: boolean, witnessTraces: boolean) {
  const plain = checkBfs(createLeanModel(scenario, variant), { stopAtFirst, progress: true, witnessTraces });
  const parallel = await checkParallel(vmmModelSpec(scenario, variant), {
    pool,
    parallelFromStates: 0,
    stopAtFirst,
    progress: true,
    witnessTraces,
  });
  const outline = (r: typeof plain | typeof parallel) => ({
    status: r.status,
    discoveries: Object.fromEntries(r.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length])),
    sometimes: r.sometimes.map((s) => [s.property, s.reached, s.trace?.steps.length]),
    distinct: r.stats.distinctStates,
    generated: r.stats.statesGenerated,
    traces: r.discoveries.map((d) => d.trace.steps.map((step) => step.action)),
  });
  expect(parallel.memory.workers).toBe(2);
  // The graph was recorded and checked wherever the run leaves progress open.
  expect(parallel.memory.graphEdges).toBe(plain.memory.graphEdges);
  expect(outline(parallel)).toEqual(outline(plain));
  // Every counterexample replays on the model, step by step, to a state that breaks its invariant.
  const model = createLeanModel(scenario, variant);
  for (const d of parallel.discoveries) {
    const last = d.trace.steps.at(-1)?.state ?? d.trace.initial;
    const property = model.properties.find((p) => p.name === d.violation.invariant);
    if (property !== undefined) expect(property.check(last)).toBeDefined();
  }
}
