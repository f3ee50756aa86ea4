/**
 * Model-based tests of the implementation in many small, seeded tests: each is one scenario and a
 * few paths of the patent model (restricted to the machine's choices), replayed on the machine with
 * the projections compared at every comparable state, the machine's interrupts and reads checked,
 * and the machine made to wait wherever the model's reconfiguration waits (`replayOnImpl` with
 * `actions`), and what the model's state says must be refused probed at every comparable state
 * (`probes`, `modelVsImplProbes.ts`). Each variant's implementation is caught on a generated
 * scenario.
 *
 * Why small: this is the test set mutation testing runs per mutant (`npm run mutate`,
 * `npm run mutate:mbt`). Stryker's per-test coverage runs only the tests that reach a mutant, so
 * many tests of milliseconds each, not one of seconds, keep a run of all of impl/ within minutes.
 * Pages are 64 bytes here (the model does not depend on the page size; the machine copies fewer
 * bytes). `modelVsImpl.test.ts` keeps the long random paths, the shipped scenarios' pinned
 * counterexamples and the known differences.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { checkBfs } from '../generators/index.ts';
import { scenarioArbitrary } from '../scenario/generate/arbitrary.ts';
import { replayChoices, SCOPES } from '../scenario/generate/enumerate.ts';
import { knownGapOf } from '../scenario/generate/knownGaps.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { createCheckModel } from './checkModel.ts';
import {
  continueTrace,
  followActions,
  replayAndDrainOnImpl,
  replayOnImpl,
  withImplementationChoices,
} from './modelVsImpl.ts';
import { CAUGHT_GENERATED } from './testing/caughtGenerated.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

/** `scenario` with 64-byte pages. */
const smallPages = (scenario: Scenario): Scenario => ({
  ...scenario,
  storage: { ...scenario.storage, pageSize: 64 },
});

const shipped = (name: string) =>
  smallPages(loadScenarioFile(new URL(`../scenarios/${name}.json`, import.meta.url).pathname));

const patentModel = (scenario: Scenario) => withImplementationChoices(createCheckModel(scenario, 'patent'));

/**
 * Replay `paths` seeded paths (uniform and weighted) of `scenario`'s patent model on the machine,
 * then drain it (`replayAndDrainOnImpl`); every one must agree with the model, and the machine must
 * show no misbehaviour. Returns the number of states compared.
 */
async function agreeOnPaths(
  scenario: Scenario,
  seed: number,
  paths: number,
  maxLength: number,
): Promise<number> {
  const model = patentModel(scenario);
  const traces = fc.sample(weightedTraceArbitrary(model, maxLength), { seed, numRuns: paths });
  let compared = 0;
  for (const trace of traces) {
    const result = await replayAndDrainOnImpl(model, trace, { actions: model.actions, probes: true });
    const where = `${scenario.name} (${scenario.description ?? ''}), path of seed ${seed}: ${trace.steps.map((s) => s.action.kind).join(' ')}`;
    expect(result.mismatch?.error.message ?? null, where).toBeNull();
    expect(result.difference, where).toBeNull();
    expect(result.findings, where).toEqual([]);
    compared += result.compared;
  }
  return compared;
}

const SHIPPED = ['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion'] as const;
const SEEDS = [1, 2, 3, 4, 5, 6];

describe('seeded paths of the shipped scenarios replayed on the machine', () => {
  it.each(SHIPPED.flatMap((name) => SEEDS.map((seed) => [name, seed] as const)))(
    'should agree with the model on %s, paths of seed %i',
    async (name, seed) => {
      expect(await agreeOnPaths(shipped(name), seed, 3, 60)).toBeGreaterThan(10);
    },
  );
});

/** A seeded sample of generated scenarios of the `small` scope (up to 3 VMs, 2 programs), but known model gaps. */
const GENERATED = fc
  .sample(scenarioArbitrary(SCOPES.small), { seed: 2026, numRuns: 160 })
  .filter((s) => knownGapOf(s) === undefined)
  .slice(0, 100)
  .map((s, i) => smallPages({ ...s, name: `small-random-${i}` }));

describe('seeded paths of generated scenarios replayed on the machine', () => {
  it('should have a sample of 100 generated scenarios', () => {
    expect(GENERATED.length).toBe(100);
  });

  it.each(GENERATED.map((s, i) => [i, s.description ?? '', s] as const))(
    'should agree with the model on generated scenario %i (%s)',
    async (i, _description, scenario) => {
      expect(await agreeOnPaths(scenario, i, 4, 30)).toBeGreaterThan(0);
    },
  );
});

describe('model counterexamples on generated scenarios replayed on the machine of each variant', () => {
  it.each(CAUGHT_GENERATED.map((c) => [c.index, c.variant, c] as const))(
    'should catch tiny-%i under %s in the machine and not under the patent',
    (index, variant: Variant, { choices, findings }) => {
      const scenario = smallPages(replayChoices(SCOPES.tiny, choices, `tiny-${index}`));
      const model = withImplementationChoices(createCheckModel(scenario, variant));
      const patent = patentModel(scenario);
      const result = checkBfs(model, { stopAtFirst: false });
      expect(result.status).toBe('violation');
      const kinds = new Set<string>();
      for (const discovery of result.discoveries) {
        const trace = continueTrace(model, discovery.trace);
        const replay = replayOnImpl(model.ctx, trace);
        expect(replay.difference).toBeNull();
        expect(replay.firstFindingStep).not.toBeNull();
        if (replay.mismatch) expect(replay.mismatch.step).toBeGreaterThan(replay.firstFindingStep!);
        for (const f of replay.findings) kinds.add(f.kind);
        const actions = trace.steps.map((s) => s.action);
        const onPatent = replayOnImpl(patent.ctx, continueTrace(patent, followActions(patent, actions)), {
          actions: patent.actions,
        });
        expect(onPatent.mismatch?.error.message ?? null).toBeNull();
        expect(onPatent.difference).toBeNull();
        expect(onPatent.findings).toEqual([]);
      }
      expect([...kinds].sort()).toEqual(findings);
    },
  );
});
