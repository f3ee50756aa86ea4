/**
 * Model-based test of the machine's dispatch requirement: the model's guest steps (a CPU access,
 * a start-I/O) are enabled only for a VM running on a CPU when its scenario's `bounds.dispatch`
 * is set, for any VM otherwise; the machine built as the model (`requireDispatch: true`, or the
 * default) must refuse, and only refuse, a guest access of a VM the model's state has on no CPU.
 * Every state the model reaches by `cpu.dispatch` alone is replayed on a fresh machine and
 * probed: a zero-length read and write of each live VM (which page nothing in) must be refused
 * with `NotDispatchedError` (class, code, details, message from the model's VM name) exactly
 * where the model has the VM on no CPU; so must a start-I/O there. Small: a few states per
 * scenario (this set runs under `npm run mutate:mbt` too). Each VM's control block and pins, as
 * `controlBlock` and `pins` give them, must be the model's there too.
 */
import { describe, expect, it } from 'vitest';
import { createMachine, createMachineFromFile, ManualScheduler, NotDispatchedError } from '../impl/index.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { type Expected, refusal } from './modelVsImplProbes.ts';

const fileOf = (name: string) => new URL(`../scenarios/${name}.json`, import.meta.url).pathname;

const notDispatched = (vm: string): Expected => ({
  cls: NotDispatchedError,
  code: 'not-dispatched',
  details: { vm },
  message: `${vm} is not dispatched on any CPU; dispatch it first`,
});

/** Every state reachable by the model's `cpu.dispatch` alone, each with the dispatches that reach it. */
function dispatchStates(scenario: Scenario): {
  ctx: ReturnType<typeof createCheckModel>['ctx'];
  reached: { state: MachineState; path: Action[] }[];
} {
  const model = createCheckModel(scenario, 'patent');
  const initial = model.initialStates()[0]!;
  const reached = [{ state: initial, path: [] as Action[] }];
  const seen = new Set([JSON.stringify(initial.running)]);
  for (let i = 0; i < reached.length; i++) {
    const { state, path } = reached[i]!;
    for (const a of model.actions(state)) {
      if (a.kind !== 'cpu.dispatch') continue;
      const next = model.next(state, a);
      const key = JSON.stringify(next.running);
      if (seen.has(key)) continue;
      seen.add(key);
      reached.push({ state: next, path: [...path, a] });
    }
  }
  return { ctx: model.ctx, reached };
}

/** The problems of the machine following `path` against the model's `state` (see the file's comment). */
function dispatchProblems(
  scenario: Scenario,
  state: MachineState,
  path: readonly Action[],
  file: string | null,
): string[] {
  const { ctx } = createCheckModel(scenario, 'patent');
  const options = { scheduler: new ManualScheduler(), ...(ctx.dispatch ? { requireDispatch: true } : {}) };
  // The scenario as shipped is built from its file, as users do.
  const machine = file === null ? createMachine(scenario, options) : createMachineFromFile(file, options);
  for (const a of path) if (a.kind === 'cpu.dispatch') machine.dispatch(a.cpu, ctx.vmNames[a.vm]!);
  const problems: string[] = [];
  state.vms.forEach((vm, v) => {
    if (!vm.alive) return;
    const name = ctx.vmNames[v]!;
    // The per-VM accessors users read the control block [430] and the pins by, as the model has them.
    const cb = machine.controlBlock(name);
    const want = { direct: vm.direct, pageFixed: vm.pageFixed, origin: vm.origin, end: vm.end };
    const got = { direct: cb.direct, pageFixed: cb.pageFixed, origin: cb.origin, end: cb.end };
    if (!vm.pageFixed) want.origin = got.origin ?? -1;
    if (!vm.pageFixed) want.end = got.end ?? -1;
    if (JSON.stringify(got) !== JSON.stringify(want))
      problems.push(`${name}: controlBlock ${JSON.stringify(got)}, the model's ${JSON.stringify(want)}`);
    if (JSON.stringify(machine.pins(name)) !== JSON.stringify(vm.pins))
      problems.push(
        `${name}: pins ${JSON.stringify(machine.pins(name))}, the model's ${JSON.stringify(vm.pins)}`,
      );
    const onCpu = !ctx.dispatch || state.running.includes(v);
    const calls: [string, () => unknown][] = [
      [`${name} CPU read`, () => machine.read(name, 0, 0)],
      [`${name} CPU write`, () => machine.write(name, 0, [])],
    ];
    if (onCpu) {
      for (const [what, call] of calls) {
        try {
          call();
        } catch (error) {
          problems.push(
            `${what}: the model has ${name} dispatched (or needs none), the machine threw ${String(error)}`,
          );
        }
      }
      return;
    }
    calls.push([
      `${name} start-I/O`,
      () => machine.startIo(name, 0, [{ op: 'read', address: 0, length: 1 }]),
    ]);
    for (const [what, call] of calls) {
      const problem = refusal(what, call, notDispatched(name));
      if (problem !== null) problems.push(problem);
    }
  });
  return problems;
}

const SCENARIOS = ['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion'] as const;

describe('guest accesses by VMs the model has on no CPU', () => {
  it.each(SCENARIOS.flatMap((name) => [true, false].map((dispatch) => [name, dispatch] as const)))(
    'should be refused by the machine exactly there on %s (bounds.dispatch %s)',
    (name, dispatch) => {
      const base = loadScenarioFile(fileOf(name));
      const scenario: Scenario = { ...base, bounds: { ...base.bounds, dispatch } };
      const file = base.bounds.dispatch === dispatch ? fileOf(name) : null;
      const { reached } = dispatchStates(scenario);
      // With dispatch the model reaches states with some VM on no CPU and states with all running.
      if (dispatch) expect(reached.length).toBeGreaterThan(1);
      for (const { state, path } of reached) {
        const where = `${name}, after ${path.map((a) => JSON.stringify(a)).join(' ') || 'nothing'}`;
        expect(dispatchProblems(scenario, state, path, file), where).toEqual([]);
      }
    },
  );
});
