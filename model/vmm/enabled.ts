/**
 * The enabled actions of a state, in a fixed order (by kind as in ACTION_KINDS, then by index), so
 * paths replay from action indices. Each guard reads like the spec step it stands for.
 */
import type { Action } from './actions.ts';
import type { VmmContext } from './context.ts';
import { nextToGrow, nextToRelocate, nextToShrink } from './plan.ts';
import {
  activeRelocation,
  frameHolders,
  frameOf,
  hasIoInFlight,
  isDispatched,
  isFreeFrame,
  type PageRef,
  pteOf,
  targetCounts,
} from './queries.ts';
import { finishingOrder, lowestFreeFrame, movingPageLimit, pageFaultDemanded } from './rules.ts';
import type { MachineState, PriorArtRelocation, Relocation, VmState } from './state.ts';

/** All enabled actions of `state`. */
export function enabledActions(ctx: VmmContext, state: MachineState): Action[] {
  const out: Action[] = [];
  const holders = frameHolders(ctx, state);
  const reloc = activeRelocation(state);

  // guest.startIo
  ctx.io.forEach((entry, i) => {
    const vm = state.vms[entry.vm]!;
    if (state.io[i]!.status !== 'idle' || !vm.alive || !isDispatched(ctx, state, entry.vm)) return;
    if (!entry.transfers.every((t) => t.page < vm.online)) return; // a guest does I/O only into online storage
    if (vm.direct && state.channels[entry.channel] !== null) return; // busy: condition code, retried later
    out.push({ kind: 'guest.startIo', io: i });
  });
  // guest.cpuAccess
  ctx.access.forEach((a, i) => {
    if (state.cpuAccessDone[i]) return;
    const vm = state.vms[a.vm]!;
    if (!vm.alive || !isDispatched(ctx, state, a.vm)) return;
    if (!vm.pageFixed && a.page < vm.online && frameOf(ctx, vm, a.page) === null) return; // page fault: wait for page-in
    out.push({ kind: 'guest.cpuAccess', access: i });
  });
  // guest.offline (7010): a guest offlines only storage it is not using for I/O
  state.vms.forEach((vm, v) => {
    if (vm.shrinkRequest === null || !isDispatched(ctx, state, v)) return;
    if (!ctx.behaviour.offlineUnderIo) {
      const targets = targetCounts(ctx, state, v, { host: true, direct: true });
      if (targets.some((n, page) => n > 0 && page >= vm.shrinkRequest!)) return;
    }
    out.push({ kind: 'guest.offline', vm: v });
  });
  // guest.online (7040)
  const r = state.reconfig;
  if (r?.kind === 'resize' && r.step === 'grow' && r.asked && isDispatched(ctx, state, r.cursor)) {
    out.push({ kind: 'guest.online', vm: r.cursor });
  }
  // vmm.translateIo (5070): every page must be mapped now (a page fault or a move in progress waits)
  state.io.forEach((io, i) => {
    if (io.status !== 'requested') return;
    const entry = ctx.io[i]!;
    const vm = state.vms[entry.vm]!;
    if (entry.transfers.every((t) => frameOf(ctx, vm, t.page) !== null))
      out.push({ kind: 'vmm.translateIo', io: i });
  });
  // vmm.startHostProgram (5080)
  state.io.forEach((io, i) => {
    if (io.status === 'translated' && state.channels[ctx.io[i]!.channel] === null) {
      out.push({ kind: 'vmm.startHostProgram', io: i });
    }
  });
  // vmm.startRefused (5083)
  state.io.forEach((io, i) => {
    if (io.status === 'translated' && state.channels[ctx.io[i]!.channel] !== null) {
      out.push({ kind: 'vmm.startRefused', io: i });
    }
  });
  // vmm.pageIn: a page fault of a guest access or of a simulated start-I/O
  if (lowestFreeFrame(ctx, state, holders) !== null) {
    state.vms.forEach((vm, v) => {
      if (!vm.alive || vm.pageFixed || vm.hostSt === null) return;
      for (let page = 0; page < vm.online; page++) {
        if (pteOf(ctx, vm, page) !== null || vm.pagingStore[page] === null) continue;
        if (reloc?.vm === v && reloc.transit?.page === page) continue;
        if (pageFaultDemanded(ctx, state, v, page)) out.push({ kind: 'vmm.pageIn', vm: v, page });
      }
    });
  }
  // channel.transfer / channel.end / channel.error
  state.channels.forEach((io, c) => {
    if (io === null || state.channelsSuspended) return;
    if (state.io[io]!.done < ctx.io[io]!.transfers.length) out.push({ kind: 'channel.transfer', channel: c });
  });
  state.channels.forEach((io, c) => {
    if (io !== null && state.io[io]!.done === ctx.io[io]!.transfers.length)
      out.push({ kind: 'channel.end', channel: c });
  });
  if (ctx.channelErrors) {
    state.channels.forEach((io, c) => {
      if (io !== null && !state.channelsSuspended && state.io[io]!.done < ctx.io[io]!.transfers.length) {
        out.push({ kind: 'channel.error', channel: c });
      }
    });
  }
  // cpu.dispatch
  if (ctx.dispatch) {
    state.running.forEach((current, c) => {
      state.vms.forEach((vm, v) => {
        if (vm.alive && vm.cpus.cpus.includes(c) && current !== v && !state.running.includes(v)) {
          out.push({ kind: 'cpu.dispatch', cpu: c, vm: v });
        }
      });
    });
  }
  // vm.terminate / request.begin / event.arrive
  const request = ctx.requests[state.nextRequest];
  if (state.reconfig === null && request) {
    if (request.kind === 'terminate') {
      if (!hasIoInFlight(ctx, state, request.vm)) out.push({ kind: 'vm.terminate', vm: request.vm });
    } else {
      out.push({ kind: 'request.begin', request: state.nextRequest });
    }
  }
  state.events.forEach((status, e) => {
    if (status === 'waiting') out.push({ kind: 'event.arrive', event: e });
  });

  // The relocation procedure
  const current = currentRelocation(state);
  if (current?.kind === 'relocation') relocationActions(ctx, state, current, holders, out);
  if (current?.kind === 'priorArt') priorArtActions(current, out);

  // Resize on an event
  if (state.reconfig === null) {
    state.events.forEach((status, e) => {
      if (status === 'pending') out.push({ kind: 'resize.begin', event: e });
    });
  } else if (r?.kind === 'resize') {
    if (r.step === 'shrink' && !r.asked) {
      const v = nextToShrink(ctx, state, r.event);
      if (v >= 0) out.push({ kind: 'resize.askShrink', vm: v });
    }
    if (r.step === 'relocate' && r.relocation === null) {
      const v = nextToRelocate(ctx, state, r.event);
      if (v >= 0) out.push({ kind: 'resize.relocate', vm: v });
    }
    if (r.step === 'grow' && !r.asked) {
      const v = nextToGrow(ctx, state, r.event);
      if (v >= 0 && growthRoomIsFree(ctx, state.vms[v]!, ctx.events[r.event]!.after[v]!.size, holders)) {
        out.push({ kind: 'resize.askGrow', vm: v });
      }
    }
    if (r.step === 'reassignCpus') out.push({ kind: 'resize.reassignCpus' });
  }
  return out;
}

/** The relocation being carried out, stand-alone or for a resize (7020). */
export function currentRelocation(state: MachineState): Relocation | PriorArtRelocation | null {
  const r = state.reconfig;
  if (r?.kind === 'relocation' || r?.kind === 'priorArt') return r;
  if (r?.kind === 'resize') return r.relocation;
  return null;
}

function growthRoomIsFree(
  ctx: VmmContext,
  vm: VmState,
  newSize: number,
  holders: readonly PageRef[][],
): boolean {
  if (!vm.pageFixed) return false;
  for (let f = vm.origin + vm.size; f < vm.origin + newSize; f++)
    if (!isFreeFrame(ctx, holders, f)) return false;
  return true;
}

function relocationActions(
  ctx: VmmContext,
  state: MachineState,
  reloc: Relocation,
  holders: readonly PageRef[][],
  out: Action[],
): void {
  const vm = state.vms[reloc.vm]!;
  const v = reloc.vm;
  const order = finishingOrder(ctx);
  switch (reloc.step) {
    case 'clearDirect':
      out.push({ kind: 'reloc.clearDirect' });
      return;
    case 'buildSpace':
      out.push({ kind: 'reloc.buildSpace' });
      return;
    case 'pageOut': {
      const hostTargets = targetCounts(ctx, state, v, { host: true, direct: false });
      const directTargets = targetCounts(ctx, state, v, { host: false, direct: true });
      const ignorePins = ctx.behaviour.pageOutPinned;
      for (let page = 0; page < vm.online; page++) {
        if (pteOf(ctx, vm, page) === null) continue;
        if ((directTargets[page] ?? 0) > 0) continue;
        if (!ignorePins && (vm.pins[page]! > 0 || (hostTargets[page] ?? 0) > 0)) continue;
        out.push({ kind: 'reloc.pageOut', page });
      }
      return;
    }
    case 'checkInflight': {
      const include = { host: true, direct: !ctx.behaviour.forgetDirectIo };
      out.push(
        hasIoInFlight(ctx, state, v, include) ? { kind: 'reloc.startPaging' } : { kind: 'reloc.copyAll' },
      );
      return;
    }
    case 'movePages': {
      if (reloc.transit !== null) {
        out.push({ kind: 'reloc.remapPage' });
        return;
      }
      const dest = reloc.dest!;
      const limit = movingPageLimit(vm, reloc);
      let allAtDest = true;
      const targets = ctx.behaviour.moveTargetedPage
        ? null
        : targetCounts(ctx, state, v, { host: true, direct: !ctx.behaviour.forgetDirectIo });
      for (let page = 0; page < limit; page++) {
        const from = pteOf(ctx, vm, page);
        const to = dest + page;
        if (from === to) continue;
        allAtDest = false;
        const destOk = ctx.behaviour.overlapCopy
          ? to >= ctx.vmmFrames && holders[to]!.every((h) => h.vm === v)
          : isFreeFrame(ctx, holders, to);
        if (!destOk) continue;
        if (from !== null) {
          if (targets && (targets[page] ?? 0) > 0) continue; // a targeted page waits for its transfer
          out.push({ kind: 'reloc.copyPage', page });
        } else if (vm.pagingStore[page] !== null) {
          out.push({ kind: 'reloc.pageInToDest', page });
        }
      }
      if (allAtDest) out.push(finishingAction(order[0]!));
      return;
    }
    case 'setOrigin':
    case 'setPageFixed':
    case 'setDirect':
      out.push(finishingAction(reloc.step));
      return;
    case 'dispatch':
      out.push({ kind: 'reloc.dispatch' });
      return;
  }
}

function finishingAction(step: 'setOrigin' | 'setPageFixed' | 'setDirect'): Action {
  switch (step) {
    case 'setOrigin':
      return { kind: 'reloc.setOrigin' };
    case 'setPageFixed':
      return { kind: 'reloc.setPageFixed' };
    case 'setDirect':
      return { kind: 'reloc.setDirect' };
  }
}

function priorArtActions(reloc: PriorArtRelocation, out: Action[]): void {
  switch (reloc.step) {
    case 'suspend':
      out.push({ kind: 'prior.suspend' });
      return;
    case 'copy':
      out.push({ kind: 'prior.copy' });
      return;
    case 'resume':
      out.push({ kind: 'prior.resume' });
      return;
  }
}
