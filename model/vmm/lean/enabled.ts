/**
 * Lean `enabledActions`: the action codes of a lean state in exactly the readable model's order
 * (kind as in ACTION_KINDS, then index), so action indices replay on either model.
 */
import * as K from './layout.ts';
import {
  computeHolders,
  computeTargets,
  frameOf,
  hasIoInFlight,
  isDispatched,
  isFreeFrame,
  type LeanKit,
  lowestFreeFrame,
  nextToGrow,
  nextToRelocate,
  nextToShrink,
  pageFaultDemanded,
  pteOf,
} from './queries.ts';

/** The enabled action codes of `s` (indices into `k.T.actions`). */
export function leanActions(k: LeanKit, s: Int32Array): number[] {
  const out: number[] = [];
  const L = k.L;
  const T = k.T;
  const MT = L.maxTransfers;
  const V = k.vmCount;
  const rc = s[K.G_RC]!;
  const rl = s[K.G_RL]!;
  const rlStep = s[K.G_RL_STEP]!;
  // Holders are needed by page-in, by step 5085 and by growth (7030); compute them once if so.
  let needHolders = rl === K.RL_PATENT && rlStep === K.ST_MOVE_PAGES && s[K.G_TR_PAGE]! < 0;
  if (rc === K.RC_RESIZE && s[K.G_RS_STEP] === K.RS_GROW && s[K.G_RS_ASKED] === 0) needHolders = true;
  for (let v = 0; v < V && !needHolders; v++) {
    const b = K.vmBase(L, v);
    if (s[b + K.VM_ALIVE] === 1 && s[b + K.VM_FIXED] === 0 && s[b + K.VM_HAS_ST] === 1) needHolders = true;
  }
  if (needHolders) computeHolders(k, s);

  // guest.startIo
  for (let i = 0; i < k.ioCount; i++) {
    if (s[K.ioBase(L, i) + K.IO_STATUS] !== K.S_IDLE) continue;
    const v = k.ioVm[i]!;
    const b = K.vmBase(L, v);
    if (s[b + K.VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
    const online = s[b + K.VM_ONLINE]!;
    let ok = true;
    for (let x = 0; x < k.ioLength[i]!; x++) if (k.ioPage[i * MT + x]! >= online) ok = false;
    if (!ok) continue;
    if (s[b + K.VM_DIRECT] === 1 && s[L.channels + k.ioChannel[i]!]! >= 0) continue;
    out.push(T.startIo[i]!);
  }
  // guest.cpuAccess
  for (let i = 0; i < k.accessVm.length; i++) {
    if (s[L.access + i] === 1) continue;
    const v = k.accessVm[i]!;
    const b = K.vmBase(L, v);
    if (s[b + K.VM_ALIVE] === 0 || !isDispatched(k, s, v)) continue;
    const page = k.accessPage[i]!;
    if (s[b + K.VM_FIXED] === 0 && page < s[b + K.VM_ONLINE]! && frameOf(L, s, b, page) < 0) continue;
    out.push(T.cpuAccess[i]!);
  }
  // guest.offline (7010)
  for (let v = 0; v < V; v++) {
    const shrink = s[K.vmBase(L, v) + K.VM_SHRINK]!;
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
  if (rc === K.RC_RESIZE && s[K.G_RS_STEP] === K.RS_GROW && s[K.G_RS_ASKED] === 1) {
    const cursor = s[K.G_RS_CURSOR]!;
    if (isDispatched(k, s, cursor)) out.push(T.online[cursor]!);
  }
  // vmm.translateIo (5070)
  for (let i = 0; i < k.ioCount; i++) {
    if (s[K.ioBase(L, i) + K.IO_STATUS] !== K.S_REQUESTED) continue;
    const b = K.vmBase(L, k.ioVm[i]!);
    let ok = true;
    for (let x = 0; x < k.ioLength[i]!; x++) if (frameOf(L, s, b, k.ioPage[i * MT + x]!) < 0) ok = false;
    if (ok) out.push(T.translateIo[i]!);
  }
  // vmm.startHostProgram (5080), vmm.startRefused (5083)
  for (let i = 0; i < k.ioCount; i++) {
    if (s[K.ioBase(L, i) + K.IO_STATUS] === K.S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! < 0)
      out.push(T.startHostProgram[i]!);
  }
  for (let i = 0; i < k.ioCount; i++) {
    if (s[K.ioBase(L, i) + K.IO_STATUS] === K.S_TRANSLATED && s[L.channels + k.ioChannel[i]!]! >= 0)
      out.push(T.startRefused[i]!);
  }
  // vmm.pageIn
  if (needHolders && lowestFreeFrame(k, s) >= 0) {
    const transitVm = rl === K.RL_PATENT ? s[K.G_RL_VM]! : -1;
    const transitPage = s[K.G_TR_PAGE]!;
    for (let v = 0; v < V; v++) {
      const b = K.vmBase(L, v);
      if (s[b + K.VM_ALIVE] === 0 || s[b + K.VM_FIXED] === 1 || s[b + K.VM_HAS_ST] === 0) continue;
      const online = s[b + K.VM_ONLINE]!;
      for (let page = 0; page < online; page++) {
        if (pteOf(L, s, b, page) >= 0 || s[b + L.paging + page] === 0) continue;
        if (transitVm === v && transitPage === page) continue;
        if (pageFaultDemanded(k, s, v, page)) out.push(T.pageIn[v * L.maxPages + page]!);
      }
    }
  }
  // channel.transfer / channel.end / channel.error
  const C = k.ctx.scenario.channels;
  const suspended = s[K.G_SUSPENDED] === 1;
  for (let c = 0; c < C; c++) {
    const io = s[L.channels + c]!;
    if (io < 0 || suspended) continue;
    if (s[K.ioBase(L, io) + K.IO_DONE]! < k.ioLength[io]!) out.push(T.transfer[c]!);
  }
  for (let c = 0; c < C; c++) {
    const io = s[L.channels + c]!;
    if (io >= 0 && s[K.ioBase(L, io) + K.IO_DONE] === k.ioLength[io]) out.push(T.end[c]!);
  }
  if (k.channelErrors) {
    for (let c = 0; c < C; c++) {
      const io = s[L.channels + c]!;
      if (io >= 0 && !suspended && s[K.ioBase(L, io) + K.IO_DONE]! < k.ioLength[io]!) out.push(T.error[c]!);
    }
  }
  // cpu.dispatch
  if (k.dispatch) {
    const cpus = k.ctx.scenario.cpus;
    for (let c = 0; c < cpus; c++) {
      const current = s[L.running + c]!;
      for (let v = 0; v < V; v++) {
        const b = K.vmBase(L, v);
        if (s[b + K.VM_ALIVE] === 0 || (L.cpuMasks[s[b + K.VM_CPUS]!]! & (1 << c)) === 0 || current === v)
          continue;
        if (isDispatched(k, s, v)) continue;
        out.push(T.dispatch[c * V + v]!);
      }
    }
  }
  // vm.terminate / request.begin / event.arrive
  const nextRequest = s[K.G_NEXT_REQUEST]!;
  if (rc === K.RC_NONE && nextRequest < k.ctx.requests.length) {
    const request = k.ctx.requests[nextRequest]!;
    if (request.kind === 'terminate') {
      if (!hasIoInFlight(k, s, request.vm, true, true)) out.push(T.terminate[request.vm]!);
    } else {
      out.push(T.requestBegin[nextRequest]!);
    }
  }
  const E = k.ctx.events.length;
  for (let e = 0; e < E; e++) if (s[L.events + e] === K.E_WAITING) out.push(T.eventArrive[e]!);

  // The relocation procedure
  if (rl === K.RL_PATENT) relocationActions(k, s, out);
  else if (rl === K.RL_PRIOR)
    out.push(rlStep === K.PR_SUSPEND ? T.priorSuspend : rlStep === K.PR_COPY ? T.priorCopy : T.priorResume);

  // Resize on an event
  if (rc === K.RC_NONE) {
    for (let e = 0; e < E; e++) if (s[L.events + e] === K.E_PENDING) out.push(T.resizeBegin[e]!);
  } else if (rc === K.RC_RESIZE) {
    const step = s[K.G_RS_STEP]!;
    const asked = s[K.G_RS_ASKED] === 1;
    const event = s[K.G_RS_EVENT]!;
    if (step === K.RS_SHRINK && !asked) {
      const v = nextToShrink(k, s, event);
      if (v >= 0) out.push(T.askShrink[v]!);
    }
    if (step === K.RS_RELOCATE && rl === K.RL_NONE) {
      const v = nextToRelocate(k, s, event);
      if (v >= 0) out.push(T.resizeRelocate[v]!);
    }
    if (step === K.RS_GROW && !asked) {
      const v = nextToGrow(k, s, event);
      if (v >= 0 && growthRoomIsFree(k, s, v, k.afterSize[event * V + v]!)) out.push(T.askGrow[v]!);
    }
    if (step === K.RS_REASSIGN) out.push(T.reassignCpus);
  }
  return out;
}

function growthRoomIsFree(k: LeanKit, s: Int32Array, v: number, newSize: number): boolean {
  const b = K.vmBase(k.L, v);
  if (s[b + K.VM_FIXED] === 0) return false;
  const origin = s[b + K.VM_ORIGIN]!;
  for (let f = origin + s[b + K.VM_SIZE]!; f < origin + newSize; f++) if (!isFreeFrame(k, f)) return false;
  return true;
}

function finishingCode(k: LeanKit, step: number): number {
  return step === K.ST_SET_ORIGIN
    ? k.T.setOrigin
    : step === K.ST_SET_PAGE_FIXED
      ? k.T.setPageFixed
      : k.T.setDirect;
}

function relocationActions(k: LeanKit, s: Int32Array, out: number[]): void {
  const L = k.L;
  const T = k.T;
  const v = s[K.G_RL_VM]!;
  const b = K.vmBase(L, v);
  const step = s[K.G_RL_STEP]!;
  switch (step) {
    case K.ST_CLEAR_DIRECT:
      out.push(T.clearDirect);
      return;
    case K.ST_BUILD_SPACE:
      out.push(T.buildSpace);
      return;
    case K.ST_PAGE_OUT: {
      // Direct targets bar a page-out in every variant; pins and host targets except in the fault.
      const online = s[b + K.VM_ONLINE]!;
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
    case K.ST_CHECK_INFLIGHT:
      out.push(hasIoInFlight(k, s, v, true, !k.faultForgetDirect) ? T.startPaging : T.copyAll);
      return;
    case K.ST_MOVE_PAGES: {
      if (s[K.G_TR_PAGE]! >= 0) {
        out.push(T.remapPage);
        return;
      }
      const dest = s[K.G_RL_DEST]!;
      const limit = Math.min(s[b + K.VM_ONLINE]!, s[K.G_RL_SIZE]!);
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
    case K.ST_SET_ORIGIN:
    case K.ST_SET_PAGE_FIXED:
    case K.ST_SET_DIRECT:
      out.push(finishingCode(k, step));
      return;
    default:
      out.push(T.relocDispatch);
  }
}
