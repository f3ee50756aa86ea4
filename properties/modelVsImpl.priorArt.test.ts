/**
 * Model-based tests of the prior art's machine ([0005], [0012]: suspend channel access, copy,
 * resume the host programs with their old frames): seeded paths of the `prior-art` model,
 * restricted to the machine's choices, on generated scenarios that relocate a VM with guest I/O,
 * replayed on the machine of that variant with projections, control state (busy, ready and
 * suspended channels, the relocation's phase), reports and the refusals the model's state says
 * (probes) compared, each path cut at every third step and drained there
 * (by `runAll`, or by the event loop, which must run a resumed program on to its end). Paths that
 * misbehave in the model (the prior art's stale writes) are left out: on those the machine
 * misbehaves too (`modelVsImpl.walks.test.ts`); here the two must agree step for step.
 *
 * One difference is kept out and pinned: the model ends a program whose transfers are all done
 * while channel access is suspended (`channel.end`), the machine holds the end until it resumes
 * the program (a suspended program makes no progress, its end included).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { scenarioArbitrary } from '../scenario/generate/arbitrary.ts';
import { SCOPES } from '../scenario/generate/enumerate.ts';
import { knownGapOf } from '../scenario/generate/knownGaps.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import {
  followActions,
  replayAndDrainOnImpl,
  replayOnImpl,
  withImplementationChoices,
} from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

const pages64 = (s: Scenario): Scenario => ({ ...s, storage: { ...s.storage, pageSize: 64 } });

/** Generated scenarios that relocate a VM while it may have guest I/O in flight. */
const SAMPLE: readonly Scenario[] = fc
  .sample(scenarioArbitrary(SCOPES.small), { seed: 77, numRuns: 3000 })
  .filter(
    (s) =>
      knownGapOf(s) === undefined && s.io.length > 0 && s.reconfigurations.some((r) => r.kind === 'relocate'),
  )
  .slice(0, 8)
  .map((s, i) => pages64({ ...s, name: `prior-art-${i}` }));

/** The prior art's model without a program end while channel access is suspended (see the module TSDoc). */
function priorArtModel(scenario: Scenario) {
  const model = withImplementationChoices(createCheckModel(scenario, 'prior-art'));
  return {
    ...model,
    actions: (state: MachineState): Action[] =>
      model.actions(state).filter((a) => !(a.kind === 'channel.end' && state.channelsSuspended)),
  };
}

describe('the prior-art sample', () => {
  it('should have eight scenarios relocating a VM with guest I/O', () => {
    expect(SAMPLE.length).toBe(8);
  });
});

const PATHS = 3;

describe('seeded paths of the prior art replayed on its machine, cut and drained', () => {
  it.each(SAMPLE.flatMap((s, i) => Array.from({ length: PATHS }, (_, k) => [s.name, k, i, s] as const)))(
    'should agree with the prior-art model on %s, path %i',
    async (_name, k, i, scenario) => {
      const model = priorArtModel(scenario);
      const t = fc.sample(weightedTraceArbitrary(model, 24), { seed: 40 + i, numRuns: PATHS })[k]!;
      for (let n = 3; n < t.steps.length + 3; n += 3) {
        const steps = t.steps.slice(0, n);
        // A path where the prior art misbehaves in the model is the walks tests' business.
        if ((steps.at(-1)?.state ?? t.initial).incidents.length > 0) break;
        const result = await replayAndDrainOnImpl(
          model,
          { initial: t.initial, steps },
          { actions: model.actions, probes: true },
        );
        const where = `${scenario.name} (${scenario.description}): ${steps.map((s) => s.action.kind).join(' ')}`;
        expect(result.mismatch?.error.message ?? null, where).toBeNull();
        expect(result.difference, where).toBeNull();
        expect(result.findings, where).toEqual([]);
      }
    },
    60_000,
  );
});

describe('a program end while the prior art suspends channel access', () => {
  it('should be taken by the model and held by the machine until it resumes the program', () => {
    const scenario = SAMPLE.find((s) =>
      s.description?.startsWith('6 frames: VM-1 3p@1 direct; relocate VM-1 to 2'),
    );
    expect(scenario).toBeDefined();
    const model = withImplementationChoices(createCheckModel(scenario!, 'prior-art'));
    const actions: Action[] = [
      { kind: 'request.begin', request: 0 },
      { kind: 'guest.startIo', io: 0 },
      { kind: 'channel.transfer', channel: 0 },
      { kind: 'prior.suspend' },
      { kind: 'channel.end', channel: 0 },
    ];
    const trace = followActions(model, actions);
    expect(trace.steps.map((x) => x.action)).toEqual(actions);
    const result = replayOnImpl(model.ctx, trace);
    expect(result.mismatch?.step).toBe(5);
    expect(result.mismatch?.error.message).toMatch(/channel 0 has no unit ready/);
  });
});

describe('a host program ended after the prior art resumes it', () => {
  it('should end when drained by the event loop, the relocation yielding after every step', async () => {
    const scenario = SAMPLE.find((s) => s.description?.startsWith('5 frames: VM-1 3p@1; relocate VM-1 to 2'));
    expect(scenario).toBeDefined();
    const model = priorArtModel(scenario!);
    // Five steps (odd): the drain hands the channel to the event loop while the relocation runs
    // by `run({ yieldEvery: 1 })`: the channel's turn comes while it is suspended, and it must go
    // on once resumed.
    const actions: Action[] = [
      { kind: 'guest.startIo', io: 0 },
      { kind: 'vmm.translateIo', io: 0 },
      { kind: 'vmm.startHostProgram', io: 0 },
      { kind: 'request.begin', request: 0 },
      { kind: 'channel.transfer', channel: 0 },
    ];
    const trace = followActions(model, actions);
    expect(trace.steps.map((x) => x.action)).toEqual(actions);
    await expectDrainedAgreement(model, scenario!, trace);
  }, 10_000); // a program never resumed leaves the drain waiting: a timeout
});
