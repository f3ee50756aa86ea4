/** Small rules shared by guards and steps. */
import type { VmmContext } from './context.ts';
import { activeRelocation, isDispatched, isFreeFrame, type PageRef } from './queries.ts';
import type { MachineState, Relocation, VmState } from './state.ts';

/** Order of steps 5090-5120; the `fault-direct-before-fixed` variant sets bit 431 first. */
export function finishingOrder(ctx: VmmContext): readonly ('setOrigin' | 'setPageFixed' | 'setDirect')[] {
  return ctx.behaviour.directBeforeFixed
    ? ['setDirect', 'setOrigin', 'setPageFixed']
    : ['setOrigin', 'setPageFixed', 'setDirect'];
}

/** Pages a relocation must place at its destination: the online pages it keeps. */
export function movingPageLimit(vm: VmState, reloc: Relocation): number {
  return Math.min(vm.online, reloc.size);
}

/** True when a guest access or a simulated start-I/O is waiting for `page` of `vm` to be paged in. */
export function pageFaultDemanded(ctx: VmmContext, state: MachineState, vm: number, page: number): boolean {
  const byCpu = ctx.access.some(
    (a, i) => !state.cpuAccessDone[i] && a.vm === vm && a.page === page && isDispatched(ctx, state, vm),
  );
  if (byCpu) return true;
  return ctx.io.some(
    (entry, i) =>
      entry.vm === vm && state.io[i]!.status === 'requested' && entry.transfers.some((t) => t.page === page),
  );
}

/** The lowest free frame outside the running relocation's destination, or null when storage is full. */
export function lowestFreeFrame(
  ctx: VmmContext,
  state: MachineState,
  holders: readonly PageRef[][],
): number | null {
  const reloc = activeRelocation(state);
  for (let f = ctx.vmmFrames; f < ctx.frameCount; f++) {
    if (!isFreeFrame(ctx, holders, f)) continue;
    if (reloc && reloc.dest !== null && f >= reloc.dest && f < reloc.dest + reloc.size) continue;
    return f;
  }
  return null;
}
