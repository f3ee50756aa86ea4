/**
 * Model-based tests of the implementation on generated scenarios of the `SCALED` scope
 * (`testing/scaledScenarios.ts`): relocations and conversions to page-fixed of VMs of three to
 * five pages, with guest I/O, so a walk cut mid-way leaves pages that the machine's `run()` (in
 * `settle`, when drained) moves in batches; and a relocation with two events (`withSecondEvent`),
 * so two resizes queue behind it in arrival order. Each scenario is walked on a few seeded paths
 * of the patent model restricted to the machine's choices, replayed with projections, control
 * state, waits and refusals compared, each path also cut at every fourth step and drained there.
 * Small and seeded, as `modelVsImpl.walks.test.ts` (this set runs under `npm run mutate:mbt`).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../scenario/generate/arbitrary.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { SCALED, withSecondEvent } from './testing/scaledScenarios.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

const pages64 = (s: Scenario): Scenario => ({ ...s, storage: { ...s.storage, pageSize: 64 } });

const POOL = fc.sample(scenarioArbitrary(SCALED), { seed: 5, numRuns: 600 });

/** A VM of at least three pages that a request relocates or makes page-fixed, with guest I/O. */
const MOVES: readonly Scenario[] = POOL.filter(
  (s) =>
    s.io.length > 0 &&
    s.reconfigurations.some(
      (r) =>
        (r.kind === 'relocate' || r.kind === 'toPageFixed') && s.vms.find((v) => v.name === r.vm)!.size >= 3,
    ),
)
  .slice(0, 12)
  .map((s, i) => pages64({ ...s, name: `scaled-move-${i}` }));

/** A relocation request and an event, with a second event added. */
const QUEUES: readonly Scenario[] = POOL.filter((s) => s.events.length === 1 && s.reconfigurations.length > 0)
  .slice(0, 6)
  .map((s, i) => pages64(withSecondEvent(s, `scaled-queue-${i}`)));

const SAMPLE = [...MOVES.map((s) => ['move', s] as const), ...QUEUES.map((s) => ['queue', s] as const)];

describe('the scaled sample', () => {
  it('should have twelve big moves and six scenarios with two events', () => {
    expect([MOVES.length, QUEUES.length]).toEqual([12, 6]);
  });
});

/** Paths per scenario, each a test (small tests: Stryker runs only those that reach a mutant). */
const PATHS = 3;

describe('seeded paths of scaled scenarios replayed on the machine, cut and drained', () => {
  it.each(
    SAMPLE.flatMap(([shape, s], i) =>
      Array.from({ length: PATHS }, (_, k) => [shape, s.name, k, i, s] as const),
    ),
  )(
    'should agree with the model on a %s scenario (%s), path %i',
    async (_shape, _name, k, i, scenario) => {
      const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
      const t = fc.sample(weightedTraceArbitrary(model, 36), { seed: 900 + i, numRuns: PATHS })[k]!;
      for (let n = 4; n < t.steps.length + 4; n += 4) {
        await expectDrainedAgreement(model, scenario, { initial: t.initial, steps: t.steps.slice(0, n) });
      }
    },
    60_000,
  );
});
