/**
 * Argument, read and control probes of the model-based tests (beside `modelVsImplProbes.ts`), at a
 * comparable state of a model path whose projections were just found equal:
 *
 * - refusals of arguments outside what the model's scenario has (a channel or CPU that does not
 *   exist, below 0 or not a whole number; a program with no transfer, a bad device offset, op or
 *   length; a negative length or address), each with its class, code, details and whole message
 *   computed from the scenario; observation calls naming a VM the machine does not have or one the
 *   model has terminated;
 * - a guest asked to shrink (7000, the model's `shrinkRequest`) whose start-I/O reaches the part it
 *   will take offline is refused with an addressing exception (a documented difference: the model
 *   lets it start and makes 7010 wait; `withImplementationChoices`);
 * - calls the model's state says must be accepted and change nothing: a VM given its own CPU
 *   assignment again (who runs where stays), a read of no bytes;
 * - a VM reads as dispatched exactly where the model runs it (where every CPU runs what the model's
 *   does);
 * - round-robin dispatch (`dispatch(cpu)` with no VM) reaches exactly the VMs the model has
 *   assigned that CPU (each of them once in as many calls; none: the CPU stays idle); the CPU is
 *   given back to the VM that ran there;
 * - reads that start and end inside pages and cross page boundaries (`inspect`, and `read` where
 *   every page is resident, so nothing is paged in), against the whole pages that the projection
 *   has just found to hold the model's datums;
 * - every frame of the destination of the model's running relocation is held for its VM (a page
 *   of it there, or reserved), and every other frame no live page of the model holds is free;
 * - `runningReconfigurations` is the running one alone (SPEC 7.13); a poll of the clock, no time
 *   having passed since the model's last event, starts nothing.
 */
import {
  AddressingException,
  InvalidRequestError,
  type Machine,
  MachineError,
  UnknownChannelError,
  UnknownVmError,
} from '../impl/index.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { activeRelocation, frameOf } from '../model/vmm/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { addressingReason, type Expected } from './modelVsImplProbes.ts';

type Probe = (what: string, call: () => unknown, expected: Expected) => void;

const invalid = (details: Expected['details'], message: string): Expected => ({
  cls: InvalidRequestError,
  code: 'invalid-request',
  details,
  message,
});

/** `probe(what, call, expected)` for every argument refusal `state` implies. */
export function probeArgumentRefusals(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  probe: Probe,
): void {
  const names = ctx.vmNames;
  const channels = ctx.scenario.channels;
  const cpus = ctx.scenario.cpus;
  const noChannel = (channel: number): Expected => ({
    cls: UnknownChannelError,
    code: 'unknown-channel',
    details: { channel, count: channels },
    message: `channel ${channel} does not exist (${channels} channels: 0..${channels - 1})`,
  });
  for (const channel of [-1, 0.5, channels]) {
    probe(`the device of channel ${channel}`, () => machine.device(channel), noChannel(channel));
    probe(
      `an error injected on channel ${channel}`,
      () => machine.injectChannelError(channel),
      noChannel(channel),
    );
  }
  // Observation of a VM the machine does not have, or one the model has terminated.
  const all = [...names];
  const unknown = (vm: string): Expected => ({
    cls: UnknownVmError,
    code: 'unknown-vm',
    details: { vm, known: all },
    message: `unknown VM ${JSON.stringify(vm)} (known: ${all.join(', ')})`,
  });
  probe('the snapshot of an unknown VM', () => machine.vm('VM-none'), unknown('VM-none'));
  probe('inspect by an unknown VM', () => machine.inspect('VM-none', 0, 1), unknown('VM-none'));
  state.vms.forEach((vm, v) => {
    if (!vm.alive)
      probe(`inspect by ${names[v]}, gone`, () => machine.inspect(names[v]!, 0, 1), unknown(names[v]!));
  });

  const v = state.vms.findIndex((vm) => vm.alive && vm.online > 0 && addressingReason(ctx, vm, 0) === null);
  if (v < 0) return;
  const name = names[v]!;
  const vm = state.vms[v]!;
  const ok = { op: 'read', address: 0, length: 1 } as const;
  for (const channel of [-1, 0.5, channels])
    probe(
      `${name} start-I/O on channel ${channel}`,
      () => machine.startIo(name, channel, [ok]),
      noChannel(channel),
    );
  for (const cpu of [-1, 0.5])
    probe(
      `dispatch of ${name} on CPU ${cpu}`,
      () => machine.dispatch(cpu, name),
      invalid({ cpu }, `CPU ${cpu} does not exist (${cpus} CPUs)`),
    );
  const refusedCpus = (problems: string[]) =>
    invalid({ problems }, `CPU assignment refused: ${problems.join('; ')}`);
  for (const cpu of [-1, 0.5])
    probe(
      `${name} assigned CPU ${cpu}`,
      () => machine.assignCpus(name, { mode: vm.cpus.mode, cpus: [cpu] }),
      refusedCpus([`${name}: CPU ${cpu} does not exist (${cpus} CPUs)`]),
    );
  const missing = `${name}: CPU ${cpus} does not exist (${cpus} CPUs)`;
  probe(
    `${name} assigned CPU ${cpus} twice`,
    () => machine.assignCpus(name, { mode: vm.cpus.mode, cpus: [cpus, cpus] }),
    refusedCpus([missing, missing, `${name} lists a CPU twice`]),
  );
  // Channel programs the scenario's I/O cannot express (checked before the channel is asked).
  probe(
    `${name} start-I/O of no transfer`,
    () => machine.startIo(name, 0, []),
    invalid({}, 'a channel program needs at least one transfer'),
  );
  for (const deviceOffset of [-1, 0.5])
    probe(
      `${name} start-I/O at device offset ${deviceOffset}`,
      () => machine.startIo(name, 0, { transfers: [ok], deviceOffset }),
      invalid({ deviceOffset }, `device offset ${deviceOffset} must be a non-negative integer`),
    );
  probe(
    `${name} start-I/O of a transfer neither read nor write`,
    () => machine.startIo(name, 0, [ok, { op: 'erase' as 'read', address: 0, length: 1 }]),
    invalid({ transfer: 1 }, `transfer 1: op must be 'write' or 'read'`),
  );
  for (const length of [0, -1, 0.5])
    probe(
      `${name} start-I/O of a transfer of length ${length}`,
      () => machine.startIo(name, 0, [ok, { op: 'write', address: 0, length }]),
      invalid({ transfer: 1 }, `transfer 1: length ${length} must be a positive integer`),
    );
  for (const [address, length] of [
    [0, -1],
    [0.5, 1],
  ] as const)
    probe(`${name} CPU read of ${length} at ${address}`, () => machine.read(name, address, length), {
      cls: AddressingException,
      code: 'addressing',
      details: { vm: name, address, reason: 'bad-address' },
      message: `addressing exception for ${name} at guest address ${address}: address ${address} / length ${length} must be non-negative integers`,
    });
}

/**
 * `probe` the start-I/O of every guest the model has asked to shrink (7000) that reaches from its
 * last page kept into the first it will take offline: refused as offline.
 */
export function probeShrinkingStarts(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  probe: Probe,
): void {
  const ps = machine.pageSize;
  state.vms.forEach((vm, v) => {
    const keep = vm.shrinkRequest;
    if (!vm.alive || keep === null || keep < 1 || keep >= vm.online) return;
    if (addressingReason(ctx, vm, keep - 1) !== null || addressingReason(ctx, vm, keep) !== null) return;
    const name = ctx.vmNames[v]!;
    const address = keep * ps - 1;
    probe(
      `${name}, asked to keep ${keep} pages, start-I/O across pages ${keep - 1}..${keep}`,
      () => machine.startIo(name, 0, [{ op: 'write', address, length: 2 }]),
      {
        cls: AddressingException,
        code: 'addressing',
        details: { vm: name, address, reason: 'offline' },
        message: `addressing exception for ${name} at guest address ${address}: pages from ${keep} are being taken offline`,
      },
    );
  });
}

/**
 * What the model's `state` says the machine must accept, and what must come of it (see the module
 * TSDoc): returns the first problem, or null. Leaves the machine as it was, but for the round-robin
 * position of the CPUs probed.
 */
export function probeAccepted(ctx: VmmContext, state: MachineState, machine: Machine): string | null {
  try {
    return accepted(ctx, state, machine);
  } catch (error) {
    if (!(error instanceof MachineError)) throw error;
    return `refused what the model's state allows: ${error.message}`;
  }
}

function accepted(ctx: VmmContext, state: MachineState, machine: Machine): string | null {
  const names = ctx.vmNames;
  const active = machine.reconfiguration;
  const running = machine.runningReconfigurations;
  if (running.length !== (active === null ? 0 : 1) || (active !== null && running[0] !== active))
    return `running reconfigurations ${JSON.stringify(running.map((r) => r.description))}, the model runs ${state.reconfig === null ? 'none' : 'one'}`;
  // The destination of the model's running relocation is the relocating VM's, every frame of it.
  const reloc = activeRelocation(state);
  if (reloc !== null && reloc.dest !== null) {
    const name = names[reloc.vm]!;
    const owners = machine.frameOwners();
    for (let f = reloc.dest; f < reloc.dest + reloc.size; f++) {
      const o = owners[f];
      if (o?.owner !== 'vm' || o.vm !== name)
        return `frame ${f} of the destination of ${name}'s relocation is ${JSON.stringify(o)}, not held for ${name}`;
    }
    // And, a stand-alone request's, a frame outside it that no live page of the model holds is free
    // (not compared inside a resize: the machine holds frames for the resize's VMs its own way).
    // Nor where the machine placed some VM's pages its own way (a page-in into another free frame).
    const placedAsModel = state.vms.every((vm, v) => {
      if (!vm.alive) return true;
      const table = machine.pageTable(names[v]!);
      return Array.from({ length: vm.size }, (_, p) => frameOf(ctx, vm, p)).every((f, p) => f === table[p]);
    });
    if (reloc.purpose !== 'resize' && placedAsModel) {
      const used = new Set<number>();
      for (const vm of state.vms)
        for (let p = 0; p < vm.size; p++) {
          const f = frameOf(ctx, vm, p);
          if (f !== null) used.add(f);
        }
      for (let f = ctx.scenario.storage.vmmFrames; f < ctx.scenario.storage.frames; f++) {
        if (used.has(f) || (f >= reloc.dest && f < reloc.dest + reloc.size)) continue;
        if (owners[f]?.owner !== 'free')
          return `frame ${f}, outside the destination of ${name}'s relocation and holding no page of the model, is ${JSON.stringify(owners[f])} (model: dest ${reloc.dest}, size ${reloc.size}, step ${reloc.step}; machine: ${machine.reconfiguration?.description})`;
      }
    }
  }
  // No minute passes between the model's steps: a poll of the clock starts nothing.
  const polled = machine.pollClock();
  if (polled.length > 0)
    return `a poll of the clock, no time having passed, started ${JSON.stringify(polled.map((r) => r.description))}`;
  const runs = () => JSON.stringify(machine.cpuStatus().map((c) => c.running));
  for (let v = 0; v < state.vms.length; v++) {
    const vm = state.vms[v]!;
    if (!vm.alive) continue;
    const name = names[v]!;
    const before = runs();
    machine.assignCpus(name, { mode: vm.cpus.mode, cpus: [...vm.cpus.cpus] });
    if (runs() !== before) return `${name} given its own CPUs again: CPUs ran ${before}, now ${runs()}`;
    if (machine.read(name, 0, 0).length !== 0) return `${name} read 0 bytes and got some`;
  }
  // Where every CPU runs what the model's does, a VM is dispatched exactly when the model runs it.
  const cpuRuns = machine.cpuStatus().map((c) => c.running);
  const modelRuns = state.running.map((v) => (v === null ? null : names[v]!));
  if (cpuRuns.every((r, cpu) => r === modelRuns[cpu]))
    for (let v = 0; v < state.vms.length; v++) {
      if (!state.vms[v]!.alive) continue;
      const dispatched = machine.vm(names[v]!).dispatched;
      if (dispatched !== state.running.includes(v))
        return `${names[v]} reads dispatched ${dispatched}, the model ${state.running.includes(v) ? 'runs' : 'does not run'} it`;
    }
  // Round robin: each CPU a VM runs on, as many dispatches as the model has VMs assigned it.
  for (let cpu = 0; cpu < ctx.scenario.cpus; cpu++) {
    const eligible = names.filter((_, v) => state.vms[v]!.alive && state.vms[v]!.cpus.cpus.includes(cpu));
    const was = machine.cpuStatus()[cpu]!.running;
    if (was === null && eligible.length > 0) continue; // no call makes a CPU idle again
    const got = new Set<string | null>();
    for (let i = 0; i < Math.max(1, eligible.length); i++) got.add(machine.dispatch(cpu));
    const want = eligible.length === 0 ? [null] : eligible;
    if (got.size !== want.length || want.some((w) => !got.has(w)))
      return `round-robin dispatch on CPU ${cpu} ran ${JSON.stringify([...got])}, the model assigns it ${JSON.stringify(eligible)}`;
    if (was !== null) machine.dispatch(cpu, was);
  }
  return readsAcrossPages(ctx, state, machine);
}

/** Reads from inside one page into the next ones, against the whole pages (see the module TSDoc). */
function readsAcrossPages(ctx: VmmContext, state: MachineState, machine: Machine): string | null {
  const ps = machine.pageSize;
  for (let v = 0; v < state.vms.length; v++) {
    const vm = state.vms[v]!;
    if (!vm.alive || vm.online < 2) continue;
    const name = ctx.vmNames[v]!;
    const pages = Array.from({ length: vm.online }, (_, p) => p);
    if (pages.some((p) => addressingReason(ctx, vm, p) !== null)) continue;
    const whole = new Uint8Array(vm.online * ps);
    for (const p of pages) whole.set(machine.inspect(name, p * ps, ps), p * ps);
    const table = machine.pageTable(name);
    for (let p = 0; p + 1 < vm.online; p++) {
      const address = p * ps + 3;
      const length = p + 2 < vm.online ? 2 * ps : 2 * ps - 6;
      const want = whole.subarray(address, address + length);
      const same = (got: Uint8Array) => Buffer.from(got).equals(Buffer.from(want));
      if (!same(machine.inspect(name, address, length)))
        return `${name}: inspect of ${length} bytes at ${address} differs from its pages`;
      const last = Math.floor((address + length - 1) / ps);
      let resident = true;
      for (let q = p; q <= last; q++) if ((table[q] ?? null) === null) resident = false;
      if (resident && !same(machine.read(name, address, length)))
        return `${name}: a CPU read of ${length} bytes at ${address} differs from its pages`;
    }
  }
  return null;
}
