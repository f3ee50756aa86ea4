/**
 * Page-in and page-out between main storage and the paging store, for pageable VMs.
 * Never pages out a page that an in-flight transfer targets, unless told to (a seeded fault).
 */
import { OutOfFramesError } from './errors.ts';
import { type FrameTable, NO_PAGE } from './frames.ts';
import type { PagingStore } from './pagingStore.ts';
import type { MainStorage } from './storage.ts';
import type { VmState } from './vm.ts';

/** Moves pages of pageable VMs between frames and the paging store. */
export class Pager {
  constructor(
    private readonly storage: MainStorage,
    private readonly frames: FrameTable,
    private readonly store: PagingStore,
  ) {}

  /** Bytes per page. */
  get pageSize(): number {
    return this.storage.pageSize;
  }

  /**
   * Page `page` of `vm` out: save its frame, invalidate its entry, and give the frame back (or
   * keep it reserved when it lies in the VM's relocation destination). Returns the frame.
   * The caller decides whether the page may go (pins are not checked here).
   */
  pageOut(vm: VmState, page: number): number {
    const space = vm.space!;
    const frame = space.walk(page);
    this.store.write(vm.id, page, this.storage.frame(frame));
    space.unmap(page);
    this.releaseFrame(vm, frame, page);
    return frame;
  }

  /**
   * Page `page` of `vm` in and return its frame. Frame choice: the page's frame in the VM's
   * relocation destination if reserved and empty; else, with the VM at its resident limit, one
   * stolen from the VM itself; else the lowest free frame; else one stolen from the VM.
   * Throws `OutOfFramesError` when none of these exists.
   */
  pageIn(vm: VmState, page: number, into?: number): number {
    const frame = into ?? this.chooseFrame(vm, page);
    this.store.readInto(vm.id, page, this.storage.frame(frame));
    vm.space!.map(page, frame);
    this.frames.assign(frame, vm.id, page);
    return frame;
  }

  /** Give `frame` (which held `page` of `vm`) back: reserved if in the VM's destination, else free. */
  releaseFrame(vm: VmState, frame: number, page: number): void {
    if (this.frames.page[frame] !== page || this.frames.owner[frame] !== vm.id) return;
    if (vm.inReservedArea(frame)) this.frames.reserve(frame);
    else this.frames.release(frame);
  }

  private chooseFrame(vm: VmState, page: number): number {
    const to = vm.reservedOrigin;
    if (to !== null) {
      const preferred = to + page;
      if (
        preferred < this.frames.frameCount &&
        this.frames.owner[preferred] === vm.id &&
        this.frames.page[preferred] === NO_PAGE
      ) {
        return preferred;
      }
    }
    if (vm.residentLimit !== null && vm.residentCount() >= vm.residentLimit) {
      const stolen = this.steal(vm, page);
      if (stolen >= 0) return stolen;
    }
    const free = this.frames.findFree();
    if (free >= 0) return free;
    const stolen = this.steal(vm, page);
    if (stolen >= 0) return stolen;
    throw new OutOfFramesError(vm.name, page);
  }

  /** Page out the lowest resident page of `vm` other than `except` that nothing targets; its frame, or -1. */
  private steal(vm: VmState, except: number): number {
    const space = vm.space!;
    for (let p = 0; p < space.pages; p++) {
      if (p === except || vm.targetCount(p) > 0 || space.walk(p) < 0) continue;
      const frame = this.pageOut(vm, p);
      if (this.frames.isFree(frame)) this.frames.assign(frame, vm.id, NO_PAGE);
      return frame;
    }
    return -1;
  }
}
