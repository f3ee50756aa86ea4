/**
 * Which VM the resize of an event (Fig. 8) handles next, derived from the state and the
 * configuration table: shrink first (7000-7010), then relocate (7020), then grow (7030-7040).
 */
import type { VmmContext } from './context.ts';
import type { MachineState } from './state.ts';

/** The first live VM that must still take storage offline for `event`, or -1. */
export function nextToShrink(ctx: VmmContext, state: MachineState, event: number): number {
  const after = ctx.events[event]!.after;
  return state.vms.findIndex((vm, v) => vm.alive && after[v]!.size < vm.online);
}

/**
 * The next VM to relocate for `event`, or -1: VMs moving up go first, highest first, so each moves
 * into space already freed; then VMs moving down, lowest first. A shrinking VM that stays put is
 * "relocated" in place to release its high frames.
 */
export function nextToRelocate(ctx: VmmContext, state: MachineState, event: number): number {
  const after = ctx.events[event]!.after;
  const candidates = state.vms
    .map((vm, v) => ({ vm, v }))
    .filter(({ vm, v }) => vm.alive && (after[v]!.origin !== vm.origin || after[v]!.size < vm.size));
  const up = candidates
    .filter(({ vm, v }) => after[v]!.origin > vm.origin)
    .sort((a, b) => b.vm.origin - a.vm.origin);
  const rest = candidates
    .filter(({ vm, v }) => after[v]!.origin <= vm.origin)
    .sort((a, b) => a.vm.origin - b.vm.origin);
  return (up[0] ?? rest[0])?.v ?? -1;
}

/** The first live VM that must still grow for `event`, or -1. */
export function nextToGrow(ctx: VmmContext, state: MachineState, event: number): number {
  const after = ctx.events[event]!.after;
  return state.vms.findIndex((vm, v) => vm.alive && vm.size < after[v]!.size);
}
