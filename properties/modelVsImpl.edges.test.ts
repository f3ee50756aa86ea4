/**
 * Model-based tests of the implementation's edges: seeded paths of generated scenarios with guest
 * I/O past the size, a two-page program and CPU accesses of last pages and past them added
 * (`withEdges`), replayed on the machine with the projections compared, waits probed and the
 * machine's refusals probed at every comparable state (`replayOnImpl` with `probes`), then the
 * machine drained and compared at rest (`replayAndDrainOnImpl`). Small and
 * seeded, as `modelVsImpl.walks.test.ts` (this set runs under `npm run mutate:mbt` too).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { scenarioArbitrary } from '../scenario/generate/arbitrary.ts';
import { SCOPES } from '../scenario/generate/enumerate.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { withEdges } from './testing/edgeScenarios.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

/** A seeded sample of generated `small` scenarios with a request or event, with edges, 64-byte pages. */
const EDGES: readonly Scenario[] = fc
  .sample(scenarioArbitrary(SCOPES.small), { seed: 7013, numRuns: 200 })
  .filter((s) => s.reconfigurations.length + s.events.length > 0)
  .slice(0, 40)
  .map((s, i) => withEdges({ ...s, storage: { ...s.storage, pageSize: 64 } }, `edges-${i}`));

/** The seeded paths of edge scenario `i` (the model restricted to the machine's choices). */
function pathsOf(i: number) {
  const model = withImplementationChoices(createCheckModel(EDGES[i]!, 'patent'));
  return { model, traces: fc.sample(weightedTraceArbitrary(model, 40), { seed: 100 + i, numRuns: 3 }) };
}

describe('the edge sample', () => {
  it('should have 40 scenarios', () => {
    expect(EDGES.length).toBe(40);
  });

  it('should reach refused starts, refused CPU accesses, busy channels and reconfigurations', () => {
    const reached = { refusedIo: 0, refusedAccess: 0, busyChannel: 0, reconfiguring: 0 };
    EDGES.forEach((_, i) => {
      for (const trace of pathsOf(i).traces) {
        const states = trace.steps.map((s) => s.state);
        const last = states.at(-1) ?? trace.initial;
        if (last.io.some((io) => io.status === 'refused')) reached.refusedIo++;
        if (last.vms.some((vm) => vm.programInterrupts > 0)) reached.refusedAccess++;
        if (states.some((s) => s.channels.some((c) => c !== null))) reached.busyChannel++;
        if (states.some((s) => s.reconfig !== null)) reached.reconfiguring++;
      }
    });
    // Pinned for the seeds above (120 paths): most paths reach each.
    expect(reached).toEqual({ refusedIo: 102, refusedAccess: 107, busyChannel: 97, reconfiguring: 79 });
  }, 60_000);
});

describe('seeded paths of generated scenarios with edges replayed on the machine, refusals probed', () => {
  it.each(EDGES.map((s, i) => [i, s.description ?? '', s] as const))(
    'should agree with the model on edge scenario %i (%s)',
    async (i, _description, scenario) => {
      const { model, traces } = pathsOf(i);
      for (const trace of traces) {
        await expectDrainedAgreement(model, scenario, trace);
      }
    },
    60_000,
  );
});
