/**
 * The machine: main storage, the VMM's tables, the channels and CPUs, and the VMs of a scenario,
 * with the guest operations (storage access, start-I/O) and the VMM's reconfigurations
 * (relocation, conversion, terminate, resize on an event) as methods.
 */
import { consistencyIssues, loadScenarioFile, ScenarioError } from '../scenario/load.ts';
import type { CpuAssignment, Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { behaviourOf, type VariantBehaviour } from './behaviour.ts';
import {
  type ChannelProgram,
  ChannelSubsystem,
  type IoCompletion,
  type IoMode,
  type ProgramRun,
  splitProgram,
  type Transfer,
} from './channel.ts';
import { type Clock, parseTimeOfDay, systemClock } from './clock.ts';
import type { MachineContext } from './context.ts';
import { VmControlBlock } from './controlBlock.ts';
import { assignmentProblems, CpuComplex, type CpuSnapshot } from './cpus.ts';
import type { SimulatedDevice } from './device.ts';
import {
  AddressingException,
  InvalidRequestError,
  MachineError,
  NotDispatchedError,
  ReconfigurationInProgressError,
  UnknownChannelError,
  UnknownEventError,
  UnknownVmError,
} from './errors.ts';
import { FrameTable } from './frames.ts';
import { startIntercepted, unpin } from './intercept.ts';
import { Pager } from './pager.ts';
import { HostSpace, TableArena } from './pageTables.ts';
import { PagingStore } from './pagingStore.ts';
import { PriorArtRelocation } from './priorArt.ts';
import type { Reconfiguration, ReconfigurationResult } from './reconfiguration.ts';
import { Relocation } from './relocation.ts';
import { type ConfigurationTable, Resize, type ResizeTrigger } from './resize.ts';
import { type ChannelScheduler, EventLoopScheduler } from './scheduler.ts';
import {
  type ChannelSnapshot,
  type ControlBlockSnapshot,
  channelSnapshots,
  controlBlockSnapshot,
  type FrameSnapshot,
  frameSnapshots,
  type MachineSnapshot,
  type VmSnapshot,
  vmSnapshot,
} from './snapshot.ts';
import { MainStorage } from './storage.ts';
import { checkRange, directFrame, type TranslationLimits, translatePage } from './translation.ts';
import { VmState } from './vm.ts';

/** Options of `createMachine`. */
export interface MachineOptions {
  /** Behaviour to build (default: the scenario's `variant`). */
  readonly variant?: Variant;
  /** When channel units run (default: an `EventLoopScheduler`). One scheduler per machine. */
  readonly scheduler?: ChannelScheduler;
  /** Time of day for time-triggered events (default: the system clock). */
  readonly clock?: Clock;
  /** Refuse guest CPU accesses and start-I/O of a VM not dispatched on a CPU (default false). */
  readonly requireDispatch?: boolean;
}

/** An event signal: a time of day reached, or a partner computer failed. */
export type EventTrigger =
  | { readonly kind: 'timeOfDay'; readonly at: string }
  | { readonly kind: 'failover'; readonly partner: string };

/** A started channel program: its id, and the I/O interrupt it will raise. */
export interface IoHandle {
  readonly program: number;
  readonly vm: string;
  readonly channel: number;
  readonly mode: IoMode;
  /** Settles with the I/O interrupt when the program ends. Never rejects. */
  readonly done: Promise<IoCompletion>;
}

/** A channel program as `startIo` accepts it: the transfers alone, or with a device offset. */
export type ChannelProgramInput = readonly Transfer[] | ChannelProgram;

/** The simulated host with its VMM. Create with `createMachine`. */
export class Machine {
  /** The variant this machine behaves as. */
  readonly variant: Variant;
  readonly pageSize: number;
  /** The host's main storage; tests may inspect bytes directly. */
  readonly storage: MainStorage;
  private readonly behaviour: VariantBehaviour;
  private readonly frames: FrameTable;
  private readonly store: PagingStore;
  private readonly pager: Pager;
  private readonly tables = new TableArena();
  private readonly channels: ChannelSubsystem;
  private readonly cpus: CpuComplex;
  private readonly clock: Clock;
  private readonly limits: TranslationLimits;
  private readonly requireDispatch: boolean;
  private readonly vms: VmState[] = [];
  private readonly byName = new Map<string, VmState>();
  private readonly context: MachineContext;
  private active: Reconfiguration | null = null;
  /**
   * Reconfigurations that were running when a newer one started beside them: only under
   * `fault-interleaved-reconfiguration` (SPEC 7.13 broken); always empty otherwise.
   */
  private readonly interleaved: Reconfiguration[] = [];
  private readonly queue: Reconfiguration[] = [];
  private nextReconfigurationId = 1;
  private waiters: (() => void)[] = [];
  private readonly ioListeners = new Set<(completion: IoCompletion) => void>();
  private readonly firedEvents = new Set<number>();
  private lastClockMinutes: number;

  constructor(
    /** The scenario the machine was built from. */
    readonly scenario: Scenario,
    options: MachineOptions = {},
  ) {
    const issues = consistencyIssues(scenario);
    if (issues.length > 0) throw new ScenarioError(scenario.name, issues);
    this.variant = options.variant ?? scenario.variant;
    this.behaviour = behaviourOf(this.variant);
    const { frames, vmmFrames, pageSize, pagesPerSegment } = scenario.storage;
    this.pageSize = pageSize;
    this.storage = new MainStorage(frames, pageSize);
    this.frames = new FrameTable(frames, vmmFrames);
    this.store = new PagingStore(pageSize);
    this.pager = new Pager(this.storage, this.frames, this.store);
    this.cpus = new CpuComplex(scenario.cpus);
    this.clock = options.clock ?? systemClock;
    this.lastClockMinutes = this.clock.minutesOfDay();
    this.requireDispatch = options.requireDispatch ?? false;
    this.limits = { pageSize, frameCount: frames, limitSlackPages: this.behaviour.limitSlackPages };
    scenario.vms.forEach((spec, id) => {
      const cb = new VmControlBlock(
        spec.direct,
        spec.pageFixed,
        spec.pageFixed ? spec.origin! : null,
        spec.pageFixed ? spec.origin! + spec.size - 1 : null,
        null,
      );
      const vm = new VmState(id, spec.name, spec.size, cb);
      if (spec.pageFixed) {
        for (let p = 0; p < spec.size; p++) this.frames.assign(spec.origin! + p, id, p);
      } else {
        const space = new HostSpace(this.tables.allocate(), spec.size, pagesPerSegment);
        spec.frames!.forEach((frame, page) => {
          if (frame === null) return;
          space.map(page, frame);
          this.frames.assign(frame, id, page);
        });
        vm.space = space;
        cb.hostSt = space.stAddress;
      }
      this.vms.push(vm);
      this.byName.set(vm.name, vm);
      this.cpus.assign(vm.name, spec.cpus);
    });
    const scheduler = options.scheduler ?? new EventLoopScheduler();
    this.channels = new ChannelSubsystem(scenario.channels, this.storage, scheduler, {
      directFrame: (vm, page) => directFrame(vm, page, this.limits),
      ended: (run, completion) => this.programEnded(run, completion),
      changed: () => this.notifyChange(),
    });
    scheduler.attach(this.channels);
    this.context = {
      behaviour: this.behaviour,
      storage: this.storage,
      frames: this.frames,
      pager: this.pager,
      store: this.store,
      tables: this.tables,
      channels: this.channels,
      cpus: this.cpus,
      pagesPerSegment,
      liveVm: (name) => this.liveVm(name),
      vmById: (id) => this.vms[id]!,
      notifyChange: () => this.notifyChange(),
      changed: () => this.changed(),
    };
  }

  // ---- guest CPU and I/O -------------------------------------------------------------------

  /**
   * Guest CPU read of `length` bytes at guest absolute `address`. Translates page by page (a
   * pageable VM's missing pages are paged in). Throws `AddressingException` (nothing read) when
   * any byte is past the limit or offline.
   */
  read(vm: string, address: number, length: number): Uint8Array {
    const v = this.guestVm(vm);
    checkRange(v, address, length, this.limits);
    const out = new Uint8Array(length);
    this.forEachPage(v, address, length, (host, at, n) =>
      out.set(this.storage.bytes.subarray(host, host + n), at),
    );
    return out;
  }

  /**
   * Guest CPU write of `data` at guest absolute `address`. Throws `AddressingException`
   * (nothing written) when any byte is past the limit or offline.
   */
  write(vm: string, address: number, data: Uint8Array | ArrayLike<number>): void {
    const v = this.guestVm(vm);
    const bytes = data instanceof Uint8Array ? data : Uint8Array.from(data);
    checkRange(v, address, bytes.length, this.limits);
    this.forEachPage(v, address, bytes.length, (host, at, n) =>
      this.storage.bytes.set(bytes.subarray(at, at + n), host),
    );
    this.notifyChange();
  }

  /**
   * Guest start-I/O of `program` on `channel`. With bit 431 = 1 the channel runs it directly,
   * relocating each access with the origin at that moment; with 431 = 0 the VMM intercepts it,
   * builds a host channel program through the current mapping and pins its pages.
   * Throws `ChannelBusyError` (cc 2; nothing started, nothing pinned), `AddressingException`
   * (a transfer names storage past the limit, offline or being vacated), `InvalidRequestError`.
   */
  startIo(vm: string, channel: number, program: ChannelProgramInput): IoHandle {
    const v = this.guestVm(vm);
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.channels.channelCount) {
      throw new UnknownChannelError(channel, this.channels.channelCount);
    }
    const normalized: ChannelProgram = isTransferList(program) ? { transfers: program } : program;
    this.checkProgram(v, normalized);
    const pieces = splitProgram(normalized, this.pageSize);
    let run: ProgramRun;
    if (v.cb.direct) {
      this.channels.assertFree(channel, v.name);
      run = this.channels.createRun(v, channel, 'direct', pieces);
      for (const piece of pieces) v.directTargets[piece.page]!++;
      this.channels.start(run);
    } else {
      run = startIntercepted(v, channel, pieces, this.channels, this.pager);
    }
    return { program: run.id, vm: v.name, channel, mode: run.mode, done: run.done };
  }

  /** The device behind `channel` (write test data into it, read what a channel wrote to it). */
  device(channel: number): SimulatedDevice {
    if (!Number.isInteger(channel) || channel < 0 || channel >= this.channels.channelCount) {
      throw new UnknownChannelError(channel, this.channels.channelCount);
    }
    return this.channels.device(channel);
  }

  /**
   * Make the next unit run on `channel` end its program with an error (an injected channel
   * fault). If the channel is idle, the fault waits for the next program started there.
   */
  injectChannelError(channel: number, reason?: string): void {
    this.device(channel);
    this.channels.injectError(channel, reason);
  }

  /** Call `listener` with every I/O interrupt; returns a function that stops it. */
  onIoInterrupt(listener: (completion: IoCompletion) => void): () => void {
    this.ioListeners.add(listener);
    return () => this.ioListeners.delete(listener);
  }

  /** Settles once no channel has a program in flight (never, if the channels are not driven). */
  async whenIdle(): Promise<void> {
    while (this.snapshotChannels().some((c) => c.busy)) await this.changed();
  }

  // ---- VMM reconfigurations ----------------------------------------------------------------

  /**
   * Relocate page-fixed `vm` to origin frame `to` while its I/O goes on (SPEC 5; the prior art's
   * way under `prior-art`). Claims the destination at once; returns the running relocation, to
   * `step()` or `run()`. Throws `ReconfigurationInProgressError`, `DoesNotFitError`,
   * `VmStateError`, `UnknownVmError`, leaving the machine unchanged.
   */
  relocate(vm: string, to: number): Reconfiguration {
    this.assertMayStart(`relocate ${vm}`);
    const v = this.liveVm(vm);
    const id = this.nextReconfigurationId;
    const r = this.behaviour.priorArt
      ? new PriorArtRelocation(this.context, id, v, to, (x) => this.reconfigurationEnded(x))
      : new Relocation(this.context, id, { kind: 'relocate', vm: v, to }, (x) =>
          this.reconfigurationEnded(x),
        );
    return this.begin(r);
  }

  /** Make page-fixed `vm` pageable keeping at most `resident` pages in storage (claims 8-9, [0030]). */
  toPageable(vm: string, resident: number): Reconfiguration {
    this.assertMayStart(`toPageable ${vm}`);
    const v = this.liveVm(vm);
    const r = new Relocation(
      this.context,
      this.nextReconfigurationId,
      { kind: 'toPageable', vm: v, resident },
      (x) => this.reconfigurationEnded(x),
    );
    return this.begin(r);
  }

  /** Make pageable `vm` page-fixed at origin frame `to`: page in, map contiguously, set the bits ([0031]). */
  toPageFixed(vm: string, to: number): Reconfiguration {
    this.assertMayStart(`toPageFixed ${vm}`);
    const v = this.liveVm(vm);
    const r = new Relocation(
      this.context,
      this.nextReconfigurationId,
      { kind: 'toPageFixed', vm: v, to },
      (x) => this.reconfigurationEnded(x),
    );
    return this.begin(r);
  }

  /**
   * End `vm`: halt its programs in flight (no interrupt reaches a guest that is gone), release its
   * frames and paging slots and its CPUs. Refused while a reconfiguration runs.
   */
  terminate(vm: string): void {
    this.assertIdle(`terminate ${vm}`);
    const v = this.liveVm(vm);
    this.channels.haltVm(v.id);
    this.frames.releaseAll(v.id);
    this.store.dropVm(v.id);
    this.cpus.remove(v.name);
    v.space = null;
    v.cb.direct = false;
    v.cb.hostSt = null;
    v.terminated = true;
    this.notifyChange();
  }

  /**
   * Resize per configuration `table` (SPEC 6). If another reconfiguration runs, this one is
   * queued and starts when that ends (validated then; if it no longer fits it ends as failed).
   * Otherwise it is validated now: `DoesNotFitError`, `InvalidRequestError`, `VmStateError`,
   * `UnknownVmError` leave the machine unchanged.
   */
  resize(table: ConfigurationTable, trigger: ResizeTrigger = { kind: 'request' }): Resize {
    const queued = this.active !== null && !this.behaviour.interleavedReconfiguration;
    const r = new Resize(
      this.context,
      this.nextReconfigurationId,
      trigger,
      table,
      (x) => this.reconfigurationEnded(x),
      () => this.nextReconfigurationId++,
    );
    if (queued) {
      this.nextReconfigurationId++;
      this.queue.push(r);
      this.notifyChange();
      return r;
    }
    return this.begin(r) as Resize;
  }

  /**
   * Signal a specific event of the scenario: the time-of-day event at `at`, or the failover of
   * `partner`. Starts (or queues) the resize of its configuration table. Each event is handled
   * once. Throws `UnknownEventError`, `InvalidRequestError` (already handled), or what `resize`
   * throws.
   */
  signalEvent(trigger: EventTrigger): Resize {
    const index = this.scenario.events.findIndex((e) =>
      e.trigger.kind === 'timeOfDay'
        ? trigger.kind === 'timeOfDay' && parseTimeOfDay(trigger.at) === parseTimeOfDay(e.trigger.at)
        : trigger.kind === 'failover' && trigger.partner === e.trigger.partner,
    );
    if (index < 0) {
      const known = this.scenario.events.map((e) =>
        e.trigger.kind === 'timeOfDay' ? `time ${e.trigger.at}` : `failover ${e.trigger.partner}`,
      );
      throw new UnknownEventError(
        `no event of this scenario matches ${JSON.stringify(trigger)} (known: ${known.join(', ') || 'none'})`,
        {
          known,
        },
      );
    }
    if (this.firedEvents.has(index))
      throw new InvalidRequestError(`event ${index} has already been handled`, { event: index });
    const r = this.resize(this.scenario.events[index]!.table, trigger);
    this.firedEvents.add(index);
    return r;
  }

  /**
   * Read the clock and signal each time-of-day event whose time was passed since the last poll
   * (or since the machine was created). Returns the resizes started or queued.
   */
  pollClock(): Resize[] {
    const now = this.clock.minutesOfDay();
    const last = this.lastClockMinutes;
    this.lastClockMinutes = now;
    const started: Resize[] = [];
    const span = (now - last + 1440) % 1440;
    this.scenario.events.forEach((event, index) => {
      if (event.trigger.kind !== 'timeOfDay' || this.firedEvents.has(index)) return;
      const distance = (parseTimeOfDay(event.trigger.at) - last + 1440) % 1440;
      if (distance > 0 && distance <= span) started.push(this.signalEvent(event.trigger));
    });
    return started;
  }

  /** Poll the clock every `intervalMs` until the returned function is called (the timer does not keep Node alive). */
  watchClock(intervalMs = 1000): () => void {
    const timer = setInterval(() => this.pollClock(), intervalMs);
    timer.unref();
    return () => clearInterval(timer);
  }

  /** The running reconfiguration, or null. */
  get reconfiguration(): Reconfiguration | null {
    return this.active;
  }

  /**
   * Every reconfiguration running now, oldest first: at most one (SPEC 7.13), but under
   * `fault-interleaved-reconfiguration` a request or event that arrives while one runs starts beside it.
   */
  get runningReconfigurations(): readonly Reconfiguration[] {
    return this.active === null ? [] : [...this.interleaved, this.active];
  }

  /** Reconfigurations waiting their turn, in order. */
  get queuedReconfigurations(): readonly Reconfiguration[] {
    return [...this.queue];
  }

  /** Run the active reconfiguration and every queued one to the end; their results in order. */
  async settle(): Promise<ReconfigurationResult[]> {
    const results: ReconfigurationResult[] = [];
    while (this.active !== null) results.push(await this.active.run());
    return results;
  }

  // ---- CPUs ---------------------------------------------------------------------------------

  /**
   * Dispatch a VM on `cpu`: `vm` if given (it must be assigned that CPU), else the next eligible
   * one in turn. Returns the VM now running there, or null when none may run there.
   */
  dispatch(cpu: number, vm?: string): string | null {
    this.checkCpu(cpu);
    if (vm !== undefined) {
      const v = this.liveVm(vm);
      if (!this.cpus.mayRun(v.name, cpu)) {
        throw new InvalidRequestError(`${v.name} is not assigned CPU ${cpu}`, { vm: v.name, cpu });
      }
      this.cpus.dispatchOn(cpu, v.name);
      this.notifyChange();
      return v.name;
    }
    const running = this.cpus.dispatch(cpu);
    this.notifyChange();
    return running;
  }

  /** Give `vm` a new CPU assignment. Throws `InvalidRequestError` (unchanged) when the result is inconsistent. */
  assignCpus(vm: string, assignment: CpuAssignment): void {
    const v = this.liveVm(vm);
    const all = this.cpus.all();
    all.set(v.name, assignment);
    const problems = assignmentProblems(this.cpus.count, all);
    if (problems.length > 0)
      throw new InvalidRequestError(`CPU assignment refused: ${problems.join('; ')}`, { problems });
    this.cpus.assign(v.name, assignment);
    this.notifyChange();
  }

  // ---- observation --------------------------------------------------------------------------

  /** Everything, as plain data. */
  snapshot(): MachineSnapshot {
    return {
      variant: this.variant,
      pageSize: this.pageSize,
      frameCount: this.frames.frameCount,
      vmmFrames: this.frames.vmmFrames,
      vms: this.vms.map((vm) => vmSnapshot(vm, this.cpus)),
      frames: this.frameOwners(),
      channels: this.snapshotChannels(),
      cpus: this.cpuStatus(),
      reconfiguration: this.active?.snapshot() ?? null,
      queued: this.queue.map((r) => r.snapshot()),
    };
  }

  /** Names of the VMs, in scenario order (terminated ones included). */
  vmNames(): string[] {
    return this.vms.map((vm) => vm.name);
  }

  /** One VM, as plain data (terminated VMs too). */
  vm(name: string): VmSnapshot {
    return vmSnapshot(this.anyVm(name), this.cpus);
  }

  /**
   * What `vm` would read at `address..address+length-1`, without its side effects: no page-in
   * (paged-out pages are read from the paging store), no dispatch check. Observation only; throws
   * `AddressingException` like `read` for storage the guest may not access.
   */
  inspect(vm: string, address: number, length: number): Uint8Array {
    const v = this.anyVm(vm);
    if (v.terminated) throw new UnknownVmError(vm, this.vmNames());
    checkRange(v, address, length, this.limits);
    const out = new Uint8Array(length);
    const ps = this.pageSize;
    for (let at = 0; at < length; ) {
      const guest = address + at;
      const page = Math.floor(guest / ps);
      const n = Math.min(length - at, (page + 1) * ps - guest);
      const frame = v.cb.pageFixed ? v.cb.origin! + page : v.frameOf(page);
      if (frame >= 0)
        out.set(this.storage.bytes.subarray(frame * ps + (guest % ps), frame * ps + (guest % ps) + n), at);
      else {
        const saved = this.store.peek(v.id, page);
        if (saved !== null) out.set(saved.subarray(guest % ps, (guest % ps) + n), at);
      }
      at += n;
    }
    return out;
  }

  /** `vm`'s control block. */
  controlBlock(vm: string): ControlBlockSnapshot {
    return controlBlockSnapshot(this.anyVm(vm));
  }

  /** `vm`'s page table: per guest page, its frame or null. */
  pageTable(vm: string): (number | null)[] {
    return [...this.vm(vm).pageTable];
  }

  /** `vm`'s pin counts per guest page. */
  pins(vm: string): number[] {
    return Array.from(this.anyVm(vm).pins);
  }

  /** Owner of every frame. */
  frameOwners(): FrameSnapshot[] {
    return frameSnapshots(this.frames, (id) => this.vms[id]!.name);
  }

  /** Every channel and its program in flight. */
  channelStatus(): ChannelSnapshot[] {
    return this.snapshotChannels();
  }

  /** Every CPU: assigned VMs, dedication, who runs. */
  cpuStatus(): CpuSnapshot[] {
    return this.cpus.snapshot();
  }

  /** Settles at the next change of the machine (a channel unit, a step, a guest write...). */
  changed(): Promise<void> {
    return new Promise((resolve) => this.waiters.push(resolve));
  }

  // ---- internals ----------------------------------------------------------------------------

  private snapshotChannels(): ChannelSnapshot[] {
    return channelSnapshots(this.channels);
  }

  private notifyChange(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const wake of waiters) wake();
  }

  private anyVm(name: string): VmState {
    const vm = this.byName.get(name);
    if (vm === undefined) throw new UnknownVmError(name, this.vmNames());
    return vm;
  }

  private liveVm(name: string): VmState {
    const vm = this.byName.get(name);
    if (vm === undefined || vm.terminated) {
      throw new UnknownVmError(
        name,
        this.vms.filter((v) => !v.terminated).map((v) => v.name),
      );
    }
    return vm;
  }

  private guestVm(name: string): VmState {
    const vm = this.liveVm(name);
    if (this.requireDispatch && !this.cpus.isDispatched(vm.name)) throw new NotDispatchedError(vm.name);
    return vm;
  }

  private checkCpu(cpu: number): void {
    if (!Number.isInteger(cpu) || cpu < 0 || cpu >= this.cpus.count) {
      throw new InvalidRequestError(`CPU ${cpu} does not exist (${this.cpus.count} CPUs)`, { cpu });
    }
  }

  private checkProgram(vm: VmState, program: ChannelProgram): void {
    if (program.transfers.length === 0)
      throw new InvalidRequestError('a channel program needs at least one transfer', {});
    const offset = program.deviceOffset ?? 0;
    if (!Number.isSafeInteger(offset) || offset < 0) {
      throw new InvalidRequestError(`device offset ${offset} must be a non-negative integer`, {
        deviceOffset: offset,
      });
    }
    program.transfers.forEach((t, i) => {
      if (t.op !== 'write' && t.op !== 'read') {
        throw new InvalidRequestError(`transfer ${i}: op must be 'write' or 'read'`, { transfer: i });
      }
      if (!Number.isSafeInteger(t.length) || t.length <= 0) {
        throw new InvalidRequestError(`transfer ${i}: length ${t.length} must be a positive integer`, {
          transfer: i,
        });
      }
      checkRange(vm, t.address, t.length, this.limits);
      const lastPage = Math.floor((t.address + t.length - 1) / this.pageSize);
      if (vm.vacatingFrom !== null && lastPage >= vm.vacatingFrom) {
        throw new AddressingException(
          vm.name,
          t.address,
          'offline',
          `pages from ${vm.vacatingFrom} are being taken offline`,
        );
      }
    });
  }

  private forEachPage(
    vm: VmState,
    address: number,
    length: number,
    move: (host: number, at: number, n: number) => void,
  ): void {
    const ps = this.pageSize;
    let at = 0;
    while (at < length) {
      const guest = address + at;
      const page = Math.floor(guest / ps);
      const n = Math.min(length - at, (page + 1) * ps - guest);
      const frame = translatePage(vm, page, this.pager);
      move(frame * ps + (guest % ps), at, n);
      at += n;
    }
  }

  private programEnded(run: ProgramRun, completion: IoCompletion): void {
    const vm = run.vm;
    if (run.mode === 'intercepted') unpin(vm, run.pieces);
    else {
      for (const piece of run.pieces) {
        // A page dropped since (a shrink) reads as undefined: nothing to count down.
        if (vm.directTargets[piece.page]! > 0) vm.directTargets[piece.page]!--;
      }
    }
    if (completion.status === 'halted') return;
    for (const listener of this.ioListeners) listener(completion);
  }

  private assertIdle(request: string): void {
    if (this.active !== null) throw new ReconfigurationInProgressError(request, this.active.description);
  }

  /**
   * A relocation or conversion may start only while no reconfiguration runs (SPEC 7.13: refused,
   * `ReconfigurationInProgressError`); under `fault-interleaved-reconfiguration` it starts anyway.
   */
  private assertMayStart(request: string): void {
    if (!this.behaviour.interleavedReconfiguration) this.assertIdle(request);
  }

  private begin(r: Reconfiguration): Reconfiguration {
    r.activate();
    this.nextReconfigurationId++;
    if (this.active !== null) this.interleaved.push(this.active); // only under the fault
    this.active = r;
    this.notifyChange();
    return r;
  }

  private reconfigurationEnded(r: Reconfiguration): void {
    const at = this.interleaved.indexOf(r);
    if (at >= 0) {
      this.interleaved.splice(at, 1);
      this.notifyChange();
      return;
    }
    if (r !== this.active) return;
    this.active = this.interleaved.pop() ?? null;
    if (this.active !== null) {
      this.notifyChange();
      return;
    }
    while (this.queue.length > 0) {
      const next = this.queue.shift()!;
      try {
        next.activate();
        this.active = next;
        break;
      } catch (error) {
        if (!(error instanceof MachineError)) throw error;
        next.abandon(error);
      }
    }
    this.notifyChange();
  }
}

function isTransferList(program: ChannelProgramInput): program is readonly Transfer[] {
  return Array.isArray(program);
}

/** Build a machine from a parsed scenario. Throws `ScenarioError` if the scenario is inconsistent. */
export function createMachine(scenario: Scenario, options: MachineOptions = {}): Machine {
  return new Machine(scenario, options);
}

/** Build a machine from a scenario file (see `scenario/load.ts`). */
export function createMachineFromFile(path: string, options: MachineOptions = {}): Machine {
  return new Machine(loadScenarioFile(path), options);
}
