/**
 * The patent's relocation engine (SPEC 5, Fig. 5-6, steps 5000-5160) and the conversions between
 * page-fixed and pageable (claims 8-9, [0030]-[0031]). It runs one small step at a time while the
 * guest keeps running and starting I/O: every step is one flowchart action.
 *
 * Seeded faults change exactly one decision each (see `behaviour.ts`).
 */
import type { MachineContext } from './context.ts';
import { checkDestination, claimDestination, inArea } from './destination.ts';
import { InvalidRequestError, VmStateError } from './errors.ts';
import { NO_PAGE } from './frames.ts';
import { HostSpace } from './pageTables.ts';
import { Reconfiguration, type StepOutcome, type StepReport } from './reconfiguration.ts';
import type { VmState } from './vm.ts';

/** Kinds the engine runs. */
export type RelocationKind = 'relocate' | 'toPageable' | 'toPageFixed';

/** What to do, to whom. */
export interface RelocationRequest {
  readonly kind: RelocationKind;
  readonly vm: VmState;
  /** Destination origin frame (`relocate`, `toPageFixed`). */
  readonly to?: number;
  /** Resident pages to keep (`toPageable`). */
  readonly resident?: number;
}

type Phase =
  | 'clearDirect'
  | 'buildSpace'
  | 'pageOut'
  | 'awaitDirect'
  | 'finishPageable'
  | 'decide'
  | 'move'
  | 'setOrigin'
  | 'setPageFixed'
  | 'setDirect'
  | 'dispatch';

/** Steps 5090-5120 in the patent's order, and in the order of the `fault-direct-before-fixed` variant. */
const FINAL_PHASES: readonly Phase[] = ['setOrigin', 'setPageFixed', 'setDirect'];
const FINAL_PHASES_FAULTY: readonly Phase[] = ['setDirect', 'setOrigin', 'setPageFixed'];

/** Relocation of a page-fixed area, or conversion to/from pageable, under the patent's method. */
export class Relocation extends Reconfiguration {
  readonly kind: RelocationKind;
  readonly vm: VmState;
  /** Destination origin (null for `toPageable`). */
  readonly to: number | null;
  /** Resident pages to keep (`toPageable`), else null. */
  readonly resident: number | null;
  private readonly phases: readonly Phase[];
  private phaseIndex = 0;
  /** Pages that will be placed (the online part of the guest). */
  private pages = 0;
  /** Whether programs started directly before 5000 count as in flight (false under the seeded fault). */
  private readonly trackDirect: boolean;
  /** Pages in the order the move phase tries them. */
  private order: Int32Array | null = null;
  private cursor = 0;

  constructor(
    ctx: MachineContext,
    id: number,
    request: RelocationRequest,
    onEnd: ((r: Reconfiguration) => void) | null,
  ) {
    super(ctx, id, describe(request), onEnd);
    this.kind = request.kind;
    this.vm = request.vm;
    this.to = request.to ?? null;
    this.resident = request.resident ?? null;
    this.trackDirect = !ctx.behaviour.forgetDirectIo;
    const final = ctx.behaviour.directBeforeFixed ? FINAL_PHASES_FAULTY : FINAL_PHASES;
    if (this.kind === 'relocate')
      this.phases = ['clearDirect', 'buildSpace', 'decide', 'move', ...final, 'dispatch'];
    else if (this.kind === 'toPageable')
      this.phases = ['clearDirect', 'buildSpace', 'pageOut', 'awaitDirect', 'finishPageable'];
    else this.phases = ['decide', 'move', ...final, 'dispatch'];
  }

  get vmName(): string {
    return this.vm.name;
  }

  protected get phase(): string {
    // Asked only while running (a finished one shows its status), so a phase is left.
    return this.phases[this.phaseIndex]!;
  }

  protected prepare(): void {
    const { vm } = this;
    // The VM is live (the machine and planResize look it up so) and, if pageable, fully online
    // (only a resize takes storage offline, and it needs page-fixed VMs).
    if (this.kind === 'toPageFixed') {
      if (vm.cb.pageFixed) throw new VmStateError(vm.name, 'toPageFixed', 'pageable');
    } else if (!vm.cb.pageFixed) {
      throw new VmStateError(
        vm.name,
        this.kind,
        this.kind === 'relocate' ? 'page-fixed (use toPageFixed for a pageable VM)' : 'page-fixed',
      );
    }
    this.pages = vm.onlineSize;
    if (this.kind === 'toPageable') {
      const r = this.resident;
      if (r === null || !Number.isInteger(r) || r < 1 || r > this.pages) {
        throw new InvalidRequestError(`toPageable needs 1..${this.pages} resident pages, got ${r}`, {
          vm: vm.name,
          resident: r,
        });
      }
      return;
    }
    checkDestination(this.ctx, vm, this.to!, this.pages);
    claimDestination(this.ctx, vm, this.to!, this.pages);
    if (this.kind === 'toPageFixed') vm.residentLimit = null;
  }

  protected advance(maxPages: number): StepOutcome {
    for (;;) {
      const phase = this.phases[this.phaseIndex]!;
      const outcome = this.runPhase(phase, maxPages);
      if (outcome !== null) return outcome;
      this.phaseIndex++;
    }
  }

  /** One action of `phase`, or null when the phase has nothing (more) to do. */
  private runPhase(phase: Phase, maxPages: number): StepOutcome | null {
    switch (phase) {
      case 'clearDirect':
        return this.clearDirect();
      case 'buildSpace':
        return this.buildSpace();
      case 'pageOut':
        return this.pageOutOne();
      case 'awaitDirect':
        return this.awaitDirect();
      case 'finishPageable':
        return this.finishPageable();
      case 'decide':
        return this.decide();
      case 'move':
        return this.moveOne(maxPages);
      case 'setOrigin':
        return this.setOrigin();
      case 'setPageFixed':
        return this.setPageFixed();
      case 'setDirect':
        return this.setDirect();
      case 'dispatch':
        return this.dispatch();
    }
  }

  private progress(report: Omit<StepReport, 'vm'>): StepOutcome {
    this.phaseIndex += isSingleShot(this.phases[this.phaseIndex]!) ? 1 : 0;
    return { status: 'progress', report: { vm: this.vm.name, ...report } };
  }

  /** [5000] From now on every start-I/O of the guest is intercepted. */
  private clearDirect(): StepOutcome {
    this.vm.cb.direct = false;
    return this.progress({ action: 'reloc.clearDirect', spec: '5000' });
  }

  /**
   * [5010] Host virtual space with page j -> frame origin + j for every online page; the VM
   * becomes pageable. Frames of storage the guest took offline (7010) are given back here (or
   * kept reserved when they lie in the destination); the guest size shrinks at 5090.
   */
  private buildSpace(): StepOutcome {
    const { vm, ctx } = this;
    const origin = vm.cb.origin!;
    const n = this.pages;
    for (let p = n; p < vm.size; p++) {
      const frame = origin + p;
      if (ctx.frames.owner[frame] !== vm.id) continue;
      if (vm.inReservedArea(frame)) ctx.frames.reserve(frame);
      else ctx.frames.release(frame);
    }
    ctx.store.dropFrom(vm.id, n);
    vm.vacatingFrom = null;
    const space = new HostSpace(ctx.tables.allocate(), vm.size, ctx.pagesPerSegment);
    space.mapRun(0, n, origin);
    vm.space = space;
    vm.cb.hostSt = space.stAddress;
    vm.cb.pageFixed = false;
    return this.progress({
      action: 'reloc.buildSpace',
      spec: '5010',
      from: origin,
      detail: `host ST ${space.stAddress}: page j -> frame ${origin}+j`,
    });
  }

  /** True when an in-flight transfer targets `page` (as this variant sees it). */
  private targeted(page: number): boolean {
    return this.vm.pins[page]! > 0 || (this.trackDirect && this.vm.directTargets[page]! > 0);
  }

  /** Programs of this VM in flight that this variant knows about. */
  private knownRuns(): number {
    return this.ctx.channels.runsOf(this.vm.id).filter((r) => r.mode === 'intercepted' || this.trackDirect)
      .length;
  }

  /** [5020-5030] Page out one page beyond the footprint, never one an in-flight transfer targets. */
  private pageOutOne(): StepOutcome | null {
    const { vm } = this;
    const space = vm.space!;
    if (vm.residentCount() <= this.resident!) return null;
    const held: number[] = [];
    for (let p = 0; p < space.pages; p++) {
      if (space.walk(p) < 0) continue;
      const pinned = vm.pins[p]! > 0 && !this.ctx.behaviour.pageOutPinned;
      const direct = this.trackDirect && vm.directTargets[p]! > 0;
      if (pinned || direct) {
        held.push(p);
        continue;
      }
      const frame = this.ctx.pager.pageOut(vm, p);
      return this.progress({ action: 'reloc.pageOut', spec: '5020-5030', page: p, from: frame });
    }
    return this.waiting(
      '5030',
      held,
      'every resident page beyond the footprint is targeted by in-flight I/O',
    );
  }

  /** Conversion to pageable ends only when no program started directly before 5000 still uses origin. */
  private awaitDirect(): StepOutcome | null {
    if (!this.trackDirect) return null;
    const direct = this.ctx.channels.runsOf(this.vm.id).filter((r) => r.mode === 'direct');
    if (direct.length === 0) return null;
    return this.waiting(
      '[0030]',
      [],
      `${direct.length} program(s) started directly before 5000 still use origin/end`,
    );
  }

  /** [0030] The VM stays pageable with its footprint; origin/end no longer apply. */
  private finishPageable(): StepOutcome {
    const { cb } = this.vm;
    cb.origin = null;
    cb.end = null;
    this.vm.residentLimit = this.resident;
    return {
      status: 'finished',
      report: {
        action: 'reloc.finishPageable',
        spec: '[0030]',
        vm: this.vm.name,
        detail: `resident limit ${this.resident}`,
      },
    };
  }

  /** [5035] No known program in flight: [5040] copy every page now. Otherwise [5050] move page by page. */
  private decide(): StepOutcome {
    const inFlight = this.knownRuns();
    if (inFlight > 0) {
      this.phaseIndex++;
      return {
        status: 'progress',
        report: {
          action: 'reloc.startPaging',
          spec: '5035-5050',
          vm: this.vm.name,
          detail: `${inFlight} program(s) in flight: move page by page`,
        },
      };
    }
    this.copyAll();
    this.phaseIndex++;
    return {
      status: 'progress',
      report: { action: 'reloc.copyAll', spec: '5035-5040', vm: this.vm.name, to: this.to! },
    };
  }

  /** [5040] Copy every page to the destination and remap it, in one step. */
  private copyAll(): void {
    const { vm, ctx } = this;
    const to = this.to!;
    const n = this.pages;
    const space = vm.space!;
    const origin = space.walk(0);
    let contiguous = origin >= 0;
    for (let p = 1; contiguous && p < n; p++) contiguous = space.walk(p) === origin + p;
    if (!contiguous) {
      // Nothing is in flight, so every page can move (`moveOne` breaks cycles itself); should a
      // transfer appear anyway, the move phase finishes the job page by page.
      for (;;) {
        const outcome = this.moveOne();
        if (outcome === null || outcome.status === 'waiting') return;
      }
    }
    ctx.storage.copyFrames(origin, to, n);
    for (let p = 0; p < n; p++) {
      const frame = origin + p;
      if (inArea(frame, to, n)) ctx.frames.reserve(frame);
      else ctx.frames.release(frame);
    }
    for (let p = 0; p < n; p++) {
      ctx.frames.assign(to + p, vm.id, p);
      space.map(p, to + p);
    }
  }

  /**
   * Move order: highest page first when moving up, lowest first otherwise, so with overlapping
   * areas each page's destination has usually been vacated by the time its turn comes.
   */
  private buildOrder(): Int32Array {
    const n = this.pages;
    const order = new Int32Array(n);
    const origin = this.vm.cb.origin;
    const descending = origin !== null && this.to! > origin;
    for (let i = 0; i < n; i++) order[i] = descending ? n - 1 - i : i;
    return order;
  }

  /**
   * [5085] Move one page (copy, then switch its entry) that no in-flight transfer targets into its
   * destination frame, provided that frame holds no live page; page a paged-out page straight in.
   * Pages are tried in move order from the last page moved on; once a full pass moves nothing,
   * only the pages still out of place are tried. Null when every page is in place. With
   * `maxPages` > 1, see `placeRun`.
   */
  private moveOne(maxPages = 1): StepOutcome | null {
    const { vm, ctx } = this;
    const to = this.to!;
    const space = vm.space!;
    const order = (this.order ??= this.buildOrder());
    const n = order.length;
    const ignoreTargets = ctx.behaviour.moveTargetedPage;
    const ignoreOccupant = ctx.behaviour.overlapCopy;
    const blockedByIo: number[] = [];
    const left: number[] = [];
    let blockedByOccupant = -1;
    for (let k = 0; k < n; k++) {
      const index = (this.cursor + k) % n;
      const page = order[index]!;
      const dest = to + page;
      const current = space.walk(page);
      if (current === dest) continue;
      left.push(page);
      if (!ignoreTargets && this.targeted(page)) {
        blockedByIo.push(page);
        continue;
      }
      if (!ignoreOccupant && ctx.frames.page[dest] !== NO_PAGE) {
        if (blockedByOccupant < 0) blockedByOccupant = page;
        continue;
      }
      this.cursor = index;
      if (maxPages > 1 && current >= 0 && !ignoreTargets && !ignoreOccupant) {
        return this.placeRun(index, current, maxPages);
      }
      return this.place(page, current, dest);
    }
    // A full scan moved nothing: from now on scan only the pages still left, in the same order.
    this.order = Int32Array.from(left);
    this.cursor = 0;
    if (left.length === 0) {
      // Every page in the list is in place; check them all once more (a page-in may have stolen one).
      if (n === this.pages) return null;
      this.order = null;
      return this.moveOne(maxPages);
    }
    if (blockedByIo.length > 0) {
      return this.waiting(
        '5085',
        blockedByIo.sort((a, b) => a - b),
        'pages targeted by in-flight transfers move after those end',
      );
    }
    return this.breakCycle(blockedByOccupant);
  }

  /** Put `page` (now in `current`, or paged out when negative) into `dest`. */
  private place(page: number, current: number, dest: number): StepOutcome {
    const { vm, ctx } = this;
    if (current < 0) {
      ctx.pager.pageIn(vm, page, dest);
      return {
        status: 'progress',
        report: { action: 'reloc.pageInToDest', spec: '[0031]', vm: vm.name, page, to: dest },
      };
    }
    ctx.storage.copyFrames(current, dest, 1);
    vm.space!.map(page, dest);
    ctx.frames.assign(dest, vm.id, page);
    ctx.pager.releaseFrame(vm, current, page);
    return {
      status: 'progress',
      report: { action: 'reloc.movePage', spec: '5085', vm: vm.name, page, from: current, to: dest },
    };
  }

  /**
   * Fast path of `place`: starting with the page at `order[index]` (in frame `current`), take the
   * following pages in move order while each is resident right after the previous one's source,
   * is not targeted, and its destination frame holds no live page other than one of the run;
   * move them all with one copy. Same end state as one `place` per page in that order (the
   * copy has memmove semantics, and each page's destination was free or vacated by the run).
   */
  private placeRun(index: number, current: number, maxPages: number): StepOutcome {
    const { vm, ctx } = this;
    const to = this.to!;
    const order = this.order!;
    const space = vm.space!;
    const first = order[index]!;
    const next = index + 1 < order.length ? order[index + 1]! - first : 0;
    const step = next === 1 || next === -1 ? next : 0;
    let count = 1;
    while (count < maxPages && index + count < order.length && step !== 0) {
      const page = first + step * count;
      if (order[index + count] !== page) break;
      const source = space.walk(page);
      if (source !== current + step * count || source === to + page || this.targeted(page)) break;
      const occupant = ctx.frames.page[to + page]!;
      if (
        occupant !== NO_PAGE &&
        !(ctx.frames.owner[to + page] === vm.id && isBetween(occupant, first, page - step))
      )
        break;
      count++;
    }
    if (count === 1) return this.place(first, current, to + first);
    const last = first + step * (count - 1);
    const low = Math.min(first, last);
    const lowSource = step > 0 ? current : current - (count - 1);
    ctx.storage.copyFrames(lowSource, to + low, count);
    for (let page = low; page < low + count; page++)
      ctx.pager.releaseFrame(vm, lowSource + (page - low), page);
    for (let page = low; page < low + count; page++) {
      space.map(page, to + page);
      ctx.frames.assign(to + page, vm.id, page);
    }
    return {
      status: 'progress',
      report: {
        action: 'reloc.movePage',
        spec: '5085',
        vm: vm.name,
        page: low,
        from: lowSource,
        to: to + low,
        pages: range(low, low + count),
      },
    };
  }

  /**
   * Every page left waits for a destination frame that another page of the VM holds, and no I/O
   * is involved: a cycle (only possible when converting a pageable VM). Move the occupant out of
   * the way into a free frame, or page it out when there is none.
   */
  private breakCycle(page: number): StepOutcome {
    const { vm, ctx } = this;
    const dest = this.to! + page;
    const occupant = ctx.frames.page[dest]!;
    const free = ctx.frames.findFree();
    if (free < 0) {
      ctx.pager.pageOut(vm, occupant);
      return {
        status: 'progress',
        report: {
          action: 'reloc.pageOut',
          spec: '5085',
          vm: vm.name,
          page: occupant,
          from: dest,
          detail: 'out of the way of page ' + page,
        },
      };
    }
    ctx.storage.copyFrames(dest, free, 1);
    vm.space!.map(occupant, free);
    ctx.frames.assign(free, vm.id, occupant);
    ctx.pager.releaseFrame(vm, dest, occupant);
    return {
      status: 'progress',
      report: {
        action: 'reloc.movePage',
        spec: '5085',
        vm: vm.name,
        page: occupant,
        from: dest,
        to: free,
        detail: 'out of the way of page ' + page,
      },
    };
  }

  /** [5090-5100] Every page is in the destination: set origin and end (and the new guest size). */
  private setOrigin(): StepOutcome {
    const { vm } = this;
    const { cb } = vm;
    const from = cb.origin;
    const n = this.pages;
    cb.origin = this.to!;
    cb.end = this.to! + n - 1;
    if (vm.size !== n) {
      const old = vm.space;
      if (old !== null) {
        const space = new HostSpace(old.stAddress, n, old.pagesPerSegment);
        for (let p = 0; p < n; p++) if (old.walk(p) >= 0) space.map(p, old.walk(p));
        vm.space = space;
      }
      vm.setSize(n);
    }
    return this.progress({
      action: 'reloc.setOrigin',
      spec: '5090-5100',
      ...(from === null ? {} : { from }),
      to: this.to!,
    });
  }

  /** [5110] Page-fixed again; the host tables are no longer used. */
  private setPageFixed(): StepOutcome {
    const { vm } = this;
    vm.cb.pageFixed = true;
    vm.cb.hostSt = null;
    vm.space = null;
    return this.progress({ action: 'reloc.setPageFixed', spec: '5110' });
  }

  /**
   * [5120] The guest's start-I/Os run directly again: bit 431 gets its configured value (a VM
   * configured for simulated I/O keeps it simulated).
   */
  private setDirect(): StepOutcome {
    this.vm.cb.direct = this.vm.configuredDirect;
    return this.progress({
      action: 'reloc.setDirect',
      spec: '5120',
      detail: `bit 431 = ${this.vm.configuredDirect ? 1 : 0}`,
    });
  }

  /** [5130-5160] Dispatch the VM. */
  private dispatch(): StepOutcome {
    this.vm.reservedOrigin = null;
    this.vm.reservedPages = 0;
    const cpu = this.ctx.cpus.dispatchVm(this.vm.name);
    return {
      status: 'finished',
      report: {
        action: 'reloc.dispatch',
        spec: '5130-5160',
        vm: this.vm.name,
        detail: cpu === null ? 'no CPU' : `CPU ${cpu}`,
      },
    };
  }

  private waiting(spec: string, pages: readonly number[], detail: string): StepOutcome {
    return { status: 'waiting', report: { action: 'reloc.wait', spec, vm: this.vm.name, pages, detail } };
  }
}

/** True when `x` lies between `a` and `b`, inclusive, in either order. */
function isBetween(x: number, a: number, b: number): boolean {
  return x >= Math.min(a, b) && x <= Math.max(a, b);
}

function range(from: number, to: number): number[] {
  const out: number[] = [];
  for (let i = from; i < to; i++) out.push(i);
  return out;
}

/** Phases that do exactly one action and then are over. */
function isSingleShot(phase: Phase): boolean {
  return phase !== 'pageOut' && phase !== 'move' && phase !== 'awaitDirect';
}

function describe(request: RelocationRequest): string {
  const name = request.vm.name;
  if (request.kind === 'relocate') return `relocate ${name} to frame ${request.to}`;
  if (request.kind === 'toPageFixed') return `make ${name} page-fixed at frame ${request.to}`;
  return `make ${name} pageable with ${request.resident} resident page(s)`;
}
