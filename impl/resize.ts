/**
 * Resizing on an event (SPEC 6, Fig. 7-9, claims 1-5): with a configuration table [9000] giving
 * each VM's size, origin and CPUs after the event, the VMM asks the shrinking VM to go offline
 * (7000-7010), relocates it (7020), grows the other into the freed adjacent frames (7030-7040)
 * and reassigns CPUs (7050). VMs keep running throughout.
 */
import type { CpuAssignment, TableEntry } from '../scenario/schema.ts';
import type { MachineContext } from './context.ts';
import { assignmentProblems } from './cpus.ts';
import { DoesNotFitError, InvalidRequestError, VmStateError } from './errors.ts';
import { FREE, NO_PAGE } from './frames.ts';
import { PriorArtRelocation } from './priorArt.ts';
import { Reconfiguration, type StepOutcome, type StepReport } from './reconfiguration.ts';
import { Relocation } from './relocation.ts';
import type { VmState } from './vm.ts';

/** A configuration table: per VM name, size and CPUs before and after the event. */
export type ConfigurationTable = Readonly<Record<string, TableEntry>>;

/** What set a resize off. */
export type ResizeTrigger =
  | { readonly kind: 'timeOfDay'; readonly at: string }
  | { readonly kind: 'failover'; readonly partner: string }
  | { readonly kind: 'request' };

/** One step of a resize plan. */
export type ResizeTask =
  | { readonly kind: 'askShrink'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'offline'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'relocate'; readonly vm: VmState; readonly to: number }
  | { readonly kind: 'askGrow'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'online'; readonly vm: VmState }
  | { readonly kind: 'reassignCpus' };

/** One resize, from the request to shrink to the CPU reassignment. */
export class Resize extends Reconfiguration {
  readonly kind = 'resize' as const;
  private tasks: ResizeTask[] = [];
  private taskIndex = 0;
  private sub: Reconfiguration | null = null;
  private readonly nextSubId: () => number;

  constructor(
    ctx: MachineContext,
    id: number,
    readonly trigger: ResizeTrigger,
    readonly table: ConfigurationTable,
    onEnd: ((r: Reconfiguration) => void) | null,
    nextSubId: () => number,
  ) {
    super(ctx, id, `resize on ${describeTrigger(trigger)}`, onEnd);
    this.nextSubId = nextSubId;
  }

  get vmName(): null {
    return null;
  }

  protected get phase(): string {
    const task = this.tasks[this.taskIndex];
    // No task: not planned yet (queued); a finished one shows its status instead.
    if (task === undefined) return 'planned';
    return task.kind === 'reassignCpus' ? task.kind : `${task.kind} ${task.vm.name}`;
  }

  /** Validate the table against the machine as it is now and plan the steps; changes nothing. */
  protected prepare(): void {
    this.tasks = planResize(this.ctx, this.table);
  }

  protected advance(maxPages: number): StepOutcome {
    const task = this.tasks[this.taskIndex]!;
    switch (task.kind) {
      case 'askShrink':
        task.vm.vacatingFrom = task.size;
        return this.completeTask(task, {
          action: 'resize.askShrink',
          spec: '7000',
          detail: `${task.vm.size} -> ${task.size} pages`,
        });
      case 'offline':
        return this.offline(task.vm, task.size);
      case 'relocate':
        return this.relocate(task.vm, task.to, maxPages);
      case 'askGrow':
        return this.grow(task.vm, task.size);
      case 'online':
        return this.online(task.vm);
      case 'reassignCpus': {
        const after = new Map<string, CpuAssignment>();
        for (const [name, entry] of Object.entries(this.table)) after.set(name, entry.after.cpus);
        this.ctx.cpus.reassign(after, this.ctx.behaviour.dedicatedCpuShared);
        this.taskIndex++;
        return { status: 'finished', report: { action: 'resize.reassignCpus', spec: '7050', vm: null } };
      }
    }
  }

  private completeTask(task: ResizeTask, report: Omit<StepReport, 'vm'>): StepOutcome {
    this.taskIndex++;
    return { status: 'progress', report: { vm: 'vm' in task ? task.vm.name : null, ...report } };
  }

  /**
   * [7010] The guest takes pages `size..` offline, once no transfer targets them: they no longer
   * hold live data; their frames stay reserved for the VM until its relocation gives them back.
   */
  private offline(vm: VmState, size: number): StepOutcome {
    if (!this.ctx.behaviour.offlineUnderIo) {
      const busy = range(size, vm.onlineSize).filter((p) => vm.targetCount(p) > 0);
      if (busy.length > 0) {
        return {
          status: 'waiting',
          report: {
            action: 'resize.wait',
            spec: '7010',
            vm: vm.name,
            pages: busy,
            detail: 'the guest offlines only storage not under I/O',
          },
        };
      }
    }
    const pages = range(size, vm.onlineSize);
    for (const page of pages) {
      const frame = vm.cb.origin! + page;
      if (this.ctx.frames.owner[frame] === vm.id) this.ctx.frames.reserve(frame);
    }
    vm.onlineSize = size;
    return this.completeTask({ kind: 'offline', vm, size }, { action: 'guest.offline', spec: '7010', pages });
  }

  /**
   * [7020] Relocate `vm` to `to` as in SPEC 5 (or the prior art's way): the first step sets the
   * relocation up, each further step is one of its steps. A VM that shrinks in place is
   * "relocated" onto itself, which gives its offline frames back.
   */
  private relocate(vm: VmState, to: number, maxPages: number): StepOutcome {
    if (this.sub === null) {
      const sub = this.ctx.behaviour.priorArt
        ? new PriorArtRelocation(this.ctx, this.nextSubId(), vm, to, null)
        : new Relocation(this.ctx, this.nextSubId(), { kind: 'relocate', vm, to }, null);
      sub.activate();
      this.sub = sub;
      return {
        status: 'progress',
        report: { action: 'resize.relocate', spec: '7020', vm: vm.name, to, detail: sub.description },
      };
    }
    const sub = this.sub;
    const result = sub.step({ maxPages });
    if (result.status !== 'done') return result;
    this.sub = null;
    if (sub.failure !== null) throw sub.failure;
    this.taskIndex++;
    return {
      status: 'progress',
      // The sub-relocation's last step (it is never stepped again after it ends, so never null).
      report: result.report!,
    };
  }

  /**
   * [7030] The VMM extends the area into the adjacent free frames, zeroed and reserved for the
   * VM; the guest does not use them until it brings them online (7040).
   */
  private grow(vm: VmState, size: number): StepOutcome {
    const { frames, storage } = this.ctx;
    const origin = vm.cb.origin!;
    for (let f = origin + vm.size; f < origin + size; f++) {
      if (!frames.isFree(f)) {
        // Never the VMM's: its frames lie below every guest area.
        const holder = this.ctx.vmById(frames.owner[f]!).name;
        throw new DoesNotFitError(
          `${vm.name} cannot grow to ${size} pages: frame ${f} belongs to ${holder}`,
          {
            vm: vm.name,
            frame: f,
            holder,
          },
        );
      }
    }
    const added = range(vm.size, size);
    for (const page of added) frames.assign(origin + page, vm.id, NO_PAGE);
    storage.zeroFrames(origin + vm.size, size - vm.size);
    vm.setSize(size);
    vm.cb.end = origin + size - 1;
    return this.completeTask(
      { kind: 'askGrow', vm, size },
      { action: 'resize.askGrow', spec: '7030', pages: added },
    );
  }

  /** [7040] The guest brings the new storage online: its frames now hold live (zeroed) pages. */
  private online(vm: VmState): StepOutcome {
    const pages = range(vm.onlineSize, vm.size);
    for (const page of pages) this.ctx.frames.assign(vm.cb.origin! + page, vm.id, page);
    vm.onlineSize = vm.size;
    return this.completeTask({ kind: 'online', vm }, { action: 'guest.online', spec: '7040', pages });
  }
}

/**
 * Check `table` against the machine now and return the steps that carry it out; throws a
 * `MachineError` naming the problem (unknown VM, wrong "before" size, a pageable VM, CPUs that do
 * not add up, areas that cannot be reached one relocation at a time). Changes nothing.
 *
 * Order: each shrinking VM in turn is asked and goes offline (7000-7010); then VMs are relocated,
 * those moving up first (highest origin first), then the rest (lowest origin first), a VM that
 * shrinks in place included; then each growing VM in turn grows and goes online (7030-7040); then
 * CPUs are reassigned.
 */
export function planResize(ctx: MachineContext, table: ConfigurationTable): ResizeTask[] {
  const entries = Object.entries(table).map(([name, entry]) => ({ vm: ctx.liveVm(name), entry }));
  if (entries.length === 0) throw new InvalidRequestError('the configuration table is empty', {});
  for (const { vm, entry } of entries) {
    if (!vm.cb.pageFixed) throw new VmStateError(vm.name, 'resize', 'page-fixed');
    if (vm.onlineSize !== vm.size) throw new VmStateError(vm.name, 'resize', 'fully online');
    if (entry.before.size !== vm.size) {
      throw new InvalidRequestError(
        `the table expects ${vm.name} to have ${entry.before.size} pages before, it has ${vm.size}`,
        { vm: vm.name, expected: entry.before.size, actual: vm.size },
      );
    }
    if (!Number.isInteger(entry.after.size) || entry.after.size < 1) {
      throw new InvalidRequestError(`${vm.name}: the size after must be a positive number of pages`, {
        vm: vm.name,
      });
    }
  }
  const cpus = ctx.cpus.all();
  for (const { vm, entry } of entries) cpus.set(vm.name, entry.after.cpus);
  const problems = assignmentProblems(ctx.cpus.count, cpus);
  if (problems.length > 0) {
    throw new InvalidRequestError(`CPU assignment after the event: ${problems.join('; ')}`, { problems });
  }

  const tasks: ResizeTask[] = [];
  const shrinkers = entries.filter((e) => e.entry.after.size < e.vm.size);
  for (const { vm, entry } of shrinkers)
    tasks.push(
      { kind: 'askShrink', vm, size: entry.after.size },
      { kind: 'offline', vm, size: entry.after.size },
    );

  // Simulate frame ownership to check that the relocations work in this order, one at a time.
  const owner = Int32Array.from(ctx.frames.owner);
  const { vmmFrames, frameCount } = ctx.frames;
  const origin = (e: (typeof entries)[number]) => e.vm.cb.origin!;
  const movers = entries.filter((e) => e.entry.after.origin !== origin(e) || e.entry.after.size < e.vm.size);
  const up = movers.filter((e) => e.entry.after.origin > origin(e)).sort((a, b) => origin(b) - origin(a));
  const rest = movers.filter((e) => e.entry.after.origin <= origin(e)).sort((a, b) => origin(a) - origin(b));
  for (const { vm, entry } of [...up, ...rest]) {
    const pages = Math.min(vm.size, entry.after.size);
    const to = entry.after.origin;
    const area = pages === 1 ? `frame ${to}` : `frames ${to}..${to + pages - 1}`;
    if (to < vmmFrames || to + pages > frameCount) {
      throw new DoesNotFitError(`the table does not fit: ${vm.name} cannot move to ${area}`, {
        vm: vm.name,
        to,
      });
    }
    for (let f = to; f < to + pages; f++) {
      if (owner[f] !== FREE && owner[f] !== vm.id) {
        const holder = ctx.vmById(owner[f]!).name; // not the VMM's: `to` is past its frames
        throw new DoesNotFitError(
          `the table does not fit: ${vm.name} cannot move to ${area}, frame ${f} is still ${holder}'s then`,
          { vm: vm.name, to, frame: f, holder },
        );
      }
    }
    for (let f = 0; f < frameCount; f++) if (owner[f] === vm.id) owner[f] = FREE;
    owner.fill(vm.id, to, to + pages);
    tasks.push({ kind: 'relocate', vm, to });
  }
  const growers = entries.filter((e) => e.entry.after.size > e.vm.size);
  for (const { vm, entry } of growers) {
    const { origin: at, size } = entry.after;
    if (at + size > frameCount) {
      throw new DoesNotFitError(`${vm.name} cannot grow to ${size} pages at frame ${at}: past main storage`, {
        vm: vm.name,
      });
    }
    for (let f = at + vm.size; f < at + size; f++) {
      if (owner[f] !== FREE) {
        throw new DoesNotFitError(
          `${vm.name} cannot grow to ${size} pages at frame ${at}: frame ${f} is not free after the moves`,
          { vm: vm.name, frame: f },
        );
      }
    }
    owner.fill(vm.id, at + vm.size, at + size);
    tasks.push({ kind: 'askGrow', vm, size }, { kind: 'online', vm });
  }
  tasks.push({ kind: 'reassignCpus' });
  return tasks;
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

function describeTrigger(trigger: ResizeTrigger): string {
  if (trigger.kind === 'timeOfDay') return `time of day ${trigger.at}`;
  if (trigger.kind === 'failover') return `failover of ${trigger.partner}`;
  return 'request';
}
