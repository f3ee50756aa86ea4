/**
 * Model-based tests of the relocation engine's move phase on hand-made scenarios
 * (`testing/relocationScenarios.ts`): five-page VMs relocated over and clear of their own area
 * with I/O into some pages, pageable VMs made page-fixed over their own frames (cycles, frames in
 * order and reversed, a page paged out), a conversion to pageable and back. Each scenario is
 * walked on the model restricted to the machine's choices along a few policies (the first
 * enabled action of the kinds each prefers: I/O started before the request, after 5000, or not
 * at all), each path cut after every step and the machine drained there (`run()` moves the pages
 * left in batches, or waits for the transfers that target them) and compared with the model at
 * rest; on the way the projections, control state, waits (what the machine waits for, against
 * the pages the model's transfers target) and refusals are compared at every step.
 */
import { describe, expect, it } from 'vitest';
import type { Trace, TraceStep } from '../model/core/trace.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { createCheckModel } from './checkModel.ts';
import { withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { RELOCATION_SCENARIOS } from './testing/relocationScenarios.ts';

type PathModel = ReturnType<typeof withImplementationChoices<ReturnType<typeof createCheckModel>>>;

/** Kinds each policy prefers, first match first (prefixes). */
const POLICIES: { readonly [name: string]: readonly string[] } = {
  'I/O first': ['guest.startIo', 'vmm.', 'request.', 'reloc.', 'channel.', 'guest.cpuAccess'],
  'I/O after 5000': [
    'request.',
    'reloc.clearDirect',
    'reloc.buildSpace',
    'reloc.pageOut',
    'guest.startIo',
    'vmm.',
    'reloc.',
    'channel.',
  ],
  'faults during 5085': [
    'guest.startIo',
    'vmm.translateIo',
    'vmm.startHostProgram',
    'request.',
    'reloc.clearDirect',
    'reloc.buildSpace',
    'reloc.startPaging',
    'guest.cpuAccess',
    'vmm.',
    'reloc.',
    'channel.',
  ],
  'no I/O': ['request.', 'reloc.', 'guest.cpuAccess', 'vmm.', 'cpu.'],
};

/** The model's path from its initial state taking the first enabled action of the preferred kinds. */
function policyPath(
  model: PathModel,
  prefer: readonly string[],
  maxLength = 40,
): Trace<MachineState, Action> {
  const initial = model.initialStates()[0]!;
  const steps: TraceStep<MachineState, Action>[] = [];
  let state = initial;
  for (let i = 0; i < maxLength; i++) {
    const actions = model.actions(state);
    let chosen: Action | undefined;
    for (const prefix of prefer) {
      chosen = actions.find((a) => a.kind.startsWith(prefix));
      if (chosen) break;
    }
    if (chosen === undefined) break;
    state = model.next(state, chosen);
    steps.push({ action: chosen, state });
  }
  return { initial, steps };
}

describe('the relocation scenarios', () => {
  it('should reach the move phase with I/O in flight, 5040 without, and a cycle break', () => {
    const reached = new Set<string>();
    for (const s of RELOCATION_SCENARIOS) {
      const model = withImplementationChoices(createCheckModel(s, 'patent'));
      for (const prefer of Object.values(POLICIES))
        for (const step of policyPath(model, prefer).steps) reached.add(step.action.kind);
    }
    expect(
      ['reloc.startPaging', 'reloc.copyAll', 'reloc.breakCycle', 'reloc.pageInToDest'].filter(
        (k) => !reached.has(k),
      ),
    ).toEqual([]);
  });
});

describe('policy paths of the relocation scenarios replayed on the machine, cut and drained', () => {
  it.each(
    RELOCATION_SCENARIOS.flatMap((s) => Object.keys(POLICIES).map((policy) => [s.name, policy, s] as const)),
  )('should agree with the model on %s, %s', async (_name, policy, scenario) => {
    const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
    const path = policyPath(model, POLICIES[policy]!);
    for (let n = 1; n <= path.steps.length; n++) {
      await expectDrainedAgreement(model, scenario, { initial: path.initial, steps: path.steps.slice(0, n) });
    }
  });
});
