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
 * the pages the model's transfers target) and refusals are compared at every step. And from every
 * cut where the model moves pages, the machine's move steps of up to 64 pages (its batches) are
 * followed page by page in the model and compared after each batch, frames included; each batch
 * must report a page move at the model's step for it (5085, [0031]) on the VM the model relocates.
 * Last, two scenarios' paths under `fault-forget-direct-io`, on the machine of that variant.
 */
import { describe, expect, it } from 'vitest';
import type { Trace } from '../model/core/trace.ts';
import type { Action } from '../model/vmm/actions.ts';
import { ACTION_TABLE } from '../model/vmm/machine.ts';
import { activeRelocation } from '../model/vmm/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { createCheckModel } from './checkModel.ts';
import { projectModel, replayOnImpl, withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { policyPath } from './testing/policyPath.ts';
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

/**
 * `trace` replayed on the machine, then, from where the model moves pages (5085), the machine's
 * move steps taken with up to 64 pages each (the batches `run()` takes): each batch's pages are
 * moved in the model one by one in the order the report gives them, each move enabled there (the
 * model restricted to the machine's choices: away from the direction of travel first), and the
 * projections (frames included) must agree after every batch, with no finding. Until the machine
 * waits, which the model must too, or leaves the move phase. Returns the problem, or null.
 */
function batchedProblem(model: PathModel, trace: Trace<MachineState, Action>): string | null {
  const replay = replayOnImpl(model.ctx, trace, { actions: model.actions });
  if (replay.mismatch !== null || replay.difference !== null || replay.findings.length > 0) return 'replay';
  const { adapter } = replay;
  let state = trace.steps.at(-1)?.state ?? trace.initial;
  const r = activeRelocation(state);
  if (r === null || r.step !== 'movePages' || r.transit !== null || !adapter.comparableAt(state)) return null;
  if (adapter.placementDiverged.size > 0) return null;
  const reconfiguration = adapter.machine.reconfiguration!;
  for (let i = 0; i < 16; i++) {
    if (reconfiguration.snapshot().phase !== 'move') return null;
    const result = reconfiguration.step({ maxPages: 64 });
    const report = result.report;
    const moves = model
      .actions(state)
      .filter((a) => a.kind === 'reloc.copyPage' || a.kind === 'reloc.pageInToDest');
    if (result.status === 'waiting')
      return moves.length === 0 ? null : `the machine waits, the model can ${JSON.stringify(moves)}`;
    if (report === null || report.detail !== undefined) return null; // a cycle broken its own way
    if (report.action === 'reloc.setOrigin') return null; // every page in place: the phase is over
    if (report.action !== 'reloc.movePage' && report.action !== 'reloc.pageInToDest')
      return `the machine's move step reports ${JSON.stringify(report)}, not a page move`;
    // The model's step of such a move (5085 or [0031]), on the VM it relocates.
    const step =
      ACTION_TABLE[report.action === 'reloc.movePage' ? 'reloc.copyPage' : 'reloc.pageInToDest'].step;
    if (report.spec !== step.split(' ')[0] || report.vm !== state.vms[r.vm]!.name)
      return `the machine's batch ${JSON.stringify(report)}: the model moves ${state.vms[r.vm]!.name}'s pages at ${step}`;
    const pages = report.pages ?? [report.page!];
    const ordered = report.from! < report.to! ? [...pages].reverse() : pages;
    if (report.to !== r.dest! + pages[0]!)
      return `the machine moves ${JSON.stringify(report)} to another frame than the model`;
    for (const page of ordered) {
      const kind = report.action === 'reloc.movePage' ? 'reloc.copyPage' : 'reloc.pageInToDest';
      const move = model.actions(state).find((a) => a.kind === kind && a.page === page);
      if (move === undefined)
        return `the machine's batch ${JSON.stringify(report)}: the model cannot ${kind} page ${page}`;
      state = model.next(state, move);
      if (kind === 'reloc.copyPage') {
        const remap = model.actions(state).find((a) => a.kind === 'reloc.remapPage');
        if (remap === undefined) return `page ${page} copied, the model cannot remap it`;
        state = model.next(state, remap);
      }
    }
    const want = JSON.stringify(projectModel(model.ctx, state, { skipRunning: true }));
    const have = JSON.stringify(adapter.projection({ skipRunning: true }));
    if (want !== have) return `after the batch ${JSON.stringify(report)}: model ${want}, machine ${have}`;
    const findings = adapter.findings();
    if (findings.length > 0)
      return `after the batch ${JSON.stringify(report)}: ${findings.map((f) => f.message).join('; ')}`;
  }
  return null;
}

describe("the machine's batched moves (5085) followed page by page in the model", () => {
  it.each(
    RELOCATION_SCENARIOS.flatMap((s) => Object.keys(POLICIES).map((policy) => [s.name, policy, s] as const)),
  )('should agree with the model after every batch on %s, %s', (_name, policy, scenario) => {
    const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
    const path = policyPath(model, POLICIES[policy]!);
    for (let n = 1; n <= path.steps.length; n++) {
      const where = `${scenario.name}, ${policy}: ${path.steps
        .slice(0, n)
        .map((s) => s.action.kind)
        .join(' ')}`;
      expect(
        batchedProblem(model, { initial: path.initial, steps: path.steps.slice(0, n) }),
        where,
      ).toBeNull();
    }
  });
});

/**
 * Under `fault-forget-direct-io` the model and the machine of that variant forget the same
 * programs: host programs still count at 5035 and bar their pages at 5085, programs started
 * directly before 5000 do not, nor does a conversion to pageable wait for them ([0030]). Paths of
 * the scenarios with intercepted I/O or a conversion to pageable (I/O started first, then the
 * reconfigurations' steps before any channel's), replayed on the machine of the variant, must
 * agree step for step (the fault's stale writes are its findings).
 */
describe('paths under fault-forget-direct-io replayed on its machine', () => {
  const prefer = [
    'guest.startIo',
    'vmm.translateIo',
    'vmm.startHostProgram',
    'request.',
    'reloc.',
    'channel.',
  ];
  it.each(
    RELOCATION_SCENARIOS.filter((s) => s.name === 'reloc-intercepted' || s.name === 'pageable-and-back').map(
      (s) => [s.name, s] as const,
    ),
  )('should agree with the model of the variant on %s', (_name, scenario) => {
    const model = withImplementationChoices(createCheckModel(scenario, 'fault-forget-direct-io'));
    const path = policyPath(model, prefer);
    const result = replayOnImpl(model.ctx, path, { actions: model.actions });
    const where = `${scenario.name}: ${path.steps.map((s) => s.action.kind).join(' ')}`;
    expect(result.mismatch?.error.message ?? null, where).toBeNull();
    expect(result.difference, where).toBeNull();
    expect(result.applied, where).toBe(path.steps.length);
    expect(
      path.steps.some((s) => s.action.kind === 'reloc.startPaging' || s.action.kind === 'reloc.dispatch'),
      where,
    ).toBe(true);
  });
});
