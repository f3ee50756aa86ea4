/**
 * Intercepted start-I/O (bit 431 = 0, steps 5070-5083): the VMM translates every data address of
 * the guest's program through the VM's *current* mapping, paging pages in where needed, pins
 * each page it touches, and starts the resulting host channel program. A refused start (busy)
 * unpins again; the guest retries (5083).
 */
import type { ChannelSubsystem, Piece, ProgramRun } from './channel.ts';
import type { Pager } from './pager.ts';
import { translatePage } from './translation.ts';
import type { VmState } from './vm.ts';

/** Release the pins taken by `pin` (pages dropped from the VM since are skipped). */
export function unpin(vm: VmState, pieces: readonly Piece[]): void {
  for (const piece of pieces) {
    if (vm.pins[piece.page]! > 0) vm.pins[piece.page]!--; // a page dropped since reads as undefined
  }
}

/**
 * Build the host channel program for `pieces` of `vm` (fill in `hostFrame`, pinning as it goes)
 * and start it on `channel`. On any failure (no frame for a page-in, channel busy) every pin
 * taken is released before the error propagates; pages paged in stay resident (their content is
 * unchanged).
 */
export function startIntercepted(
  vm: VmState,
  channel: number,
  pieces: Piece[],
  channels: ChannelSubsystem,
  pager: Pager,
): ProgramRun {
  const pinned: Piece[] = [];
  try {
    for (const piece of pieces) {
      piece.hostFrame = translatePage(vm, piece.page, pager);
      vm.pins[piece.page]!++;
      pinned.push(piece);
    }
    const run = channels.createRun(vm, channel, 'intercepted', pieces);
    channels.start(run);
    return run;
  } catch (error) {
    unpin(vm, pinned);
    throw error;
  }
}
