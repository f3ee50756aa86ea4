/**
 * The procedures the actions' effects share (model/vmm/machine.ts): starting and ending a
 * relocation, advancing a resize, a channel transfer, a CPU access, raising an incident. Each
 * mutates `n`, the state being built, reading the state before the step from `s` where it must.
 */
import * as K from './layout.ts';
import type { LeanKit } from './queries.ts';
import * as Q from './queries.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  E_DONE,
  G_INCIDENTS,
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
  G_SV_DEST,
  G_SV_PURPOSE,
  G_SV_RESIDENT,
  G_SV_SIZE,
  G_SV_STEP,
  G_SV_VM,
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
  I_STALE_READ,
  I_STALE_WRITE,
  I_STRAY_ACCESS,
  M_DIRECT,
  M_HOST,
  M_NONE,
  PR_RESUME,
  PR_SUSPEND,
  RC_NONE,
  RC_RELOCATION,
  RC_RESIZE,
  RL_NONE,
  RL_PATENT,
  RL_PRIOR,
  RS_GROW,
  RS_REASSIGN,
  RS_RELOCATE,
  RS_SHRINK,
  ST_CLEAR_DIRECT,
  ST_DISPATCH,
  VM_ALIVE,
  VM_CPUS,
  VM_END,
  VM_FIXED,
  VM_INTERRUPTS,
  VM_ONLINE,
  VM_ORIGIN,
  VM_SIZE,
  dataCode,
  internCpus,
  ioBase,
  vmBase,
} = K;
const { computeTargets, frameOf, holdsFrame, nextToGrow, nextToRelocate, nextToShrink, pteOf } = Q;

/** Raise incident `bit` in `n`; its facts go to `k.onIncident` when a report asks for them. */
export function incident(
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

export function clearHostFrames(k: LeanKit, n: Int32Array, ib: number): void {
  n[ib + IO_HAS_FRAMES] = 0;
  for (let x = 0; x < k.L.maxTransfers; x++) n[ib + IO_FRAMES + x] = 0;
}

export function clearRelocation(n: Int32Array): void {
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

export function patentRelocation(
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

export function newRelocation(
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

/**
 * End the current relocation: stand-alone, or the 7020 step of a resize. A relocation held while
 * it ran (only under `fault-interleaved-reconfiguration`) resumes where it was.
 */
export function finishRelocation(k: LeanKit, n: Int32Array): void {
  clearRelocation(n);
  if (n[G_SV_VM]! >= 0) resumeHeld(n);
  if (n[G_RC] === RC_RESIZE) advanceResize(k, n);
  else if (n[G_RL] === RL_NONE) n[G_RC] = RC_NONE;
}

/** Hold the current (patent) relocation in the `sv*` slot, for a newer one to run. */
export function holdRelocation(n: Int32Array): void {
  n[G_SV_PURPOSE] = n[G_RL_PURPOSE]!;
  n[G_SV_VM] = n[G_RL_VM]!;
  n[G_SV_DEST] = n[G_RL_DEST]!;
  n[G_SV_RESIDENT] = n[G_RL_RESIDENT]!;
  n[G_SV_SIZE] = n[G_RL_SIZE]!;
  n[G_SV_STEP] = n[G_RL_STEP]!;
}

/** Resume the held relocation as the current one, and empty the `sv*` slot. */
function resumeHeld(n: Int32Array): void {
  patentRelocation(n, n[G_SV_PURPOSE]!, n[G_SV_VM]!, n[G_SV_DEST]!, n[G_SV_RESIDENT]!, n[G_SV_SIZE]!);
  n[G_RL_STEP] = n[G_SV_STEP]!;
  n[G_SV_PURPOSE] = 0;
  n[G_SV_VM] = -1;
  n[G_SV_DEST] = -1;
  n[G_SV_RESIDENT] = -1;
  n[G_SV_SIZE] = 0;
  n[G_SV_STEP] = 0;
}

export function advanceResize(k: LeanKit, n: Int32Array): void {
  const event = n[G_RS_EVENT]!;
  if (n[G_RS_STEP] === RS_SHRINK && n[G_RS_ASKED] === 0 && nextToShrink(k, n, event) < 0)
    n[G_RS_STEP] = RS_RELOCATE;
  if (n[G_RS_STEP] === RS_RELOCATE && n[G_RL] === RL_NONE && nextToRelocate(k, n, event) < 0)
    n[G_RS_STEP] = RS_GROW;
  if (n[G_RS_STEP] === RS_GROW && n[G_RS_ASKED] === 0 && nextToGrow(k, n, event) < 0)
    n[G_RS_STEP] = RS_REASSIGN;
}

export function reassignCpus(k: LeanKit, n: Int32Array): void {
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
  // A relocation begun meanwhile (only under `fault-interleaved-reconfiguration`) goes on alone.
  n[G_RC] = n[G_RL] === RL_NONE ? RC_NONE : RC_RELOCATION;
  n[G_RS_EVENT] = -1;
  n[G_RS_STEP] = 0;
  n[G_RS_CURSOR] = 0;
  n[G_RS_ASKED] = 0;
}

/** Record a move of pages [first, limit) of `vm` that an in-flight transfer targets (before the step). */
export function noteMovedTargets(
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
export function resizePages(k: LeanKit, n: Int32Array, b: number, from: number, size: number): void {
  const L = k.L;
  for (let page = size; page < from; page++) {
    n[b + L.pte + page] = -1;
    n[b + L.pins + page] = 0;
    n[b + L.expected + page] = 0;
    n[b + L.paging + page] = 0;
  }
}

export function afterFinishing(k: LeanKit, n: Int32Array, step: number): void {
  const f = k.finishing;
  const i = f[0] === step ? 0 : f[1] === step ? 1 : 2;
  n[G_RL_STEP] = i + 1 < 3 ? f[i + 1]! : ST_DISPATCH;
}

export function frameStillHeld(k: LeanKit, n: Int32Array, frame: number): boolean {
  const L = k.L;
  for (let w = 0; w < k.vmCount; w++) {
    const b = vmBase(L, w);
    if (n[b + VM_ALIVE] === 0) continue;
    const size = n[b + VM_SIZE]!;
    for (let page = 0; page < size; page++) if (frameOf(L, n, b, page) === frame) return true;
  }
  return false;
}

export function priorCopy(k: LeanKit, s: Int32Array, n: Int32Array): void {
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

export function channelTransfer(k: LeanKit, s: Int32Array, n: Int32Array, channel: number): void {
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
  // A transfer to a page past the VM's size (only after a fault) writes the frame but records no
  // expected version: the layout has no slot for it.
  const inSize = page < n[b + VM_SIZE]!;
  if (write) {
    const version = (inSize ? n[b + L.expected + page]! : 0) + 1;
    if (inSize) n[b + L.expected + page] = version;
    n[L.frames + frame] = dataCode(L, v, page, version);
  } else if (!wrong && (!inSize || s[L.frames + frame] !== dataCode(L, v, page, n[b + L.expected + page]!))) {
    incident(k, n, I_STALE_READ, v, page, frame, mapped, channel);
  }
}

export function endProgram(k: LeanKit, n: Int32Array, channel: number, status: number): void {
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

export function cpuAccess(k: LeanKit, n: Int32Array, index: number): void {
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
