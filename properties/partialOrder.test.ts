import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBfs } from '../generators/index.ts';
import { checkParallel, WorkerPool } from '../generators/parallel/checkParallel.ts';
import type { CheckResult, PartialOrderFaults } from '../model/core/index.ts';
import { ACTION_KINDS, ACTION_TABLE } from '../model/vmm/machine.ts';
import { scopeScenarios } from '../scenario/generate/cached.ts';
import { SCOPES } from '../scenario/generate/enumerate.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { VARIANTS, type Variant } from '../scenario/variants.ts';
import { createLeanModel } from './leanCheckModel.ts';
import { vmmModelSpec } from './parallelModel.ts';
import { reductionVerdict } from './testing/reductionVerdict.ts';
import { PROPERTY_READS } from './visibility.ts';

const dir = new URL('../scenarios/', import.meta.url);
const shipped = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => loadScenarioFile(new URL(f, dir).pathname));
/** Every 600th scenario of the `tiny` generated scope (34 of 20,349), a spread of its features. */
const generated = scopeScenarios(SCOPES.tiny)
  .filter((_, i) => i % 600 === 0)
  .map((g) => g.scenario);
const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);

/** What must be the same with and without the reduction. */
const verdict = reductionVerdict;

/** Check with and without the reduction, as `check` does (progress on), every discovery kept. */
function bothWays(scenario: Scenario, variant: Variant, faults: PartialOrderFaults = {}) {
  const options = { stopAtFirst: false, progress: true } as const;
  const full = checkBfs(createLeanModel(scenario, variant), options);
  const model = createLeanModel(scenario, variant, { partialOrderFaults: faults });
  const reduced = checkBfs(model, { ...options, partialOrder: true });
  return { full, reduced, model };
}

/** Every counterexample of `r` replays on the unreduced model (each action enabled, each state its successor). */
function expectReplays(scenario: Scenario, variant: Variant, r: CheckResult<Int32Array, number>) {
  const model = createLeanModel(scenario, variant);
  for (const d of r.discoveries) {
    let state = model.initialStates()[0]!;
    for (const step of d.trace.steps) {
      expect(model.actions(state)).toContain(step.action);
      state = model.next(state, step.action);
      expect(state).toEqual(step.state);
    }
  }
}

describe('what the VMM properties read (properties/visibility.ts)', { timeout: 120_000 }, () => {
  // That every field a property or isFinal reads, on every reachable state of every shipped and SPEC
  // rule scenario under every variant, is in PROPERTY_READS is checked in propertyReads.test.ts,
  // in the same exploration as each property's own list.
  it('should make every action kind visible: each writes a field some property reads', () => {
    // Why the reduction saves nothing on this model (README, performance): C2 refuses every set.
    const invisible = ACTION_KINDS.filter(
      (kind) => !ACTION_TABLE[kind].writes.some((f) => PROPERTY_READS.includes(f)),
    );
    expect(invisible).toEqual([]);
  });
});

describe('partial-order reduction on the VMM model', { timeout: 120_000 }, () => {
  it.each(shipped.flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should give the same verdicts with and without it on %s under %s',
    (_, variant, scenario) => {
      const { full, reduced } = bothWays(scenario, variant);
      expect(verdict(reduced)).toEqual(verdict(full));
      expect(reduced.stats.partialOrder).toBeDefined();
      expect(reduced.stats.distinctStates).toBeLessThanOrEqual(full.stats.distinctStates);
      expectReplays(scenario, variant, reduced);
    },
  );

  it.each(generated.flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should give the same verdicts with and without it on generated %s under %s',
    (_, variant, scenario) => {
      const { full, reduced } = bothWays(scenario, variant);
      expect(verdict(reduced)).toEqual(verdict(full));
      expectReplays(scenario, variant, reduced);
    },
  );

  it('should miss violations with C2 and the enabling sets left out (the equal-verdict check can fail)', () => {
    // fig8-resize under fault-offline-under-io: the unsound sets never reach the state where a
    // page's content is lost (the full model finds contentIsPreserved broken).
    const scenario = shipped.find((s) => s.name === 'fig8-resize')!;
    const { full, reduced } = bothWays(scenario, 'fault-offline-under-io', {
      ignoreVisibility: true,
      ignoreEnabling: true,
    });
    expect(verdict(full).violated).toContain('contentIsPreserved');
    expect(reduced.stats.partialOrder!.reducedStates).toBeGreaterThan(0);
    expect(verdict(reduced)).not.toEqual(verdict(full));
    expect(verdict(reduced).violated).not.toContain('contentIsPreserved');
  });

  it.each(shipped.map((s) => [s.name, s] as const))(
    'should give checkBfs results on one and two threads on %s',
    async (_, scenario) => {
      for (const variant of ['patent', 'fault-forget-direct-io'] as const) {
        const options = { stopAtFirst: true, progress: true, partialOrder: true } as const;
        const bfs = checkBfs(createLeanModel(scenario, variant), options);
        for (const threads of [{ workers: 1 }, { pool, parallelFromStates: 0 }]) {
          const parallel = await checkParallel(vmmModelSpec(scenario, variant), { ...options, ...threads });
          expect(verdict(parallel)).toEqual(verdict(bfs));
          expect(parallel.stats.distinctStates).toBe(bfs.stats.distinctStates);
          expect(parallel.stats.partialOrder).toEqual(bfs.stats.partialOrder);
          expect(parallel.discoveries.map((d) => d.trace.steps.map((s) => s.action))).toEqual(
            bfs.discoveries.map((d) => d.trace.steps.map((s) => s.action)),
          );
        }
      }
    },
  );
});
