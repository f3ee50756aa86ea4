/**
 * Read-only questions about a state: where a page lives, who holds a frame, which pages channel
 * programs target. Shared by the step function and the invariants.
 */
import type { VmmContext } from './context.ts';
import type { MachineState, Relocation, VmState } from './state.ts';

/** The frame that maps `page` of `vm` now, or null (paged out, offline, in transit, unmapped). */
export function frameOf(ctx: VmmContext, vm: VmState, page: number): number | null {
  if (!vm.alive || page >= vm.size) return null;
  if (vm.pageFixed) return page < vm.online ? vm.origin + page : null;
  return pteOf(ctx, vm, page);
}

/** The page-table entry of `page` in a pageable VM's host space (null when invalid or no space). */
export function pteOf(ctx: VmmContext, vm: VmState, page: number): number | null {
  if (vm.hostSt === null) return null;
  const segment = vm.hostSt[Math.floor(page / ctx.pagesPerSegment)];
  return segment?.[page % ctx.pagesPerSegment] ?? null;
}

/** Segment table for `size` pages with page j mapped by `frameFor(j)`. */
export function buildSegments(
  ctx: VmmContext,
  size: number,
  frameFor: (page: number) => number | null,
): (number | null)[][] {
  const segments: (number | null)[][] = [];
  for (let page = 0; page < size; page++) {
    const s = Math.floor(page / ctx.pagesPerSegment);
    (segments[s] ??= []).push(frameFor(page));
  }
  return segments;
}

/** The running relocation (stand-alone or inside a resize), if any. */
export function activeRelocation(state: MachineState): Relocation | null {
  const r = state.reconfig;
  if (r === null) return null;
  if (r.kind === 'relocation') return r;
  if (r.kind === 'resize' && r.relocation?.kind === 'relocation') return r.relocation;
  return null;
}

/** A live page: VM index and page number. */
export interface PageRef {
  readonly vm: number;
  readonly page: number;
}

/**
 * Who holds each frame: the live pages mapped there (a page in transit holds both its old frame and
 * its copy). More than one entry means two live pages share a frame.
 */
export function frameHolders(ctx: VmmContext, state: MachineState): PageRef[][] {
  const holders: PageRef[][] = Array.from({ length: ctx.frameCount }, () => []);
  const reloc = activeRelocation(state);
  state.vms.forEach((vm, v) => {
    if (!vm.alive) return;
    for (let page = 0; page < vm.size; page++) {
      const f = frameOf(ctx, vm, page);
      if (f !== null && f < holders.length) holders[f]!.push({ vm: v, page });
    }
    if (reloc && reloc.vm === v && reloc.transit && reloc.dest !== null) {
      const { page, from } = reloc.transit;
      holders[from]?.push({ vm: v, page });
      holders[reloc.dest + page]?.push({ vm: v, page });
    }
  });
  return holders;
}

/** True when `frame` holds no live page of any VM and is outside the VMM's storage. */
export function isFreeFrame(ctx: VmmContext, holders: readonly PageRef[][], frame: number): boolean {
  return frame >= ctx.vmmFrames && frame < ctx.frameCount && holders[frame]!.length === 0;
}

/** True when the I/O entry is a channel program in flight (host program built, or running). */
export function inFlight(state: MachineState, io: number): boolean {
  const s = state.io[io]!.status;
  return s === 'running' || s === 'translated';
}

/**
 * Pages of `vm` that in-flight channel programs target, counted per page transfer.
 * `include` picks host programs, direct programs, or both.
 */
export function targetCounts(
  ctx: VmmContext,
  state: MachineState,
  vm: number,
  include: { host: boolean; direct: boolean },
): number[] {
  const counts = new Array<number>(state.vms[vm]!.size).fill(0);
  ctx.io.forEach((entry, i) => {
    if (entry.vm !== vm || !inFlight(state, i)) return;
    const mode = state.io[i]!.mode;
    if ((mode === 'host' && !include.host) || (mode === 'direct' && !include.direct)) return;
    for (const t of entry.transfers) counts[t.page] = (counts[t.page] ?? 0) + 1;
  });
  return counts;
}

/** True when any channel program of `vm` is in flight. */
export function hasIoInFlight(
  ctx: VmmContext,
  state: MachineState,
  vm: number,
  include = { host: true, direct: true },
): boolean {
  return ctx.io.some((entry, i) => {
    if (entry.vm !== vm || !inFlight(state, i)) return false;
    const mode = state.io[i]!.mode;
    return mode === 'host' ? include.host : include.direct;
  });
}

/** True when `vm` runs on some CPU (always true when the scenario does not model dispatch). */
export function isDispatched(ctx: VmmContext, state: MachineState, vm: number): boolean {
  return !ctx.dispatch || state.running.includes(vm);
}

/** Resident pages of a VM (pages mapped to a frame). */
export function residentCount(ctx: VmmContext, vm: VmState): number {
  let n = 0;
  for (let page = 0; page < vm.size; page++) if (frameOf(ctx, vm, page) !== null) n++;
  return n;
}
