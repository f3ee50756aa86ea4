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
import { FREE, VMM } from './frames.ts';
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
  | { readonly kind: 'requestShrink'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'offline'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'trim'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'relocate'; readonly vm: VmState; readonly to: number }
  | { readonly kind: 'requestGrow'; readonly vm: VmState; readonly size: number }
  | { readonly kind: 'online'; readonly vm: VmState }
  | { readonly kind: 'reassignCpus' };

/** One resize, from the request to shrink to the CPU reassignment. */
export class Resize extends Reconfiguration {
  readonly kind = 'resize' as const;
  private tasks: ResizeTask[] = [];
  private taskIndex = 0;
  private sub: Reconfiguration | null = null;
  private nextSubId: () => number;

  constructor(
    ctx: MachineContext,
    id: number,
    readonly trigger: ResizeTrigger,
    readonly table: ConfigurationTable,
    queued: boolean,
    onEnd: ((r: Reconfiguration) => void) | null,
    nextSubId: () => number,
  ) {
    super(ctx, id, `resize on ${describeTrigger(trigger)}`, queued, onEnd);
    this.nextSubId = nextSubId;
  }

  get vmName(): null {
    return null;
  }

  protected get phase(): string {
    const task = this.tasks[this.taskIndex];
    if (task === undefined) return this.tasks.length === 0 ? 'planned' : 'end';
    return task.kind === 'reassignCpus' ? task.kind : `${task.kind} ${task.vm.name}`;
  }

  /** Validate the table against the machine as it is now and plan the steps; changes nothing. */
  protected prepare(): void {
    this.tasks = planResize(this.ctx, this.table);
  }

  protected advance(maxPages: number): StepOutcome {
    const task = this.tasks[this.taskIndex]!;
    switch (task.kind) {
      case 'requestShrink':
        task.vm.vacatingFrom = task.size;
        return this.completeTask(task, {
          action: 'resize.requestShrink',
          spec: '7000',
          detail: `${task.vm.size} -> ${task.size} pages`,
        });
      case 'offline':
        return this.offline(task.vm, task.size);
      case 'trim':
        return this.trim(task.vm, task.size);
      case 'relocate':
        return this.relocate(task.vm, task.to, maxPages);
      case 'requestGrow':
        return this.grow(task.vm, task.size);
      case 'online': {
        const from = task.vm.onlineSize;
        task.vm.onlineSize = task.vm.size;
        return this.completeTask(task, {
          action: 'resize.online',
          spec: '7040',
          pages: range(from, task.vm.size),
        });
      }
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

  /** [7010] The guest takes pages `size..` offline, once no transfer targets them. */
  private offline(vm: VmState, size: number): StepOutcome {
    if (!this.ctx.behaviour.offlineUnderIo) {
      const busy = range(size, vm.size).filter((p) => vm.targetCount(p) > 0);
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
    vm.onlineSize = size;
    return this.completeTask(
      { kind: 'offline', vm, size },
      { action: 'resize.offline', spec: '7010', pages: range(size, vm.size) },
    );
  }

  /** [7020] A shrunk VM that stays where it is gives its offline frames back. */
  private trim(vm: VmState, size: number): StepOutcome {
    const origin = vm.cb.origin!;
    const released = range(origin + size, origin + vm.size);
    for (const frame of released) this.ctx.frames.release(frame);
    this.ctx.store.dropFrom(vm.id, size);
    vm.setSize(size);
    vm.vacatingFrom = null;
    vm.cb.end = origin + size - 1;
    return this.completeTask(
      { kind: 'trim', vm, size },
      { action: 'resize.trim', spec: '7020', pages: released, detail: 'frames released' },
    );
  }

  /** [7020] Relocate `vm` as in SPEC 5 (or the prior art's way), one of its steps per step. */
  private relocate(vm: VmState, to: number, maxPages: number): StepOutcome {
    if (this.sub === null) {
      const sub = this.ctx.behaviour.priorArt
        ? new PriorArtRelocation(this.ctx, this.nextSubId(), vm, to, true, null)
        : new Relocation(this.ctx, this.nextSubId(), { kind: 'relocate', vm, to }, true, null);
      sub.activate();
      this.sub = sub;
    }
    const sub = this.sub;
    const result = sub.step({ maxPages });
    if (result.status !== 'done') return result;
    this.sub = null;
    if (sub.failure !== null) throw sub.failure;
    this.taskIndex++;
    return {
      status: 'progress',
      report: result.report ?? { action: 'reloc.done', spec: '7020', vm: vm.name },
    };
  }

  /** [7030] The VMM extends the area into the adjacent free frames, zeroed; still offline to the guest. */
  private grow(vm: VmState, size: number): StepOutcome {
    const { frames, storage } = this.ctx;
    const origin = vm.cb.origin!;
    for (let f = origin + vm.size; f < origin + size; f++) {
      if (!frames.isFree(f)) {
        const owner = frames.owner[f]!;
        const holder = owner === VMM ? 'the VMM' : this.ctx.vmById(owner).name;
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
    for (const page of added) frames.assign(origin + page, vm.id, page);
    storage.zeroFrames(origin + vm.size, size - vm.size);
    vm.setSize(size);
    vm.cb.end = origin + size - 1;
    return this.completeTask(
      { kind: 'requestGrow', vm, size },
      { action: 'resize.requestGrow', spec: '7030', pages: added },
    );
  }
}

/**
 * Check `table` against the machine now and return the steps that carry it out; throws a
 * `MachineError` naming the problem (unknown VM, wrong "before" size, a pageable VM, CPUs that do
 * not add up, areas that cannot be reached one relocation at a time). Changes nothing.
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
        {
          vm: vm.name,
          expected: entry.before.size,
          actual: vm.size,
        },
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
  if (problems.length > 0)
    throw new InvalidRequestError(`CPU assignment after the event: ${problems.join('; ')}`, { problems });

  // Simulate frame ownership to find an order of relocations that works, one at a time.
  const owner = Int32Array.from(ctx.frames.owner);
  const { vmmFrames, frameCount } = ctx.frames;
  const shrinkers = entries.filter((e) => e.entry.after.size < e.vm.size);
  const movers = entries.filter((e) => e.entry.after.origin !== e.vm.cb.origin);
  const trims = shrinkers.filter((e) => !movers.includes(e));
  const tasks: ResizeTask[] = [];
  for (const { vm, entry } of shrinkers) tasks.push({ kind: 'requestShrink', vm, size: entry.after.size });
  for (const { vm, entry } of shrinkers) tasks.push({ kind: 'offline', vm, size: entry.after.size });
  for (const { vm, entry } of trims) {
    const origin = vm.cb.origin!;
    owner.fill(FREE, origin + entry.after.size, origin + vm.size);
    tasks.push({ kind: 'trim', vm, size: entry.after.size });
  }
  const left = [...movers];
  while (left.length > 0) {
    const index = left.findIndex(({ vm, entry }) => {
      const pages = Math.min(vm.size, entry.after.size);
      const to = entry.after.origin;
      if (to < vmmFrames || to + pages > frameCount) return false;
      for (let f = to; f < to + pages; f++) if (owner[f] !== FREE && owner[f] !== vm.id) return false;
      return true;
    });
    if (index < 0) {
      const names = left.map((e) => `${e.vm.name} -> frame ${e.entry.after.origin}`).join(', ');
      throw new DoesNotFitError(`the table does not fit: no order of relocations can place ${names}`, {
        vms: left.map((e) => e.vm.name),
      });
    }
    const { vm, entry } = left.splice(index, 1)[0]!;
    const pages = Math.min(vm.size, entry.after.size);
    for (let f = 0; f < frameCount; f++) if (owner[f] === vm.id) owner[f] = FREE;
    owner.fill(vm.id, entry.after.origin, entry.after.origin + pages);
    tasks.push({ kind: 'relocate', vm, to: entry.after.origin });
  }
  const growers = entries.filter((e) => e.entry.after.size > e.vm.size);
  for (const { vm, entry } of growers) {
    const { origin, size } = entry.after;
    if (origin + size > frameCount) {
      throw new DoesNotFitError(
        `${vm.name} cannot grow to ${size} pages at frame ${origin}: past main storage`,
        { vm: vm.name },
      );
    }
    for (let f = origin + vm.size; f < origin + size; f++) {
      if (owner[f] !== FREE) {
        throw new DoesNotFitError(
          `${vm.name} cannot grow to ${size} pages at frame ${origin}: frame ${f} is not free after the moves`,
          {
            vm: vm.name,
            frame: f,
          },
        );
      }
    }
    owner.fill(vm.id, origin + vm.size, origin + size);
    tasks.push({ kind: 'requestGrow', vm, size });
  }
  for (const { vm } of growers) tasks.push({ kind: 'online', vm });
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
