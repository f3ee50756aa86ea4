/**
 * Model-based tests of the implementation on generated scenarios of chosen shapes: a seeded sample
 * of the `tiny` scope (`enumerateScenarios(SCOPES.tiny)`, known model gaps left out), a few
 * scenarios of each shape that the walks rarely reach (`SHAPES`: page-out, conversions to
 * page-fixed, channel errors, events with dedicated CPUs, a request with an event, a page-in with
 * no frame free), 64-byte pages.
 * Each is walked on a few short seeded paths of the patent model restricted to the machine's
 * choices, replayed on the machine with the projections and control state compared, waits and
 * refusals probed, then drained (`replayAndDrainOnImpl`), each path also cut after a third and two
 * thirds of its steps and drained there: short walks leave the machine mid-way, so `runAll`,
 * `settle` and `whenIdle` do much of the work. Small and seeded, as
 * `modelVsImpl.walks.test.ts` (this set runs under `npm run mutate:mbt`, with fewer paths there).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../model/vmm/actions.ts';
import { SPEC_SCENARIOS } from '../model/vmm/testing/specScenarios.ts';
import { enumerateScenarios, SCOPES } from '../scenario/generate/enumerate.ts';
import { knownGapOf } from '../scenario/generate/knownGaps.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { followActions, withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

/** Under Stryker (one run per mutant) fewer paths per scenario. */
const PATHS = process.env.STRYKER_MUTATOR_WORKER === undefined ? 4 : 2;

/** The shapes sampled, each a test of a scenario. */
const SHAPES: { readonly [shape: string]: (s: Scenario) => boolean } = {
  pageOut: (s) => s.reconfigurations.some((r) => r.kind === 'toPageable') && s.io.length > 0,
  conversion: (s) => s.reconfigurations.some((r) => r.kind === 'toPageFixed'),
  channelError: (s) => s.bounds.channelErrors && s.io.length > 0,
  dedicatedEvent: (s) =>
    s.events.length > 0 &&
    (s.vms.some((vm) => vm.cpus.mode === 'dedicated') ||
      s.events.some((e) =>
        Object.values(e.table).some(
          (t) => t.before.cpus.mode === 'dedicated' || t.after.cpus.mode === 'dedicated',
        ),
      )),
  requestAndEvent: (s) => s.reconfigurations.length > 0 && s.events.length > 0,
  // Fewer free frames than paged-out pages, one of which is accessed: its page-in steals a frame.
  steal: (s) => {
    const held = s.vms.reduce((a, vm) => a + (vm.frames?.filter((f) => f !== null).length ?? vm.size), 0);
    const out = s.vms.flatMap((vm) =>
      (vm.frames ?? []).flatMap((f, p) => (f === null ? [`${vm.name}:${p}`] : [])),
    );
    const used = [
      ...s.io.map((io) => `${io.vm}:${io.program[0]!.page}`),
      ...s.cpuAccess.map((a) => `${a.vm}:${a.page}`),
    ];
    return s.storage.frames - s.storage.vmmFrames - held < out.length && used.some((x) => out.includes(x));
  },
};

/** Scenarios of each shape picked from the tiny scope. */
const PER_SHAPE = 6;

const SAMPLE: readonly { readonly shape: string; readonly scenario: Scenario }[] = (() => {
  const all = enumerateScenarios(SCOPES.tiny)
    .map((g) => g.scenario)
    .filter((s) => knownGapOf(s) === undefined);
  return Object.entries(SHAPES).flatMap(([shape, fits], k) => {
    const of = all.filter(fits);
    const picks = fc.sample(fc.integer({ min: 0, max: of.length - 1 }), {
      seed: 700 + k,
      numRuns: PER_SHAPE,
    });
    return picks.map((i) => ({
      shape,
      scenario: { ...of[i]!, storage: { ...of[i]!.storage, pageSize: 64 } },
    }));
  });
})();

describe('the shapes sample of the tiny scope', () => {
  it('should have six scenarios of each shape', () => {
    const counts = Object.fromEntries(Object.keys(SHAPES).map((k) => [k, 0]));
    for (const { shape, scenario } of SAMPLE) {
      expect(SHAPES[shape]!(scenario), scenario.name).toBe(true);
      counts[shape]!++;
    }
    expect(counts).toEqual(Object.fromEntries(Object.keys(SHAPES).map((k) => [k, PER_SHAPE])));
  });
});

/** The seeded paths of sample scenario `i` (the model restricted to the machine's choices). */
function pathsOf(i: number) {
  const model = withImplementationChoices(createCheckModel(SAMPLE[i]!.scenario, 'patent'));
  return { model, traces: fc.sample(weightedTraceArbitrary(model, 12), { seed: 300 + i, numRuns: PATHS }) };
}

describe('the steal shape', () => {
  it('should have paths whose page faults find no frame free and steal one (vmm.stealPage)', () => {
    let steals = 0;
    SAMPLE.forEach(({ shape }, i) => {
      if (shape !== 'steal') return;
      for (const t of pathsOf(i).traces)
        steals += t.steps.filter((x) => x.action.kind === 'vmm.stealPage').length;
    });
    expect(steals).toBeGreaterThan(0);
  });
});

describe('seeded short paths of shaped tiny scenarios replayed on the machine and drained', () => {
  it.each(SAMPLE.map(({ shape, scenario }, i) => [shape, scenario.name, i, scenario] as const))(
    'should agree with the model on a %s scenario (%s)',
    async (_shape, _name, i, scenario) => {
      const { model, traces } = pathsOf(i);
      // Each path is also cut after a third and two thirds of its steps, and drained there.
      const cuts = traces.flatMap((t) =>
        [
          ...new Set([Math.floor(t.steps.length / 3), Math.floor((2 * t.steps.length) / 3), t.steps.length]),
        ].map((n) => ({ initial: t.initial, steps: t.steps.slice(0, n) })),
      );
      for (const trace of cuts) {
        await expectDrainedAgreement(model, scenario, trace);
      }
    },
    60_000,
  );
});

describe('seeded paths of working-set-exceeds-frames replayed on the machine and drained', () => {
  // Page faults with no frame free: the machine's victim (lowest, unpinned, not the demanded page)
  // against the model's, and the stolen pages paged in again (SPEC_SCENARIOS).
  it.each([
    [2, 0],
    [2, 1],
    [0, 2],
    [0, 3],
  ] as const)(
    'should agree with the model with the channel program at page %i, seed %i',
    async (ioPage, seed) => {
      const scenario = SPEC_SCENARIOS.workingSetExceedsFrames(ioPage);
      const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
      const traces = fc.sample(weightedTraceArbitrary(model, 16), { seed: 900 + seed, numRuns: 2 * PATHS });
      expect(traces.some((t) => t.steps.some((x) => x.action.kind === 'vmm.stealPage'))).toBe(true);
      for (const trace of traces) await expectDrainedAgreement(model, scenario, trace);
    },
  );

  it('should agree where the channel program pins the lowest page: the page fault steals the next', async () => {
    const scenario = SPEC_SCENARIOS.workingSetExceedsFrames(0);
    const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
    const actions: Action[] = [
      { kind: 'guest.startIo', io: 0 },
      { kind: 'vmm.translateIo', io: 0 },
      { kind: 'vmm.startHostProgram', io: 0 }, // page 0 pinned
      { kind: 'vmm.stealPage', vm: 0, page: 2, victim: 1 }, // for the CPU write of page 2
      { kind: 'guest.cpuAccess', access: 1 },
      { kind: 'channel.transfer', channel: 0 },
      { kind: 'guest.cpuAccess', access: 0 },
    ];
    const trace = followActions(model, actions);
    expect(trace.steps.map((x) => x.action)).toEqual(actions);
    await expectDrainedAgreement(model, scenario, trace);
  });
});
