/**
 * The machine: every action of the model once, with its patent step, parameters, summary, the
 * layout fields its effect reads and writes, its guard and its effect, side by side. This is the
 * one definition of the model's behaviour; everything else derives from it:
 *
 * - the enabled actions of a state are each kind's guard in `ACTION_KINDS` order (lean/enabled.ts),
 *   so action indices, traces and BFS order are the same wherever the table is read;
 * - the next state is the action's effect on a copy of the state (lean/step.ts);
 * - the JSON view used by traces, ITF, reports, `replay` and tests decodes the packed state
 *   (lean/codec.ts, properties/checkModel.ts);
 * - `reads`/`writes` (the effect's) and `guardReads` (the guard's) are checked against the effect
 *   and the guard on every reachable state of every shipped scenario under every variant
 *   (footprint.test.ts), for the partial-order reduction that relies on them (lean/partialOrder.ts).
 *
 * States are one `Int32Array` (lean/layout.ts). A guard pushes the codes (lean/actionTable.ts) of
 * its kind enabled in `s`, in parameter order; an effect mutates `n`, a copy of `s`, reading the
 * state before the step from `s` where the order of writes matters. Variant behaviour comes from
 * `behaviourOf(variant)` through the kit (`k.priorArt`, `k.fault*`), never from the variant's name.
 */
import type { Action, ActionKind } from './actions.ts';
import type { VmmContext } from './context.ts';
import type { LayoutField } from './lean/layout.ts';
import * as K from './lean/layout.ts';
import * as P from './lean/procedures.ts';
import type { LeanKit } from './lean/queries.ts';
import * as Q from './lean/queries.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  G_ARRIVED,
  G_SV_VM,
  E_PENDING,
  E_REFUSED,
  E_RUNNING,
  E_WAITING,
  G_NEXT_REQUEST,
  G_RC,
  G_RL,
  G_RL_DEST,
  G_RL_PURPOSE,
  G_RL_RESIDENT,
  G_RL_SIZE,
  G_RL_STEP,
  G_RL_VM,
  G_RS_ASKED,
  G_RS_CURSOR,
  G_RS_EVENT,
  G_RS_STEP,
  G_SETTLED,
  G_SUSPENDED,
  G_TR_FROM,
  G_TR_PAGE,
  IO_BEFORE,
  IO_DONE,
  IO_FRAMES,
  IO_HAS_FRAMES,
  IO_MODE,
  IO_STATUS,
  I_OVERWROTE_LIVE,
  M_DIRECT,
  M_HOST,
  M_NONE,
  PR_COPY,
  PR_RESUME,
  PR_SUSPEND,
  P_RELOCATE,
  P_RESIZE,
  P_TO_PAGEABLE,
  P_TO_PAGE_FIXED,
  RC_NONE,
  RC_PRIOR,
  RC_RELOCATION,
  RC_RESIZE,
  RL_NONE,
  RL_PATENT,
  RL_PRIOR,
  RS_GROW,
  RS_REASSIGN,
  RS_RELOCATE,
  RS_SHRINK,
  ST_BUILD_SPACE,
  ST_CHECK_INFLIGHT,
  ST_CLEAR_DIRECT,
  ST_DISPATCH,
  ST_MOVE_PAGES,
  ST_PAGE_OUT,
  ST_SET_DIRECT,
  ST_SET_ORIGIN,
  ST_SET_PAGE_FIXED,
  S_DONE,
  S_FAILED,
  S_IDLE,
  S_REFUSED,
  S_REQUESTED,
  S_RUNNING,
  S_TRANSLATED,
  VM_ALIVE,
  VM_CPUS,
  VM_DIRECT,
  VM_END,
  VM_FIXED,
  VM_HAS_ST,
  VM_INTERRUPTS,
  VM_LIMIT,
  VM_ONLINE,
  VM_ORIGIN,
  VM_SHRINK,
  VM_SIZE,
  dataCode,
  ioBase,
  vmBase,
} = K;
const {
  computeHolders,
  computeTargets,
  ensureTargets,
  frameOf,
  hasIoInFlight,
  hasIoStarted,
  isDispatched,
  isFreeFrame,
  lowestFreeFrame,
  nextToGrow,
  nextToRelocate,
  nextToShrink,
  pageFaultDemanded,
  pteOf,
  residentPages,
  tableFits,
  targetCount,
} = Q;
const {
  advanceResize,
  afterFinishing,
  channelTransfer,
  clearHostFrames,
  cpuAccess,
  endProgram,
  finishRelocation,
  frameStillHeld,
  holdRelocation,
  incident,
  newRelocation,
  noteMovedTargets,
  patentRelocation,
  priorCopy,
  reassignCpus,
  resizePages,
} = P;

/** The action of kind `Kind`, with its parameters. */
export type ActionOf<Kind extends ActionKind> = Extract<Action, { readonly kind: Kind }>;

/** What the table says of one action kind. */
export interface ActionSpec<Kind extends ActionKind = ActionKind> {
  /** The patent's flowchart step (Fig. 5, Fig. 8) or paragraph, or the actor for guest/channel/CPU steps. */
  readonly step: string;
  /**
   * Names of the action's parameters, fields of its `Action` type: the order in which its codes are
   * numbered (row-major) and `arg`, `arg2`, `arg3` hold them (lean/actionTable.ts).
   */
  readonly params: readonly Exclude<keyof ActionOf<Kind>, 'kind'>[];
  /** What the action does, in one line. */
  readonly summary: string;
  /** One line saying what this action does in a trace, with names from the scenario. */
  describe(ctx: VmmContext, action: ActionOf<Kind>): string;
  /** Layout fields the effect may read (of the state before the step). */
  readonly reads: readonly LayoutField[];
  /** Layout fields the effect may change. */
  readonly writes: readonly LayoutField[];
  /**
   * Layout fields the guard may read: whether an action of this kind is enabled, and with which
   * parameters, depends on nothing else (footprint.test.ts checks it). Kept apart from `reads` (the
   * effect's) because the partial-order reduction uses them apart: an action that writes a field a
   * guard reads can enable or disable it (model/vmm/lean/partialOrder.ts).
   */
  readonly guardReads: readonly LayoutField[];
  /**
   * The guard: push the codes of this kind enabled in `s`, in parameter order. `first` is the code
   * of the kind's first action; the action with parameters `(p1, ..., pn)` (in `params` order, each
   * over its domain, see lean/actionTable.ts) is `first` plus their row-major index.
   */
  readonly enabled: (k: LeanKit, s: Int32Array, out: number[], first: number) => void;
  /** The effect of action `code` (of this kind): mutate `n`, a copy of `s`. */
  readonly effect: (k: LeanKit, s: Int32Array, n: Int32Array, code: number) => void;
}

/** True when a patent relocation is at step `step` (`RELOCATION_STEPS`). */
const atStep = (s: Int32Array, step: number): boolean => s[G_RL] === RL_PATENT && s[G_RL_STEP] === step;

/** Moving pages (5085) with no page in transit: the state where copies and page-ins may start. */
const moving = (s: Int32Array): boolean => atStep(s, ST_MOVE_PAGES) && s[G_TR_PAGE]! < 0;

/** The pages still to move and the destination check of 5085, shared by `reloc.copyPage` and `reloc.pageInToDest`. */
function destinationReady(k: LeanKit, v: number, to: number): boolean {
  return k.faultOverlapCopy ? to >= k.vmmFrames && (k.L.hMask[to]! & ~(1 << v)) === 0 : isFreeFrame(k, to);
}

/**
 * True when the next request `next` relocates a VM (or makes it page-fixed) into frames another
 * live VM holds a page in: a page-in since the scenario began may have taken one. The VMM refuses
 * such a request (`request.refuse`), as the implementation does (`DoesNotFitError`); frames of the
 * VM itself may lie there (overlap).
 */
function destinationTaken(k: LeanKit, s: Int32Array, next: number): boolean {
  const req = k.ctx.requests[next]!;
  if (req.kind !== 'relocate' && req.kind !== 'toPageFixed') return false;
  const size = s[vmBase(k.L, req.vm) + VM_SIZE]!;
  computeHolders(k, s);
  const others = ~(1 << req.vm);
  for (let f = req.to; f < req.to + size; f++) {
    if (f >= k.frameCount || (k.L.hMask[f]! & others) !== 0) return true;
  }
  return false;
}

/**
 * At 5085 with nothing in transit: the page whose destination frame another page of the VM holds,
 * when every page left to move waits for such a frame (a cycle, possible when converting a
 * pageable VM whose pages sit in its destination in another order) and no in-flight transfer
 * targets any of them; -1 otherwise. Lowest such page first.
 */
function cycleBlocked(k: LeanKit, s: Int32Array): number {
  const L = k.L;
  const v = s[G_RL_VM]!;
  const b = vmBase(L, v);
  const dest = s[G_RL_DEST]!;
  const limit = Math.min(s[b + VM_ONLINE]!, s[G_RL_SIZE]!);
  computeHolders(k, s);
  if (!k.faultMoveTargeted) computeTargets(k, s, v, true, !k.faultForgetDirect);
  let blocked = -1;
  for (let page = 0; page < limit; page++) {
    const from = pteOf(L, s, b, page);
    if (from === dest + page) continue;
    if (from < 0 && s[b + L.paging + page] === 0) continue;
    if (!k.faultMoveTargeted && L.targets[page]! > 0) return -1; // it moves once the transfer ends
    if (destinationReady(k, v, dest + page)) return -1; // it can move now
    if (blocked < 0 && L.hMask[dest + page] === 1 << v) blocked = page;
  }
  return blocked;
}

/**
 * Begin request `next` (a relocation or conversion): its relocation becomes the current one. The
 * VMM is idle, or (only under `fault-interleaved-reconfiguration`) another reconfiguration runs: a
 * resize stays the reconfiguration kind, and a relocation under way is held (`holdRelocation`)
 * until this one ends.
 */
function beginRequest(k: LeanKit, s: Int32Array, n: Int32Array, next: number): void {
  const req = k.ctx.requests[next]!;
  const b = vmBase(k.L, req.vm);
  const size = s[b + VM_SIZE]!;
  if (s[G_RL] !== RL_NONE) holdRelocation(n);
  n[G_NEXT_REQUEST]!++;
  n[G_ARRIVED] = 0;
  n[G_SETTLED] = -1;
  const resize = s[G_RC] === RC_RESIZE;
  if (req.kind === 'relocate') {
    if (!resize) n[G_RC] = k.priorArt ? RC_PRIOR : RC_RELOCATION;
    newRelocation(k, n, P_RELOCATE, req.vm, req.to, size);
  } else if (req.kind === 'toPageable') {
    if (!resize) n[G_RC] = RC_RELOCATION;
    patentRelocation(n, P_TO_PAGEABLE, req.vm, -1, req.resident, size);
  } else if (req.kind === 'toPageFixed') {
    if (!resize) n[G_RC] = RC_RELOCATION;
    patentRelocation(n, P_TO_PAGE_FIXED, req.vm, req.to, -1, size);
    n[b + VM_LIMIT] = -1; // [0031] the VM pages in to its destination, its footprint gone
    if (s[b + VM_FIXED] === 0) n[G_RL_STEP] = ST_MOVE_PAGES; // already pageable: straight to the moves
  }
}

/**
 * Under `fault-interleaved-reconfiguration`: request `next`, arriving while another
 * reconfiguration runs, starts at once instead of waiting. So it does when it is a relocation or
 * conversion the VMM would begin if idle (its destination free of other VMs' pages, the VM in the
 * mode the request needs) and the state can hold it (no second relocation held already, no page
 * in transit).
 */
function startsAtOnce(k: LeanKit, s: Int32Array, next: number): boolean {
  if (!k.faultInterleaved || k.requestTerminates[next] === 1) return false;
  if (s[G_SV_VM]! >= 0 || s[G_TR_PAGE]! >= 0) return false;
  const req = k.ctx.requests[next]!;
  const fixed = s[vmBase(k.L, req.vm) + VM_FIXED] === 1;
  if (fixed === (req.kind === 'toPageFixed')) return false;
  return !destinationTaken(k, s, next);
}

/** Every page of the relocating VM below the moving limit is at its destination frame. */
function allAtDest(k: LeanKit, s: Int32Array): boolean {
  const L = k.L;
  const b = vmBase(L, s[G_RL_VM]!);
  const dest = s[G_RL_DEST]!;
  const limit = Math.min(s[b + VM_ONLINE]!, s[G_RL_SIZE]!);
  for (let page = 0; page < limit; page++) if (pteOf(L, s, b, page) !== dest + page) return false;
  return true;
}

/** True when I/O entry `i` names a page its VM does not have online (offline, or past its size and `end`). */
function outsideOnline(k: LeanKit, s: Int32Array, i: number): boolean {
  const online = s[vmBase(k.L, k.ioVm[i]!) + VM_ONLINE]!;
  const MT = k.L.maxTransfers;
  for (let x = 0; x < k.ioLength[i]!; x++) if (k.ioPage[i * MT + x]! >= online) return true;
  return false;
}

/** A finishing step 5090-5120 is enabled at its own step, or as the first of the variant's order once every page moved. */
const finishing = (k: LeanKit, s: Int32Array, step: number): boolean =>
  atStep(s, step) || (moving(s) && k.finishing[0] === step && allAtDest(k, s));

/** Fields read by `isDispatched` (none without dispatch; `running` with it). */
const DISPATCHED: readonly LayoutField[] = ['running'];
/** Fields read by `frameOf` / `pteOf`. */
const FRAME_OF: readonly LayoutField[] = [
  'vm.alive',
  'vm.size',
  'vm.fixed',
  'vm.online',
  'vm.origin',
  'vm.hasSt',
  'vm.pte',
];
/** Fields read by `computeHolders` (and so `isFreeFrame`, `lowestFreeFrame` but its `rlSize`). */
const HOLDERS: readonly LayoutField[] = [...FRAME_OF, 'rl', 'rlVm', 'rlDest', 'trPage', 'trFrom'];
/** Fields read by `tableFits`. */
const TABLE_FITS: readonly LayoutField[] = ['vm.alive', 'vm.fixed', 'vm.online', 'vm.origin', 'vm.size'];

/** Whether a pending event may have its turn now: nothing else runs (7.13; under the fault, beside a relocation). */
const mayBeginResize = (k: LeanKit, s: Int32Array): boolean => {
  const rc = s[G_RC];
  return rc === RC_NONE || (k.faultInterleaved && rc === RC_RELOCATION);
};
/** Fields read by `computeTargets`. */
const TARGETS: readonly LayoutField[] = ['io.status', 'io.mode', 'vm.size'];
/** The held relocation's fields (`sv*`), read by `finishRelocation` when it resumes one. */
const HELD: readonly LayoutField[] = ['svPurpose', 'svVm', 'svDest', 'svResident', 'svSize', 'svStep'];
/** Fields read by `atStep`. */
const AT_STEP: readonly LayoutField[] = ['rl', 'rlStep'];
/** Fields read by `finishing` (`atStep`, `moving`, `allAtDest`). */
const FINISHING: readonly LayoutField[] = [...AT_STEP, ...FRAME_OF, 'trPage', 'rlVm', 'rlDest', 'rlSize'];

/** True when some live VM is pageable (has a host segment table): only then can a page fault happen. */
function anyPageable(k: LeanKit, s: Int32Array): boolean {
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(k.L, v);
    if (s[b + VM_ALIVE] === 1 && s[b + VM_FIXED] === 0 && s[b + VM_HAS_ST] === 1) return true;
  }
  return false;
}

/**
 * The victim rule of a page fault that steals (`vmm.stealPage`): `victim` of VM `v` (block `b`)
 * may be paged out for `page` when it is resident, not `page`, not pinned, and no in-flight
 * transfer targets it (after `ensureTargets`).
 */
function isVictim(k: LeanKit, s: Int32Array, v: number, b: number, page: number, victim: number): boolean {
  const L = k.L;
  if (victim === page || pteOf(L, s, b, victim) < 0 || s[b + L.pins + victim]! > 0) return false;
  return targetCount(L, v, victim, true, true) === 0;
}
/** Fields read by `isVictim` (beside `ensureTargets`' `TARGETS`). */
const VICTIM: readonly LayoutField[] = ['vm.hasSt', 'vm.size', 'vm.pte', 'vm.pins'];

/**
 * A page fault of VM `v` (block `b`) for `page` steals one of its own frames: no frame is free, or
 * the VM is at the resident limit its conversion to pageable left ([0030]) and has a victim (with
 * none, it takes a free frame beyond its limit). With `free` whether some frame is free.
 */
function faultSteals(k: LeanKit, s: Int32Array, v: number, b: number, page: number, free: boolean): boolean {
  if (free) {
    const limit = s[b + VM_LIMIT]!;
    if (limit < 0 || residentPages(k.L, s, b) < limit) return false;
  }
  ensureTargets(k, s);
  const online = s[b + VM_ONLINE]!;
  for (let victim = 0; victim < online; victim++) if (isVictim(k, s, v, b, page, victim)) return true;
  return false;
}
/** Fields read by `faultSteals`. */
const FAULT_STEALS: readonly LayoutField[] = [...VICTIM, ...TARGETS, 'vm.limit', 'vm.online'];

/** A VM's name in the scenario, for descriptions. */
const vmName = (ctx: VmmContext, vm: number): string => ctx.vmNames[vm] ?? `VM#${vm}`;

/** The table of actions, in `ACTION_KINDS` order (the order in which their guards list them). */
export const ACTION_TABLE: { readonly [Kind in ActionKind]: ActionSpec<Kind> } = {
  'guest.startIo': {
    step: 'start-I/O: direct, or intercepted (5050); addressing exception [4320]',
    params: ['io'],
    summary:
      'A guest starts one of its I/O entries: refused with an addressing exception if it names storage offline or past end, else on its channel at once if the VM runs direct, else the VMM intercepts it.',
    describe: (ctx, a) => {
      const io = ctx.io[a.io]!;
      const pages = io.transfers.map((t) => `${t.op} p${t.page}`).join(', ');
      return `guest.startIo io${a.io}: ${vmName(ctx, io.vm)} starts I/O on channel ${io.channel} (${pages})`;
    },
    reads: ['vm.direct', 'vm.online', 'vm.interrupts'],
    writes: ['channels', 'io.status', 'io.mode', 'vm.interrupts'],
    guardReads: [...DISPATCHED, 'io.status', 'vm.alive', 'vm.online', 'vm.direct', 'channels'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let i = 0; i < k.ioCount; i++) {
        if (s[ioBase(L, i) + IO_STATUS] !== S_IDLE) continue;
        const v = k.ioVm[i]!;
        const b = vmBase(L, v);
        if (s[b + VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
        // A start into storage offline or past end is attempted too, and refused (SPEC 3, 7.6).
        if (!outsideOnline(k, s, i) && s[b + VM_DIRECT] === 1 && s[L.channels + k.ioChannel[i]!]! >= 0)
          continue;
        out.push(first + i);
      }
    },
    effect(k, s, n, code) {
      const L = k.L;
      const io = k.T.arg[code]!;
      const ib = ioBase(L, io);
      if (outsideOnline(k, s, io)) {
        n[ib + IO_STATUS] = S_REFUSED;
        n[vmBase(L, k.ioVm[io]!) + VM_INTERRUPTS]!++;
      } else if (n[vmBase(L, k.ioVm[io]!) + VM_DIRECT] === 1) {
        n[ib + IO_STATUS] = S_RUNNING;
        n[ib + IO_MODE] = M_DIRECT;
        n[L.channels + k.ioChannel[io]!] = io;
      } else {
        n[ib + IO_STATUS] = S_REQUESTED;
      }
    },
  },
  'guest.cpuAccess': {
    step: 'CPU access',
    params: ['access'],
    summary: 'A guest CPU reads or writes a page, through the limit check or the page table.',
    describe: (ctx, a) => {
      const x = ctx.access[a.access]!;
      return `guest.cpuAccess: ${vmName(ctx, x.vm)} CPU ${x.op}s page ${x.page}`;
    },
    reads: [
      'incidents',
      'frames',
      'vm.fixed',
      'vm.origin',
      'vm.end',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.interrupts',
      'vm.pte',
      'vm.expected',
    ],
    writes: ['incidents', 'frames', 'vm.interrupts', 'vm.expected', 'access'],
    guardReads: [...FRAME_OF, ...DISPATCHED, 'access'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let i = 0; i < k.accessVm.length; i++) {
        if (s[L.access + i] === 1) continue;
        const v = k.accessVm[i]!;
        const b = vmBase(L, v);
        if (s[b + VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
        const page = k.accessPage[i]!;
        // A pageable VM's access to a paged-out page waits for the page-in (a page fault).
        if (s[b + VM_FIXED] === 0 && page < s[b + VM_ONLINE]! && frameOf(L, s, b, page) < 0) continue;
        out.push(first + i);
      }
    },
    effect(k, _s, n, code) {
      cpuAccess(k, n, k.T.arg[code]!);
    },
  },
  'guest.offline': {
    step: '7010',
    params: ['vm'],
    summary: 'The guest takes the pages it was asked to give up offline.',
    describe: (ctx, a) => `guest.offline: ${vmName(ctx, a.vm)} takes its high storage offline (7010)`,
    reads: [
      'rsEvent',
      'rsStep',
      'rl',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.shrink',
    ],
    writes: ['rsStep', 'rsAsked', 'frames', 'vm.online', 'vm.shrink', 'vm.pte', 'vm.paging'],
    guardReads: [...DISPATCHED, ...TARGETS, 'vm.shrink'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let v = 0; v < k.vmCount; v++) {
        const shrink = s[vmBase(L, v) + VM_SHRINK]!;
        if (shrink < 0 || !isDispatched(k, s, v)) continue;
        if (!k.faultOfflineUnderIo) {
          // Wait for the transfers into the storage going offline.
          const n = computeTargets(k, s, v, true, true);
          let busy = false;
          for (let page = shrink; page < n; page++) if (L.targets[page]! > 0) busy = true;
          if (busy) continue;
        }
        out.push(first + v);
      }
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const b = vmBase(L, k.T.arg[code]!);
      const keep = n[b + VM_SHRINK]!;
      const online = n[b + VM_ONLINE]!;
      const hasSt = n[b + VM_HAS_ST] === 1;
      for (let page = keep; page < online; page++) {
        const f = frameOf(L, n, b, page);
        if (f >= 0) n[L.frames + f] = 0;
        if (hasSt) n[b + L.pte + page] = -1;
        n[b + L.paging + page] = 0;
      }
      n[b + VM_ONLINE] = keep;
      n[b + VM_SHRINK] = -1;
      n[G_RS_ASKED] = 0;
      advanceResize(k, n);
    },
  },
  'guest.online': {
    step: '7040',
    params: ['vm'],
    summary: 'The guest puts its grown storage online.',
    describe: (ctx, a) => `guest.online: ${vmName(ctx, a.vm)} brings its new storage online (7040)`,
    reads: ['rsEvent', 'rsStep', 'vm.alive', 'vm.size'],
    writes: ['rsStep', 'rsAsked', 'vm.online'],
    guardReads: [...DISPATCHED, 'rc', 'rsStep', 'rsAsked', 'rsCursor'],
    enabled(k, s, out, first) {
      if (s[G_RC] !== RC_RESIZE || s[G_RS_STEP] !== RS_GROW || s[G_RS_ASKED] !== 1) return;
      const cursor = s[G_RS_CURSOR]!;
      if (isDispatched(k, s, cursor)) out.push(first + cursor);
    },
    effect(k, _s, n, code) {
      const b = vmBase(k.L, k.T.arg[code]!);
      n[b + VM_ONLINE] = n[b + VM_SIZE]!;
      n[G_RS_ASKED] = 0;
      advanceResize(k, n);
    },
  },
  'vmm.translateIo': {
    step: '5070',
    params: ['io'],
    summary: 'The VMM builds the host channel program of an intercepted I/O and pins its pages.',
    describe: (_ctx, a) => `vmm.translateIo io${a.io}: build host channel program and pin (5070)`,
    reads: ['vm.alive', 'vm.fixed', 'vm.origin', 'vm.hasSt', 'vm.size', 'vm.online', 'vm.pte', 'vm.pins'],
    writes: ['vm.pins', 'io.status', 'io.mode', 'io.hasFrames', 'io.hostFrames'],
    guardReads: [...FRAME_OF, 'io.status'],
    enabled(k, s, out, first) {
      const L = k.L;
      const MT = L.maxTransfers;
      for (let i = 0; i < k.ioCount; i++) {
        if (s[ioBase(L, i) + IO_STATUS] !== S_REQUESTED) continue;
        const b = vmBase(L, k.ioVm[i]!);
        // Every page the program names is resident (else a page-in comes first).
        let ok = true;
        for (let x = 0; x < k.ioLength[i]!; x++) if (frameOf(L, s, b, k.ioPage[i * MT + x]!) < 0) ok = false;
        if (ok) out.push(first + i);
      }
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const io = k.T.arg[code]!;
      const ib = ioBase(L, io);
      const b = vmBase(L, k.ioVm[io]!);
      const MT = L.maxTransfers;
      const len = k.ioLength[io]!;
      for (let x = 0; x < len; x++) n[ib + IO_FRAMES + x] = frameOf(L, n, b, k.ioPage[io * MT + x]!);
      for (let x = 0; x < len; x++) n[b + L.pins + k.ioPage[io * MT + x]!]!++;
      n[ib + IO_HAS_FRAMES] = 1;
      n[ib + IO_STATUS] = S_TRANSLATED;
      n[ib + IO_MODE] = M_HOST;
    },
  },
  'vmm.startHostProgram': {
    step: '5080',
    params: ['io'],
    summary: 'The VMM starts the host channel program on its free channel.',
    describe: (_ctx, a) => `vmm.startHostProgram io${a.io}: start host program (5080)`,
    reads: [],
    writes: ['channels', 'io.status'],
    guardReads: ['io.status', 'channels'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let i = 0; i < k.ioCount; i++) {
        if (s[ioBase(L, i) + IO_STATUS] === S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! < 0)
          out.push(first + i);
      }
    },
    effect(k, _s, n, code) {
      const io = k.T.arg[code]!;
      n[ioBase(k.L, io) + IO_STATUS] = S_RUNNING;
      n[k.L.channels + k.ioChannel[io]!] = io;
    },
  },
  'vmm.startRefused': {
    step: '5083',
    params: ['io'],
    summary: 'The channel is busy: the VMM unpins and the guest retries.',
    describe: (_ctx, a) => `vmm.startRefused io${a.io}: channel busy, unpin and retry (5083)`,
    reads: ['vm.pins'],
    writes: ['vm.pins', 'io.status', 'io.mode', 'io.hasFrames', 'io.hostFrames'],
    guardReads: ['io.status', 'channels'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let i = 0; i < k.ioCount; i++) {
        if (s[ioBase(L, i) + IO_STATUS] === S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! >= 0)
          out.push(first + i);
      }
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const io = k.T.arg[code]!;
      const ib = ioBase(L, io);
      const b = vmBase(L, k.ioVm[io]!);
      const len = k.ioLength[io]!;
      for (let x = 0; x < len; x++) n[b + L.pins + k.ioPage[io * L.maxTransfers + x]!]!--;
      n[ib + IO_STATUS] = S_REQUESTED;
      n[ib + IO_MODE] = M_NONE;
      clearHostFrames(k, n, ib);
    },
  },
  'vmm.refuseIo': {
    step: '5070 (addressing exception)',
    params: ['io'],
    summary:
      'An intercepted start names storage the guest took offline since it was requested: the VMM refuses it with an addressing exception.',
    describe: (_ctx, a) =>
      `vmm.refuseIo io${a.io}: it names storage now offline, addressing exception (5070)`,
    reads: ['vm.online', 'vm.interrupts'],
    writes: ['io.status', 'vm.interrupts'],
    guardReads: ['io.status', 'vm.online'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let i = 0; i < k.ioCount; i++) {
        if (s[ioBase(L, i) + IO_STATUS] === S_REQUESTED && outsideOnline(k, s, i)) out.push(first + i);
      }
    },
    effect(k, _s, n, code) {
      const io = k.T.arg[code]!;
      n[ioBase(k.L, io) + IO_STATUS] = S_REFUSED;
      n[vmBase(k.L, k.ioVm[io]!) + VM_INTERRUPTS]!++;
    },
  },
  'vmm.pageIn': {
    step: 'page fault',
    params: ['vm', 'page'],
    summary:
      'The VMM pages a demanded page in to the lowest free frame (none free, or the VM at its resident limit: `vmm.stealPage`).',
    describe: (ctx, a) => `vmm.pageIn: page fault, page in ${vmName(ctx, a.vm)} page ${a.page}`,
    reads: [
      'rl',
      'rlVm',
      'rlDest',
      'rlSize',
      'trPage',
      'trFrom',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'vm.paging',
    ],
    writes: ['frames', 'vm.pte', 'vm.paging'],
    guardReads: [...HOLDERS, ...DISPATCHED, ...FAULT_STEALS, 'rlSize', 'vm.paging', 'access'],
    enabled(k, s, out, first) {
      const L = k.L;
      if (!anyPageable(k, s)) return;
      computeHolders(k, s);
      if (lowestFreeFrame(k, s) < 0) return;
      const transitVm = s[G_RL] === RL_PATENT ? s[G_RL_VM]! : -1;
      const transitPage = s[G_TR_PAGE]!;
      for (let v = 0; v < k.vmCount; v++) {
        const b = vmBase(L, v);
        if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1 || s[b + VM_HAS_ST] === 0) continue;
        const online = s[b + VM_ONLINE]!;
        for (let page = 0; page < online; page++) {
          if (pteOf(L, s, b, page) >= 0 || s[b + L.paging + page] === 0) continue;
          if (transitVm === v && transitPage === page) continue;
          if (pageFaultDemanded(k, s, v, page) && !faultSteals(k, s, v, b, page, true))
            out.push(first + (v * L.maxPages + page));
        }
      }
    },
    effect(k, s, n, code) {
      const L = k.L;
      const b = vmBase(L, k.T.arg[code]!);
      const page = k.T.arg2[code]!;
      computeHolders(k, s);
      const f = lowestFreeFrame(k, s);
      n[L.frames + f] = n[b + L.paging + page]!;
      n[b + L.paging + page] = 0;
      n[b + L.pte + page] = f;
    },
  },
  'vmm.stealPage': {
    step: 'page fault (no free frame, or at the resident limit)',
    params: ['vm', 'page', 'victim'],
    summary:
      'No frame is free, or the VM is at its resident limit ([0030]): the VMM pages a victim page of the same VM out (resident, not the demanded page, not pinned, no transfer targets it) and the demanded page in to its frame.',
    describe: (ctx, a) =>
      `vmm.stealPage: page fault, no free frame: page ${vmName(ctx, a.vm)} page ${a.victim} out and page ${a.page} in to its frame`,
    reads: ['frames', 'vm.hasSt', 'vm.size', 'vm.pte', 'vm.paging'],
    writes: ['frames', 'vm.pte', 'vm.paging'],
    guardReads: [...HOLDERS, ...DISPATCHED, ...FAULT_STEALS, 'rlSize', 'vm.paging', 'access'],
    enabled(k, s, out, first) {
      const L = k.L;
      if (!anyPageable(k, s)) return;
      computeHolders(k, s);
      const free = lowestFreeFrame(k, s) >= 0;
      // A VM whose own relocation runs waits for a free frame or for the relocation's page-in.
      const relocating = s[G_RL] !== RL_NONE ? s[G_RL_VM]! : -1;
      for (let v = 0; v < k.vmCount; v++) {
        const b = vmBase(L, v);
        if (v === relocating || s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1 || s[b + VM_HAS_ST] === 0)
          continue;
        const online = s[b + VM_ONLINE]!;
        for (let page = 0; page < online; page++) {
          if (pteOf(L, s, b, page) >= 0 || s[b + L.paging + page] === 0) continue;
          if (!pageFaultDemanded(k, s, v, page) || !faultSteals(k, s, v, b, page, free)) continue;
          for (let victim = 0; victim < online; victim++)
            if (isVictim(k, s, v, b, page, victim))
              out.push(first + ((v * L.maxPages + page) * L.maxPages + victim));
        }
      }
    },
    effect(k, s, n, code) {
      const L = k.L;
      const b = vmBase(L, k.T.arg[code]!);
      const page = k.T.arg2[code]!;
      const victim = k.T.arg3[code]!;
      const f = pteOf(L, s, b, victim);
      n[b + L.paging + victim] = s[L.frames + f]!;
      n[b + L.pte + victim] = -1;
      n[L.frames + f] = s[b + L.paging + page]!;
      n[b + L.paging + page] = 0;
      n[b + L.pte + page] = f;
    },
  },
  'channel.transfer': {
    step: 'channel',
    params: ['channel'],
    summary: 'A channel moves one page of its program.',
    describe: (_ctx, a) => `channel.transfer: channel ${a.channel} moves one page`,
    reads: [
      'incidents',
      'rl',
      'rlVm',
      'rlDest',
      'trPage',
      'trFrom',
      'frames',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'vm.expected',
      'channels',
      'io.mode',
      'io.done',
      'io.hostFrames',
    ],
    writes: ['incidents', 'frames', 'vm.expected', 'io.done'],
    guardReads: ['suspended', 'channels', 'io.done'],
    enabled(k, s, out, first) {
      if (s[G_SUSPENDED] === 1) return; // the prior art suspends channel access
      const L = k.L;
      for (let c = 0; c < k.channelCount; c++) {
        const io = s[L.channels + c]!;
        if (io >= 0 && s[ioBase(L, io) + IO_DONE]! < k.ioLength[io]!) out.push(first + c);
      }
    },
    effect(k, s, n, code) {
      channelTransfer(k, s, n, k.T.arg[code]!);
    },
  },
  'channel.end': {
    step: 'channel',
    params: ['channel'],
    summary: 'A channel program ends; host programs unpin.',
    describe: (_ctx, a) => `channel.end: channel ${a.channel} ends normally, I/O interrupt`,
    reads: ['vm.size', 'vm.pins', 'channels', 'io.mode'],
    writes: [
      'vm.pins',
      'channels',
      'io.status',
      'io.mode',
      'io.hasFrames',
      'io.done',
      'io.before',
      'io.hostFrames',
    ],
    guardReads: ['channels', 'io.done'],
    enabled(k, s, out, first) {
      const L = k.L;
      for (let c = 0; c < k.channelCount; c++) {
        const io = s[L.channels + c]!;
        if (io >= 0 && s[ioBase(L, io) + IO_DONE] === k.ioLength[io]) out.push(first + c);
      }
    },
    effect(k, _s, n, code) {
      endProgram(k, n, k.T.arg[code]!, S_DONE);
    },
  },
  'channel.error': {
    step: 'channel',
    params: ['channel'],
    summary: 'A channel program fails before its end.',
    describe: (_ctx, a) => `channel.error: channel ${a.channel} ends with an error, I/O interrupt`,
    reads: ['vm.size', 'vm.pins', 'channels', 'io.mode'],
    writes: [
      'vm.pins',
      'channels',
      'io.status',
      'io.mode',
      'io.hasFrames',
      'io.done',
      'io.before',
      'io.hostFrames',
    ],
    guardReads: ['suspended', 'channels', 'io.done'],
    enabled(k, s, out, first) {
      if (!k.channelErrors || s[G_SUSPENDED] === 1) return;
      const L = k.L;
      for (let c = 0; c < k.channelCount; c++) {
        const io = s[L.channels + c]!;
        if (io >= 0 && s[ioBase(L, io) + IO_DONE]! < k.ioLength[io]!) out.push(first + c);
      }
    },
    effect(k, _s, n, code) {
      endProgram(k, n, k.T.arg[code]!, S_FAILED);
    },
  },
  'cpu.dispatch': {
    step: 'dispatch',
    params: ['cpu', 'vm'],
    summary: 'A CPU starts running a VM assigned to it.',
    describe: (ctx, a) => `cpu.dispatch: CPU ${a.cpu} runs ${vmName(ctx, a.vm)}`,
    reads: [],
    writes: ['running'],
    guardReads: [...DISPATCHED, 'vm.alive', 'vm.cpus'],
    enabled(k, s, out, first) {
      if (!k.dispatch) return;
      const L = k.L;
      const V = k.vmCount;
      for (let c = 0; c < k.cpuCount; c++) {
        const current = s[L.running + c]!;
        for (let v = 0; v < V; v++) {
          const b = vmBase(L, v);
          if (s[b + VM_ALIVE] === 0 || (L.cpuMasks[s[b + VM_CPUS]!]! & (1 << c)) === 0 || current === v)
            continue;
          if (isDispatched(k, s, v)) continue;
          out.push(first + (c * V + v));
        }
      }
    },
    effect(k, _s, n, code) {
      n[k.L.running + k.T.arg[code]!] = k.T.arg2[code]!; // CPU arg runs VM arg2
    },
  },
  'vm.terminate': {
    step: 'request',
    params: ['vm'],
    summary:
      'The next request ends a VM once no start-I/O of it is under way (requested or in flight): its frames are released.',
    describe: (ctx, a) => `vm.terminate: ${vmName(ctx, a.vm)} ends and its frames are freed`,
    reads: ['nextRequest', 'vm.alive', 'vm.fixed', 'vm.origin', 'vm.size', 'vm.online', 'running'],
    writes: ['nextRequest', 'settled', 'frames', 'vm.alive', 'running', 'arrived'],
    guardReads: ['nextRequest', 'rc', 'io.status', 'io.mode'],
    enabled(k, s, out, first) {
      const next = s[G_NEXT_REQUEST]!;
      if (s[G_RC] !== RC_NONE || next >= k.requestCount || k.requestTerminates[next] !== 1) return;
      const vm = k.requestVm[next]!;
      // Waits for programs in flight and for intercepted starts not yet handled (5070).
      if (!hasIoStarted(k, s, vm)) out.push(first + vm);
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const vm = k.T.arg[code]!;
      const b = vmBase(L, vm);
      const size = n[b + VM_SIZE]!;
      for (let page = 0; page < size; page++) {
        const f = frameOf(L, n, b, page);
        if (f >= 0) n[L.frames + f] = 0;
      }
      n[b + VM_ALIVE] = 0;
      for (let c = 0; c < k.cpuCount; c++) if (n[L.running + c] === vm) n[L.running + c] = -1;
      n[G_NEXT_REQUEST]!++;
      n[G_ARRIVED] = 0;
      n[G_SETTLED] = -1;
    },
  },
  'request.begin': {
    step: 'request',
    params: ['request'],
    summary:
      'The VMM begins the next relocation or conversion request (on arrival when idle, or once the reconfiguration it arrived during has ended).',
    describe: (ctx, a) => {
      const r = ctx.requests[a.request]!;
      const where =
        'to' in r ? ` to frame ${r.to}` : 'resident' in r ? ` keeping ${r.resident} resident` : '';
      return `request.begin: ${r.kind} ${vmName(ctx, r.vm)}${where}`;
    },
    reads: ['nextRequest', 'rc', 'rl', 'vm.fixed', 'vm.size'],
    writes: [
      'nextRequest',
      'settled',
      'rc',
      'rl',
      'rlPurpose',
      'rlVm',
      'rlDest',
      'rlResident',
      'rlSize',
      'rlStep',
      'trPage',
      'trFrom',
      'arrived',
      'vm.limit',
    ],
    guardReads: ['nextRequest', 'rc', ...HOLDERS],
    enabled(k, s, out, first) {
      const next = s[G_NEXT_REQUEST]!;
      if (s[G_RC] !== RC_NONE || next >= k.requestCount || k.requestTerminates[next] === 1) return;
      if (!destinationTaken(k, s, next)) out.push(first + next);
    },
    effect(k, s, n, code) {
      beginRequest(k, s, n, k.T.arg[code]!);
    },
  },
  'request.refuse': {
    step: 'request',
    params: ['request'],
    summary:
      "The VMM refuses the next relocation or conversion: a frame of its destination holds another VM's page.",
    describe: (ctx, a) => {
      const r = ctx.requests[a.request]!;
      const to = 'to' in r ? r.to : -1;
      return `request.refuse: ${r.kind} ${vmName(ctx, r.vm)} to frame ${to} refused, a frame there holds another VM's page`;
    },
    reads: ['nextRequest'],
    writes: ['nextRequest', 'arrived'],
    guardReads: ['nextRequest', 'rc', ...HOLDERS],
    enabled(k, s, out, first) {
      const next = s[G_NEXT_REQUEST]!;
      if (s[G_RC] !== RC_NONE || next >= k.requestCount || k.requestTerminates[next] === 1) return;
      if (destinationTaken(k, s, next)) out.push(first + next);
    },
    effect(_k, _s, n) {
      n[G_NEXT_REQUEST]!++;
      n[G_ARRIVED] = 0;
    },
  },
  'event.arrive': {
    step: 'Fig. 8',
    params: ['event'],
    summary: 'A scenario event (time of day, failover) arrives.',
    describe: (ctx, a) => {
      const e = ctx.events[a.event]!;
      return e.trigger === 'timeOfDay'
        ? `event.arrive: time of day ${e.label}`
        : `event.arrive: partner ${e.label} fails`;
    },
    reads: [],
    writes: ['events'],
    guardReads: ['events'],
    enabled(k, s, out, first) {
      for (let e = 0; e < k.eventCount; e++) if (s[k.L.events + e] === E_WAITING) out.push(first + e);
    },
    effect(k, _s, n, code) {
      n[k.L.events + k.T.arg[code]!] = E_PENDING;
    },
  },
  'reloc.clearDirect': {
    step: '5000',
    params: [],
    summary: "Clear the VM's direct-execution bit 431.",
    describe: (_ctx) => 'reloc.clearDirect: clear bit 431 (5000)',
    reads: ['rlVm', 'io.status', 'io.mode'],
    writes: ['rlStep', 'vm.direct', 'io.before'],
    guardReads: AT_STEP,
    enabled(_k, s, out, first) {
      if (atStep(s, ST_CLEAR_DIRECT)) out.push(first);
    },
    effect(k, _s, n) {
      const L = k.L;
      const v = n[G_RL_VM]!;
      n[vmBase(L, v) + VM_DIRECT] = 0;
      for (let i = 0; i < k.ioCount; i++) {
        const ib = ioBase(L, i);
        if (k.ioVm[i] === v && n[ib + IO_STATUS] === S_RUNNING && n[ib + IO_MODE] === M_DIRECT)
          n[ib + IO_BEFORE] = 1; // started directly before step 5000
      }
      n[G_RL_STEP] = ST_BUILD_SPACE;
    },
  },
  'reloc.buildSpace': {
    step: '5010',
    params: [],
    summary: 'Build the host segment table mapping the page-fixed area.',
    describe: (_ctx) => 'reloc.buildSpace: build host virtual space, VM becomes pageable (5010)',
    reads: ['rlVm', 'rlDest', 'rlResident', 'vm.origin', 'vm.size', 'vm.online'],
    writes: ['rlStep', 'vm.fixed', 'vm.hasSt', 'vm.pte'],
    guardReads: AT_STEP,
    enabled(_k, s, out, first) {
      if (atStep(s, ST_BUILD_SPACE)) out.push(first);
    },
    effect(k, _s, n) {
      const L = k.L;
      const b = vmBase(L, n[G_RL_VM]!);
      const origin = n[b + VM_ORIGIN]!;
      const online = n[b + VM_ONLINE]!;
      const size = n[b + VM_SIZE]!;
      for (let page = 0; page < size; page++) n[b + L.pte + page] = page < online ? origin + page : -1;
      n[b + VM_HAS_ST] = 1;
      n[b + VM_FIXED] = 0;
      const resident = n[G_RL_RESIDENT]!;
      if (resident >= 0 && residentPages(L, n, b) > resident) n[G_RL_STEP] = ST_PAGE_OUT;
      else n[G_RL_STEP] = n[G_RL_DEST]! < 0 ? ST_DISPATCH : ST_CHECK_INFLIGHT;
    },
  },
  'reloc.pageOut': {
    step: '5020-5030',
    params: ['page'],
    summary: 'Page one page out to reach the resident footprint.',
    describe: (_ctx, a) => `reloc.pageOut: page out page ${a.page} (5020-5030)`,
    reads: ['rlVm', 'rlDest', 'rlResident', 'frames', 'vm.hasSt', 'vm.size', 'vm.pte'],
    writes: ['rlStep', 'frames', 'vm.pte', 'vm.paging'],
    guardReads: [...AT_STEP, ...FRAME_OF, ...TARGETS, 'rlVm', 'vm.pins'],
    enabled(k, s, out, first) {
      if (!atStep(s, ST_PAGE_OUT)) return;
      // Direct targets bar a page-out in every variant; pins and host targets except in the fault.
      const L = k.L;
      const v = s[G_RL_VM]!;
      const b = vmBase(L, v);
      const online = s[b + VM_ONLINE]!;
      computeTargets(k, s, v, false, true);
      const direct = L.contents;
      for (let page = 0; page < online; page++) direct[page] = L.targets[page]!;
      computeTargets(k, s, v, true, false);
      for (let page = 0; page < online; page++) {
        if (pteOf(L, s, b, page) < 0 || direct[page]! > 0) continue;
        if (!k.faultPageOutPinned && (s[b + L.pins + page]! > 0 || L.targets[page]! > 0)) continue;
        out.push(first + page);
      }
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const b = vmBase(L, n[G_RL_VM]!);
      const page = k.T.arg[code]!;
      const f = pteOf(L, n, b, page);
      n[b + L.paging + page] = n[L.frames + f]!;
      n[L.frames + f] = 0;
      n[b + L.pte + page] = -1;
      if (residentPages(L, n, b) <= n[G_RL_RESIDENT]!)
        n[G_RL_STEP] = n[G_RL_DEST]! < 0 ? ST_DISPATCH : ST_CHECK_INFLIGHT;
    },
  },
  'reloc.copyAll': {
    step: '5035 yes -> 5040',
    params: [],
    summary: 'No program in flight: copy every page and remap.',
    describe: (_ctx) => 'reloc.copyAll: no I/O in flight, copy every page and remap (5035 yes, 5040)',
    reads: [
      'incidents',
      'rlVm',
      'rlDest',
      'rlSize',
      'frames',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'io.status',
      'io.mode',
    ],
    writes: ['incidents', 'rlStep', 'frames', 'vm.pte', 'vm.paging'],
    guardReads: [...AT_STEP, 'rlVm', 'io.status', 'io.mode'],
    enabled(k, s, out, first) {
      if (atStep(s, ST_CHECK_INFLIGHT) && !hasIoInFlight(k, s, s[G_RL_VM]!, true, !k.faultForgetDirect))
        out.push(first);
    },
    effect(k, s, n) {
      const L = k.L;
      const v = n[G_RL_VM]!;
      const b = vmBase(L, v);
      const dest = n[G_RL_DEST]!;
      const limit = Math.min(n[b + VM_ONLINE]!, n[G_RL_SIZE]!);
      noteMovedTargets(k, s, n, v, limit, 0);
      const contents = L.contents;
      for (let page = 0; page < limit; page++) {
        const from = pteOf(L, n, b, page);
        contents[page] = from < 0 ? n[b + L.paging + page]! : n[L.frames + from]!;
        if (from >= 0) n[L.frames + from] = 0;
        n[b + L.paging + page] = 0;
      }
      for (let page = 0; page < limit; page++) {
        n[L.frames + dest + page] = contents[page]!;
        n[b + L.pte + page] = dest + page;
      }
      n[G_RL_STEP] = k.finishing[0]!;
    },
  },
  'reloc.startPaging': {
    step: '5035 no -> 5050',
    params: [],
    summary: 'Programs in flight: move page by page.',
    describe: (_ctx) => 'reloc.startPaging: I/O in flight, run pageable and move page by page (5035 no)',
    reads: ['rlVm'],
    writes: ['rlStep'],
    guardReads: [...AT_STEP, 'rlVm', 'io.status', 'io.mode'],
    enabled(k, s, out, first) {
      if (atStep(s, ST_CHECK_INFLIGHT) && hasIoInFlight(k, s, s[G_RL_VM]!, true, !k.faultForgetDirect))
        out.push(first);
    },
    effect(_k, _s, n) {
      n[G_RL_STEP] = ST_MOVE_PAGES;
    },
  },
  'reloc.copyPage': {
    step: '5085 (copy)',
    params: ['page'],
    summary: 'Copy one page no in-flight transfer targets to its destination.',
    describe: (_ctx, a) => `reloc.copyPage: copy page ${a.page} to its destination (5085)`,
    reads: [
      'incidents',
      'rl',
      'rlVm',
      'rlDest',
      'trPage',
      'frames',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'io.status',
      'io.mode',
    ],
    writes: ['incidents', 'trPage', 'trFrom', 'frames', 'vm.pte'],
    guardReads: [...HOLDERS, ...TARGETS, ...AT_STEP, 'rlSize'],
    enabled(k, s, out, first) {
      if (!moving(s)) return;
      const L = k.L;
      const v = s[G_RL_VM]!;
      const b = vmBase(L, v);
      const dest = s[G_RL_DEST]!;
      const limit = Math.min(s[b + VM_ONLINE]!, s[G_RL_SIZE]!);
      computeHolders(k, s);
      const useTargets = !k.faultMoveTargeted;
      if (useTargets) computeTargets(k, s, v, true, !k.faultForgetDirect);
      for (let page = 0; page < limit; page++) {
        const from = pteOf(L, s, b, page);
        if (from < 0 || from === dest + page || !destinationReady(k, v, dest + page)) continue;
        if (useTargets && L.targets[page]! > 0) continue; // a transfer targets it: wait
        out.push(first + page);
      }
    },
    effect(k, s, n, code) {
      const L = k.L;
      const v = n[G_RL_VM]!;
      const b = vmBase(L, v);
      const page = k.T.arg[code]!;
      const from = pteOf(L, n, b, page);
      const to = n[G_RL_DEST]! + page;
      computeHolders(k, s);
      if (to < k.frameCount && L.hCount[to]! > 0) incident(k, n, I_OVERWROTE_LIVE, v, page, to);
      noteMovedTargets(k, s, n, v, page + 1, page);
      n[L.frames + to] = n[L.frames + from]!;
      n[b + L.pte + page] = -1; // invalid until the switch
      n[G_TR_PAGE] = page;
      n[G_TR_FROM] = from;
    },
  },
  'reloc.remapPage': {
    step: '5085 (remap)',
    params: [],
    summary: "Switch the copied page's PT entry to the destination frame.",
    describe: (_ctx) => 'reloc.remapPage: switch the PT entry to the copy (5085)',
    reads: [
      'incidents',
      'rlVm',
      'rlDest',
      'trPage',
      'trFrom',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'io.status',
      'io.mode',
    ],
    writes: ['incidents', 'trPage', 'trFrom', 'frames', 'vm.pte'],
    guardReads: [...AT_STEP, 'trPage'],
    enabled(_k, s, out, first) {
      if (atStep(s, ST_MOVE_PAGES) && s[G_TR_PAGE]! >= 0) out.push(first);
    },
    effect(k, s, n) {
      const L = k.L;
      const v = n[G_RL_VM]!;
      const b = vmBase(L, v);
      const page = n[G_TR_PAGE]!;
      const from = n[G_TR_FROM]!;
      noteMovedTargets(k, s, n, v, page + 1, page);
      n[b + L.pte + page] = n[G_RL_DEST]! + page;
      n[G_TR_PAGE] = -1;
      n[G_TR_FROM] = -1;
      if (!frameStillHeld(k, n, from)) n[L.frames + from] = 0;
    },
  },
  'reloc.pageInToDest': {
    step: '[0031]',
    params: ['page'],
    summary: 'Page a paged-out page in straight to its destination frame.',
    describe: (_ctx, a) => `reloc.pageInToDest: page in page ${a.page} at its destination`,
    reads: ['rlVm', 'rlDest', 'vm.paging'],
    writes: ['frames', 'vm.pte', 'vm.paging'],
    guardReads: [...HOLDERS, ...AT_STEP, 'rlSize', 'vm.paging'],
    enabled(k, s, out, first) {
      if (!moving(s)) return;
      const L = k.L;
      const v = s[G_RL_VM]!;
      const b = vmBase(L, v);
      const dest = s[G_RL_DEST]!;
      const limit = Math.min(s[b + VM_ONLINE]!, s[G_RL_SIZE]!);
      computeHolders(k, s);
      for (let page = 0; page < limit; page++) {
        if (pteOf(L, s, b, page) >= 0 || s[b + L.paging + page] === 0) continue;
        if (destinationReady(k, v, dest + page)) out.push(first + page);
      }
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const b = vmBase(L, n[G_RL_VM]!);
      const page = k.T.arg[code]!;
      const to = n[G_RL_DEST]! + page;
      n[L.frames + to] = n[b + L.paging + page]!;
      n[b + L.paging + page] = 0;
      n[b + L.pte + page] = to;
    },
  },
  'reloc.breakCycle': {
    step: '5085 (cycle)',
    params: [],
    summary:
      "Every page left waits for a frame another of the VM's pages holds: move that page to the lowest free frame, or page it out when none is free.",
    describe: (_ctx) =>
      "reloc.breakCycle: every page left waits for a frame another of the VM's pages holds; move that one to a free frame, or page it out (5085)",
    reads: [
      'rl',
      'rlVm',
      'rlDest',
      'rlSize',
      'trPage',
      'trFrom',
      'frames',
      'vm.alive',
      'vm.fixed',
      'vm.origin',
      'vm.hasSt',
      'vm.size',
      'vm.online',
      'vm.pte',
      'vm.paging',
      'io.status',
      'io.mode',
    ],
    writes: ['frames', 'vm.pte', 'vm.paging'],
    guardReads: [...HOLDERS, ...TARGETS, ...AT_STEP, 'rlSize', 'vm.paging'],
    enabled(k, s, out, first) {
      if (moving(s) && cycleBlocked(k, s) >= 0) out.push(first);
    },
    effect(k, s, n) {
      const L = k.L;
      const v = s[G_RL_VM]!;
      const b = vmBase(L, v);
      const frame = s[G_RL_DEST]! + cycleBlocked(k, s);
      let occupant = 0;
      while (pteOf(L, s, b, occupant) !== frame) occupant++;
      computeHolders(k, s);
      const free = lowestFreeFrame(k, s);
      if (free >= 0) {
        n[L.frames + free] = s[L.frames + frame]!;
        n[b + L.pte + occupant] = free;
      } else {
        n[b + L.paging + occupant] = s[L.frames + frame]!;
        n[b + L.pte + occupant] = -1;
      }
      n[L.frames + frame] = 0;
    },
  },
  'reloc.setOrigin': {
    step: '5090-5100',
    params: [],
    summary: 'Set origin [433] and end [434] to the destination.',
    describe: (_ctx) => 'reloc.setOrigin: set origin/end to the destination (5090-5100)',
    reads: ['rlVm', 'rlDest', 'rlSize', 'vm.size', 'vm.online'],
    writes: [
      'rlStep',
      'vm.origin',
      'vm.end',
      'vm.size',
      'vm.online',
      'vm.pte',
      'vm.pins',
      'vm.expected',
      'vm.paging',
    ],
    guardReads: FINISHING,
    enabled(k, s, out, first) {
      if (finishing(k, s, ST_SET_ORIGIN)) out.push(first);
    },
    effect(k, _s, n) {
      const b = vmBase(k.L, n[G_RL_VM]!);
      const dest = n[G_RL_DEST]!;
      const size = n[G_RL_SIZE]!;
      const oldSize = n[b + VM_SIZE]!;
      n[b + VM_ORIGIN] = dest;
      n[b + VM_END] = dest + size - 1;
      n[b + VM_SIZE] = size;
      n[b + VM_ONLINE] = Math.min(n[b + VM_ONLINE]!, size);
      resizePages(k, n, b, oldSize, size);
      afterFinishing(k, n, ST_SET_ORIGIN);
    },
  },
  'reloc.setPageFixed': {
    step: '5110',
    params: [],
    summary: 'Set the page-fixed bit 432 and drop the host segment table.',
    describe: (_ctx) => 'reloc.setPageFixed: set bit 432 (5110)',
    reads: ['rlVm'],
    writes: ['rlStep', 'vm.fixed', 'vm.hasSt', 'vm.pte'],
    guardReads: FINISHING,
    enabled(k, s, out, first) {
      if (finishing(k, s, ST_SET_PAGE_FIXED)) out.push(first);
    },
    effect(k, _s, n) {
      const L = k.L;
      const b = vmBase(L, n[G_RL_VM]!);
      n[b + VM_FIXED] = 1;
      n[b + VM_HAS_ST] = 0;
      for (let page = 0; page < L.maxPages; page++) n[b + L.pte + page] = -1;
      afterFinishing(k, n, ST_SET_PAGE_FIXED);
    },
  },
  'reloc.setDirect': {
    step: '5120',
    params: [],
    summary: 'Restore the direct-execution bit 431 as configured.',
    describe: (_ctx) => 'reloc.setDirect: set bit 431 (5120)',
    reads: ['rlVm'],
    writes: ['rlStep', 'vm.direct'],
    guardReads: FINISHING,
    enabled(k, s, out, first) {
      if (finishing(k, s, ST_SET_DIRECT)) out.push(first);
    },
    effect(k, _s, n) {
      const v = n[G_RL_VM]!;
      n[vmBase(k.L, v) + VM_DIRECT] = k.configuredDirect[v]!;
      afterFinishing(k, n, ST_SET_DIRECT);
    },
  },
  'reloc.dispatch': {
    step: '5130-5160',
    params: [],
    summary:
      'End the relocation; dispatch the VM again (a conversion to pageable waits for the direct programs started before 5000).',
    describe: (_ctx) => 'reloc.dispatch: relocation done, dispatch (5130-5160)',
    reads: [
      'rc',
      'rsEvent',
      'rsStep',
      'rsAsked',
      'rlPurpose',
      'rlVm',
      'rlResident',
      'vm.alive',
      'vm.origin',
      'vm.size',
      ...HELD,
    ],
    writes: [
      'rc',
      'rsStep',
      'rl',
      'rlPurpose',
      'rlVm',
      'rlDest',
      'rlResident',
      'rlSize',
      'rlStep',
      'trPage',
      'trFrom',
      'vm.limit',
      'io.before',
      ...HELD,
    ],
    guardReads: [...AT_STEP, 'rlVm', 'rlPurpose', 'io.status', 'io.mode'],
    enabled(k, s, out, first) {
      if (!atStep(s, ST_DISPATCH)) return;
      // A conversion to pageable ends ([0030]) once no program started directly before 5000 (which
      // relocates with origin/end) is in flight, as the implementation waits (not under the fault
      // that forgets them).
      const v = s[G_RL_VM]!;
      if (s[G_RL_PURPOSE] === P_TO_PAGEABLE && !k.faultForgetDirect && hasIoInFlight(k, s, v, false, true))
        return;
      out.push(first);
    },
    effect(k, _s, n) {
      for (let i = 0; i < k.ioCount; i++) n[ioBase(k.L, i) + IO_BEFORE] = 0;
      // [0030] A conversion to pageable leaves the VM its footprint as a resident limit.
      if (n[G_RL_PURPOSE] === P_TO_PAGEABLE) n[vmBase(k.L, n[G_RL_VM]!) + VM_LIMIT] = n[G_RL_RESIDENT]!;
      finishRelocation(k, n);
    },
  },
  'prior.suspend': {
    step: '[0005]',
    params: [],
    summary: 'Prior art: suspend all channel access.',
    describe: (_ctx) => 'prior.suspend: suspend channel access (prior art)',
    reads: [],
    writes: ['suspended', 'rlStep'],
    guardReads: AT_STEP,
    enabled(_k, s, out, first) {
      if (s[G_RL] === RL_PRIOR && s[G_RL_STEP] === PR_SUSPEND) out.push(first);
    },
    effect(_k, _s, n) {
      n[G_SUSPENDED] = 1;
      n[G_RL_STEP] = PR_COPY;
    },
  },
  'prior.copy': {
    step: '[0005]',
    params: [],
    summary: 'Prior art: copy the whole area and set the origin.',
    describe: (_ctx) => 'prior.copy: copy the area and set origin/end (prior art)',
    reads: [
      'incidents',
      'rlVm',
      'rlDest',
      'rlSize',
      'frames',
      'vm.origin',
      'vm.size',
      'vm.online',
      'io.status',
      'io.mode',
    ],
    writes: [
      'incidents',
      'rlStep',
      'frames',
      'vm.origin',
      'vm.end',
      'vm.size',
      'vm.online',
      'vm.pte',
      'vm.pins',
      'vm.expected',
      'vm.paging',
    ],
    guardReads: AT_STEP,
    enabled(_k, s, out, first) {
      if (s[G_RL] === RL_PRIOR && s[G_RL_STEP] === PR_COPY) out.push(first);
    },
    effect(k, s, n) {
      priorCopy(k, s, n);
    },
  },
  'prior.resume': {
    step: '[0005]',
    params: [],
    summary: 'Prior art: resume channel access, host programs with their old addresses.',
    describe: (_ctx) => 'prior.resume: resume host channel programs (prior art)',
    reads: ['rc', 'rsEvent', 'rsStep', 'rsAsked', 'svVm', 'vm.alive', 'vm.origin', 'vm.size'],
    writes: [
      'suspended',
      'rc',
      'rsStep',
      'rl',
      'rlPurpose',
      'rlVm',
      'rlDest',
      'rlResident',
      'rlSize',
      'rlStep',
      'trPage',
      'trFrom',
    ],
    guardReads: AT_STEP,
    enabled(_k, s, out, first) {
      if (s[G_RL] === RL_PRIOR && s[G_RL_STEP] === PR_RESUME) out.push(first);
    },
    effect(k, _s, n) {
      n[G_SUSPENDED] = 0;
      finishRelocation(k, n);
    },
  },
  'resize.begin': {
    step: 'Fig. 8',
    params: ['event'],
    summary: 'Begin resizing for a pending event.',
    describe: (_ctx, a) => `resize.begin: process event ${a.event} with its configuration table`,
    reads: ['rl', 'vm.alive', 'vm.online', 'vm.origin', 'vm.size'],
    writes: ['settled', 'rc', 'rsEvent', 'rsStep', 'rsCursor', 'rsAsked', 'events'],
    guardReads: ['rc', 'events', ...TABLE_FITS],
    enabled(k, s, out, first) {
      // Events that arrive during a reconfiguration wait (7.13); under the fault one starts
      // during a stand-alone relocation or conversion, which goes on beside it.
      if (!mayBeginResize(k, s)) return;
      for (let e = 0; e < k.eventCount; e++)
        if (s[k.L.events + e] === E_PENDING && tableFits(k, s, e)) out.push(first + e);
    },
    effect(k, _s, n, code) {
      const event = k.T.arg[code]!;
      n[k.L.events + event] = E_RUNNING;
      n[G_SETTLED] = -1;
      n[G_RC] = RC_RESIZE;
      n[G_RS_EVENT] = event;
      n[G_RS_STEP] = RS_SHRINK;
      n[G_RS_CURSOR] = -1;
      n[G_RS_ASKED] = 0;
      advanceResize(k, n);
    },
  },
  'resize.askShrink': {
    step: '7000',
    params: ['vm'],
    summary: 'Ask the next shrinking VM to take storage offline.',
    describe: (ctx, a) => `resize.askShrink: ask ${vmName(ctx, a.vm)} to shrink (7000)`,
    reads: ['rsEvent'],
    writes: ['rsCursor', 'rsAsked', 'vm.shrink'],
    guardReads: ['rc', 'rsStep', 'rsAsked', 'rsEvent', 'vm.alive', 'vm.online'],
    enabled(k, s, out, first) {
      if (s[G_RC] !== RC_RESIZE || s[G_RS_STEP] !== RS_SHRINK || s[G_RS_ASKED] === 1) return;
      const v = nextToShrink(k, s, s[G_RS_EVENT]!);
      if (v >= 0) out.push(first + v);
    },
    effect(k, _s, n, code) {
      const vm = k.T.arg[code]!;
      n[vmBase(k.L, vm) + VM_SHRINK] = k.afterSize[n[G_RS_EVENT]! * k.vmCount + vm]!;
      n[G_RS_CURSOR] = vm;
      n[G_RS_ASKED] = 1;
    },
  },
  'resize.relocate': {
    step: '7020',
    params: ['vm'],
    summary: 'Relocate the next VM whose origin the table changes.',
    describe: (ctx, a) => `resize.relocate: relocate ${vmName(ctx, a.vm)} (7020)`,
    reads: ['rsEvent', 'vm.size'],
    writes: [
      'rsCursor',
      'rl',
      'rlPurpose',
      'rlVm',
      'rlDest',
      'rlResident',
      'rlSize',
      'rlStep',
      'trPage',
      'trFrom',
    ],
    guardReads: ['rc', 'rsStep', 'rl', 'rsEvent', 'vm.alive', 'vm.origin', 'vm.size'],
    enabled(k, s, out, first) {
      if (s[G_RC] !== RC_RESIZE || s[G_RS_STEP] !== RS_RELOCATE || s[G_RL] !== RL_NONE) return;
      const v = nextToRelocate(k, s, s[G_RS_EVENT]!);
      if (v >= 0) out.push(first + v);
    },
    effect(k, _s, n, code) {
      const vm = k.T.arg[code]!;
      const x = n[G_RS_EVENT]! * k.vmCount + vm;
      n[G_RS_CURSOR] = vm;
      // A VM that grows moves with the pages it has and grows at its new origin afterwards (7030).
      const size = Math.min(n[vmBase(k.L, vm) + VM_SIZE]!, k.afterSize[x]!);
      newRelocation(k, n, P_RESIZE, vm, k.afterOrigin[x]!, size);
    },
  },
  'resize.askGrow': {
    step: '7030',
    params: ['vm'],
    summary: 'Grow the next VM into free frames and ask it to go online.',
    describe: (ctx, a) => `resize.askGrow: extend ${vmName(ctx, a.vm)}'s area and ask it to grow (7030)`,
    reads: ['rsEvent', 'vm.origin', 'vm.size'],
    writes: [
      'rsCursor',
      'rsAsked',
      'frames',
      'vm.end',
      'vm.size',
      'vm.pte',
      'vm.pins',
      'vm.expected',
      'vm.paging',
    ],
    guardReads: [...HOLDERS, 'rc', 'rsStep', 'rsAsked', 'rsEvent'],
    enabled(k, s, out, first) {
      if (s[G_RC] !== RC_RESIZE || s[G_RS_STEP] !== RS_GROW || s[G_RS_ASKED] === 1) return;
      const event = s[G_RS_EVENT]!;
      const v = nextToGrow(k, s, event);
      if (v < 0) return;
      // The frames the VM grows into must be free (a page-fixed VM grows in place).
      const b = vmBase(k.L, v);
      if (s[b + VM_FIXED] === 0) return;
      computeHolders(k, s);
      const origin = s[b + VM_ORIGIN]!;
      const newSize = k.afterSize[event * k.vmCount + v]!;
      for (let f = origin + s[b + VM_SIZE]!; f < origin + newSize; f++) if (!isFreeFrame(k, f)) return;
      out.push(first + v);
    },
    effect(k, _s, n, code) {
      const L = k.L;
      const vm = k.T.arg[code]!;
      const b = vmBase(L, vm);
      const newSize = k.afterSize[n[G_RS_EVENT]! * k.vmCount + vm]!;
      const origin = n[b + VM_ORIGIN]!;
      for (let page = n[b + VM_SIZE]!; page < newSize; page++) {
        n[L.frames + origin + page] = dataCode(L, vm, page, 0);
        n[b + L.pte + page] = -1;
        n[b + L.pins + page] = 0;
        n[b + L.expected + page] = 0;
        n[b + L.paging + page] = 0;
      }
      n[b + VM_SIZE] = newSize;
      n[b + VM_END] = origin + newSize - 1;
      n[G_RS_CURSOR] = vm;
      n[G_RS_ASKED] = 1;
    },
  },
  'resize.reassignCpus': {
    step: '7050',
    params: [],
    summary: 'Reassign CPUs as the table says; the resize is done.',
    describe: (_ctx) => 'resize.reassignCpus: assign CPUs per the table (7050)',
    reads: ['rsEvent', 'rl', 'vm.cpus', 'running'],
    writes: ['settled', 'rc', 'rsEvent', 'rsStep', 'rsCursor', 'rsAsked', 'vm.cpus', 'running', 'events'],
    guardReads: ['rc', 'rsStep'],
    enabled(_k, s, out, first) {
      if (s[G_RC] === RC_RESIZE && s[G_RS_STEP] === RS_REASSIGN) out.push(first);
    },
    effect(k, _s, n) {
      reassignCpus(k, n);
    },
  },
  'request.arrive': {
    step: 'request (7.13)',
    params: ['request'],
    summary:
      'The next request arrives while a relocation or resize runs: it waits until that has ended (under fault-interleaved-reconfiguration it starts at once).',
    describe: (ctx, a) => {
      const r = ctx.requests[a.request]!;
      return `request.arrive: ${r.kind} ${vmName(ctx, r.vm)} arrives while a reconfiguration runs (7.13)`;
    },
    reads: [
      'nextRequest',
      'rc',
      'vm.fixed',
      'vm.size',
      'svVm',
      ...HOLDERS,
      'rlPurpose',
      'rlResident',
      'rlSize',
      'rlStep',
    ],
    writes: [
      'arrived',
      'nextRequest',
      'settled',
      'rc',
      'rl',
      'rlPurpose',
      'rlVm',
      'rlDest',
      'rlResident',
      'rlSize',
      'rlStep',
      'trPage',
      'trFrom',
      'vm.limit',
      ...HELD,
    ],
    guardReads: ['nextRequest', 'rc', 'arrived'],
    enabled(k, s, out, first) {
      const next = s[G_NEXT_REQUEST]!;
      if (s[G_RC] === RC_NONE || next >= k.requestCount || s[G_ARRIVED] === 1) return;
      out.push(first + next);
    },
    effect(k, s, n, code) {
      const next = k.T.arg[code]!;
      if (startsAtOnce(k, s, next)) beginRequest(k, s, n, next);
      else n[G_ARRIVED] = 1;
    },
  },
  'resize.refuse': {
    step: 'Fig. 8 (7.13)',
    params: ['event'],
    summary:
      "A pending event's turn comes but its configuration table no longer fits the machine (a reconfiguration before it moved a VM): the VMM refuses it and resizes nothing.",
    describe: (_ctx, a) =>
      `resize.refuse: event ${a.event}'s configuration table no longer fits the machine: refused`,
    reads: [],
    writes: ['events'],
    guardReads: ['rc', 'events', ...TABLE_FITS],
    enabled(k, s, out, first) {
      if (!mayBeginResize(k, s)) return;
      for (let e = 0; e < k.eventCount; e++)
        if (s[k.L.events + e] === E_PENDING && !tableFits(k, s, e)) out.push(first + e);
    },
    effect(k, _s, n, code) {
      n[k.L.events + k.T.arg[code]!] = E_REFUSED;
    },
  },
};

/** Every action kind, in the table's order: the order in which actions are enumerated and numbered. */
export const ACTION_KINDS: readonly ActionKind[] = Object.keys(ACTION_TABLE) as ActionKind[];

/** One line saying what an action does, with names from the scenario (its table entry's `describe`). */
export function describeAction(ctx: VmmContext, action: Action): string {
  return (ACTION_TABLE[action.kind] as ActionSpec).describe(ctx, action);
}
