/**
 * The VMM's storage map of a state for the HTML trace view: who holds each frame and what it
 * contains. Presentation of the model's JSON view (model/vmm/queries.ts), so it lives in reports/.
 */
import type { Json } from '../../model/core/model.ts';
import type { VmmContext } from '../../model/vmm/context.ts';
import { frameHolders } from '../../model/vmm/queries.ts';
import type { MachineState } from '../../model/vmm/state.ts';

/** One frame cell: its owner (VM name, `VMM`, or null when free), its content and notes. */
export interface FrameCell {
  readonly index: number;
  readonly owner: string | null;
  readonly label: string;
  readonly flags?: string[];
}

/** Frame cells and notes for one state (the shape reports/html.ts draws). */
export function storageView(ctx: VmmContext, stateJson: Json): { frames: FrameCell[]; notes: string[] } {
  const state = stateJson as unknown as MachineState;
  const holders = frameHolders(ctx, state);
  const frames = state.frames.map((content, index): FrameCell => {
    if (index < ctx.vmmFrames) return { index, owner: 'VMM', label: 'VMM' };
    const here = holders[index] ?? [];
    const owner = here.length > 0 ? state.vms[here[0]!.vm]!.name : null;
    const flags: string[] = [];
    if (here.length > 1) flags.push('shared!');
    if (owner === null && content !== null) flags.push('stale copy');
    return { index, owner, label: content ?? '-', ...(flags.length > 0 ? { flags } : {}) };
  });
  const notes = state.vms
    .filter((vm) => vm.alive)
    .map(
      (vm) =>
        `${vm.name}: 431=${vm.direct ? 1 : 0} 432=${vm.pageFixed ? 1 : 0} ` +
        (vm.pageFixed ? `origin ${vm.origin} end ${vm.end}` : `pageable, ST ${JSON.stringify(vm.hostSt)}`) +
        `, ${vm.online}/${vm.size} pages online, CPUs ${vm.cpus.mode} ${vm.cpus.cpus.join(',')}`,
    );
  if (state.reconfig) notes.push(`VMM: ${JSON.stringify(state.reconfig)}`);
  return { frames, notes };
}
