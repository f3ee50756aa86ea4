/**
 * The CPU refusal probes of the model-based tests (beside `modelVsImplProbes.ts`): what the model's
 * CPU assignments say the machine must refuse, through `Machine.dispatch` and `assignCpus`, each
 * refusal's class, code, details and message computed from the model's state: a VM dispatched on a
 * CPU it is not assigned or on one that does not exist, and an assignment that would share a CPU
 * another VM has dedicated, leave a VM without a CPU, name a CPU that does not exist or list one
 * twice. A refusal changes nothing, so the next comparison catches one that did.
 */
import { InvalidRequestError, type Machine } from '../impl/index.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Expected } from './modelVsImplProbes.ts';

/** `probe(what, call, expected)` for every CPU refusal `state` implies. */
export function probeCpuRefusals(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  probe: (what: string, call: () => unknown, expected: Expected) => void,
): void {
  const count = ctx.scenario.cpus;
  const invalid = (details: Expected['details'], message: string): Expected => ({
    cls: InvalidRequestError,
    code: 'invalid-request',
    details,
    message,
  });
  const refused = (problem: string) => invalid({ problems: [problem] }, `CPU assignment refused: ${problem}`);
  const dedicatedTo = (cpu: number) =>
    state.vms.findIndex((vm) => vm.alive && vm.cpus.mode === 'dedicated' && vm.cpus.cpus.includes(cpu));
  state.vms.forEach((vm, v) => {
    if (!vm.alive) return;
    const name = ctx.vmNames[v]!;
    probe(
      `dispatch of ${name} on CPU ${count}, which does not exist`,
      () => machine.dispatch(count, name),
      invalid({ cpu: count }, `CPU ${count} does not exist (${count} CPUs)`),
    );
    for (let cpu = 0; cpu < count; cpu++) {
      if (!vm.cpus.cpus.includes(cpu))
        probe(
          `dispatch of ${name} on CPU ${cpu}, not assigned to it`,
          () => machine.dispatch(cpu, name),
          invalid({ vm: name, cpu }, `${name} is not assigned CPU ${cpu}`),
        );
      const holder = dedicatedTo(cpu);
      if (holder >= 0 && holder !== v)
        probe(
          `${name} assigned CPU ${cpu}, dedicated to ${ctx.vmNames[holder]}`,
          () => machine.assignCpus(name, { mode: 'shared', cpus: [cpu] }),
          refused(`CPU ${cpu} is dedicated to ${ctx.vmNames[holder]} but also assigned to ${name}`),
        );
    }
    probe(
      `${name} assigned no CPU`,
      () => machine.assignCpus(name, { mode: 'shared', cpus: [] }),
      refused(`${name} would have no CPU`),
    );
    probe(
      `${name} assigned CPU ${count}, which does not exist`,
      () => machine.assignCpus(name, { mode: vm.cpus.mode, cpus: [count] }),
      refused(`${name}: CPU ${count} does not exist (${count} CPUs)`),
    );
    const own = vm.cpus.cpus[0]!;
    probe(
      `${name} assigned CPU ${own} twice`,
      () => machine.assignCpus(name, { mode: vm.cpus.mode, cpus: [own, own] }),
      refused(`${name} lists a CPU twice`),
    );
  });
}
