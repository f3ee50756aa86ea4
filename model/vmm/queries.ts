/**
 * Reading the JSON view (`MachineState`): where a page of a decoded state lives and who holds each
 * frame, for presentations of a state (the HTML storage map) and for the model-based tests of
 * impl/ (properties/modelVsImpl.ts). The model runs on the packed state; these read the same
 * fields of the view as lean/queries.ts reads of the packed state.
 */
import type { VmmContext } from './context.ts';
import type { MachineState, Relocation, VmState } from './state.ts';

/** The frame that maps `page` of `vm` now, or null (paged out, offline, in transit, unmapped). */
export function frameOf(ctx: VmmContext, vm: VmState, page: number): number | null {
  if (!vm.alive || page >= vm.size) return null;
  if (vm.pageFixed) return page < vm.online ? vm.origin + page : null;
  if (vm.hostSt === null) return null;
  return vm.hostSt[Math.floor(page / ctx.pagesPerSegment)]?.[page % ctx.pagesPerSegment] ?? null;
}

/** The running patent relocation (stand-alone or inside a resize), if any. */
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

/** Who holds each frame: the live pages mapped there (a page in transit holds its old frame and its copy). */
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
