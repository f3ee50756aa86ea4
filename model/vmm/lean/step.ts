/**
 * Lean `nextState`: copy the `Int32Array`, mutate the copy, case by case as in step.ts. Reads of
 * the state before the step use `s`, reads of the state being built use `n`, as the readable
 * model reads `before` and its draft. Incidents set a bit of their kind.
 */
import * as A from './actionTable.ts';
import * as K from './layout.ts';
import type { IncidentFact, LeanKit } from './queries.ts';
import * as Q from './queries.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  E_DONE,
  E_PENDING,
  E_RUNNING,
  G_INCIDENTS,
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
  I_BOUNDS_BREACH,
  I_MOVED_TARGETED,
  I_OVERWROTE_LIVE,
  I_STALE_READ,
  I_STALE_WRITE,
  I_STRAY_ACCESS,
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
  VM_ONLINE,
  VM_ORIGIN,
  VM_SHRINK,
  VM_SIZE,
  dataCode,
  internCpus,
  ioBase,
  vmBase,
} = K;
const {
  A_GUEST_START_IO,
  A_GUEST_CPU_ACCESS,
  A_GUEST_OFFLINE,
  A_GUEST_ONLINE,
  A_VMM_TRANSLATE_IO,
  A_VMM_START_HOST_PROGRAM,
  A_VMM_START_REFUSED,
  A_VMM_PAGE_IN,
  A_CHANNEL_TRANSFER,
  A_CHANNEL_END,
  A_CHANNEL_ERROR,
  A_CPU_DISPATCH,
  A_VM_TERMINATE,
  A_REQUEST_BEGIN,
  A_EVENT_ARRIVE,
  A_RELOC_CLEAR_DIRECT,
  A_RELOC_BUILD_SPACE,
  A_RELOC_PAGE_OUT,
  A_RELOC_COPY_ALL,
  A_RELOC_START_PAGING,
  A_RELOC_COPY_PAGE,
  A_RELOC_REMAP_PAGE,
  A_RELOC_PAGE_IN_TO_DEST,
  A_RELOC_SET_ORIGIN,
  A_RELOC_SET_PAGE_FIXED,
  A_RELOC_SET_DIRECT,
  A_RELOC_DISPATCH,
  A_PRIOR_SUSPEND,
  A_PRIOR_COPY,
  A_PRIOR_RESUME,
  A_RESIZE_BEGIN,
  A_RESIZE_ASK_SHRINK,
  A_RESIZE_RELOCATE,
  A_RESIZE_ASK_GROW,
  A_RESIZE_REASSIGN_CPUS,
} = A;
const {
  allocState,
  computeHolders,
  computeTargets,
  frameOf,
  holdsFrame,
  lowestFreeFrame,
  nextToGrow,
  nextToRelocate,
  nextToShrink,
  pteOf,
  residentPages,
} = Q;

/** The state after action `code` (one of `leanActions(s)`); `s` is left untouched. */
export function leanNext(k: LeanKit, s: Int32Array, code: number): Int32Array {
  const n = allocState(k);
  n.set(s);
  apply(k, s, n, code);
  return n;
}

/** Raise incident `bit` in `n`; its facts go to `k.onIncident` when a report asks for them. */
function incident(
  k: LeanKit,
  n: Int32Array,
  bit: number,
  vm: number,
  page: number,
  frame = -1,
  other = -1,
  channel = -1,
): void {
  n[G_INCIDENTS] = n[G_INCIDENTS]! | bit;
  if (k.onIncident !== null) k.onIncident({ bit, vm, page, frame, other, channel });
}

/**
 * The facts of the incidents that action `code` raises from state `s`, by running its effect once
 * more with a recorder (report time only: the state keeps incident kinds, never their details).
 */
export function incidentFacts(k: LeanKit, s: Int32Array, code: number): IncidentFact[] {
  const facts: IncidentFact[] = [];
  k.onIncident = (f) => facts.push(f);
  try {
    leanNext(k, s, code);
  } finally {
    k.onIncident = null;
  }
  return facts;
}

/**
 * Apply action `code` to `n`, a copy of `s` (the state before the step), in place. Exported for the
 * read/write check of the action table (model/vmm/footprint.test.ts); `leanNext` is the entry point.
 */
export function leanApply(k: LeanKit, s: Int32Array, n: Int32Array, code: number): void {
  apply(k, s, n, code);
}

function apply(k: LeanKit, s: Int32Array, n: Int32Array, code: number): void {
  const T = k.T;
  const kind = T.kind[code]!;
  // The action's parameters (see `ActionTable.arg`): named per case below.
  const arg = T.arg[code]!;
  const L = k.L;
  const V = k.vmCount;
  switch (kind) {
    case A_GUEST_START_IO: {
      const io = arg;
      const ib = ioBase(L, io);
      if (n[vmBase(L, k.ioVm[io]!) + VM_DIRECT] === 1) {
        n[ib + IO_STATUS] = S_RUNNING;
        n[ib + IO_MODE] = M_DIRECT;
        n[L.channels + k.ioChannel[io]!] = io;
      } else {
        n[ib + IO_STATUS] = S_REQUESTED;
      }
      return;
    }
    case A_GUEST_CPU_ACCESS:
      cpuAccess(k, n, arg);
      return;
    case A_GUEST_OFFLINE: {
      const vm = arg;
      const b = vmBase(L, vm);
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
      return;
    }
    case A_GUEST_ONLINE: {
      const vm = arg;
      const b = vmBase(L, vm);
      n[b + VM_ONLINE] = n[b + VM_SIZE]!;
      n[G_RS_ASKED] = 0;
      advanceResize(k, n);
      return;
    }
    case A_VMM_TRANSLATE_IO: {
      const io = arg;
      const ib = ioBase(L, io);
      const b = vmBase(L, k.ioVm[io]!);
      const MT = L.maxTransfers;
      const len = k.ioLength[io]!;
      for (let x = 0; x < len; x++) n[ib + IO_FRAMES + x] = frameOf(L, n, b, k.ioPage[io * MT + x]!);
      for (let x = 0; x < len; x++) n[b + L.pins + k.ioPage[io * MT + x]!]!++;
      n[ib + IO_HAS_FRAMES] = 1;
      n[ib + IO_STATUS] = S_TRANSLATED;
      n[ib + IO_MODE] = M_HOST;
      return;
    }
    case A_VMM_START_HOST_PROGRAM:
      n[ioBase(L, arg) + IO_STATUS] = S_RUNNING;
      n[L.channels + k.ioChannel[arg]!] = arg;
      return;
    case A_VMM_START_REFUSED: {
      const io = arg;
      const ib = ioBase(L, io);
      const b = vmBase(L, k.ioVm[io]!);
      const len = k.ioLength[io]!;
      for (let x = 0; x < len; x++) n[b + L.pins + k.ioPage[io * L.maxTransfers + x]!]!--;
      n[ib + IO_STATUS] = S_REQUESTED;
      n[ib + IO_MODE] = M_NONE;
      clearHostFrames(k, n, ib);
      return;
    }
    case A_VMM_PAGE_IN: {
      const vm = arg;
      const page = T.arg2[code]!;
      const b = vmBase(L, vm);
      computeHolders(k, s);
      const f = lowestFreeFrame(k, s);
      n[L.frames + f] = n[b + L.paging + page]!;
      n[b + L.paging + page] = 0;
      n[b + L.pte + page] = f;
      return;
    }
    case A_CHANNEL_TRANSFER:
      channelTransfer(k, s, n, arg);
      return;
    case A_CHANNEL_END:
    case A_CHANNEL_ERROR:
      endProgram(k, n, arg, kind === A_CHANNEL_END ? S_DONE : S_FAILED);
      return;
    case A_CPU_DISPATCH: {
      const cpu = arg;
      n[L.running + cpu] = T.arg2[code]!; // the VM
      return;
    }
    case A_VM_TERMINATE: {
      const vm = arg;
      const b = vmBase(L, vm);
      const size = n[b + VM_SIZE]!;
      for (let page = 0; page < size; page++) {
        const f = frameOf(L, n, b, page);
        if (f >= 0) n[L.frames + f] = 0;
      }
      n[b + VM_ALIVE] = 0;
      const cpus = k.cpuCount;
      for (let c = 0; c < cpus; c++) if (n[L.running + c] === vm) n[L.running + c] = -1;
      n[G_NEXT_REQUEST]!++;
      n[G_SETTLED] = -1;
      return;
    }
    case A_REQUEST_BEGIN: {
      const request = arg;
      const req = k.ctx.requests[request]!;
      const b = vmBase(L, req.vm);
      const size = s[b + VM_SIZE]!;
      n[G_NEXT_REQUEST]!++;
      n[G_SETTLED] = -1;
      if (req.kind === 'relocate') {
        n[G_RC] = k.priorArt ? RC_PRIOR : RC_RELOCATION;
        newRelocation(k, n, P_RELOCATE, req.vm, req.to, size);
      } else if (req.kind === 'toPageable') {
        n[G_RC] = RC_RELOCATION;
        patentRelocation(n, P_TO_PAGEABLE, req.vm, -1, req.resident, size);
      } else if (req.kind === 'toPageFixed') {
        n[G_RC] = RC_RELOCATION;
        patentRelocation(n, P_TO_PAGE_FIXED, req.vm, req.to, -1, size);
        if (s[b + VM_FIXED] === 0) n[G_RL_STEP] = ST_MOVE_PAGES;
      }
      return;
    }
    case A_EVENT_ARRIVE:
      n[L.events + arg] = E_PENDING;
      return;
    case A_RESIZE_BEGIN:
      n[L.events + arg] = E_RUNNING;
      n[G_SETTLED] = -1;
      n[G_RC] = RC_RESIZE;
      n[G_RS_EVENT] = arg;
      n[G_RS_STEP] = RS_SHRINK;
      n[G_RS_CURSOR] = -1;
      n[G_RS_ASKED] = 0;
      clearRelocation(n);
      advanceResize(k, n);
      return;
    case A_RESIZE_ASK_SHRINK:
      n[vmBase(L, arg) + VM_SHRINK] = k.afterSize[n[G_RS_EVENT]! * V + arg]!;
      n[G_RS_CURSOR] = arg;
      n[G_RS_ASKED] = 1;
      return;
    case A_RESIZE_RELOCATE: {
      const vm = arg;
      const x = n[G_RS_EVENT]! * V + vm;
      n[G_RS_CURSOR] = vm;
      newRelocation(k, n, P_RESIZE, vm, k.afterOrigin[x]!, k.afterSize[x]!);
      return;
    }
    case A_RESIZE_ASK_GROW: {
      const vm = arg;
      const b = vmBase(L, vm);
      const newSize = k.afterSize[n[G_RS_EVENT]! * V + vm]!;
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
      return;
    }
    case A_RESIZE_REASSIGN_CPUS:
      reassignCpus(k, n);
      return;
    case A_PRIOR_SUSPEND:
      n[G_SUSPENDED] = 1;
      n[G_RL_STEP] = PR_COPY;
      return;
    case A_PRIOR_COPY:
      priorCopy(k, s, n);
      return;
    case A_PRIOR_RESUME:
      n[G_SUSPENDED] = 0;
      finishRelocation(k, n);
      return;
    default:
      relocationStep(k, s, n, code);
  }
}

function clearHostFrames(k: LeanKit, n: Int32Array, ib: number): void {
  n[ib + IO_HAS_FRAMES] = 0;
  for (let x = 0; x < k.L.maxTransfers; x++) n[ib + IO_FRAMES + x] = 0;
}

function clearRelocation(n: Int32Array): void {
  n[G_RL] = RL_NONE;
  n[G_RL_PURPOSE] = 0;
  n[G_RL_VM] = -1;
  n[G_RL_DEST] = -1;
  n[G_RL_RESIDENT] = -1;
  n[G_RL_SIZE] = 0;
  n[G_RL_STEP] = 0;
  n[G_TR_PAGE] = -1;
  n[G_TR_FROM] = -1;
}

function patentRelocation(
  n: Int32Array,
  purpose: number,
  vm: number,
  dest: number,
  resident: number,
  size: number,
): void {
  n[G_RL] = RL_PATENT;
  n[G_RL_PURPOSE] = purpose;
  n[G_RL_VM] = vm;
  n[G_RL_DEST] = dest;
  n[G_RL_RESIDENT] = resident;
  n[G_RL_SIZE] = size;
  n[G_RL_STEP] = ST_CLEAR_DIRECT;
  n[G_TR_PAGE] = -1;
  n[G_TR_FROM] = -1;
}

function newRelocation(
  k: LeanKit,
  n: Int32Array,
  purpose: number,
  vm: number,
  dest: number,
  size: number,
): void {
  patentRelocation(n, purpose, vm, dest, -1, size);
  if (k.priorArt) {
    n[G_RL] = RL_PRIOR;
    n[G_RL_STEP] = PR_SUSPEND;
  }
}

/** End the current relocation: stand-alone, or the 7020 step of a resize. */
function finishRelocation(k: LeanKit, n: Int32Array): void {
  clearRelocation(n);
  if (n[G_RC] === RC_RESIZE) advanceResize(k, n);
  else n[G_RC] = RC_NONE;
}

function advanceResize(k: LeanKit, n: Int32Array): void {
  const event = n[G_RS_EVENT]!;
  if (n[G_RS_STEP] === RS_SHRINK && n[G_RS_ASKED] === 0 && nextToShrink(k, n, event) < 0)
    n[G_RS_STEP] = RS_RELOCATE;
  if (n[G_RS_STEP] === RS_RELOCATE && n[G_RL] === RL_NONE && nextToRelocate(k, n, event) < 0)
    n[G_RS_STEP] = RS_GROW;
  if (n[G_RS_STEP] === RS_GROW && n[G_RS_ASKED] === 0 && nextToGrow(k, n, event) < 0)
    n[G_RS_STEP] = RS_REASSIGN;
}

function reassignCpus(k: LeanKit, n: Int32Array): void {
  const L = k.L;
  const V = k.vmCount;
  const event = n[G_RS_EVENT]!;
  for (let v = 0; v < V; v++) {
    const b = vmBase(L, v);
    const target = k.afterCpus[event * V + v]!;
    const assignment = L.cpuTable[target]!;
    if (k.faultDedicatedShared && assignment.mode === 'shared') {
      // the fault: shared VMs keep the CPUs they had, including one now dedicated elsewhere
      const mask = L.cpuMasks[n[b + VM_CPUS]!]! | L.cpuMasks[target]!;
      const cpus: number[] = [];
      for (let c = 0; c < 31; c++) if (mask & (1 << c)) cpus.push(c);
      n[b + VM_CPUS] = internCpus(L, { mode: 'shared', cpus });
    } else {
      n[b + VM_CPUS] = target;
    }
  }
  const cpus = k.cpuCount;
  for (let c = 0; c < cpus; c++) {
    const v = n[L.running + c]!;
    if (v >= 0 && (L.cpuMasks[n[vmBase(L, v) + VM_CPUS]!]! & (1 << c)) === 0) n[L.running + c] = -1;
  }
  n[L.events + event] = E_DONE;
  n[G_SETTLED] = event;
  n[G_RC] = RC_NONE;
  n[G_RS_EVENT] = -1;
  n[G_RS_STEP] = 0;
  n[G_RS_CURSOR] = 0;
  n[G_RS_ASKED] = 0;
  clearRelocation(n);
}

/** Record a move of pages [first, limit) of `vm` that an in-flight transfer targets (before the step). */
function noteMovedTargets(
  k: LeanKit,
  s: Int32Array,
  n: Int32Array,
  vm: number,
  limit: number,
  first: number,
): void {
  computeTargets(k, s, vm, true, true);
  for (let page = first; page < limit; page++) {
    if (k.L.targets[page]! > 0) {
      incident(k, n, I_MOVED_TARGETED, vm, page);
      return;
    }
  }
}

/** Truncate or extend VM block `b`'s page arrays to `size` (new slots: invalid, zero, no data). */
function resizePages(k: LeanKit, n: Int32Array, b: number, from: number, size: number): void {
  const L = k.L;
  for (let page = size; page < from; page++) {
    n[b + L.pte + page] = -1;
    n[b + L.pins + page] = 0;
    n[b + L.expected + page] = 0;
    n[b + L.paging + page] = 0;
  }
}

function afterFinishing(k: LeanKit, n: Int32Array, step: number): void {
  const f = k.finishing;
  const i = f[0] === step ? 0 : f[1] === step ? 1 : 2;
  n[G_RL_STEP] = i + 1 < 3 ? f[i + 1]! : ST_DISPATCH;
}

function relocationStep(k: LeanKit, s: Int32Array, n: Int32Array, code: number): void {
  const L = k.L;
  const T = k.T;
  const v = n[G_RL_VM]!;
  const b = vmBase(L, v);
  const kind = T.kind[code]!;
  switch (kind) {
    case A_RELOC_CLEAR_DIRECT: // 5000
      n[b + VM_DIRECT] = 0;
      for (let i = 0; i < k.ioCount; i++) {
        const ib = ioBase(L, i);
        if (k.ioVm[i] === v && n[ib + IO_STATUS] === S_RUNNING && n[ib + IO_MODE] === M_DIRECT)
          n[ib + IO_BEFORE] = 1;
      }
      n[G_RL_STEP] = ST_BUILD_SPACE;
      return;
    case A_RELOC_BUILD_SPACE: {
      // 5010
      const origin = n[b + VM_ORIGIN]!;
      const online = n[b + VM_ONLINE]!;
      const size = n[b + VM_SIZE]!;
      for (let page = 0; page < size; page++) n[b + L.pte + page] = page < online ? origin + page : -1;
      n[b + VM_HAS_ST] = 1;
      n[b + VM_FIXED] = 0;
      const resident = n[G_RL_RESIDENT]!;
      if (resident >= 0 && residentPages(L, n, b) > resident) n[G_RL_STEP] = ST_PAGE_OUT;
      else n[G_RL_STEP] = n[G_RL_DEST]! < 0 ? ST_DISPATCH : ST_CHECK_INFLIGHT;
      return;
    }
    case A_RELOC_PAGE_OUT: {
      // 5020-5030
      const page = T.arg[code]!;
      const f = pteOf(L, n, b, page);
      n[b + L.paging + page] = n[L.frames + f]!;
      n[L.frames + f] = 0;
      n[b + L.pte + page] = -1;
      if (residentPages(L, n, b) <= n[G_RL_RESIDENT]!)
        n[G_RL_STEP] = n[G_RL_DEST]! < 0 ? ST_DISPATCH : ST_CHECK_INFLIGHT;
      return;
    }
    case A_RELOC_COPY_ALL: {
      // 5040
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
      return;
    }
    case A_RELOC_START_PAGING:
      n[G_RL_STEP] = ST_MOVE_PAGES;
      return;
    case A_RELOC_COPY_PAGE: {
      // 5085, first half
      const page = T.arg[code]!;
      const from = pteOf(L, n, b, page);
      const to = n[G_RL_DEST]! + page;
      computeHolders(k, s);
      if (to < k.frameCount && L.hCount[to]! > 0) incident(k, n, I_OVERWROTE_LIVE, v, page, to);
      noteMovedTargets(k, s, n, v, page + 1, page);
      n[L.frames + to] = n[L.frames + from]!;
      n[b + L.pte + page] = -1;
      n[G_TR_PAGE] = page;
      n[G_TR_FROM] = from;
      return;
    }
    case A_RELOC_REMAP_PAGE: {
      // 5085, second half
      const page = n[G_TR_PAGE]!;
      const from = n[G_TR_FROM]!;
      noteMovedTargets(k, s, n, v, page + 1, page);
      n[b + L.pte + page] = n[G_RL_DEST]! + page;
      n[G_TR_PAGE] = -1;
      n[G_TR_FROM] = -1;
      if (!frameStillHeld(k, n, from)) n[L.frames + from] = 0;
      return;
    }
    case A_RELOC_PAGE_IN_TO_DEST: {
      const page = T.arg[code]!;
      const to = n[G_RL_DEST]! + page;
      n[L.frames + to] = n[b + L.paging + page]!;
      n[b + L.paging + page] = 0;
      n[b + L.pte + page] = to;
      return;
    }
    case A_RELOC_SET_ORIGIN: {
      // 5090-5100
      const dest = n[G_RL_DEST]!;
      const size = n[G_RL_SIZE]!;
      const oldSize = n[b + VM_SIZE]!;
      n[b + VM_ORIGIN] = dest;
      n[b + VM_END] = dest + size - 1;
      n[b + VM_SIZE] = size;
      n[b + VM_ONLINE] = Math.min(n[b + VM_ONLINE]!, size);
      resizePages(k, n, b, oldSize, size);
      afterFinishing(k, n, ST_SET_ORIGIN);
      return;
    }
    case A_RELOC_SET_PAGE_FIXED: // 5110
      n[b + VM_FIXED] = 1;
      n[b + VM_HAS_ST] = 0;
      for (let page = 0; page < L.maxPages; page++) n[b + L.pte + page] = -1;
      afterFinishing(k, n, ST_SET_PAGE_FIXED);
      return;
    case A_RELOC_SET_DIRECT: // 5120
      n[b + VM_DIRECT] = k.configuredDirect[v]!;
      afterFinishing(k, n, ST_SET_DIRECT);
      return;
    case A_RELOC_DISPATCH: // 5130-5160
      for (let i = 0; i < k.ioCount; i++) n[ioBase(L, i) + IO_BEFORE] = 0;
      finishRelocation(k, n);
      return;
    default:
      throw new Error(`lean step: action ${T.kindName[code]} is not a relocation step`);
  }
}

function frameStillHeld(k: LeanKit, n: Int32Array, frame: number): boolean {
  const L = k.L;
  for (let w = 0; w < k.vmCount; w++) {
    const b = vmBase(L, w);
    if (n[b + VM_ALIVE] === 0) continue;
    const size = n[b + VM_SIZE]!;
    for (let page = 0; page < size; page++) if (frameOf(L, n, b, page) === frame) return true;
  }
  return false;
}

function priorCopy(k: LeanKit, s: Int32Array, n: Int32Array): void {
  const L = k.L;
  const v = n[G_RL_VM]!;
  const b = vmBase(L, v);
  const dest = n[G_RL_DEST]!;
  const rSize = n[G_RL_SIZE]!;
  const origin = n[b + VM_ORIGIN]!;
  const size = n[b + VM_SIZE]!;
  const limit = Math.min(n[b + VM_ONLINE]!, rSize);
  const length = computeTargets(k, s, v, true, false);
  let moved = -1;
  for (let page = 0; page < Math.min(limit, length); page++)
    if (moved < 0 && L.targets[page]! > 0) moved = page;
  if (moved >= 0 && dest !== origin) incident(k, n, I_MOVED_TARGETED, v, moved);
  const contents = L.contents;
  for (let page = 0; page < limit; page++) contents[page] = n[L.frames + origin + page]!;
  for (let page = 0; page < size; page++) n[L.frames + origin + page] = 0;
  for (let page = 0; page < limit; page++) n[L.frames + dest + page] = contents[page]!;
  n[b + VM_ORIGIN] = dest;
  n[b + VM_END] = dest + rSize - 1;
  n[b + VM_SIZE] = rSize;
  n[b + VM_ONLINE] = limit;
  resizePages(k, n, b, size, rSize);
  n[G_RL_STEP] = PR_RESUME;
}

function channelTransfer(k: LeanKit, s: Int32Array, n: Int32Array, channel: number): void {
  const L = k.L;
  const io = s[L.channels + channel]!;
  const ib = ioBase(L, io);
  const v = k.ioVm[io]!;
  const b = vmBase(L, v);
  const done = s[ib + IO_DONE]!;
  const x = io * L.maxTransfers + done;
  const page = k.ioPage[x]!;
  const write = k.ioWrite[x] === 1;
  const frame = s[ib + IO_MODE] === M_DIRECT ? s[b + VM_ORIGIN]! + page : s[ib + IO_FRAMES + done]!;
  const mapped = frameOf(L, s, b, page);
  n[ib + IO_DONE] = done + 1;
  const wrong = frame !== mapped;
  if (wrong) {
    incident(k, n, write ? I_STALE_WRITE : I_STALE_READ, v, page, frame, mapped, channel);
    if (!holdsFrame(k, s, v, page, frame)) incident(k, n, I_STRAY_ACCESS, v, page, frame, mapped, channel);
  }
  if (frame < 0 || frame >= k.frameCount) return;
  // Known limit: a transfer to a page past the VM's size (only after a fault) extends the readable
  // model's `expected` array; the lean model keeps the fixed layout instead.
  const inSize = page < n[b + VM_SIZE]!;
  if (write) {
    const version = (inSize ? n[b + L.expected + page]! : 0) + 1;
    if (inSize) n[b + L.expected + page] = version;
    n[L.frames + frame] = dataCode(L, v, page, version);
  } else if (!wrong && (!inSize || s[L.frames + frame] !== dataCode(L, v, page, n[b + L.expected + page]!))) {
    incident(k, n, I_STALE_READ, v, page, frame, mapped, channel);
  }
}

function endProgram(k: LeanKit, n: Int32Array, channel: number, status: number): void {
  const L = k.L;
  const io = n[L.channels + channel]!;
  const ib = ioBase(L, io);
  if (n[ib + IO_MODE] === M_HOST) {
    const b = vmBase(L, k.ioVm[io]!);
    const size = n[b + VM_SIZE]!;
    const len = k.ioLength[io]!;
    for (let x = 0; x < len; x++) {
      const page = k.ioPage[io * L.maxTransfers + x]!;
      if (page < size) n[b + L.pins + page]!--;
    }
  }
  n[ib + IO_STATUS] = status;
  n[ib + IO_MODE] = M_NONE;
  clearHostFrames(k, n, ib);
  n[ib + IO_DONE] = 0;
  n[ib + IO_BEFORE] = 0;
  n[L.channels + channel] = -1;
}

function cpuAccess(k: LeanKit, n: Int32Array, index: number): void {
  const L = k.L;
  const v = k.accessVm[index]!;
  const b = vmBase(L, v);
  n[L.access + index] = 1;
  const page = k.accessPage[index]!;
  const size = n[b + VM_SIZE]!;
  const online = n[b + VM_ONLINE]!;
  let frame: number;
  if (n[b + VM_FIXED] === 1) {
    const host = n[b + VM_ORIGIN]! + page;
    const end = n[b + VM_END]!;
    const limit = end + k.limitSlack;
    const offline = page >= online && page < size;
    frame = host > limit || offline ? -1 : host;
  } else {
    frame = page < online ? pteOf(L, n, b, page) : -1;
  }
  if (frame < 0) {
    n[b + VM_INTERRUPTS]!++; // addressing exception [4320]
    return;
  }
  if (page >= online) incident(k, n, I_BOUNDS_BREACH, v, page, frame, index);
  if (k.accessWrite[index] === 1) {
    const version = (page < size ? n[b + L.expected + page]! : 0) + 1;
    if (page < size) n[b + L.expected + page] = version;
    if (frame < k.frameCount) n[L.frames + frame] = dataCode(L, v, page, version);
  } else if (
    page >= size ||
    frame >= k.frameCount ||
    n[L.frames + frame] !== dataCode(L, v, page, n[b + L.expected + page]!)
  ) {
    incident(k, n, I_STALE_READ, v, page, frame, index);
  }
}
