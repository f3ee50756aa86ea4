/**
 * Where the model and the implementation meet: an adapter that replays a path of the readable
 * model (`model/vmm`) on a concrete `Machine` (`impl/`) built from the same scenario and variant,
 * and an abstraction function from the machine's observations to the model's observable
 * projection, so the two can be compared step by step.
 *
 * **Granularity.** The adapter maps each model action to zero, one or several implementation
 * steps (table in `impl/README.md`):
 *
 * - A start the model refuses with an addressing exception (`guest.startIo` into storage offline or
 *   past end, `vmm.refuseIo` of an intercepted start whose storage went offline since) is
 *   `machine.startIo`, which must throw `AddressingException`.
 * - `guest.startIo` of a VM with bit 431 = 1 is `machine.startIo` (a direct program). With 431 = 0
 *   the model splits the intercepted start into `guest.startIo`, `vmm.pageIn`*, `vmm.translateIo`
 *   and `vmm.startHostProgram` / `vmm.startRefused`; the implementation does it all in
 *   `startIo`, so `guest.startIo` and `vmm.translateIo` do nothing here, `vmm.startHostProgram`
 *   calls `startIo` (which must start an intercepted program) and `vmm.startRefused` calls it and
 *   must get `ChannelBusyError`. `vmm.pageIn` is a page fault: a one-byte guest `read` of the page.
 *   So is `vmm.stealPage` (no frame free): the machine must page out one page of the same VM and
 *   give its frame to the demanded page; where placement has not diverged, the model's victim
 *   (`withImplementationChoices`: the lowest page the model may steal, the machine's order).
 * - `reloc.breakCycle` is one `step()` that moves a page or pages one out (the machine breaks
 *   the cycle its own way, or its placement already let a page move); placement diverges.
 * - `reloc.copyPage` does nothing here; the following `reloc.remapPage` is one `step()` that must
 *   report `reloc.movePage` (copy and switch in one step).
 * - A model conversion to page-fixed starts at the move phase; the implementation first decides
 *   (5035): an extra `reloc.startPaging` or `reloc.copyAll` step is taken with the first move (or
 *   with `reloc.setOrigin`). After an implementation `reloc.copyAll` the model's further moves do
 *   nothing here (the implementation is ahead).
 * - `reloc.dispatch` of a conversion to pageable is the implementation's `reloc.finishPageable`.
 * - `request.refuse` (the destination holds another VM's page) is `relocate` / `toPageFixed`, which
 *   must throw `DoesNotFitError`.
 * - `request.arrive` (a request arriving while a reconfiguration runs: the model's waits) is the
 *   request, which the machine must refuse with `ReconfigurationInProgressError`; it is made again
 *   at `request.begin`. States where the model runs two at once (its 7.13 fault) are not compared,
 *   and the replay stops at the step after one (code `interleaved`).
 * - `event.arrive` of a time-of-day event is the machine's `ManualClock` `set` to the minute before
 *   its time and polled (`pollClock` must start nothing), then `advance`d one minute (it must show
 *   the event's time) and polled: one resize must start, or queue behind the running
 *   reconfiguration; of a failover, `signalEvent`. An idle machine checks the table at once and
 *   may refuse it, changing nothing; a queued one is checked when its turn comes and may end as
 *   failed. `resize.begin` checks the machine refused neither way, `resize.refuse` (the table no
 *   longer fits, 7.13) that it did. `guest.offline` / `guest.online` are steps of the
 *   implementation's resize.
 * - `channel.error` is, alternately, `ManualScheduler.fail(channel, reason)` and
 *   `injectChannelError(channel, reason)` followed by the channel's next unit; either must end
 *   that program with an error report carrying the reason.
 * - Every other reconfiguration action is one `step()` whose report names the same action.
 *
 * **Where observations are compared.** `compareNow()` is true only where both are at a comparable
 * point: no intercepted start half done in the model (an I/O entry `requested` or `translated`)
 * and no page in transit (`reloc.copyPage` not yet followed by `reloc.remapPage`). The rest of the
 * projection is compared at every such point, except the page -> frame map of a VM while
 * `placementDiverged` says the implementation resolved a choice the model leaves open differently
 * (which page to page out or move next, which frame a page-in takes, every page moved at once by
 * `reloc.copyAll`); that lasts until the VM is page-fixed again, where frames follow from origin.
 *
 * **Contents.** Every write the adapter makes carries its model version: a page-sized pattern
 * (`encodeDatum`) naming the VM, the page and the version (`VM-2.p1.v3`, as the model's datums),
 * written by the CPU or put on the channel's device just before the transfer that writes it. The
 * projection decodes what the guest would read at every online page (`inspect`), so "the guest
 * reads the last write" is compared, not only addresses; `findings()` also reads every resident
 * page through the guest's own read path (`machine.read`) and reports a `staleRead` where it
 * differs from the storage, so a wrong read path is caught even where `inspect` is right. I/O data
 * is observed where a program reads (the device's contents after it) and CPU reads of scenario
 * accesses are checked against the last write.
 *
 * **Interrupts.** The adapter listens to the machine's I/O interrupts (`onIoInterrupt`): each
 * `channel.end` / `channel.error` must deliver exactly one, for that program's VM, channel and
 * mode, with status `ok` (every byte transferred, no reason) or `error` (the reason given, the
 * bytes of the transfers done before it), and no other step may deliver one; so an error the
 * model has and the machine does not, or the other way round, is a mismatch.
 * The projection's `io` (per scenario I/O entry: idle, running, done, failed) is the machine's
 * view built from those interrupts, compared with the model's I/O status.
 *
 * **Control state.** At every comparable point the adapter also compares what users see of the
 * machine's control (`checkControl`): busy channels (`channelStatus`) and ready ones
 * (`ManualScheduler.ready`; under the prior art, a suspended VM's channels are busy, not ready),
 * who is assigned and dedicated each CPU (`cpuStatus`), the running reconfiguration
 * (`reconfiguration`: the very object the request or event began, its kind, VM, status and the
 * steps the adapter saw it take), the queue (`queuedReconfigurations`: the pending events' resizes
 * in arrival order; up to the abstraction, an idle model with pending events matches a machine
 * already running the first of them, as the machine begins an event's resize at its arrival), the
 * status of each event's resize, and the result of every reconfiguration begun for a request.
 *
 * **Waits.** Given the model's `actions` (`replayOnImpl` option), wherever the model's
 * reconfiguration has no step enabled (a page pinned by a host program, direct I/O in flight, a
 * guest still using storage it is to take offline), one `step()` of the machine's must report
 * `waiting`; a machine that goes on there is a mismatch. Not probed: while the machine is ahead
 * (it copied every page at once, 5040) and where the model's resize waits only for its guest to be
 * dispatched (the machine takes 7010/7040 for the guest).
 *
 * Determinism: the machine runs on a `ManualScheduler` and moves only when the adapter steps it.
 */

import { Buffer } from 'node:buffer';
import {
  AddressingException,
  ChannelBusyError,
  createMachine,
  DoesNotFitError,
  type IoCompletion,
  type Machine,
  MachineError,
  ManualClock,
  ManualScheduler,
  parseTimeOfDay,
  programFromIoSpec,
  type Reconfiguration,
  ReconfigurationInProgressError,
  type ReconfigurationResult,
  type StepReport,
  type StepResult,
} from '../impl/index.ts';
import type { Model } from '../model/core/model.ts';
import type { Trace, TraceStep } from '../model/core/trace.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { frameOf } from '../model/vmm/queries.ts';
import { type Datum, datum, type MachineState } from '../model/vmm/state.ts';
import { behaviourOf } from '../scenario/behaviour.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { HandOverScheduler } from './handOverScheduler.ts';
import { probeKey, probeRefusals } from './modelVsImplProbes.ts';
import { cycleBreakProblem, detailProblem, waitReportProblem } from './modelVsImplRelocationReports.ts';
import {
  finishedProblems,
  pageInIsStrict,
  pageInProblem,
  phaseProblems,
  refusalProblem,
  resizeReportProblem,
  snapshotProblems,
  waitingReportProblem,
} from './modelVsImplState.ts';

/** A VM as both sides can show it. */
export interface VmProjection {
  readonly name: string;
  readonly alive: boolean;
  /** Bit 431. */
  readonly direct: boolean;
  /** Bit 432. */
  readonly pageFixed: boolean;
  /** Origin and end (frames, end inclusive) of a page-fixed VM; null while pageable. */
  readonly origin: number | null;
  readonly end: number | null;
  readonly size: number;
  readonly online: number;
  /** Per page: the frame holding it, or null (paged out, offline); `'not compared'` while placement diverged. */
  readonly frames: readonly (number | null)[] | 'not compared';
  /** Per page: pins (transfers of in-flight host channel programs that target it). */
  readonly pins: readonly number[];
  /** Per online page: what the guest would read, as a datum (`VM-2.p1.v3`), or `garbled`. */
  readonly contents: readonly string[];
  /** CPU assignment while alive, else null. */
  readonly cpus: { readonly mode: string; readonly cpus: readonly number[] } | null;
}

/** A channel as both sides can show it: the scenario I/O entry it runs, how, and how far it is. */
export interface ChannelProjection {
  readonly io: number;
  readonly mode: 'direct' | 'host';
  readonly done: number;
}

/**
 * Per scenario I/O entry, as its guest sees it: not started (`idle`), in flight (`running`), or
 * ended with an I/O interrupt, normally (`done`) or with an error (`failed`), or refused at its start
 * with an addressing exception (`refused`: storage offline or past end). The machine's side
 * comes from the interrupts it delivered (`Machine.onIoInterrupt`), not from its tables.
 */
export type IoProjection = 'idle' | 'running' | 'done' | 'failed' | 'refused';

/** The observable projection of a state. JSON-safe; compare with `toEqual`. */
export interface Projection {
  readonly vms: readonly VmProjection[];
  readonly channels: readonly (ChannelProjection | null)[];
  readonly io: readonly IoProjection[];
  /** Per CPU: the VM running there, or null; `'not compared'` on CPUs where dispatch diverged. */
  readonly running: readonly (string | null)[];
}

/** Options of the projections. */
export interface ProjectionOptions {
  /** VMs whose page -> frame map is left out (see `ModelImplAdapter.placementDiverged`). */
  readonly skipPlacement?: ReadonlySet<string>;
  /** Leave out which VM runs on each CPU (default false). */
  readonly skipRunning?: boolean;
  /** CPUs whose running VM is left out (`'not compared'`; see `ModelImplAdapter.dispatchDiverged`). */
  readonly skipRunningOn?: ReadonlySet<number>;
}

/** Something the implementation did wrong, seen from its own observations only. JSON-safe. */
export interface ImplFinding {
  readonly kind:
    | 'lostWrite' // an online page does not hold the last version written to it
    | 'staleRead' // a CPU or channel read returned something other than the last write
    | 'channelTargetsWrongFrame' // an in-flight program will access a frame that does not map its page
    | 'boundsBreach' // a CPU access past end or to offline storage went through
    | 'modeInconsistent' // bit 431 = 1 with bit 432 = 0
    | 'frameTableDisagrees' // a page table entry names a frame the frame table gives to someone else
    | 'frameLeaked' // the frame table gives a frame to a page no page table maps there, or to a VM gone
    | 'cpuAssignment' // a dedicated CPU is also assigned to another VM, or a VM has no CPU
    | 'reconfigurationsInterleaved'; // two reconfigurations run at once (SPEC 7.13)
  readonly message: string;
  readonly details: { readonly [key: string]: string | number | null };
}

/** A model action that the implementation cannot follow, or follows differently. Coded. */
export class ModelImplMismatch extends Error {
  constructor(
    /** `impl-waits`, `impl-refused`, `impl-step-differs`, `impl-accepted`, `read-differs`, ... */
    readonly code: string,
    message: string,
    readonly details: { readonly [key: string]: unknown } = {},
  ) {
    super(message);
    this.name = 'ModelImplMismatch';
  }
}

const MAGIC = 'vmcheck:';

/**
 * The page-sized byte pattern of `d` (`VM-2.p1.v3`): the datum in ASCII after a marker, a zero,
 * then bytes derived from the datum, so a page copied only in part, or mixed up with another,
 * does not decode.
 */
export function encodeDatum(d: Datum, pageSize: number): Uint8Array {
  return patternOf(d, pageSize).slice();
}

const TEXT_ENCODER = new TextEncoder();
const TEXT_DECODER = new TextDecoder();
/** Patterns made so far, by page size and datum (a run meets few datums and decodes each often). */
const PATTERNS = new Map<string, Uint8Array>();
const MAX_PATTERNS = 1 << 14;

/** `d`'s page pattern, shared (not to be written to): `encodeDatum` copies it. */
function patternOf(d: Datum, pageSize: number): Uint8Array {
  const key = `${pageSize}:${d}`;
  let out = PATTERNS.get(key);
  if (out !== undefined) return out;
  out = new Uint8Array(pageSize);
  const text = TEXT_ENCODER.encode(MAGIC + d);
  out.set(text);
  let h = 2166136261;
  for (const b of text) h = Math.imul(h ^ b, 16777619) >>> 0;
  for (let i = text.length + 1; i < pageSize; i++) {
    h = Math.imul(h ^ i, 16777619) >>> 0;
    out[i] = (h & 0xff) | 1;
  }
  if (PATTERNS.size >= MAX_PATTERNS) PATTERNS.clear();
  PATTERNS.set(key, out);
  return out;
}

const ZEROS = new Map<number, Uint8Array>();
/** A page of zeros of `size` bytes, shared. */
function zerosOf(size: number): Uint8Array {
  let z = ZEROS.get(size);
  if (z === undefined) {
    z = new Uint8Array(size);
    ZEROS.set(size, z);
  }
  return z;
}

/**
 * The datum a page's bytes encode, `zero` for a page of zeros (never written: a cleared frame, an
 * untouched paging slot), or `garbled`.
 */
export function decodeDatum(bytes: Uint8Array): Datum | 'zero' | 'garbled' {
  // Compared natively (memcmp): the harness decodes every page of every VM at every step.
  const view = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (view.equals(zerosOf(bytes.length))) return 'zero';
  const end = bytes.indexOf(0);
  if (end < 0 || end > 64) return 'garbled';
  const text = TEXT_DECODER.decode(bytes.subarray(0, end));
  if (!text.startsWith(MAGIC)) return 'garbled';
  const d = text.slice(MAGIC.length);
  const expected = patternOf(d, bytes.length);
  return view.equals(expected) ? d : 'garbled';
}

/** The model's projection of `state` (see `Projection`). */
export function projectModel(
  ctx: VmmContext,
  state: MachineState,
  options: ProjectionOptions = {},
): Projection {
  const vms = state.vms.map((vm): VmProjection => {
    const pages = Array.from({ length: vm.size }, (_, p) => p);
    const contents = vm.alive
      ? pages.slice(0, vm.online).map((p) => {
          const f = frameOf(ctx, vm, p);
          return (f === null ? vm.pagingStore[p] : state.frames[f]) ?? 'garbled';
        })
      : [];
    return {
      name: vm.name,
      alive: vm.alive,
      direct: vm.alive && vm.direct,
      pageFixed: vm.pageFixed,
      origin: vm.alive && vm.pageFixed ? vm.origin : null,
      end: vm.alive && vm.pageFixed ? vm.end : null,
      size: vm.size,
      online: vm.online,
      frames: options.skipPlacement?.has(vm.name) ? 'not compared' : pages.map((p) => frameOf(ctx, vm, p)),
      pins: [...vm.pins],
      contents,
      cpus: vm.alive ? { mode: vm.cpus.mode, cpus: [...vm.cpus.cpus] } : null,
    };
  });
  const channels = state.channels.map((io): ChannelProjection | null => {
    if (io === null) return null;
    const s = state.io[io]!;
    return { io, mode: s.mode === 'direct' ? 'direct' : 'host', done: s.done };
  });
  const running = options.skipRunning
    ? []
    : state.running.map((v, cpu) =>
        options.skipRunningOn?.has(cpu) ? 'not compared' : v === null ? null : ctx.vmNames[v]!,
      );
  // `requested` / `translated` never reach a comparison (see `comparableAt`).
  const io = state.io.map(
    (s): IoProjection => (s.status === 'requested' || s.status === 'translated' ? 'idle' : s.status),
  );
  return { vms, channels, io, running };
}

/**
 * True when the model state runs two reconfigurations at once (only under
 * `fault-interleaved-reconfiguration`): a relocation held, or a resize beside a stand-alone one.
 */
function interleaved(state: MachineState): boolean {
  const r = state.reconfig;
  return (
    state.heldRelocation !== null ||
    (r?.kind === 'resize' && r.relocation !== null && r.relocation.purpose !== 'resize')
  );
}

/** `HH:MM` of `minutes` since midnight (wrapping). */
function timeOfDay(minutes: number): string {
  const m = ((minutes % 1440) + 1440) % 1440;
  return `${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}`;
}

/** Where the device region of scenario I/O entry `io` starts: each entry gets its own pages. */
function deviceBase(scenario: Scenario, io: number, pageSize: number): number {
  let pages = 0;
  for (let i = 0; i < io; i++) for (const t of scenario.io[i]!.program) pages += t.length;
  return pages * pageSize;
}

/**
 * Replays model actions on a `Machine` of the same scenario and variant on a `ManualScheduler`,
 * and observes it. `apply(before, action, after)` takes one model step (with the model states
 * around it); `projection()` is the abstraction function; `findings()` checks the machine's own
 * observations against the writes the adapter made.
 */
export class ModelImplAdapter {
  readonly machine: Machine;
  readonly scheduler = new ManualScheduler();
  /** The machine's scheduler: `scheduler` until a drain hands the channels to the event loop. */
  private readonly channelScheduler = new HandOverScheduler(this.scheduler);
  /** VMs whose page placement differs by a choice the model leaves open (see the module TSDoc). */
  readonly placementDiverged = new Set<string>();
  /**
   * CPUs where the machine's 5130-5160 (or the prior art's resume) dispatched the relocated VM and
   * the model (which leaves that to `cpu.dispatch`) runs another VM or none; compared again from
   * the next `cpu.dispatch` there.
   */
  readonly dispatchDiverged = new Set<number>();
  /** Implementation step reports, in order (for reading a failure). */
  readonly reports: StepReport[] = [];
  private readonly ps: number;
  private readonly programToIo = new Map<number, number>();
  private readonly written = new Map<string, number[]>();
  private readonly misreads: ImplFinding[] = [];
  private readonly breaches: ImplFinding[] = [];
  /** I/O interrupts the machine delivered, in order, not yet matched to a model step. */
  private readonly interrupts: IoCompletion[] = [];
  /** Per scenario I/O entry, how its last interrupt ended it. */
  private readonly ended = new Map<number, 'done' | 'failed' | 'refused'>();
  /** Per scenario I/O entry, how the machine started it. */
  private readonly ioMode = new Map<number, 'direct' | 'intercepted'>();
  private transit = false;
  private implAhead = false;
  /**
   * The machine's clock (time-of-day events arrive by it; a `ManualClock` starts at midnight), and
   * the time it was last polled at.
   */
  private readonly clock = new ManualClock();
  private clockMinutes = 0;
  /** The model state before the step being applied (what step reports are checked against). */
  private before: MachineState | null = null;
  /** Scenario events that have arrived. */
  private readonly arrived = new Set<number>();
  /** The machine's resize of each event that arrived, started or queued. */
  private readonly eventResizes = new Map<number, Reconfiguration>();
  /** Events the machine refused at arrival (idle, and the table did not fit: nothing changed). */
  private readonly refusedAtArrival = new Set<number>();
  /** The error of each such refusal. */
  private readonly arrivalErrors = new Map<number, MachineError>();
  /** Events in the order they arrived (the machine queues their resizes in that order). */
  private readonly arrivalOrder: number[] = [];
  /** The machine's reconfigurations begun at the model's `request.begin` (or a `request.arrive` that starts one). */
  private readonly requested: Reconfiguration[] = [];
  /** Per machine reconfiguration, the steps the adapter saw it take (progress or done, not waiting). */
  private readonly stepsSeen = new Map<Reconfiguration, number>();
  /** After `drain`: the machine ran its reconfigurations by itself, so their step counts are its own. */
  private drained = false;
  /** The id of the last reconfiguration begun or queued (ids grow). */
  private lastId = 0;
  /** Channel errors made so far: they alternate between `ManualScheduler.fail` and `injectChannelError`. */
  private channelErrors = 0;
  /** The machine relocates by the prior art ([0005]): its relocations say so in their description. */
  private readonly priorArt: boolean;
  /** The machine's waits are judged by the patent's guards (not under a fault that changes what blocks a step). */
  private readonly judgesWaits: boolean;

  constructor(
    readonly ctx: VmmContext,
    variant: Variant = ctx.variant,
  ) {
    const scenario = ctx.scenario;
    const behaviour = behaviourOf(variant);
    this.priorArt = behaviour.priorArt;
    this.judgesWaits = !(behaviour.forgetDirectIo || behaviour.moveTargetedPage || behaviour.pageOutPinned);
    if (this.clock.minutesOfDay() !== this.clockMinutes)
      throw new Error(`a new ManualClock reads minute ${this.clock.minutesOfDay()}, not midnight`);
    this.machine = createMachine(scenario, {
      variant,
      scheduler: this.channelScheduler,
      // With no time-of-day event, the host's clock, as a machine built without one: no poll can
      // start anything, whatever the time.
      clock: scenario.events.some((e) => e.trigger.kind === 'timeOfDay') ? this.clock : undefined,
      // The machine's 5130-5160 dispatches the relocated VM (possibly preempting one the model
      // keeps running), so dispatch is not enforced here; see `compareRunning`.
      requireDispatch: false,
    });
    this.ps = scenario.storage.pageSize;
    this.machine.onIoInterrupt((c) => this.interrupts.push(c));
    // Version 0 of every resident page, written straight into storage (no guest access needed).
    for (const spec of scenario.vms) {
      this.written.set(spec.name, new Array(spec.size).fill(0));
      for (let p = 0; p < spec.size; p++) {
        const f = spec.pageFixed ? spec.origin! + p : spec.frames![p];
        if (f !== null && f !== undefined)
          this.machine.storage.bytes.set(encodeDatum(datum(spec.name, p, 0), this.ps), f * this.ps);
      }
    }
  }

  /** True where model and machine are at a comparable point (see the module TSDoc). */
  comparableAt(state: MachineState): boolean {
    return (
      !this.transit &&
      !interleaved(state) &&
      state.io.every((io) => io.status !== 'requested' && io.status !== 'translated')
    );
  }

  /** Apply model step `before --action--> after` to the machine. Throws `ModelImplMismatch`. */
  apply(before: MachineState, action: Action, after: MachineState): void {
    this.before = before;
    // Two reconfigurations interleaved (SPEC 7.13 broken, only under its fault): the model holds
    // the older one in its own slot, the machine runs both its own way; followed no further.
    if (interleaved(before))
      throw new ModelImplMismatch(
        'interleaved',
        `${action.kind}: the model runs two reconfigurations interleaved; the machine is followed no further`,
      );
    this.applyStrict(before, action, after);
    const stray = this.interrupts.splice(0);
    if (stray.length > 0)
      throw new ModelImplMismatch(
        'interrupt-differs',
        `${action.kind}: the machine delivered an I/O interrupt the model does not (${JSON.stringify(stray)})`,
        { interrupts: stray },
      );
  }

  /** The implementation's projection (the abstraction function). */
  projection(options: ProjectionOptions = {}): Projection {
    const snap = this.machine.snapshot();
    const vms = snap.vms.map((vm): VmProjection => {
      const alive = vm.state === 'running';
      const cb = vm.controlBlock;
      const contents: string[] = [];
      if (alive) {
        for (let p = 0; p < vm.onlineSize; p++) {
          const d = this.readPage(vm.name, p);
          contents.push(d === 'zero' ? datum(vm.name, p, 0) : d);
        }
      }
      return {
        name: vm.name,
        alive,
        direct: cb.direct,
        pageFixed: cb.pageFixed,
        origin: alive && cb.pageFixed ? cb.origin : null,
        end: alive && cb.pageFixed ? cb.end : null,
        size: vm.size,
        online: vm.onlineSize,
        frames: options.skipPlacement?.has(vm.name) ? 'not compared' : [...vm.pageTable],
        pins: [...vm.pins],
        contents,
        cpus: vm.cpus === null ? null : { mode: vm.cpus.mode, cpus: [...vm.cpus.cpus] },
      };
    });
    const channels = snap.channels.map((c): ChannelProjection | null => {
      if (c.program === null) return null;
      const io = this.programToIo.get(c.program.id) ?? -1;
      return { io, mode: c.program.mode === 'direct' ? 'direct' : 'host', done: c.program.nextPiece };
    });
    const running = options.skipRunning
      ? []
      : snap.cpus.map((c) => (options.skipRunningOn?.has(c.cpu) ? 'not compared' : c.running));
    const onChannel = new Set(channels.flatMap((c) => (c === null ? [] : [c.io])));
    const io = this.ctx.scenario.io.map(
      (_, i): IoProjection => this.ended.get(i) ?? (onChannel.has(i) ? 'running' : 'idle'),
    );
    return { vms, channels, io, running };
  }

  /**
   * The model's reconfiguration cannot go on (`state` has one, and no step of it is among
   * `enabled`): the machine's must wait too. One `step()` of the machine's active reconfiguration
   * must report `waiting` (it changes nothing then); a machine that goes on, or runs none, is a
   * `ModelImplMismatch` (`impl-goes-on`, `impl-idle`).
   */
  expectWaiting(state: MachineState, enabled: readonly Action[]): void {
    if (state.reconfig === null || enabled.some((a) => RECONFIGURATION_STEP.test(a.kind))) return;
    if (waitsForDispatch(state)) return; // the machine's guests take storage on/offline undispatched
    if (this.implAhead) return; // the machine moved every page at once (5040): nothing to wait for
    // The machine placed the relocating VM's pages its own way (a page-in frame, a move order): a
    // page the model still has to move, and waits to, may already be at its destination there.
    const relocating = relocationOf(state);
    if (relocating !== null && this.placementDiverged.has(this.ctx.vmNames[relocating.vm]!)) return;
    const r = this.machine.reconfiguration;
    if (r === null)
      throw new ModelImplMismatch(
        'impl-idle',
        `the model's ${state.reconfig.kind} waits, the machine runs none`,
      );
    if (this.machine.snapshot().reconfiguration?.phase === 'decide') {
      // A conversion's 5035 decision, which the model does not take: the machine's own step.
      this.before = state;
      const a = { kind: 'reloc.startPaging' } as const;
      const report = this.stepExpecting(a, ['reloc.startPaging', 'reloc.copyAll']);
      if (report.action === 'reloc.copyAll') {
        this.implAhead = true;
        return;
      }
    }
    const result = this.stepOf(r);
    if (result.status !== 'waiting') {
      if (result.report) this.reports.push(result.report);
      throw new ModelImplMismatch(
        'impl-goes-on',
        `the model's ${state.reconfig.kind} waits, the machine's goes on (${result.report?.action ?? 'done'})`,
        { report: result.report },
      );
    }
    const waitProblem = waitingReportProblem(this.ctx, state, result.report);
    if (waitProblem !== null)
      throw new ModelImplMismatch('report-differs', waitProblem, { report: result.report });
    // What it waits for: the step, the VM and the pages the model's in-flight transfers target.
    const problem = this.judgesWaits ? waitReportProblem(this.ctx, state, result.report) : null;
    if (problem !== null) throw new ModelImplMismatch('wait-differs', problem, { report: result.report });
  }

  /**
   * What the machine did wrong, judged from its own observations and the writes the adapter made:
   * lost or stale data, channels aimed at frames that no longer map their page, accesses that
   * went past the bounds, bit 431 without 432, frame-table disagreements both ways (a page table
   * naming another's frame; a frame given to a page not mapped there, or to a VM gone), CPU
   * assignments that share a dedicated CPU. Empty for a correct machine at every point.
   */
  findings(): ImplFinding[] {
    const out: ImplFinding[] = [...this.misreads, ...this.breaches];
    const snap = this.machine.snapshot();
    for (const vm of snap.vms) {
      if (vm.state !== 'running') continue;
      const cb = vm.controlBlock;
      if (cb.direct && !cb.pageFixed)
        out.push({
          kind: 'modeInconsistent',
          message: `${vm.name} has bit 431 = 1 with bit 432 = 0`,
          details: { vm: vm.name },
        });
      const written = this.written.get(vm.name)!;
      for (let p = 0; p < vm.onlineSize; p++) {
        const found = this.readPage(vm.name, p);
        const version = written[p] ?? 0;
        const want = datum(vm.name, p, version);
        if ((found === 'zero' ? version !== 0 : found !== want) && !out.some((f) => f.kind === 'lostWrite'))
          out.push({
            kind: 'lostWrite',
            message: `${vm.name} page ${p} reads ${found}, but the last write was ${want}`,
            details: { vm: vm.name, page: p, found, expected: want },
          });
        const frame = vm.pageTable[p];
        if (frame === null || frame === undefined) continue;
        // The guest's own read path (`machine.read`, translation and all), not only `inspect`: on a
        // resident page it pages nothing in, so it changes nothing.
        const guestRead = this.guestReadPage(vm.name, p);
        if (guestRead !== found && guestRead !== 'unreadable' && !out.some((f) => f.kind === 'staleRead'))
          out.push({
            kind: 'staleRead',
            message: `${vm.name} page ${p}: the guest reads ${guestRead}, but its storage holds ${found}`,
            details: { vm: vm.name, page: p, found: guestRead, expected: found },
          });
        const owner = snap.frames[frame];
        if (owner?.owner !== 'vm' || owner.vm !== vm.name || owner.page !== p)
          out.push({
            kind: 'frameTableDisagrees',
            message: `${vm.name} page ${p} maps frame ${frame}, which the frame table gives to ${JSON.stringify(owner)}`,
            details: { vm: vm.name, page: p, frame },
          });
      }
    }
    for (const c of snap.channels) {
      const program = c.program;
      if (program === null) continue;
      const vm = snap.vms.find((v) => v.name === program.vm)!;
      for (const piece of program.pieces.slice(program.nextPiece)) {
        const cb = vm.controlBlock;
        const target =
          piece.hostFrame ?? (cb.origin === null || cb.end === null ? null : cb.origin + piece.page);
        const mapped = vm.pageTable[piece.page] ?? null;
        if (target !== mapped) {
          out.push({
            kind: 'channelTargetsWrongFrame',
            message: `channel ${c.channel} will ${piece.op} ${vm.name} page ${piece.page} at frame ${target}, but the page is ${mapped === null ? 'not mapped' : `at frame ${mapped}`}`,
            details: {
              vm: vm.name,
              page: piece.page,
              frame: target,
              mappedFrame: mapped,
              channel: c.channel,
            },
          });
          break;
        }
      }
    }
    snap.frames.forEach((fr, frame) => {
      if (fr.owner !== 'vm' || out.some((f) => f.kind === 'frameLeaked')) return;
      const vm = snap.vms.find((v) => v.name === fr.vm);
      // A frame held for no page is a reconfiguration's reserved destination, so only while one runs.
      const held =
        vm?.state === 'running' &&
        (fr.page === null ? snap.reconfiguration !== null : vm.pageTable[fr.page] === frame);
      if (!held)
        out.push({
          kind: 'frameLeaked',
          message: `frame ${frame} is given to ${fr.vm} page ${fr.page}, which ${vm?.state === 'running' ? (fr.page === null ? 'no reconfiguration reserves' : `maps frame ${vm.pageTable[fr.page] ?? null}`) : 'is gone'}`,
          details: { frame, vm: fr.vm, page: fr.page },
        });
    });
    const running = this.machine.runningReconfigurations;
    if (running.length > 1)
      out.push({
        kind: 'reconfigurationsInterleaved',
        message: `${running.map((r) => r.description).join(' runs interleaved with ')} (7.13)`,
        details: { running: running.map((r) => r.description).join('; ') },
      });
    for (const cpu of this.machine.cpuStatus()) {
      if (cpu.dedicatedTo !== null && cpu.assigned.length > 1)
        out.push({
          kind: 'cpuAssignment',
          message: `CPU ${cpu.cpu} is dedicated to ${cpu.dedicatedTo} but also assigned to ${cpu.assigned.filter((v) => v !== cpu.dedicatedTo).join(', ')}`,
          details: { cpu: cpu.cpu, dedicatedTo: cpu.dedicatedTo },
        });
    }
    return out;
  }

  /** What a guest CPU read of a resident `page` returns (decoded), or `unreadable` when refused. */
  private guestReadPage(vm: string, page: number): Datum | 'zero' | 'garbled' | 'unreadable' {
    try {
      return decodeDatum(this.machine.read(vm, page * this.ps, this.ps));
    } catch (error) {
      if (error instanceof MachineError) return 'unreadable';
      throw error;
    }
  }

  /**
   * What the machine's users see of its control state, against the model's `state` (a comparable
   * one): which channels are busy (`channelStatus`) and ready (`ManualScheduler.ready`), the CPU
   * assignments (`cpuStatus`: who is assigned each CPU, who has it dedicated), the running
   * reconfiguration (`reconfiguration`: kind, VM, status, the steps it took) and the queue
   * (`queuedReconfigurations`: the pending events' resizes in arrival order), and the status and
   * result of every reconfiguration the machine began for the model. Throws `ModelImplMismatch`
   * (`control-differs`).
   */
  checkControl(state: MachineState): void {
    const problems = this.controlProblems(state);
    if (problems.length > 0)
      throw new ModelImplMismatch('control-differs', problems.join('; '), { problems });
  }

  private controlProblems(state: MachineState): string[] {
    const { ctx, machine } = this;
    const problems: string[] = [];
    // Channels: busy where the model runs an I/O entry; ready unless the prior art suspended its VM.
    const status = machine.channelStatus();
    const ready = this.scheduler.ready();
    const suspendedVm = state.channelsSuspended ? (relocationOfAny(state)?.vm ?? null) : null;
    const wantReady = state.channels.flatMap((io, c) =>
      io !== null && ctx.io[io]!.vm !== suspendedVm ? [c] : [],
    );
    state.channels.forEach((io, c) => {
      if (status[c]?.busy !== (io !== null))
        problems.push(`channel ${c} is ${io === null ? 'free' : 'busy'} in the model, not in the machine`);
      const program = status[c]?.program;
      const suspended = io !== null && ctx.io[io]!.vm === suspendedVm;
      if (program && program.suspended !== suspended)
        problems.push(
          `channel ${c}'s program reads as suspended ${program.suspended}, in the model ${suspended}`,
        );
    });
    if (JSON.stringify(ready) !== JSON.stringify(wantReady))
      problems.push(`ready channels: machine ${JSON.stringify(ready)}, model ${JSON.stringify(wantReady)}`);
    // CPU assignments as `cpuStatus` shows them.
    machine.cpuStatus().forEach((cpu) => {
      const assigned = state.vms.flatMap((vm) =>
        vm.alive && vm.cpus.cpus.includes(cpu.cpu) ? [vm.name] : [],
      );
      const dedicated =
        state.vms.find((vm) => vm.alive && vm.cpus.mode === 'dedicated' && vm.cpus.cpus.includes(cpu.cpu))
          ?.name ?? null;
      if (JSON.stringify(cpu.assigned) !== JSON.stringify(assigned) || cpu.dedicatedTo !== dedicated)
        problems.push(
          `CPU ${cpu.cpu}: machine assigns ${JSON.stringify(cpu.assigned)} (dedicated to ${cpu.dedicatedTo}), model ${JSON.stringify(assigned)} (dedicated to ${dedicated})`,
        );
    });
    // Events: the machine's resize of each arrived event, by the model's status of the event.
    const live = (e: number) =>
      !this.refusedAtArrival.has(e) && this.eventResizes.get(e)?.status !== 'failed';
    const pending = this.arrivalOrder.filter((e) => state.events[e] === 'pending' && live(e));
    for (const e of this.arrivalOrder) {
      const r = this.eventResizes.get(e);
      const s = state.events[e];
      const want =
        s === 'done'
          ? ['done']
          : s === 'refused'
            ? ['failed', 'refused']
            : s === 'running'
              ? ['running']
              : null;
      const got = this.refusedAtArrival.has(e) ? 'refused' : (r?.snapshot().status ?? 'missing');
      if (want !== null && !want.includes(got))
        problems.push(`event ${e} is ${s} in the model; the machine's resize is ${got}`);
    }
    // The running reconfiguration.
    const active = machine.reconfiguration;
    const m = state.reconfig;
    const expected: { kind: string; vm: string | null; r?: Reconfiguration } | null =
      m === null || m.kind === 'terminate'
        ? null
        : m.kind === 'resize'
          ? { kind: 'resize', vm: null, r: this.eventResizes.get(m.event) }
          : {
              kind: m.kind === 'priorArt' ? 'relocate' : m.purpose,
              vm: ctx.vmNames[m.vm]!,
              r: this.requested.at(-1),
            };
    let queuedWant = pending;
    if (expected === null) {
      // Idle in the model: the machine may already run the first pending event's resize.
      if (active !== null && (pending.length === 0 || active !== this.eventResizes.get(pending[0]!)))
        problems.push(`the model runs no reconfiguration, the machine ${active.description}`);
      if (active !== null) queuedWant = pending.slice(1);
    } else if (active === null) problems.push(`the model runs a ${expected.kind}, the machine none`);
    else {
      const snap = active.snapshot();
      if (
        active !== expected.r ||
        snap.kind !== expected.kind ||
        snap.vm !== expected.vm ||
        snap.status !== 'running'
      )
        problems.push(
          `the model runs ${expected.kind} of ${expected.vm}, the machine ${snap.kind} of ${snap.vm} (${snap.status}: ${snap.description})`,
        );
    }
    if (!this.drained && active !== null && active.steps !== (this.stepsSeen.get(active) ?? 0))
      problems.push(
        `${active.description} counts ${active.steps} steps, the adapter saw ${this.stepsSeen.get(active) ?? 0}`,
      );
    // The queue: the pending events' resizes, in arrival order.
    const queued = machine.queuedReconfigurations;
    const wantQueued = queuedWant.map((e) => this.eventResizes.get(e));
    if (
      queued.length !== wantQueued.length ||
      queued.some((r, i) => r !== wantQueued[i] || r.status !== 'queued' || r.snapshot().status !== 'queued')
    )
      problems.push(
        `queued: machine ${JSON.stringify(queued.map((r) => `${r.description} (${r.status})`))}, model events ${JSON.stringify(queuedWant)}`,
      );
    // A queued one waits its turn (7.13): a step of it does nothing and says so.
    for (const r of queued) {
      const result = r.step();
      const report = result.report;
      if (
        result.status !== 'waiting' ||
        report?.action !== 'reconfig.queued' ||
        report.spec !== '7.13' ||
        report.vm !== null ||
        !report.detail
      )
        problems.push(`a step of queued ${r.description} gave ${JSON.stringify(result)}`);
    }
    // The machine's own snapshot shows the same running and queued reconfigurations.
    const snap = machine.snapshot();
    if (
      JSON.stringify([snap.reconfiguration, snap.queued]) !==
      JSON.stringify([active?.snapshot() ?? null, queued.map((r) => r.snapshot())])
    )
      problems.push(`the machine's snapshot shows ${JSON.stringify([snap.reconfiguration, snap.queued])}`);
    // Every reconfiguration the machine began for the model and finished: done, with its steps.
    for (const r of this.requested) {
      if (r === active) continue;
      const result = r.result;
      if (
        r.status !== 'done' ||
        r.snapshot().phase !== 'done' ||
        result === null ||
        result.status !== 'done' ||
        result.id !== r.id ||
        result.kind !== r.kind ||
        result.description !== r.description ||
        (!this.drained && result.steps !== (this.stepsSeen.get(r) ?? 0)) ||
        result.error !== undefined
      )
        problems.push(`${r.description} ended ${r.status}: ${JSON.stringify(result)}`);
    }
    // The snapshot beyond the projection, the resize's phase, finished ones stepped again.
    const finished = [...this.requested, ...this.eventResizes.values()].filter((r) => r.result !== null);
    problems.push(
      ...snapshotProblems(ctx, state, machine, this.placementDiverged),
      ...phaseProblems(ctx, state, machine),
      ...finishedProblems(finished),
    );
    return problems;
  }

  /**
   * Drain the machine the way its users do, from the comparable model state `state` at the end of
   * a walk: the channels by `ManualScheduler.runAll` (each write's data put on the device first, in
   * the order `runAll` takes the units: ready channels ascending, one unit each, round after
   * round), then every reconfiguration by `settle()` (`run()`, pages moved in batches) and
   * `whenIdle()`; or, `byEventLoop`, the machine's `EventLoopScheduler` takes the channels over
   * (`HandOverScheduler`, one unit a turn, or two where one channel is busy: the same order) while
   * `settle()` runs the reconfigurations beside them. The model is run to its end from `state`
   * with no new stimulus (`drainModel`). The machine must deliver one `ok` interrupt per program, its channels must read the last writes,
   * `settle` must return one `done` result per reconfiguration the model finished, and the final
   * projections must agree up to the abstraction: the page -> frame map of VMs pageable at the end
   * and which VM runs on each CPU are not compared (`run()` moves and dispatches its own way).
   * Returns the problem, or null. Not under the prior art's suspended channels (nothing drained).
   */
  async drain(
    state: MachineState,
    model: Model<MachineState, Action>,
    byEventLoop: false | 'one' | 'two' = false,
  ): Promise<string | null> {
    if (!this.comparableAt(state) || state.channelsSuspended) return null;
    const { ctx, machine } = this;
    const versions = new Map([...this.written].map(([vm, w]) => [vm, [...w]]));
    const left = state.channels.flatMap((io, channel) =>
      io === null ? [] : [{ channel, io, next: state.io[io]!.done, ended: false }],
    );
    const reads: { channel: number; offset: number; want: string }[] = [];
    let units = 0;
    for (let round = left; round.length > 0; round = round.filter((c) => !c.ended)) {
      for (const c of round) {
        units++;
        const entry = ctx.io[c.io]!;
        const t = entry.transfers[c.next];
        if (t === undefined) {
          c.ended = true;
          continue;
        }
        const name = ctx.vmNames[entry.vm]!;
        const w = versions.get(name)!;
        const offset = deviceBase(ctx.scenario, c.io, this.ps) + c.next * this.ps;
        if (t.op === 'write') {
          w[t.page] = (w[t.page] ?? 0) + 1;
          machine.device(c.channel).write(offset, encodeDatum(datum(name, t.page, w[t.page]!), this.ps));
        } else reads.push({ channel: c.channel, offset, want: datum(name, t.page, w[t.page] ?? 0) });
        c.next++;
      }
    }
    let settled: Promise<ReconfigurationResult[]> | null = null;
    if (byEventLoop) {
      // One unit a turn keeps `runAll`'s order (ready channels ascending, round after round); so
      // does two a turn with one busy channel. The reconfigurations run meanwhile, waiting for the
      // channels where they must (the state at rest does not depend on how the two interleave).
      this.channelScheduler.handOver(byEventLoop === 'two' && left.length === 1 ? 2 : 1);
      // One unit a turn: the reconfigurations by `run({ yieldEvery: 1 })`, so channel turns come
      // between their steps (a prior-art relocation's suspension included); else `settle()`.
      settled = byEventLoop === 'one' ? runEachYielding(machine) : machine.settle();
      await machine.whenIdle();
    } else {
      // The first round (one unit per busy channel) by `runAll(limit)`, the rest by `runAll()`.
      const first = this.scheduler.runAll(left.length);
      if (first.length !== Math.min(left.length, units))
        return `runAll(${left.length}) ran ${first.length} channel units, expected ${Math.min(left.length, units)}`;
      const reports = [...first, ...this.scheduler.runAll()];
      if (reports.length !== units) return `runAll ran ${reports.length} channel units, expected ${units}`;
    }
    const got = this.interrupts.splice(0);
    for (const c of left) {
      const i = got.find((x) => this.programToIo.get(x.program) === c.io);
      const bytes = ctx.scenario.io[c.io]!.program.reduce((n, t) => n + t.length * this.ps, 0);
      if (i === undefined || i.status !== 'ok' || i.bytesTransferred !== bytes || i.channel !== c.channel)
        return `draining io${c.io} on channel ${c.channel}: the machine delivered ${JSON.stringify(i ?? null)}`;
      this.ended.set(c.io, 'done');
    }
    if (got.length !== left.length)
      return `draining the channels delivered ${got.length} interrupts for ${left.length} programs`;
    for (const r of reads) {
      const d = decodeDatum(machine.device(r.channel).read(r.offset, this.ps));
      const read = d === 'zero' ? r.want.replace(/v\d+$/, 'v0') : d;
      if (read !== r.want)
        return `channel ${r.channel} read ${read} while draining, the last write was ${r.want}`;
    }
    for (const [vm, w] of versions) this.written.set(vm, w);
    const results = await (settled ?? machine.settle());
    await machine.whenIdle();
    const { final, finished } = drainModel(model, state);
    if (results.length !== finished || results.some((r) => r.status !== 'done'))
      return `settle() ended ${JSON.stringify(results.map((r) => `${r.description}: ${r.status}`))}; the model finished ${finished}`;
    if (final.reconfig !== null || final.channels.some((c) => c !== null))
      return 'the model does not come to rest without new stimulus';
    const options = {
      skipPlacement: new Set(final.vms.filter((vm) => !vm.pageFixed).map((vm) => vm.name)),
      skipRunning: true,
    };
    const want = JSON.stringify(projectModel(ctx, final, options));
    const have = JSON.stringify(this.projection(options));
    if (want !== have) return `after draining: model ${want}, machine ${have}`;
    this.drained = true;
    const control = this.controlProblems(final);
    if (control.length > 0) return `after draining: ${control.join('; ')}`;
    const findings = this.findings();
    if (findings.length > 0) return `after draining: ${findings.map((f) => f.message).join('; ')}`;
    return null;
  }

  /** What the guest would read at `page` (decoded), or `unreadable` when the machine refuses. */
  private readPage(vm: string, page: number): Datum | 'zero' | 'garbled' | 'unreadable' {
    try {
      return decodeDatum(this.machine.inspect(vm, page * this.ps, this.ps));
    } catch (error) {
      if (error instanceof AddressingException) return 'unreadable';
      throw error;
    }
  }

  // ---- one model action --------------------------------------------------------------------

  private applyStrict(before: MachineState, a: Action, after: MachineState): void {
    const { ctx, machine } = this;
    switch (a.kind) {
      case 'guest.startIo':
        if (after.io[a.io]!.status === 'running') this.guarded(a, () => this.startIo(a.io, 'direct'));
        else if (after.io[a.io]!.status === 'refused') this.refusedStart(a, a.io);
        return; // intercepted: the implementation starts it at vmm.startHostProgram
      case 'vmm.refuseIo':
        this.refusedStart(a, a.io);
        return;
      case 'vmm.translateIo':
        return;
      case 'vmm.startHostProgram':
        this.guarded(a, () => this.startIo(a.io, 'intercepted'));
        return;
      case 'vmm.startRefused': {
        const entry = ctx.scenario.io[a.io]!;
        try {
          this.startIo(a.io, 'intercepted');
        } catch (error) {
          if (error instanceof ChannelBusyError) return;
          throw error;
        }
        throw new ModelImplMismatch(
          'impl-accepted',
          `vmm.startRefused io${a.io}: the model finds channel ${entry.channel} busy, the machine started the program`,
        );
      }
      case 'vmm.pageIn': {
        // Into a free frame, as the model: that page only, nothing of the VM paged out or moved for
        // it (no resident limit reached, [0030]); and into the model's frame where no VM's
        // placement diverged (`pageInProblem`).
        const name = ctx.vmNames[a.vm]!;
        const was = machine.pageTable(name);
        const strict = pageInIsStrict(before, a.vm, this.placementDiverged.size);
        this.guarded(a, () => machine.read(name, a.page * this.ps, 1));
        const problem = pageInProblem(ctx, a, after, was, machine.pageTable(name), strict);
        if (problem !== null) throw new ModelImplMismatch('impl-step-differs', problem, { was });
        this.notePlacement(before, after, a.vm);
        return;
      }
      case 'vmm.stealPage':
        this.stealPage(a);
        this.notePlacement(before, after, a.vm);
        return;
      case 'guest.cpuAccess':
        this.cpuAccess(before, a.access, after);
        return;
      case 'channel.transfer':
        this.channelTransfer(before, a.channel, after);
        return;
      case 'channel.end': {
        const io = before.channels[a.channel]!;
        const report = this.guarded(a, () => this.scheduler.runOne(a.channel));
        if (report.kind !== 'end' || report.status !== 'ok')
          throw new ModelImplMismatch('impl-step-differs', `channel.end: the machine did ${report.kind}`, {
            report,
          });
        this.takeInterrupt(a, io, 'ok');
        return;
      }
      case 'channel.error': {
        // Both ways a user fails a program: the scheduler's `fail` now, or `injectChannelError`
        // and the next unit; either way one end report and one error interrupt, with the reason.
        const io = before.channels[a.channel]!;
        const reason = `vmcheck: channel.error ${this.channelErrors} of io${io}`;
        const byInjection = this.channelErrors++ % 2 === 1;
        const report = this.guarded(a, () => {
          if (!byInjection) return this.scheduler.fail(a.channel, reason);
          machine.injectChannelError(a.channel, reason);
          return this.scheduler.runOne(a.channel);
        });
        const entry = ctx.scenario.io[io]!;
        if (
          report.kind !== 'end' ||
          report.status !== 'error' ||
          report.reason !== reason ||
          report.channel !== a.channel ||
          report.vm !== entry.vm ||
          this.programToIo.get(report.program) !== io
        )
          throw new ModelImplMismatch(
            'impl-step-differs',
            `channel.error io${io} (${byInjection ? 'injected' : 'failed'}): the machine reported ${JSON.stringify(report)}`,
            { report },
          );
        this.takeInterrupt(a, io, 'error', reason, before.io[io]!.done);
        return;
      }
      case 'cpu.dispatch':
        this.guarded(a, () => machine.dispatch(a.cpu, ctx.vmNames[a.vm]!));
        this.dispatchDiverged.delete(a.cpu);
        return;
      case 'vm.terminate':
        this.guarded(a, () => machine.terminate(ctx.vmNames[a.vm]!));
        return;
      case 'request.begin': {
        const r = ctx.scenario.reconfigurations[a.request]!;
        this.guarded(a, () => this.request(r));
        return;
      }
      case 'request.refuse': {
        // The model refuses a destination another VM's page-in took: the machine must refuse too.
        const r = ctx.scenario.reconfigurations[a.request]!;
        try {
          if (r.kind === 'relocate') machine.relocate(r.vm, r.to);
          else if (r.kind === 'toPageFixed') machine.toPageFixed(r.vm, r.to);
        } catch (error) {
          if (error instanceof DoesNotFitError) return;
          throw new ModelImplMismatch(
            'impl-refused',
            `request.refuse: the machine refused otherwise: ${String(error)}`,
          );
        }
        throw new ModelImplMismatch(
          'impl-accepted',
          `request.refuse: the model refuses ${r.kind} ${r.vm}, a frame of its destination being taken; the machine began it`,
        );
      }
      case 'request.arrive': {
        // The model's request waits for the reconfiguration under way (7.13); the machine refuses
        // it while one runs (`ReconfigurationInProgressError`, nothing changed), and the caller
        // asks again at the model's `request.begin`. Under fault-interleaved-reconfiguration the
        // model may start it at once, and the machine must start it too.
        const r = ctx.scenario.reconfigurations[a.request]!;
        const started = after.nextRequest > before.nextRequest;
        try {
          this.request(r);
        } catch (error) {
          if (!started && error instanceof ReconfigurationInProgressError) return;
          throw new ModelImplMismatch(
            'impl-refused',
            `request.arrive: the model's ${r.kind} ${r.vm} ${started ? 'starts at once' : 'waits'}; the machine threw ${String(error)}`,
          );
        }
        if (!started)
          throw new ModelImplMismatch(
            'impl-accepted',
            `request.arrive: the model's ${r.kind} ${r.vm} waits for the reconfiguration under way; the machine began it`,
          );
        return;
      }
      case 'event.arrive':
        this.eventArrives(a, a.event, after);
        return;
      case 'resize.begin': {
        // The machine began (or queued, and has now begun) the event's resize: it must not have
        // refused it, at arrival or when its turn came.
        const r = this.eventResizes.get(a.event);
        if (this.refusedAtArrival.has(a.event) || r?.status === 'failed')
          throw new ModelImplMismatch(
            'impl-refused',
            `resize.begin: the model begins event ${a.event}'s resize; the machine refused it (${this.refusedAtArrival.has(a.event) ? 'at arrival' : 'when its turn came'})`,
          );
        return;
      }
      case 'resize.refuse': {
        // The model refuses an event whose table no longer fits (7.13): the machine must have
        // refused it at arrival (it was idle), or ended its queued resize as failed.
        const r = this.eventResizes.get(a.event);
        if (this.refusedAtArrival.has(a.event) || r?.status === 'failed') {
          const problem = refusalProblem(
            ctx,
            before,
            a.event,
            this.arrivalErrors.get(a.event) ?? null,
            r ?? null,
          );
          if (problem !== null) throw new ModelImplMismatch('report-differs', problem);
          return;
        }
        throw new ModelImplMismatch(
          'impl-accepted',
          `resize.refuse: the model refuses event ${a.event}, its table no longer fitting; the machine's resize is ${r?.status ?? 'missing'}`,
        );
      }
      case 'reloc.copyPage':
        this.transit = true;
        return;
      case 'reloc.remapPage':
      case 'reloc.pageInToDest': {
        this.transit = false;
        const vm = this.relocatingVm(before);
        const page = a.kind === 'reloc.pageInToDest' ? a.page : relocationOf(before)!.transit!.page;
        this.movePage(before, a, vm, page);
        return;
      }
      case 'reloc.breakCycle':
        this.breakCycle(before, a, after);
        return;
      case 'reloc.setOrigin': {
        const catchUp = this.placementDiverged.has(this.relocatingVm(before))
          ? ['reloc.movePage', 'reloc.pageInToDest', 'reloc.pageOut']
          : [];
        this.stepExpecting(a, 'reloc.setOrigin', ['reloc.startPaging', 'reloc.copyAll', ...catchUp]);
        this.implAhead = false;
        return;
      }
      case 'reloc.setPageFixed':
        this.stepExpecting(a, 'reloc.setPageFixed');
        this.placementDiverged.delete(this.relocatingVm(before));
        return;
      case 'reloc.pageOut': {
        const report = this.stepExpecting(a, 'reloc.pageOut');
        if (report.page !== a.page) this.placementDiverged.add(this.relocatingVm(before));
        return;
      }
      case 'reloc.dispatch': {
        const toPageable = relocationOf(before)?.dest === null;
        const running = this.machine.cpuStatus().map((c) => c.running);
        this.stepExpecting(a, toPageable ? 'reloc.finishPageable' : 'reloc.dispatch');
        if (!toPageable) this.noteDispatch(a, this.relocatingVm(before), running, after);
        return;
      }
      case 'reloc.clearDirect':
      case 'reloc.buildSpace':
      case 'reloc.copyAll':
      case 'reloc.startPaging':
      case 'reloc.setDirect':
      case 'prior.suspend':
      case 'prior.copy':
      case 'resize.reassignCpus':
        this.stepExpecting(a, a.kind);
        return;
      case 'prior.resume': {
        const running = this.machine.cpuStatus().map((c) => c.running);
        this.stepExpecting(a, a.kind);
        this.noteDispatch(a, this.ctx.vmNames[relocationOfAny(before)!.vm]!, running, after);
        return;
      }
      case 'resize.askShrink':
      case 'resize.relocate':
      case 'resize.askGrow':
      case 'guest.offline':
      case 'guest.online': {
        const report = this.stepExpecting(a, a.kind);
        const name = ctx.vmNames[a.vm]!;
        if (report.vm !== name)
          throw new ModelImplMismatch(
            'impl-step-differs',
            `${a.kind}: the model takes ${name}, the machine ${report.vm}`,
            {
              report,
            },
          );
        const reportProblem = resizeReportProblem(ctx, before, a, after, report);
        if (reportProblem !== null) throw new ModelImplMismatch('report-differs', reportProblem, { report });
        if (a.kind === 'resize.askGrow') {
          const written = this.written.get(name)!;
          written.length = after.vms[a.vm]!.size;
          for (let p = 0; p < written.length; p++) written[p] ??= 0;
          for (let p = before.vms[a.vm]!.size; p < written.length; p++) written[p] = 0;
        }
        return;
      }
    }
  }

  /**
   * Event `e` arrives: a time-of-day event by the machine's clock (set to its time, then
   * `pollClock`, which must start or queue exactly one resize, named for that time), unless another
   * event not yet arrived falls in the same span of the clock; a failover (or such a time) by
   * `signalEvent`.
   */
  private eventArrives(a: Action, e: number, after: MachineState): void {
    // Idle, the machine checks the table at once (`planResize`) and refuses one that does not fit,
    // changing nothing; the model's `resize.refuse` (or `resize.begin`) follows and is checked there.
    const idle = after.reconfig === null;
    try {
      this.signal(e);
    } catch (error) {
      if (error instanceof ModelImplMismatch) throw error;
      if (idle && error instanceof MachineError) {
        this.refusedAtArrival.add(e);
        this.arrivalErrors.set(e, error);
        this.pollAgain(a, e);
        return;
      }
      throw new ModelImplMismatch(
        'impl-refused',
        `${a.kind} ${e}: the machine refused${idle ? '' : ' instead of queueing the resize'}: ${error instanceof Error ? error.message : String(error)}`,
        { action: a },
      );
    }
    this.pollAgain(a, e);
  }

  /**
   * The clock polled again at the minute event `e` arrived at: the model has no other event
   * arrive with it (handled or refused, `e` has arrived once), so the poll must start nothing.
   */
  private pollAgain(a: Action, e: number): void {
    let again: readonly string[];
    try {
      again = this.machine.pollClock().map((x) => x.description);
    } catch (error) {
      again = [`a refusal: ${String(error)}`];
    }
    if (again.length > 0)
      throw new ModelImplMismatch(
        'event-differs',
        `${a.kind} ${e}: the clock polled again at the same minute started ${JSON.stringify(again)}`,
      );
  }

  /** `eventArrives` without its refusal handling; remembers the resize the machine started or queued. */
  private signal(e: number): void {
    const events = this.ctx.scenario.events;
    const trigger = events[e]!.trigger;
    this.arrived.add(e);
    this.arrivalOrder.push(e);
    if (trigger.kind === 'timeOfDay') {
      const last = this.clockMinutes;
      const distance = (at: string) => (parseTimeOfDay(at) - last + 1440) % 1440;
      const span = distance(trigger.at);
      const due = events.flatMap((ev, i) =>
        ev.trigger.kind === 'timeOfDay' &&
        (i === e || !this.arrived.has(i)) &&
        distance(ev.trigger.at) > 0 &&
        distance(ev.trigger.at) <= span
          ? [i]
          : [],
      );
      if (due.length === 1 && due[0] === e) {
        // Both ways a user moves a `ManualClock`: `set` to the minute before the time (a poll
        // then, no event being due, starts nothing), then `advance` by one minute to it.
        if (span > 1) {
          this.clock.set(timeOfDay(parseTimeOfDay(trigger.at) - 1));
          const early = this.machine.pollClock();
          if (early.length > 0)
            throw new ModelImplMismatch(
              'event-differs',
              `event.arrive ${e}: a minute before ${trigger.at} the machine's clock started ${JSON.stringify(early.map((x) => x.description))}`,
            );
        }
        this.clock.advance(1);
        if (this.clock.minutesOfDay() !== parseTimeOfDay(trigger.at))
          throw new ModelImplMismatch(
            'event-differs',
            `event.arrive ${e}: the clock shows minute ${this.clock.minutesOfDay()} of the day, not ${trigger.at}`,
          );
        this.clockMinutes = parseTimeOfDay(trigger.at);
        const started = this.machine.pollClock();
        const r = started[0];
        const known =
          r !== undefined &&
          (this.machine.reconfiguration === r || this.machine.queuedReconfigurations.includes(r));
        if (started.length !== 1 || !known || r.description !== `resize on time of day ${trigger.at}`)
          throw new ModelImplMismatch(
            'event-differs',
            `event.arrive ${e}: at ${trigger.at} the machine's clock started ${JSON.stringify(started.map((x) => x.description))}, expected the one resize of that time`,
          );
        this.noteBegun(r, r.description);
        this.eventResizes.set(e, r);
        return;
      }
    }
    const r = this.machine.signalEvent(trigger);
    this.noteBegun(
      r,
      trigger.kind === 'failover'
        ? `resize on failover of ${trigger.partner}`
        : `resize on time of day ${trigger.at}`,
    );
    this.eventResizes.set(e, r);
  }

  /**
   * The one I/O interrupt a program end must have delivered: for scenario I/O entry `io`, its VM,
   * channel and mode, with `status`, and (normal end) every byte of the program transferred.
   */
  private takeInterrupt(
    a: Action,
    io: number,
    status: 'ok' | 'error',
    reason: string | null = null,
    piecesDone = 0,
  ): void {
    const got = this.interrupts.splice(0);
    const entry = this.ctx.scenario.io[io]!;
    const c = got[0];
    const mode = this.ioMode.get(io);
    const bytes = entry.program.reduce((n, t) => n + t.length * this.ps, 0);
    const wrong =
      got.length !== 1 ||
      c === undefined ||
      this.programToIo.get(c.program) !== io ||
      c.vm !== entry.vm ||
      c.channel !== entry.channel ||
      c.status !== status ||
      c.mode !== mode ||
      c.reason !== reason ||
      c.bytesTransferred !== (status === 'ok' ? bytes : piecesDone * this.ps);
    if (wrong)
      throw new ModelImplMismatch(
        'interrupt-differs',
        `${a.kind} io${io}: the machine delivered ${JSON.stringify(got)}, expected one ${status} interrupt of ${entry.vm} on channel ${entry.channel}`,
        { interrupts: got },
      );
    this.ended.set(io, status === 'ok' ? 'done' : 'failed');
  }

  /** Run `f`; a `MachineError` (or any error) becomes a `ModelImplMismatch('impl-refused')`. */
  /**
   * `vmm.stealPage`: a page fault with no free frame. The machine must page exactly one other
   * page of the VM out and map the demanded page to that page's frame; where placement has not
   * diverged, the same victim as the model (the frames and contents are then compared as usual).
   */
  private stealPage(a: Extract<Action, { kind: 'vmm.stealPage' }>): void {
    const name = this.ctx.vmNames[a.vm]!;
    const was = this.machine.pageTable(name);
    this.guarded(a, () => this.machine.read(name, a.page * this.ps, 1));
    const now = this.machine.pageTable(name);
    const out = was.flatMap((f, p) => (f !== null && now[p] === null ? [p] : []));
    if (out.length !== 1 || was[a.page] !== null || now[a.page] !== was[out[0]!])
      throw new ModelImplMismatch(
        'impl-step-differs',
        `vmm.stealPage: the model pages ${name} page ${a.victim} out for page ${a.page}; the machine paged out ${out.length === 0 ? 'nothing' : `page(s) ${out.join(', ')}`} and mapped page ${a.page} to frame ${now[a.page]}`,
        { was, now },
      );
    if (out[0] !== a.victim && !this.placementDiverged.has(name))
      throw new ModelImplMismatch(
        'impl-step-differs',
        `vmm.stealPage: the model pages ${name} page ${a.victim} out for page ${a.page}, the machine page ${out[0]}`,
        { was, now },
      );
  }

  private guarded<T>(a: Action, f: () => T): T {
    try {
      return f();
    } catch (error) {
      if (error instanceof ModelImplMismatch) throw error;
      throw new ModelImplMismatch(
        'impl-refused',
        `${a.kind}: the machine refused: ${error instanceof Error ? error.message : String(error)}`,
        { action: a },
      );
    }
  }

  private startIo(io: number, mode: 'direct' | 'intercepted'): void {
    const spec = this.ctx.scenario.io[io]!;
    const program = programFromIoSpec(spec, this.ps, deviceBase(this.ctx.scenario, io, this.ps));
    const handle = this.machine.startIo(spec.vm, spec.channel, program);
    if (handle.mode !== mode)
      throw new ModelImplMismatch(
        'impl-step-differs',
        `io${io}: the model starts it ${mode}, the machine ${handle.mode}`,
        { io },
      );
    this.programToIo.set(handle.program, io);
    this.ioMode.set(io, handle.mode);
  }

  /** A start the model refuses with an addressing exception: the machine's `startIo` must throw one. */
  private refusedStart(a: Action, io: number): void {
    try {
      this.startIo(
        io,
        this.ctx.scenario.vms.find((v) => v.name === this.ctx.scenario.io[io]!.vm)!.direct
          ? 'direct'
          : 'intercepted',
      );
    } catch (error) {
      if (error instanceof AddressingException) {
        this.ended.set(io, 'refused');
        return;
      }
      throw new ModelImplMismatch(
        'impl-refused',
        `${a.kind} io${io}: the machine refused otherwise: ${String(error)}`,
      );
    }
    throw new ModelImplMismatch(
      'impl-accepted',
      `${a.kind} io${io}: the model refuses it with an addressing exception, the machine started it`,
    );
  }

  private cpuAccess(before: MachineState, index: number, after: MachineState): void {
    const access = this.ctx.access[index]!;
    const name = this.ctx.vmNames[access.vm]!;
    const vmBefore = before.vms[access.vm]!;
    const refused = after.vms[access.vm]!.programInterrupts > vmBefore.programInterrupts;
    const implVm = this.machine.vm(name);
    const outside = access.page >= implVm.onlineSize;
    const version = (vmBefore.expected[access.page] ?? 0) + 1;
    let got: Uint8Array | null = null;
    try {
      if (access.op === 'write')
        this.machine.write(
          name,
          access.page * this.ps,
          encodeDatum(datum(name, access.page, version), this.ps),
        );
      else got = this.machine.read(name, access.page * this.ps, this.ps);
    } catch (error) {
      if (!(error instanceof AddressingException))
        throw new ModelImplMismatch('impl-refused', `guest.cpuAccess: ${String(error)}`);
      if (!refused)
        throw new ModelImplMismatch(
          'impl-refused',
          `guest.cpuAccess: ${name} ${access.op} page ${access.page}: addressing exception in the machine, not in the model`,
        );
      return;
    }
    if (refused)
      throw new ModelImplMismatch(
        'impl-accepted',
        `guest.cpuAccess: ${name} ${access.op} page ${access.page}: addressing exception in the model, not in the machine`,
      );
    if (outside)
      this.breaches.push({
        kind: 'boundsBreach',
        message: `${name} CPU ${access.op} of page ${access.page} went through (online pages 0..${implVm.onlineSize - 1})`,
        details: { vm: name, page: access.page },
      });
    const written = this.written.get(name)!;
    if (access.op === 'write') {
      if (access.page < written.length) written[access.page] = version;
      return;
    }
    const d = decodeDatum(got!);
    const read = d === 'zero' ? datum(name, access.page, 0) : d;
    const frame = frameOf(this.ctx, vmBefore, access.page);
    const modelRead = frame === null ? null : (before.frames[frame] ?? null);
    if (modelRead !== null && read !== modelRead)
      throw new ModelImplMismatch(
        'read-differs',
        `${name} CPU read of page ${access.page}: machine ${read}, model ${modelRead}`,
      );
    this.noteRead(name, access.page, read, 'CPU');
  }

  private channelTransfer(before: MachineState, channel: number, after: MachineState): void {
    const ioIndex = before.channels[channel]!;
    const entry = this.ctx.io[ioIndex]!;
    const ioBefore = before.io[ioIndex]!;
    const t = entry.transfers[ioBefore.done]!;
    const name = this.ctx.vmNames[entry.vm]!;
    const offset = deviceBase(this.ctx.scenario, ioIndex, this.ps) + ioBefore.done * this.ps;
    const vmBefore = before.vms[entry.vm]!;
    const version = (vmBefore.expected[t.page] ?? 0) + 1;
    const device = this.machine.device(channel);
    if (t.op === 'write') device.write(offset, encodeDatum(datum(name, t.page, version), this.ps));
    const report = this.guarded({ kind: 'channel.transfer', channel }, () => this.scheduler.runOne(channel));
    if (report.kind !== 'transfer')
      throw new ModelImplMismatch(
        'impl-step-differs',
        `channel.transfer: the machine ended the program (${report.status}: ${report.reason})`,
        { report },
      );
    const written = this.written.get(name)!;
    if (t.op === 'write' && t.page < written.length && after.vms[entry.vm]!.expected[t.page] === version)
      written[t.page] = version;
    const modelFrame =
      ioBefore.mode === 'direct' ? vmBefore.origin + t.page : ioBefore.hostFrames![ioBefore.done]!;
    if (report.frame !== modelFrame && !this.placementDiverged.has(name))
      throw new ModelImplMismatch(
        'impl-step-differs',
        `channel.transfer: the model accesses frame ${modelFrame}, the machine frame ${report.frame}`,
        { report },
      );
    if (t.op === 'write') return;
    const d = decodeDatum(device.read(offset, this.ps));
    const read = d === 'zero' ? datum(name, t.page, 0) : d;
    const modelRead = before.frames[modelFrame] ?? null;
    if (modelRead !== null && read !== modelRead)
      throw new ModelImplMismatch(
        'read-differs',
        `channel ${channel} read of ${name} page ${t.page}: machine ${read}, model ${modelRead}`,
      );
    this.noteRead(name, t.page, read, `channel ${channel}`);
  }

  private noteRead(vm: string, page: number, read: string, by: string): void {
    const want = datum(vm, page, this.written.get(vm)![page] ?? 0);
    if (read !== want && !this.misreads.some((f) => f.kind === 'staleRead'))
      this.misreads.push({
        kind: 'staleRead',
        message: `${by} read ${read} from ${vm} page ${page}, but the last write was ${want}`,
        details: { vm, page, found: read, expected: want },
      });
  }

  /**
   * Make scenario request `r` of the machine; a relocation or conversion it begins is `requested`,
   * and must be described as the request (`relocate VM-2 to frame 3`) and numbered after every
   * reconfiguration before it.
   */
  private request(r: Scenario['reconfigurations'][number]): void {
    const { machine } = this;
    if (r.kind === 'terminate') {
      machine.terminate(r.vm);
      return;
    }
    const begun =
      r.kind === 'relocate'
        ? machine.relocate(r.vm, r.to)
        : r.kind === 'toPageable'
          ? machine.toPageable(r.vm, r.resident)
          : machine.toPageFixed(r.vm, r.to);
    const description =
      r.kind === 'relocate'
        ? `relocate ${r.vm} to frame ${r.to}${this.priorArt ? ' (prior art)' : ''}`
        : r.kind === 'toPageable'
          ? `make ${r.vm} pageable with ${r.resident} resident page(s)`
          : `make ${r.vm} page-fixed at frame ${r.to}`;
    this.noteBegun(begun, description);
    this.requested.push(begun);
  }

  /** A reconfiguration the machine began or queued must carry `description` and a new, higher id. */
  private noteBegun(r: Reconfiguration, description: string): void {
    if (r.description !== description || r.snapshot().description !== description || r.id <= this.lastId)
      throw new ModelImplMismatch(
        'impl-step-differs',
        `the machine's reconfiguration ${r.id} is ${JSON.stringify(r.description)}, expected ${JSON.stringify(description)} numbered after ${this.lastId}`,
      );
    this.lastId = r.id;
  }

  /** One `step()` of `r`, counted (`stepsSeen`) when it did something. */
  private stepOf(r: Reconfiguration): StepResult {
    const result = r.step();
    if (result.status !== 'waiting' && result.report !== null && result.report.action !== 'reconfig.failed')
      this.stepsSeen.set(r, (this.stepsSeen.get(r) ?? 0) + 1);
    return result;
  }

  /** The running reconfiguration of the machine, or a mismatch. */
  private active(a: Action): Reconfiguration {
    const r = this.machine.reconfiguration;
    if (r === null)
      throw new ModelImplMismatch('impl-step-differs', `${a.kind}: the machine runs no reconfiguration`);
    return r;
  }

  /**
   * One `step()` that must report `expected`; steps reporting one of `extra` first are taken as
   * the implementation's own (a conversion's 5035 decision the model skips).
   */
  private stepExpecting(
    a: Action,
    expected: string | readonly string[],
    extra: readonly string[] = [],
  ): StepReport {
    const wanted = typeof expected === 'string' ? [expected] : expected;
    const r = this.active(a);
    for (let i = 0; i < 16; i++) {
      const result = this.stepOf(r);
      if (result.status === 'waiting')
        throw new ModelImplMismatch(
          'impl-waits',
          `${a.kind}: the model goes on, the machine waits (${result.report.spec}: ${result.report.detail ?? ''})`,
          { report: result.report },
        );
      const report = result.report;
      if (report === null)
        throw new ModelImplMismatch('impl-step-differs', `${a.kind}: the machine's reconfiguration is over`);
      this.reports.push(report);
      this.checkSpec(a, report);
      // 5040 copies every page at once: each page of the model's relocation is at its destination.
      if (report.action === 'reloc.copyAll' && this.before !== null && !this.implPlacedAll(this.before))
        throw new ModelImplMismatch(
          'impl-step-differs',
          `${a.kind}: after the machine's 5040 pages of ${report.vm} are not at the model's destination (${JSON.stringify(this.machine.pageTable(report.vm!))})`,
          { report },
        );
      if (wanted.includes(report.action)) return report;
      if (extra.includes(report.action)) {
        if (report.action === 'reloc.copyAll') this.implAhead = true;
        continue;
      }
      throw new ModelImplMismatch(
        'impl-step-differs',
        `${a.kind}: the machine did ${report.action} (${report.spec}) instead of ${wanted.join(' or ')}`,
        { report },
      );
    }
    throw new ModelImplMismatch('impl-step-differs', `${a.kind}: too many implementation steps`);
  }

  /** A step report must name its patent step (`SPEC_OF`) and the VM it works on. */
  private checkSpec(a: Action, report: StepReport): void {
    // A page out of the way of a cycle (5085) is paged out at 5085, not at 5020-5030.
    const cycle = report.action === 'reloc.pageOut' && report.detail?.startsWith('out of the way') === true;
    const spec = cycle ? '5085' : SPEC_OF[report.action];
    if (spec !== undefined && report.spec !== spec)
      throw new ModelImplMismatch(
        'report-differs',
        `${a.kind}: the machine's ${report.action} names step ${JSON.stringify(report.spec)}, not ${spec}`,
        { report },
      );
    // A relocation's report names the VM the model relocates, and where it goes: the new origin
    // (5035-5040, 5090-5100), a page's frame in the destination (5085, [0031]).
    const r = this.before === null ? null : relocationOfAny(this.before);
    if (r === null || !/^(reloc|prior)\./.test(report.action)) return;
    const vm = this.ctx.vmNames[r.vm]!;
    const dest = r.dest;
    const to =
      dest === null
        ? undefined
        : report.action === 'reloc.setOrigin' ||
            report.action === 'reloc.copyAll' ||
            report.action === 'prior.copy'
          ? dest
          : (report.action === 'reloc.movePage' || report.action === 'reloc.pageInToDest') &&
              report.detail === undefined
            ? dest + report.page!
            : undefined;
    if (report.vm !== vm || (to !== undefined && report.to !== to))
      throw new ModelImplMismatch(
        'report-differs',
        `${a.kind}: the machine's ${report.action} reports ${report.vm} to ${report.to}, the model relocates ${vm}${to === undefined ? '' : ` (to ${to})`}`,
        { report },
      );
    const detail = detailProblem(this.ctx, this.before!, report);
    if (detail !== null) throw new ModelImplMismatch('report-differs', `${a.kind}: ${detail}`, { report });
  }

  /**
   * The model's cycle break (5085): one machine step that moves a page or pages one out (its own
   * cycle break, or a move its placement allows); frames are compared again once page-fixed. Before
   * the machine's first move it must be the model's break (`cycleBreakProblem`).
   */
  private breakCycle(before: MachineState, a: Action, after: MachineState): void {
    const vm = this.relocatingVm(before);
    const placed = !this.placementDiverged.has(vm);
    this.placementDiverged.add(vm);
    if (this.machine.snapshot().reconfiguration?.phase === 'decide') {
      const report = this.stepExpecting(a, ['reloc.startPaging', 'reloc.copyAll']);
      if (report.action === 'reloc.copyAll') this.implAhead = true;
    }
    if (this.implAhead || this.implPlacedAll(before)) return;
    // Before its first move, with the model's placement, the machine tries the pages in move
    // order from the first: it breaks the cycle the model's way (see `cycleBreakProblem`).
    const sinceDecision =
      this.reports.length - 1 - this.reports.findLastIndex((x) => x.action === 'reloc.startPaging');
    const report = this.stepExpecting(a, ['reloc.movePage', 'reloc.pageOut', 'reloc.pageInToDest']);
    if (placed && sinceDecision === 0) {
      const problem = cycleBreakProblem(this.ctx, before, after, report);
      if (problem !== null)
        throw new ModelImplMismatch('report-differs', `${a.kind}: ${problem}`, { report });
    }
  }

  /** A model page move (remap or page-in to the destination) as implementation steps. */
  private movePage(before: MachineState, a: Action, vm: string, page: number): void {
    const phase = this.machine.snapshot().reconfiguration?.phase;
    if (phase === 'decide') {
      const report = this.stepExpecting(a, ['reloc.startPaging', 'reloc.copyAll']);
      if (report.action === 'reloc.copyAll') this.implAhead = true;
    }
    if (this.implAhead || this.implPlacedAll(before)) {
      this.placementDiverged.add(vm);
      return;
    }
    // Placed its own way (a page-in into the destination frame, another move order): the machine
    // may have this page in place already, and nothing to do now but wait for the others.
    if (
      this.placementDiverged.has(vm) &&
      this.machine.pageTable(vm)[page] === relocationOf(before)!.dest! + page
    )
      return;
    // The machine's first move, its placement the model's, tries the pages in move order from the
    // first (highest first when moving up, else lowest first): the page the model moves.
    const first = !this.placementDiverged.has(vm) && this.reports.at(-1)?.action === 'reloc.startPaging';
    const r = this.active(a);
    for (let i = 0; i < 8; i++) {
      const result = this.stepOf(r);
      if (result.status === 'waiting')
        throw new ModelImplMismatch(
          'impl-waits',
          `${a.kind} page ${page}: the model moves it, the machine waits (${result.report.detail ?? ''})`,
          { report: result.report },
        );
      const report = result.report!;
      this.reports.push(report);
      this.checkSpec(a, report);
      if (report.action === 'reloc.movePage' || report.action === 'reloc.pageInToDest') {
        const same =
          report.page === page &&
          (report.action === 'reloc.movePage') === (a.kind === 'reloc.remapPage') &&
          report.detail === undefined;
        if (first && !same && report.detail === undefined)
          throw new ModelImplMismatch(
            'impl-step-differs',
            `${a.kind}: the machine's first move is ${JSON.stringify(report)}, the model's page ${page} (its move order)`,
            { report },
          );
        if (!same) this.placementDiverged.add(vm);
        if (report.detail === undefined) return;
        continue; // moved out of the way of a cycle: an extra step of the machine's
      }
      if (report.action === 'reloc.pageOut') {
        this.placementDiverged.add(vm);
        continue;
      }
      throw new ModelImplMismatch(
        'impl-step-differs',
        `${a.kind}: the machine did ${report.action} (${report.spec}) instead of moving a page`,
        { report },
      );
    }
  }

  /**
   * After the machine's 5130-5160 (`running`: which VM ran on each CPU before it): `vm` must run on
   * a CPU of its assignment, on the one it already ran on if any, else on an idle CPU of its list
   * if there is one, and no other CPU may change. Then mark the CPUs where the machine runs
   * another VM than the model.
   */
  private noteDispatch(
    a: Action,
    vm: string,
    running: readonly (string | null)[],
    after: MachineState,
  ): void {
    const now = this.machine.cpuStatus();
    const on = now.filter((c) => c.running === vm).map((c) => c.cpu);
    const assigned = now.filter((c) => c.assigned.includes(vm)).map((c) => c.cpu);
    const was = running.indexOf(vm);
    const idle = assigned.find((c) => running[c] === null);
    const expected = was >= 0 ? was : (idle ?? assigned[0]);
    const changed = now.filter((c) => c.cpu !== expected && c.running !== running[c.cpu]);
    if (assigned.length > 0 && (on.length !== 1 || on[0] !== expected || changed.length > 0))
      throw new ModelImplMismatch(
        'dispatch-differs',
        `${a.kind}: ${vm} (CPUs ${assigned.join(', ')}) runs on ${on.join(', ') || 'no CPU'}, expected CPU ${expected}; before ${JSON.stringify(running)}, after ${JSON.stringify(now.map((c) => c.running))}`,
      );
    for (const c of now) {
      const v = after.running[c.cpu];
      if ((v === null || v === undefined ? null : this.ctx.vmNames[v]) !== c.running)
        this.dispatchDiverged.add(c.cpu);
    }
  }

  /** True when the machine already has every page of the relocating VM at its destination. */
  private implPlacedAll(before: MachineState): boolean {
    const r = relocationOf(before)!;
    const vm = before.vms[r.vm]!;
    const table = this.machine.pageTable(vm.name);
    const limit = Math.min(vm.online, r.size);
    for (let p = 0; p < limit; p++) if (table[p] !== r.dest! + p) return false;
    return true;
  }

  /** After a page-in: mark the VM if the machine chose other frames than the model. */
  private notePlacement(_before: MachineState, after: MachineState, v: number): void {
    const vm = after.vms[v]!;
    const implTable = this.machine.pageTable(vm.name);
    for (let p = 0; p < vm.size; p++) {
      if ((implTable[p] ?? null) !== frameOf(this.ctx, vm, p)) {
        this.placementDiverged.add(vm.name);
        return;
      }
    }
  }

  private relocatingVm(state: MachineState): string {
    const r = relocationOf(state);
    if (r === null) throw new ModelImplMismatch('no-relocation', 'the model runs no relocation');
    return this.ctx.vmNames[r.vm]!;
  }
}

/**
 * The patent step or paragraph each implementation step report names (`StepReport.spec`), as
 * impl/README's table of steps and the model's actions gives them: every report the adapter takes
 * must carry its step's, so a report naming the wrong step is caught.
 */
const SPEC_OF: { readonly [action: string]: string } = {
  'reloc.clearDirect': '5000',
  'reloc.buildSpace': '5010',
  'reloc.pageOut': '5020-5030',
  'reloc.startPaging': '5035-5050',
  'reloc.copyAll': '5035-5040',
  'reloc.movePage': '5085',
  'reloc.pageInToDest': '[0031]',
  'reloc.setOrigin': '5090-5100',
  'reloc.setPageFixed': '5110',
  'reloc.setDirect': '5120',
  'reloc.dispatch': '5130-5160',
  'reloc.finishPageable': '[0030]',
  'prior.suspend': '[0005]',
  'prior.copy': '[0005]',
  'prior.resume': '[0012]',
  'resize.askShrink': '7000',
  'guest.offline': '7010',
  'resize.relocate': '7020',
  'resize.askGrow': '7030',
  'guest.online': '7040',
  'resize.reassignCpus': '7050',
};

/** `machine.settle()`, each reconfiguration run yielding to the event loop after every step. */
async function runEachYielding(machine: Machine): Promise<ReconfigurationResult[]> {
  const results: ReconfigurationResult[] = [];
  for (let r = machine.reconfiguration; r !== null; r = machine.reconfiguration)
    results.push(await r.run({ yieldEvery: 1 }));
  return results;
}

/** What the model does, in this order of preference, to come to rest without new stimulus (`drainModel`). */
const DRAIN_PRIORITY = [
  'channel.transfer',
  'channel.end',
  'reloc.',
  'prior.',
  'resize.',
  'guest.offline',
  'guest.online',
];

/**
 * The model run from `state` to rest with no new stimulus: channels first, then its
 * reconfigurations (and the pending events' resizes); a VM its resize waits for (7010 / 7040) is
 * dispatched. Returns the last state and how many reconfigurations ended on the way.
 */
export function drainModel(
  model: Model<MachineState, Action>,
  state: MachineState,
  maxSteps = 1000,
): { final: MachineState; finished: number } {
  let finished = 0;
  for (let i = 0; i < maxSteps; i++) {
    const actions = model.actions(state);
    let chosen: Action | undefined;
    for (const prefix of DRAIN_PRIORITY) {
      chosen = actions.find((a) => a.kind.startsWith(prefix));
      if (chosen) break;
    }
    const r = state.reconfig;
    if (chosen === undefined && r?.kind === 'resize') {
      const waited = state.vms.findIndex(
        (vm, v) => vm.shrinkRequest !== null || (r.step === 'grow' && r.asked && r.cursor === v),
      );
      chosen = actions.find((a) => a.kind === 'cpu.dispatch' && a.vm === waited);
    }
    if (chosen === undefined) break;
    const next = model.next(state, chosen);
    if (state.reconfig !== null && state.reconfig.kind !== 'terminate' && next.reconfig === null) finished++;
    state = next;
  }
  return { final: state, finished };
}

/**
 * `replayOnImpl`, then, where the walk ended with model and machine agreeing, the machine drained
 * as its users do and compared with the model at rest (`ModelImplAdapter.drain`); a problem there
 * is the result's `mismatch` (code `drain-differs`, at the step after the last).
 */
export async function replayAndDrainOnImpl(
  model: Model<MachineState, Action> & { readonly ctx: VmmContext },
  trace: {
    readonly initial: MachineState;
    readonly steps: readonly { action: Action; state: MachineState }[];
  },
  options: ReplayOnImplOptions = {},
): Promise<ReplayOnImplResult> {
  const result = replayOnImpl(model.ctx, trace, options);
  if (result.mismatch !== null || result.difference !== null || result.findings.length > 0) return result;
  // Paths of odd length drain their channels on the event loop (one or two units a turn), the
  // others by `runAll`.
  const n = trace.steps.length;
  const problem = await result.adapter.drain(
    trace.steps.at(-1)?.state ?? trace.initial,
    model,
    n % 2 === 0 ? false : n % 4 === 1 ? 'one' : 'two',
  );
  if (problem === null) return result;
  return {
    ...result,
    mismatch: { step: trace.steps.length + 1, error: new ModelImplMismatch('drain-differs', problem) },
  };
}

/** Model action kinds that are steps of a reconfiguration (what `expectWaiting` looks for). */
const RECONFIGURATION_STEP = /^(reloc\.|prior\.|resize\.|guest\.offline$|guest\.online$)/;

/**
 * True when the model's resize waits for a guest to be dispatched: 7010 / 7040 are the guest's
 * own steps, taken on a CPU, where the machine's resize takes them for the guest (no dispatch is
 * enforced, see the constructor), so the machine does not wait there.
 */
function waitsForDispatch(state: MachineState): boolean {
  const r = state.reconfig;
  if (r?.kind !== 'resize') return false;
  return state.vms.some(
    (vm, v) =>
      (vm.shrinkRequest !== null || (r.step === 'grow' && r.asked && r.cursor === v)) &&
      !state.running.includes(v),
  );
}

/** The model's running relocation or prior-art relocation (stand-alone or inside a resize). */
function relocationOfAny(state: MachineState) {
  const r = state.reconfig;
  if (r?.kind === 'relocation' || r?.kind === 'priorArt') return r;
  if (r?.kind === 'resize') return r.relocation;
  return null;
}

/** The model's running relocation (stand-alone or inside a resize). */
function relocationOf(state: MachineState) {
  const r = state.reconfig;
  if (r?.kind === 'relocation' || r?.kind === 'priorArt') return r.kind === 'relocation' ? r : null;
  if (r?.kind === 'resize' && r.relocation?.kind === 'relocation') return r.relocation;
  return null;
}

/** Options of `replayOnImpl`. */
export interface ReplayOnImplOptions {
  /** The machine's variant (default: the model's). */
  readonly variant?: Variant;
  /**
   * Compare which VM runs on each CPU everywhere (default false). The model's 5130-5160 leaves
   * dispatching to `cpu.dispatch`, the machine's dispatches the relocated VM, so they differ after
   * a relocation (pinned by a test); by default a CPU where they so differ is left out until the
   * next `cpu.dispatch` there (`ModelImplAdapter.dispatchDiverged`), every other CPU is compared.
   */
  readonly compareRunning?: boolean;
  /**
   * The enabled actions of the model the trace is of (usually `model.actions`). When given, at
   * every comparable state where the model's reconfiguration has no step enabled, the machine's
   * must wait too (`ModelImplAdapter.expectWaiting`): so the machine is driven through the states
   * where a relocation or resize waits, and one that goes on there is caught.
   */
  readonly actions?: (state: MachineState) => readonly Action[];
  /**
   * At every comparable state where what the probes depend on changed (`probeKey`; the initial
   * state included), probe the machine with the calls the model's state says it must
   * refuse (`probeRefusals`: accesses outside online storage, gone VMs, busy channels, requests
   * during a reconfiguration, destinations that do not fit, events handled twice, units and
   * failures of free channels on the `ManualScheduler`), each refusal's
   * class, code, details and message checked (default false). For the patent's machine and the
   * prior art's.
   */
  readonly probes?: boolean;
}

/** A projection difference at one step. */
export interface ProjectionDifference {
  /** Step number (1 = first action; 0 = the initial state). */
  readonly step: number;
  readonly action: string | null;
  readonly model: Projection;
  readonly impl: Projection;
}

/** What `replayOnImpl` returns. */
export interface ReplayOnImplResult {
  /** Steps applied (all of them, unless `mismatch`). */
  readonly applied: number;
  /** States at which the projections were compared. */
  readonly compared: number;
  /** The first state where model and machine differ, or null. */
  readonly difference: ProjectionDifference | null;
  /** The model action the machine could not follow (not lenient), and its step, or null. */
  readonly mismatch: { readonly step: number; readonly error: ModelImplMismatch } | null;
  /** The machine's own findings, the first of each kind, at whatever step it showed. */
  readonly findings: readonly ImplFinding[];
  /** The first step after which the machine had a finding, or null. */
  readonly firstFindingStep: number | null;
  /** The adapter, to look further. */
  readonly adapter: ModelImplAdapter;
}

/**
 * Replay `trace` (of the model of `ctx`) on a machine, comparing the projections at every
 * comparable state and collecting the machine's findings after every step. Stops at the first
 * projection difference or mismatch. Deterministic.
 */
export function replayOnImpl(
  ctx: VmmContext,
  trace: {
    readonly initial: MachineState;
    readonly steps: readonly { action: Action; state: MachineState }[];
  },
  options: ReplayOnImplOptions = {},
): ReplayOnImplResult {
  const adapter = new ModelImplAdapter(ctx, options.variant ?? ctx.variant);
  let compared = 0;
  let firstFindingStep: number | null = null;
  const findings: ImplFinding[] = [];
  const collect = (step: number) => {
    for (const f of adapter.findings()) {
      if (findings.some((g) => g.kind === f.kind)) continue;
      findings.push(f);
      firstFindingStep ??= step;
    }
  };
  const compare = (step: number, action: string | null, state: MachineState): ProjectionDifference | null => {
    if (!adapter.comparableAt(state)) return null;
    compared++;
    const projectionOptions = {
      skipPlacement: adapter.placementDiverged,
      skipRunningOn: options.compareRunning ? undefined : adapter.dispatchDiverged,
    };
    const model = projectModel(ctx, state, projectionOptions);
    const impl = adapter.projection(projectionOptions);
    if (JSON.stringify(model) !== JSON.stringify(impl)) return { step, action, model, impl };
    adapter.checkControl(state);
    return null;
  };
  const done = (
    applied: number,
    difference: ProjectionDifference | null,
    mismatch: ReplayOnImplResult['mismatch'],
  ): ReplayOnImplResult => ({
    applied,
    compared,
    difference,
    mismatch,
    findings,
    firstFindingStep,
    adapter,
  });
  collect(0);
  let initialDifference: ProjectionDifference | null;
  try {
    initialDifference = compare(0, null, trace.initial);
  } catch (error) {
    if (!(error instanceof ModelImplMismatch)) throw error;
    return done(0, null, { step: 0, error });
  }
  if (initialDifference) return done(0, initialDifference, null);
  const probed = new Set<string>();
  if (options.probes) {
    probed.add(probeKey(ctx, trace.initial));
    const problem = probeRefusals(ctx, trace.initial, adapter.machine, adapter.scheduler);
    if (problem !== null)
      return done(0, null, { step: 0, error: new ModelImplMismatch('probe-differs', problem) });
  }
  let before = trace.initial;
  for (let i = 0; i < trace.steps.length; i++) {
    const { action, state } = trace.steps[i]!;
    try {
      adapter.apply(before, action, state);
    } catch (error) {
      if (!(error instanceof ModelImplMismatch)) throw error;
      return done(i, null, { step: i + 1, error });
    }
    collect(i + 1);
    let difference: ProjectionDifference | null;
    try {
      difference = compare(i + 1, action.kind, state);
    } catch (error) {
      if (!(error instanceof ModelImplMismatch)) throw error;
      return done(i + 1, null, { step: i + 1, error });
    }
    if (difference) return done(i + 1, difference, null);
    if (options.probes && adapter.comparableAt(state) && !probed.has(probeKey(ctx, state))) {
      probed.add(probeKey(ctx, state));
      const problem = probeRefusals(ctx, state, adapter.machine, adapter.scheduler);
      if (problem !== null)
        return done(i + 1, null, { step: i + 1, error: new ModelImplMismatch('probe-differs', problem) });
    }
    if (options.actions && adapter.comparableAt(state)) {
      try {
        adapter.expectWaiting(state, options.actions(state));
      } catch (error) {
        if (!(error instanceof ModelImplMismatch)) throw error;
        return done(i + 1, null, { step: i + 1, error });
      }
    }
    before = state;
  }
  return done(trace.steps.length, null, null);
}

/**
 * The model restricted to the choices the implementation documents making where the model leaves
 * them open (`impl/README.md`), so a random model path is one the implementation can follow:
 *
 * - an intercepted start-I/O (5070-5083: translate, pin, start or refuse) is one atomic step of the
 *   machine, taken at the model's `vmm.startHostProgram` / `vmm.startRefused`: so no relocation
 *   step and no `vmm.stealPage` (whose victims depend on the pins `vmm.translateIo` took) comes
 *   between the model's `vmm.translateIo` and that start, and bit 431 is not set
 *   (5120) while a start of the VM is half done (the machine would then start it directly);
 * - 5085 copies a page and switches its entry in one step, so no channel moves between the
 *   model's `reloc.copyPage` and `reloc.remapPage`;
 * - 5020-5030 pages out the lowest eligible page first, and so does a page fault with no free
 *   frame (`vmm.stealPage`: the lowest page the model may steal);
 * - 5085 moves pages away from the direction of travel first: highest first when moving up,
 *   else lowest first;
 * - a conversion to pageable ends within its footprint: after its last page-out (5030) the model
 *   may page a page in and still end; the machine pages out again first. So no page-in between
 *   the model's last page-out and the end of the conversion;
 * - pending events' resizes begin in the order the events arrived (the machine queues them first
 *   in, first out; the model begins any pending one that fits): so events arrive in list order,
 *   and only the first pending event's resize begins or is refused;
 * - a guest asked to shrink (7000) starts no I/O into the part it will take offline (the machine
 *   refuses it with an addressing exception; the model lets it start and makes 7010 wait); and
 *   7000 does not come while an intercepted start of the VM is half done (the machine's start is
 *   one step at the model's `vmm.startHostProgram`, which would then come after 7000 and be refused).
 *
 * The last two are real differences of behaviour, each pinned by a test in `modelVsImpl.test.ts`;
 * the others only pick one of the model's options. Every action kept is enabled in the model,
 * so paths of this model are paths of the model.
 */
export function withImplementationChoices<M extends Model<MachineState, Action> & { ctx: VmmContext }>(
  model: M,
): M {
  const { ctx } = model;
  return {
    ...model,
    actions: (state: MachineState) => implementationChoices(ctx, state, model.actions(state)),
  };
}

/** `actions` (enabled in `state`) without those the implementation never takes; see `withImplementationChoices`. */
export function implementationChoices(
  ctx: VmmContext,
  state: MachineState,
  actions: readonly Action[],
): Action[] {
  const reloc = relocationOf(state);
  const pageOuts = actions.flatMap((a) => (a.kind === 'reloc.pageOut' ? [a.page] : []));
  const lowestPageOut = pageOuts.length > 0 ? Math.min(...pageOuts) : -1;
  // Per VM and demanded page, the lowest victim (the guard lists victims in ascending order).
  const firstVictim = new Map<string, number>();
  for (const a of actions)
    if (a.kind === 'vmm.stealPage' && !firstVictim.has(`${a.vm}:${a.page}`))
      firstVictim.set(`${a.vm}:${a.page}`, a.victim);
  const movesUp =
    reloc !== null && reloc.purpose !== 'toPageFixed' && reloc.dest! > state.vms[reloc.vm]!.origin;
  const moves = actions.flatMap((a) =>
    a.kind === 'reloc.copyPage' || a.kind === 'reloc.pageInToDest' ? [a.page] : [],
  );
  const firstMove = moves.length === 0 ? -1 : movesUp ? Math.max(...moves) : Math.min(...moves);
  const translated = state.io.some((io) => io.status === 'translated');
  // An event that arrives while the machine is idle has its resize begun (or refused) at once.
  const eventTurn = state.reconfig === null && state.events.includes('pending');
  const nextToArrive = state.events.indexOf('waiting');
  const firstPending = state.events.indexOf('pending');
  return actions.filter((a) => {
    if (a.kind === 'event.arrive') return a.event === nextToArrive;
    if (a.kind === 'resize.begin' || a.kind === 'resize.refuse') return a.event === firstPending;
    if (eventTurn && (a.kind === 'request.begin' || a.kind === 'request.refuse')) return false;
    if (translated && (a.kind.startsWith('reloc.') || a.kind.startsWith('prior.'))) return false;
    if (translated && a.kind === 'vmm.stealPage') return false; // its victims depend on the pins
    if (reloc?.transit && a.kind.startsWith('channel.')) return false;
    switch (a.kind) {
      case 'reloc.pageOut':
        return a.page === lowestPageOut;
      case 'reloc.copyPage':
      case 'reloc.pageInToDest':
        return a.page === firstMove;
      case 'reloc.setDirect':
        return !(
          reloc !== null &&
          ctx.io.some(
            (entry, i) =>
              entry.vm === reloc.vm &&
              (state.io[i]!.status === 'requested' || state.io[i]!.status === 'translated'),
          )
        );
      case 'vmm.pageIn':
        return !(reloc?.vm === a.vm && reloc.dest === null && reloc.step === 'dispatch');
      case 'vmm.stealPage':
        return firstVictim.get(`${a.vm}:${a.page}`) === a.victim;
      case 'resize.askShrink':
        return !ctx.io.some(
          (entry, i) =>
            entry.vm === a.vm &&
            (state.io[i]!.status === 'requested' || state.io[i]!.status === 'translated'),
        );
      case 'guest.startIo': {
        const entry = ctx.io[a.io]!;
        const shrink = state.vms[entry.vm]!.shrinkRequest;
        return shrink === null || entry.transfers.every((t) => t.page < shrink);
      }
      default:
        return true;
    }
  });
}

/** Order in which `continueTrace` prefers action kinds: the VMM's own work first, then channels. */
const CONTINUE_PRIORITY = [
  'reloc.',
  'prior.',
  'resize.',
  'guest.offline',
  'guest.online',
  'vmm.',
  'channel.',
  'request.',
  'event.',
  'vm.',
];

/**
 * `trace`, then the model's own way on from its last state for at most `maxSteps` steps, with no
 * new guest stimulus (no start-I/O, CPU access or dispatch): reconfiguration steps first, then
 * the VMM's simulation, then channels, then requests and events, the first enabled of each.
 *
 * A counterexample stops where the model's invariant first breaks, which can be inside a step the
 * implementation does atomically (a page copied but not yet remapped); carrying on lets the harm
 * show in the implementation too. Deterministic.
 */
export function continueTrace(
  model: Model<MachineState, Action>,
  trace: Trace<MachineState, Action>,
  maxSteps = 60,
): Trace<MachineState, Action> {
  const steps: TraceStep<MachineState, Action>[] = [...trace.steps];
  let state = steps.at(-1)?.state ?? trace.initial;
  for (let i = 0; i < maxSteps; i++) {
    const actions = model.actions(state);
    let chosen: Action | undefined;
    for (const prefix of CONTINUE_PRIORITY) {
      chosen = actions.find((a) => a.kind.startsWith(prefix));
      if (chosen) break;
    }
    if (chosen === undefined) break;
    state = model.next(state, chosen);
    steps.push({ action: chosen, state });
  }
  return { initial: trace.initial, steps };
}

/**
 * The actions of `actions` that `model` can take in turn from its initial state, skipping each
 * one not enabled where it comes, as a trace of `model`: a counterexample of one variant followed
 * as far as another variant (the patent) allows. Actions are matched by value. Deterministic.
 */
export function followActions(
  model: Model<MachineState, Action>,
  actions: readonly Action[],
): Trace<MachineState, Action> {
  const initial = model.initialStates()[0]!;
  const steps: TraceStep<MachineState, Action>[] = [];
  let state = initial;
  for (const wanted of actions) {
    const key = JSON.stringify(wanted);
    const action = model.actions(state).find((a) => JSON.stringify(a) === key);
    if (action === undefined) continue;
    state = model.next(state, action);
    steps.push({ action, state });
  }
  return { initial, steps };
}
