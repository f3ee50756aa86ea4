/**
 * The frame table and allocator: who owns each frame of main storage and which guest page, if
 * any, it holds. A frame owned by a VM but holding no page is reserved (a relocation destination).
 */

/** Owner id of a free frame. */
export const FREE = -1;
/** Owner id of a frame of the VMM's own storage. */
export const VMM = -2;
/** Page number of a frame that holds no live page. */
export const NO_PAGE = -1;

/** Owner and live page of every frame, in two typed arrays. */
export class FrameTable {
  /** Per frame: VM id, `FREE` or `VMM`. */
  readonly owner: Int32Array;
  /** Per frame: the guest page it holds for its owner, or `NO_PAGE`. */
  readonly page: Int32Array;

  constructor(
    readonly frameCount: number,
    readonly vmmFrames: number,
  ) {
    this.owner = new Int32Array(frameCount).fill(FREE);
    this.page = new Int32Array(frameCount).fill(NO_PAGE);
    this.owner.fill(VMM, 0, vmmFrames);
  }

  /** True when `frame` belongs to nobody. */
  isFree(frame: number): boolean {
    return this.owner[frame] === FREE;
  }

  /** Give `frame` to VM `vm`, holding `page` (or `NO_PAGE` to reserve it). */
  assign(frame: number, vm: number, page: number): void {
    this.owner[frame] = vm;
    this.page[frame] = page;
  }

  /** Return `frame` to the free pool. */
  release(frame: number): void {
    this.owner[frame] = FREE;
    this.page[frame] = NO_PAGE;
  }

  /** Keep `frame` for its owner but mark it as holding no page. */
  reserve(frame: number): void {
    this.page[frame] = NO_PAGE;
  }

  /** Lowest free frame, or -1 when storage is full. */
  findFree(): number {
    return this.owner.indexOf(FREE, this.vmmFrames);
  }

  /** Release every frame owned by `vm`. */
  releaseAll(vm: number): void {
    for (let f = 0; f < this.frameCount; f++) if (this.owner[f] === vm) this.release(f);
  }
}
