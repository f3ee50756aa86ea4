/**
 * Refusal probes of the model-based tests: at a comparable state of a model path, ask the machine
 * for what the model's state says must be refused, through the calls its users make (guest reads,
 * writes and start-I/O, requests, dispatch, events), and check each refusal as the user sees it:
 * the error's class, `code`, `details` and message, each computed from the model's state (which
 * VMs are alive, their size, online storage, origin and end, who holds each frame, which channel
 * runs whose program, whether a reconfiguration runs, which events have arrived), and, given the
 * machine's `ManualScheduler`, a unit or a failure of a channel the model has free. Configuration
 * tables that cannot be carried out (empty, a gone or pageable VM, a wrong size before, no pages
 * after, a move or growth past storage or onto another VM's frame) are probed while none runs.
 *
 * A refused call changes nothing (impl/errors.ts), so the replay goes on after the probes and
 * the next comparison of the projections catches a refusal that did change something (a pin left,
 * a page paged in, a destination claimed). A probe that the machine accepts is a difference too.
 *
 * For the patent's machine and the prior art's (whose relocation of a pageable VM is refused in its
 * own words). Only where the model's state decides the outcome: no probe at a page that is not resident (a
 * start would page it in first), none that the machine could legitimately accept.
 */
import {
  AddressingException,
  ChannelBusyError,
  DoesNotFitError,
  type EventTrigger,
  InvalidRequestError,
  type Machine,
  MachineError,
  type ManualScheduler,
  ReconfigurationInProgressError,
  UnknownChannelError,
  UnknownEventError,
  UnknownVmError,
  VmStateError,
} from '../impl/index.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { frameOf } from '../model/vmm/queries.ts';
import type { MachineState, VmState } from '../model/vmm/state.ts';
import { behaviourOf } from '../scenario/behaviour.ts';
import { probeAccepted, probeArgumentRefusals, probeShrinkingStarts } from './modelVsImplArgProbes.ts';
import { probeCpuRefusals } from './modelVsImplCpuProbes.ts';
import {
  probeEmptyAccesses,
  probeFaultsWithoutFrame,
  probeTriggerRefusals,
} from './modelVsImplTriggerProbes.ts';

/** What one probe expects: the error class, and its code, details and message as computed from the model. */
export interface Expected {
  readonly cls: abstract new (...args: never[]) => MachineError;
  readonly code: string;
  /** Every listed detail must be equal (JSON). */
  readonly details: { readonly [key: string]: unknown };
  /** The whole message, or (a function) a check of it returning a problem or null. */
  readonly message: string | ((message: string) => string | null);
}

/** Run `call`, which must throw as `expected`; a problem in words, or null. */
export function refusal(what: string, call: () => unknown, expected: Expected): string | null {
  try {
    call();
  } catch (error) {
    if (!(error instanceof expected.cls) || !(error instanceof MachineError))
      return `${what}: expected ${expected.cls.name}, got ${String(error)}`;
    if (error.code !== expected.code) return `${what}: code ${error.code}, expected ${expected.code}`;
    if (error.name !== expected.cls.name) return `${what}: name ${error.name}, expected ${expected.cls.name}`;
    for (const [key, value] of Object.entries(expected.details)) {
      const got = (error.details as Record<string, unknown>)[key];
      if (JSON.stringify(got) !== JSON.stringify(value))
        return `${what}: details.${key} ${JSON.stringify(got)}, expected ${JSON.stringify(value)}`;
    }
    const problem =
      typeof expected.message === 'string'
        ? error.message === expected.message
          ? null
          : `message ${JSON.stringify(error.message)}, expected ${JSON.stringify(expected.message)}`
        : expected.message(error.message);
    return problem === null ? null : `${what}: ${problem}`;
  }
  return `${what}: the machine accepted it, the model's state refuses it`;
}

/** Why a guest access to `page` of model VM `vm` is refused (`impl/translation.ts` order), or null if allowed. */
export function addressingReason(ctx: VmmContext, vm: VmState, page: number): string | null {
  if (vm.pageFixed) {
    const frame = vm.origin + page;
    if (frame > vm.end) return 'past-end';
    if (frame >= ctx.scenario.storage.frames) return 'outside-storage';
  } else if (page >= vm.size) return 'past-size';
  if (page < vm.size && page >= vm.online) return 'offline';
  return null;
}

/** Why the machine says `page` of model VM `vm` is refused for `reason`, in its words. */
function addressingWhy(vm: VmState, page: number, reason: string): string {
  const frame = vm.origin + page;
  switch (reason) {
    case 'past-end':
      return `host frame ${frame} is past end ${vm.end} (area ${vm.origin}..${vm.end})`;
    case 'outside-storage':
      return `host frame ${frame} is past main storage`;
    case 'past-size':
      return `page ${page} is past the guest size (${vm.size} pages)`;
    default:
      return `page ${page} is offline (online pages 0..${vm.online - 1})`;
  }
}

const addressing = (vm: string, address: number, reason: string, why: string): Expected => ({
  cls: AddressingException,
  code: 'addressing',
  details: { vm, address, reason },
  message: `addressing exception for ${vm} at guest address ${address}: ${why}`,
});

const unknownVm = (vm: string, known: readonly string[]): Expected => ({
  cls: UnknownVmError,
  code: 'unknown-vm',
  details: { vm, known },
  message: `unknown VM ${JSON.stringify(vm)} (known: ${known.join(', ') || 'none'})`,
});

const vmState = (vm: string, request: string, state: string): Expected => ({
  cls: VmStateError,
  code: 'vm-state',
  details: { vm, request, state },
  message: `${request} needs ${vm} to be ${state}`,
});

/** The request verbs of `Machine` a scenario reconfiguration names, as `assertIdle` words them. */
function request(machine: Machine, r: VmmContext['scenario']['reconfigurations'][number]): () => unknown {
  switch (r.kind) {
    case 'relocate':
      return () => machine.relocate(r.vm, r.to);
    case 'toPageable':
      return () => machine.toPageable(r.vm, r.resident);
    case 'toPageFixed':
      return () => machine.toPageFixed(r.vm, r.to);
    case 'terminate':
      return () => machine.terminate(r.vm);
  }
}

/**
 * Probe `machine` at model state `state` (a comparable state of a path of `ctx`'s model, with the
 * projections just found equal). Returns the first problem, or null. `pageSize` is the machine's.
 */
export function probeRefusals(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  scheduler?: ManualScheduler,
): string | null {
  // The refusals thrown here are caught at once: no stack trace is needed (and capturing one per
  // probe is most of a probe's cost).
  const limit = Error.stackTraceLimit;
  Error.stackTraceLimit = 0;
  try {
    return probeAll(ctx, state, machine, scheduler);
  } finally {
    Error.stackTraceLimit = limit;
  }
}

/**
 * What the probes' outcomes depend on in a model state: which VMs are alive, their mode, size,
 * online storage, origin, end, CPUs and frames, the channels, the reconfiguration and the events.
 * `replayOnImpl` probes again only where this changes.
 */
export function probeKey(ctx: VmmContext, state: MachineState): string {
  const vms = state.vms.map((vm) => [
    vm.alive,
    vm.pageFixed,
    vm.size,
    vm.online,
    vm.origin,
    vm.end,
    vm.cpus.mode,
    vm.cpus.cpus.join(','),
    Array.from({ length: vm.size }, (_, p) => frameOf(ctx, vm, p)).join(','),
  ]);
  return JSON.stringify([vms, state.channels, state.reconfig === null, state.events]);
}

function probeAll(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  scheduler: ManualScheduler | undefined,
): string | null {
  const ps = machine.pageSize;
  const names = ctx.vmNames;
  const alive = names.filter((_, v) => state.vms[v]!.alive);
  const problems: (string | null)[] = [];
  const probe = (what: string, call: () => unknown, expected: Expected) => {
    if (problems.length === 0 || problems.every((p) => p === null))
      problems.push(refusal(what, call, expected));
  };

  probe('read by an unknown VM', () => machine.read('VM-none', 0, 1), unknownVm('VM-none', alive));
  probe(
    'start-I/O on a channel that does not exist',
    () =>
      machine.startIo(alive[0] ?? names[0]!, ctx.scenario.channels, [{ op: 'read', address: 0, length: 1 }]),
    {
      cls: alive.length === 0 ? UnknownVmError : UnknownChannelError,
      code: alive.length === 0 ? 'unknown-vm' : 'unknown-channel',
      details: alive.length === 0 ? {} : { channel: ctx.scenario.channels, count: ctx.scenario.channels },
      message: () => null,
    },
  );

  const reconfiguring = state.reconfig !== null || state.events.some((e) => e === 'pending');
  const active = machine.reconfiguration;
  if (!reconfiguring && active !== null)
    return `the model runs no reconfiguration, the machine runs ${active.description}`;

  state.vms.forEach((vm, v) => {
    const name = names[v]!;
    if (!vm.alive) {
      probe(`read by ${name}, gone`, () => machine.read(name, 0, 1), unknownVm(name, alive));
      probe(`write by ${name}, gone`, () => machine.write(name, 0, [1]), unknownVm(name, alive));
      probe(
        `start-I/O by ${name}, gone`,
        () => machine.startIo(name, 0, [{ op: 'read', address: 0, length: 1 }]),
        unknownVm(name, alive),
      );
      probe(`dispatch of ${name}, gone`, () => machine.dispatch(0, name), unknownVm(name, alive));
      if (!reconfiguring)
        probe(`terminate of ${name}, gone`, () => machine.terminate(name), unknownVm(name, alive));
      return;
    }
    // Guest accesses outside online storage: the first page offline and the first past the size.
    for (const page of new Set([vm.online, vm.size])) {
      const reason = addressingReason(ctx, vm, page);
      if (reason === null) continue;
      const address = page * ps;
      const why = addressingWhy(vm, page, reason);
      probe(
        `${name} CPU read of page ${page}`,
        () => machine.read(name, address, 1),
        addressing(name, address, reason, why),
      );
      probe(
        `${name} CPU write of page ${page}`,
        () => machine.write(name, address, [7]),
        addressing(name, address, reason, why),
      );
      if (page > 0 && addressingReason(ctx, vm, page - 1) === null)
        probe(
          `${name} CPU read across pages ${page - 1}..${page}`,
          () => machine.read(name, address - 1, 2),
          addressing(name, address, reason, why),
        );
      probe(
        `${name} start-I/O into page ${page}`,
        () => machine.startIo(name, 0, [{ op: 'write', address, length: ps }]),
        addressing(name, address, reason, why),
      );
    }
    probe(
      `${name} CPU read at a negative address`,
      () => machine.read(name, -ps, 1),
      addressing(name, -ps, 'bad-address', `address ${-ps} / length 1 must be non-negative integers`),
    );
    // A start on a busy channel (cc 2), into a resident page (a start pages nothing in first).
    // Resident on both sides: the machine may have paged otherwise where placement diverged.
    const table = machine.pageTable(name);
    const resident = Array.from({ length: vm.online }, (_, p) => p).find(
      (p) => frameOf(ctx, vm, p) !== null && (table[p] ?? null) !== null,
    );
    state.channels.forEach((io, channel) => {
      if (io === null || resident === undefined) return;
      const busyWith = names[ctx.io[io]!.vm]!;
      probe(
        `${name} start-I/O on busy channel ${channel}`,
        () => machine.startIo(name, channel, [{ op: 'read', address: resident * ps, length: ps }]),
        {
          cls: ChannelBusyError,
          code: 'channel-busy',
          details: { channel, vm: name },
          message: (m) =>
            m.startsWith(`channel ${channel} is busy with a program of ${busyWith} (program `) &&
            m.endsWith(`; start-I/O of ${name} refused (cc 2), retry later`)
              ? null
              : `message ${JSON.stringify(m)}`,
        },
      );
    });
  });

  // Requests: refused while a reconfiguration runs (one at a time), else by the VM's mode or room.
  if (reconfiguring && active !== null) {
    const words = {
      relocate: 'relocate',
      toPageable: 'toPageable',
      toPageFixed: 'toPageFixed',
      terminate: 'terminate',
    };
    for (const r of ctx.scenario.reconfigurations) {
      const requested = `${words[r.kind]} ${r.vm}`;
      probe(`${requested} during ${active.description}`, request(machine, r), {
        cls: ReconfigurationInProgressError,
        code: 'reconfiguration-in-progress',
        details: { requested, active: active.description },
        message: `${requested} refused: ${active.description} is still running (one reconfiguration at a time, SPEC 7.13)`,
      });
    }
    const relocating =
      state.reconfig?.kind === 'relocation' || state.reconfig?.kind === 'priorArt' ? state.reconfig.vm : null;
    if (relocating !== null && !active.description.includes(names[relocating]!))
      problems.push(
        `the machine's ${active.description} does not name ${names[relocating]}, which the model relocates`,
      );
  }
  // Who holds each frame, by the model: a live page's VM, or null.
  const vmmFrames = ctx.scenario.storage.vmmFrames;
  const holder = new Array<string | null>(ctx.scenario.storage.frames).fill(null);
  state.vms.forEach((vm, v) => {
    for (let p = 0; p < vm.size; p++) {
      const f = frameOf(ctx, vm, p);
      if (f !== null) holder[f] = names[v]!;
    }
  });
  if (!reconfiguring) {
    const frames = ctx.scenario.storage.frames;
    const vmm = vmmFrames;
    state.vms.forEach((vm, v) => {
      if (!vm.alive) return;
      const name = names[v]!;
      const pages = vm.online;
      if (vm.pageFixed) {
        probe(
          `toPageFixed of page-fixed ${name}`,
          () => machine.toPageFixed(name, vm.origin),
          vmState(name, 'toPageFixed', 'pageable'),
        );
        for (const resident of [0, 1.5, pages + 1])
          probe(`toPageable of ${name} keeping ${resident}`, () => machine.toPageable(name, resident), {
            cls: InvalidRequestError,
            code: 'invalid-request',
            details: { vm: name, resident },
            message: `toPageable needs 1..${pages} resident pages, got ${resident}`,
          });
      } else {
        probe(
          `relocate of pageable ${name}`,
          () => machine.relocate(name, vmm),
          // The prior art's relocation ([0005]) names no conversion: it has none of its own.
          vmState(
            name,
            'relocate',
            behaviourOf(ctx.variant).priorArt
              ? 'page-fixed'
              : 'page-fixed (use toPageFixed for a pageable VM)',
          ),
        );
        probe(
          `toPageable of pageable ${name}`,
          () => machine.toPageable(name, 1),
          vmState(name, 'toPageable', 'page-fixed'),
        );
      }
      // Destinations that do not fit: outside guest storage, or holding another VM's page.
      const area = (to: number) => (pages === 1 ? `frame ${to}` : `frames ${to}..${to + pages - 1}`);
      const move = (to: number) => () =>
        vm.pageFixed ? machine.relocate(name, to) : machine.toPageFixed(name, to);
      for (const to of [vmm - 1, frames - pages + 1])
        probe(`${name} to ${to}, outside guest storage`, move(to), {
          cls: DoesNotFitError,
          code: 'does-not-fit',
          details: { vm: name, to, pages },
          message: `${name} does not fit at ${area(to)}: guest frames are ${vmm}..${frames - 1}`,
        });
      for (let to = vmm; to + pages <= frames; to++) {
        let taken = -1;
        for (let f = to; f < to + pages && taken < 0; f++)
          if (holder[f] !== null && holder[f] !== name) taken = f;
        if (taken < 0) continue;
        probe(`${name} to ${to}, frame ${taken} taken`, move(to), {
          cls: DoesNotFitError,
          code: 'does-not-fit',
          details: { vm: name, to, pages, frame: taken, holder: holder[taken] },
          message: `${name} does not fit at ${area(to)}: frame ${taken} belongs to ${holder[taken]}`,
        });
      }
    });
  }

  // Resizes: a configuration table that cannot be carried out is refused when none runs.
  if (!reconfiguring) {
    const frames = ctx.scenario.storage.frames;
    probe('a resize with an empty table', () => machine.resize({}), {
      cls: InvalidRequestError,
      code: 'invalid-request',
      details: {},
      message: 'the configuration table is empty',
    });
    state.vms.forEach((vm, v) => {
      const name = names[v]!;
      const cpus = vm.cpus;
      const table = (before: number, size: number, origin: number) => ({
        [name]: { before: { size: before, cpus }, after: { size, origin, cpus } },
      });
      const resize = (before: number, size: number, origin: number) => () =>
        machine.resize(table(before, size, origin));
      if (!vm.alive) {
        probe(`a resize of ${name}, gone`, resize(vm.size, vm.size, vm.origin), unknownVm(name, alive));
        return;
      }
      if (!vm.pageFixed) {
        probe(
          `a resize of pageable ${name}`,
          resize(vm.size, vm.size, 0),
          vmState(name, 'resize', 'page-fixed'),
        );
        return;
      }
      const { size, origin } = vm;
      probe(`a resize of ${name} with a wrong size before`, resize(size + 1, size, origin), {
        cls: InvalidRequestError,
        code: 'invalid-request',
        details: { vm: name, expected: size + 1, actual: size },
        message: `the table expects ${name} to have ${size + 1} pages before, it has ${size}`,
      });
      probe(`a resize of ${name} to no pages`, resize(size, 0, origin), {
        cls: InvalidRequestError,
        code: 'invalid-request',
        details: { vm: name },
        message: `${name}: the size after must be a positive number of pages`,
      });
      const area = (to: number) => (size === 1 ? `frame ${to}` : `frames ${to}..${to + size - 1}`);
      probe(`a resize moving ${name} past storage`, resize(size, size, frames), {
        cls: DoesNotFitError,
        code: 'does-not-fit',
        details: { vm: name, to: frames },
        message: `the table does not fit: ${name} cannot move to ${area(frames)}`,
      });
      for (let to = vmmFrames; to + size <= frames; to++) {
        if (to === origin) continue;
        let taken = -1;
        for (let f = to; f < to + size && taken < 0; f++)
          if (holder[f] !== null && holder[f] !== name) taken = f;
        if (taken < 0) continue;
        probe(`a resize moving ${name} to ${to}, frame ${taken} taken`, resize(size, size, to), {
          cls: DoesNotFitError,
          code: 'does-not-fit',
          details: { vm: name, to, frame: taken, holder: holder[taken] },
          message: `the table does not fit: ${name} cannot move to ${area(to)}, frame ${taken} is still ${holder[taken]}'s then`,
        });
        break;
      }
      const next = origin + size;
      if (next >= frames)
        probe(`a resize growing ${name} past storage`, resize(size, size + 1, origin), {
          cls: DoesNotFitError,
          code: 'does-not-fit',
          details: { vm: name },
          message: `${name} cannot grow to ${size + 1} pages at frame ${origin}: past main storage`,
        });
      else if (holder[next] !== null)
        probe(`a resize growing ${name} into ${holder[next]}`, resize(size, size + 1, origin), {
          cls: DoesNotFitError,
          code: 'does-not-fit',
          details: { vm: name, frame: next },
          message: `${name} cannot grow to ${size + 1} pages at frame ${origin}: frame ${next} is not free after the moves`,
        });
    });
  }

  // Events: each is handled once; a trigger that matches none is refused. Not an event the model
  // refused: the machine refuses one at arrival changing nothing (signalled again, its table is
  // refused again), one that failed when its turn came as handled, and the model's state has both
  // as `refused`; nor one pending at an idle model (its turn is now: the machine may have refused it).
  state.events.forEach((status, e) => {
    if (status === 'waiting' || status === 'refused' || (status === 'pending' && state.reconfig === null))
      return;
    probe(`event ${e} again`, () => machine.signalEvent(ctx.scenario.events[e]!.trigger), {
      cls: InvalidRequestError,
      code: 'invalid-request',
      details: { event: e },
      message: `event ${e} has already been handled`,
    });
  });
  const known = ctx.scenario.events.map((e) =>
    e.trigger.kind === 'timeOfDay' ? `time ${e.trigger.at}` : `failover ${e.trigger.partner}`,
  );
  const times = ctx.scenario.events.flatMap((e) => (e.trigger.kind === 'timeOfDay' ? [e.trigger.at] : []));
  const unknownEvent = (trigger: EventTrigger) =>
    probe(`an event of no scenario, ${JSON.stringify(trigger)}`, () => machine.signalEvent(trigger), {
      cls: UnknownEventError,
      code: 'unknown-event',
      details: { known },
      message: `no event of this scenario matches ${JSON.stringify(trigger)} (known: ${known.join(', ') || 'none'})`,
    });
  unknownEvent({ kind: 'failover', partner: 'nobody' });
  unknownEvent({ kind: 'timeOfDay', at: ['03:17', '03:18'].find((t) => !times.includes(t))! });
  // The manual scheduler: a channel the model has free has no unit to run and no program to fail.
  if (scheduler !== undefined)
    state.channels.forEach((io, channel) => {
      if (io !== null) return;
      probe(`a unit of free channel ${channel}`, () => scheduler.runOne(channel), {
        cls: InvalidRequestError,
        code: 'invalid-request',
        details: { channel },
        message: `channel ${channel} has no unit ready (idle or suspended)`,
      });
      probe(`failing free channel ${channel}`, () => scheduler.fail(channel), {
        cls: InvalidRequestError,
        code: 'invalid-request',
        details: { channel },
        message: `channel ${channel} has no program to fail`,
      });
    });
  probeCpuRefusals(ctx, state, machine, probe);
  probeArgumentRefusals(ctx, state, machine, probe);
  probeShrinkingStarts(ctx, state, machine, probe);
  probeTriggerRefusals(ctx, machine, scheduler, probe);
  probeFaultsWithoutFrame(ctx, state, machine, probe);
  return (
    problems.find((p) => p !== null) ??
    probeAccepted(ctx, state, machine) ??
    probeEmptyAccesses(ctx, state, machine)
  );
}
