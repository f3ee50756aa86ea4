/**
 * Checking and claiming the destination area of a relocation: every frame must be free or
 * already the VM's own; free ones are reserved for the VM until its pages arrive.
 */
import type { MachineContext } from './context.ts';
import { DoesNotFitError } from './errors.ts';
import { FREE, NO_PAGE } from './frames.ts';
import type { VmState } from './vm.ts';

/** Throw `DoesNotFitError` unless frames `to..to+pages-1` can take `vm`'s pages. Changes nothing. */
export function checkDestination(ctx: MachineContext, vm: VmState, to: number, pages: number): void {
  const { frames } = ctx;
  const area = pages === 1 ? `frame ${to}` : `frames ${to}..${to + pages - 1}`;
  if (!Number.isInteger(to) || to < frames.vmmFrames || to + pages > frames.frameCount) {
    throw new DoesNotFitError(
      `${vm.name} does not fit at ${area}: guest frames are ${frames.vmmFrames}..${frames.frameCount - 1}`,
      { vm: vm.name, to, pages },
    );
  }
  for (let f = to; f < to + pages; f++) {
    const owner = frames.owner[f]!;
    if (owner === FREE || owner === vm.id) continue;
    // Not the VMM's: its frames lie below vmmFrames, refused above.
    const holder = ctx.vmById(owner).name;
    throw new DoesNotFitError(`${vm.name} does not fit at ${area}: frame ${f} belongs to ${holder}`, {
      vm: vm.name,
      to,
      pages,
      frame: f,
      holder,
    });
  }
}

/** Reserve the free frames of `to..to+pages-1` for `vm` (call after `checkDestination`). */
export function claimDestination(ctx: MachineContext, vm: VmState, to: number, pages: number): void {
  for (let f = to; f < to + pages; f++) if (ctx.frames.isFree(f)) ctx.frames.assign(f, vm.id, NO_PAGE);
  vm.reservedOrigin = to;
  vm.reservedPages = pages;
}

/** True when `frame` lies in `to..to+pages-1`. */
export function inArea(frame: number, to: number, pages: number): boolean {
  return frame >= to && frame < to + pages;
}
