/**
 * Lean `enabledActions`: the action codes of a lean state in exactly the readable model's order
 * (kind as in ACTION_KINDS, then index), so action indices replay on either model.
 */
import * as K from './layout.ts';
import type { LeanKit } from './queries.ts';
import * as Q from './queries.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  E_PENDING,
  E_WAITING,
  G_NEXT_REQUEST,
  G_RC,
  G_RL,
  G_RL_DEST,
  G_RL_SIZE,
  G_RL_STEP,
  G_RL_VM,
  G_RS_ASKED,
  G_RS_CURSOR,
  G_RS_EVENT,
  G_RS_STEP,
  G_SUSPENDED,
  G_TR_PAGE,
  IO_DONE,
  IO_STATUS,
  PR_COPY,
  PR_SUSPEND,
  RC_NONE,
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
  ST_MOVE_PAGES,
  ST_PAGE_OUT,
  ST_SET_DIRECT,
  ST_SET_ORIGIN,
  ST_SET_PAGE_FIXED,
  S_IDLE,
  S_REQUESTED,
  S_TRANSLATED,
  VM_ALIVE,
  VM_CPUS,
  VM_DIRECT,
  VM_FIXED,
  VM_HAS_ST,
  VM_ONLINE,
  VM_ORIGIN,
  VM_SHRINK,
  VM_SIZE,
  ioBase,
  vmBase,
} = K;
const {
  computeHolders,
  computeTargets,
  frameOf,
  hasIoInFlight,
  isDispatched,
  isFreeFrame,
  lowestFreeFrame,
  nextToGrow,
  nextToRelocate,
  nextToShrink,
  pageFaultDemanded,
  pteOf,
} = Q;

/** The enabled action codes of `s` (indices into `k.T.actions`). */
export function leanActions(k: LeanKit, s: Int32Array): number[] {
  const out: number[] = [];
  const L = k.L;
  const T = k.T;
  const MT = L.maxTransfers;
  const V = k.vmCount;
  const rc = s[G_RC]!;
  const rl = s[G_RL]!;
  const rlStep = s[G_RL_STEP]!;
  // Holders are needed by page-in, by step 5085 and by growth (7030); compute them once if so.
  let needHolders = rl === RL_PATENT && rlStep === ST_MOVE_PAGES && s[G_TR_PAGE]! < 0;
  if (rc === RC_RESIZE && s[G_RS_STEP] === RS_GROW && s[G_RS_ASKED] === 0) needHolders = true;
  for (let v = 0; v < V && !needHolders; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 1 && s[b + VM_FIXED] === 0 && s[b + VM_HAS_ST] === 1) needHolders = true;
  }
  if (needHolders) computeHolders(k, s);

  // guest.startIo
  for (let i = 0; i < k.ioCount; i++) {
    if (s[ioBase(L, i) + IO_STATUS] !== S_IDLE) continue;
    const v = k.ioVm[i]!;
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
    const online = s[b + VM_ONLINE]!;
    let ok = true;
    for (let x = 0; x < k.ioLength[i]!; x++) if (k.ioPage[i * MT + x]! >= online) ok = false;
    if (!ok) continue;
    if (s[b + VM_DIRECT] === 1 && s[L.channels + k.ioChannel[i]!]! >= 0) continue;
    out.push(T.startIo[i]!);
  }
  // guest.cpuAccess
  for (let i = 0; i < k.accessVm.length; i++) {
    if (s[L.access + i] === 1) continue;
    const v = k.accessVm[i]!;
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
    const page = k.accessPage[i]!;
    if (s[b + VM_FIXED] === 0 && page < s[b + VM_ONLINE]! && frameOf(L, s, b, page) < 0) continue;
    out.push(T.cpuAccess[i]!);
  }
  // guest.offline (7010)
  for (let v = 0; v < V; v++) {
    const shrink = s[vmBase(L, v) + VM_SHRINK]!;
    if (shrink < 0 || !isDispatched(k, s, v)) continue;
    if (!k.faultOfflineUnderIo) {
      const n = computeTargets(k, s, v, true, true);
      let busy = false;
      for (let page = shrink; page < n; page++) if (L.targets[page]! > 0) busy = true;
      if (busy) continue;
    }
    out.push(T.offline[v]!);
  }
  // guest.online (7040)
  if (rc === RC_RESIZE && s[G_RS_STEP] === RS_GROW && s[G_RS_ASKED] === 1) {
    const cursor = s[G_RS_CURSOR]!;
    if (isDispatched(k, s, cursor)) out.push(T.online[cursor]!);
  }
  // vmm.translateIo (5070)
  for (let i = 0; i < k.ioCount; i++) {
    if (s[ioBase(L, i) + IO_STATUS] !== S_REQUESTED) continue;
    const b = vmBase(L, k.ioVm[i]!);
    let ok = true;
    for (let x = 0; x < k.ioLength[i]!; x++) if (frameOf(L, s, b, k.ioPage[i * MT + x]!) < 0) ok = false;
    if (ok) out.push(T.translateIo[i]!);
  }
  // vmm.startHostProgram (5080), vmm.startRefused (5083)
  for (let i = 0; i < k.ioCount; i++) {
    if (s[ioBase(L, i) + IO_STATUS] === S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! < 0)
      out.push(T.startHostProgram[i]!);
  }
  for (let i = 0; i < k.ioCount; i++) {
    if (s[ioBase(L, i) + IO_STATUS] === S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! >= 0)
      out.push(T.startRefused[i]!);
  }
  // vmm.pageIn
  if (needHolders && lowestFreeFrame(k, s) >= 0) {
    const transitVm = rl === RL_PATENT ? s[G_RL_VM]! : -1;
    const transitPage = s[G_TR_PAGE]!;
    for (let v = 0; v < V; v++) {
      const b = vmBase(L, v);
      if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1 || s[b + VM_HAS_ST] === 0) continue;
      const online = s[b + VM_ONLINE]!;
      for (let page = 0; page < online; page++) {
        if (pteOf(L, s, b, page) >= 0 || s[b + L.paging + page] === 0) continue;
        if (transitVm === v && transitPage === page) continue;
        if (pageFaultDemanded(k, s, v, page)) out.push(T.pageIn[v * L.maxPages + page]!);
      }
    }
  }
  // channel.transfer / channel.end / channel.error
  const C = k.channelCount;
  const suspended = s[G_SUSPENDED] === 1;
  for (let c = 0; c < C; c++) {
    const io = s[L.channels + c]!;
    if (io < 0 || suspended) continue;
    if (s[ioBase(L, io) + IO_DONE]! < k.ioLength[io]!) out.push(T.transfer[c]!);
  }
  for (let c = 0; c < C; c++) {
    const io = s[L.channels + c]!;
    if (io >= 0 && s[ioBase(L, io) + IO_DONE] === k.ioLength[io]) out.push(T.end[c]!);
  }
  if (k.channelErrors) {
    for (let c = 0; c < C; c++) {
      const io = s[L.channels + c]!;
      if (io >= 0 && !suspended && s[ioBase(L, io) + IO_DONE]! < k.ioLength[io]!) out.push(T.error[c]!);
    }
  }
  // cpu.dispatch
  if (k.dispatch) {
    const cpus = k.cpuCount;
    for (let c = 0; c < cpus; c++) {
      const current = s[L.running + c]!;
      for (let v = 0; v < V; v++) {
        const b = vmBase(L, v);
        if (s[b + VM_ALIVE] === 0 || (L.cpuMasks[s[b + VM_CPUS]!]! & (1 << c)) === 0 || current === v)
          continue;
        if (isDispatched(k, s, v)) continue;
        out.push(T.dispatch[c * V + v]!);
      }
    }
  }
  // vm.terminate / request.begin / event.arrive
  const nextRequest = s[G_NEXT_REQUEST]!;
  if (rc === RC_NONE && nextRequest < k.requestCount) {
    if (k.requestTerminates[nextRequest] === 1) {
      const vm = k.requestVm[nextRequest]!;
      if (!hasIoInFlight(k, s, vm, true, true)) out.push(T.terminate[vm]!);
    } else {
      out.push(T.requestBegin[nextRequest]!);
    }
  }
  const E = k.eventCount;
  for (let e = 0; e < E; e++) if (s[L.events + e] === E_WAITING) out.push(T.eventArrive[e]!);

  // The relocation procedure
  if (rl === RL_PATENT) relocationActions(k, s, out);
  else if (rl === RL_PRIOR)
    out.push(rlStep === PR_SUSPEND ? T.priorSuspend : rlStep === PR_COPY ? T.priorCopy : T.priorResume);

  // Resize on an event
  if (rc === RC_NONE) {
    for (let e = 0; e < E; e++) if (s[L.events + e] === E_PENDING) out.push(T.resizeBegin[e]!);
  } else if (rc === RC_RESIZE) {
    const step = s[G_RS_STEP]!;
    const asked = s[G_RS_ASKED] === 1;
    const event = s[G_RS_EVENT]!;
    if (step === RS_SHRINK && !asked) {
      const v = nextToShrink(k, s, event);
      if (v >= 0) out.push(T.askShrink[v]!);
    }
    if (step === RS_RELOCATE && rl === RL_NONE) {
      const v = nextToRelocate(k, s, event);
      if (v >= 0) out.push(T.resizeRelocate[v]!);
    }
    if (step === RS_GROW && !asked) {
      const v = nextToGrow(k, s, event);
      if (v >= 0 && growthRoomIsFree(k, s, v, k.afterSize[event * V + v]!)) out.push(T.askGrow[v]!);
    }
    if (step === RS_REASSIGN) out.push(T.reassignCpus);
  }
  return out;
}

function growthRoomIsFree(k: LeanKit, s: Int32Array, v: number, newSize: number): boolean {
  const b = vmBase(k.L, v);
  if (s[b + VM_FIXED] === 0) return false;
  const origin = s[b + VM_ORIGIN]!;
  for (let f = origin + s[b + VM_SIZE]!; f < origin + newSize; f++) if (!isFreeFrame(k, f)) return false;
  return true;
}

function finishingCode(k: LeanKit, step: number): number {
  return step === ST_SET_ORIGIN
    ? k.T.setOrigin
    : step === ST_SET_PAGE_FIXED
      ? k.T.setPageFixed
      : k.T.setDirect;
}

function relocationActions(k: LeanKit, s: Int32Array, out: number[]): void {
  const L = k.L;
  const T = k.T;
  const v = s[G_RL_VM]!;
  const b = vmBase(L, v);
  const step = s[G_RL_STEP]!;
  switch (step) {
    case ST_CLEAR_DIRECT:
      out.push(T.clearDirect);
      return;
    case ST_BUILD_SPACE:
      out.push(T.buildSpace);
      return;
    case ST_PAGE_OUT: {
      // Direct targets bar a page-out in every variant; pins and host targets except in the fault.
      const online = s[b + VM_ONLINE]!;
      computeTargets(k, s, v, false, true);
      const direct = L.contents;
      for (let page = 0; page < online; page++) direct[page] = L.targets[page]!;
      computeTargets(k, s, v, true, false);
      for (let page = 0; page < online; page++) {
        if (pteOf(L, s, b, page) < 0 || direct[page]! > 0) continue;
        if (!k.faultPageOutPinned && (s[b + L.pins + page]! > 0 || L.targets[page]! > 0)) continue;
        out.push(T.pageOut[page]!);
      }
      return;
    }
    case ST_CHECK_INFLIGHT:
      out.push(hasIoInFlight(k, s, v, true, !k.faultForgetDirect) ? T.startPaging : T.copyAll);
      return;
    case ST_MOVE_PAGES: {
      if (s[G_TR_PAGE]! >= 0) {
        out.push(T.remapPage);
        return;
      }
      const dest = s[G_RL_DEST]!;
      const limit = Math.min(s[b + VM_ONLINE]!, s[G_RL_SIZE]!);
      const useTargets = !k.faultMoveTargeted;
      if (useTargets) computeTargets(k, s, v, true, !k.faultForgetDirect);
      let allAtDest = true;
      for (let page = 0; page < limit; page++) {
        const from = pteOf(L, s, b, page);
        const to = dest + page;
        if (from === to) continue;
        allAtDest = false;
        const destOk = k.faultOverlapCopy
          ? to >= k.vmmFrames && (L.hMask[to]! & ~(1 << v)) === 0
          : isFreeFrame(k, to);
        if (!destOk) continue;
        if (from >= 0) {
          if (useTargets && L.targets[page]! > 0) continue;
          out.push(T.copyPage[page]!);
        } else if (s[b + L.paging + page] !== 0) {
          out.push(T.pageInToDest[page]!);
        }
      }
      if (allAtDest) out.push(finishingCode(k, k.finishing[0]!));
      return;
    }
    case ST_SET_ORIGIN:
    case ST_SET_PAGE_FIXED:
    case ST_SET_DIRECT:
      out.push(finishingCode(k, step));
      return;
    default:
      out.push(T.relocDispatch);
  }
}
