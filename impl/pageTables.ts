/**
 * Host dynamic address translation tables for a pageable VM's host virtual space [450]:
 * a segment table whose entries point to page tables whose entries hold a valid bit and a frame.
 *
 * Pin counts are not kept here but per guest page on the VM (see `vm.ts`): a page-fixed VM whose
 * start-I/O is intercepted (bit 431 = 0) has pinned pages but no host tables.
 */

/** One host page table: `pagesPerSegment` entries of valid bit + frame. */
export class PageTable {
  /** Valid bit per entry (1: the page is in `frame`; 0: it is on the paging device). */
  readonly valid: Uint8Array;
  /** Frame per entry; meaningful only when valid. */
  readonly frame: Int32Array;
  constructor(entries: number) {
    this.valid = new Uint8Array(entries);
    this.frame = new Int32Array(entries).fill(-1);
  }
}

/**
 * Result of a table walk: the frame, or why there is none.
 * `-1`: page-translation exception (invalid PTE: a page fault); `-2`: no such segment/page.
 */
export type WalkResult = number;
/** Walk result for an invalid page table entry (page fault). */
export const PAGE_FAULT = -1;
/** Walk result for a page outside the host virtual space. */
export const OUTSIDE_SPACE = -2;

/** A host virtual space of `pages` pages: segment table -> page tables -> entries. */
export class HostSpace {
  /** Segment table: one page table per segment. */
  readonly segments: readonly PageTable[];

  constructor(
    /** Host ST address [435] of this space. */
    readonly stAddress: number,
    /** Pages in the space (the guest size it was built for). */
    readonly pages: number,
    readonly pagesPerSegment: number,
  ) {
    const segments: PageTable[] = [];
    for (let s = 0; s * pagesPerSegment < pages; s++) {
      segments.push(new PageTable(Math.min(pagesPerSegment, pages - s * pagesPerSegment)));
    }
    this.segments = segments;
  }

  /** Walk the tables for `page`: its frame, `PAGE_FAULT` or `OUTSIDE_SPACE`. */
  walk(page: number): WalkResult {
    if (page < 0 || page >= this.pages) return OUTSIDE_SPACE;
    const table = this.segments[Math.floor(page / this.pagesPerSegment)]!;
    const index = page % this.pagesPerSegment;
    return table.valid[index] === 1 ? table.frame[index]! : PAGE_FAULT;
  }

  /** Make `page` valid in `frame`. */
  map(page: number, frame: number): void {
    const table = this.segments[Math.floor(page / this.pagesPerSegment)]!;
    const index = page % this.pagesPerSegment;
    table.frame[index] = frame;
    table.valid[index] = 1;
  }

  /** Map pages `first..first+count-1` to consecutive frames starting at `frame`. */
  mapRun(first: number, count: number, frame: number): void {
    for (let i = 0; i < count; i++) this.map(first + i, frame + i);
  }

  /** Invalidate `page` (it is now on the paging device). */
  unmap(page: number): void {
    const table = this.segments[Math.floor(page / this.pagesPerSegment)]!;
    const index = page % this.pagesPerSegment;
    table.valid[index] = 0;
    table.frame[index] = -1;
  }
}

/**
 * Hands out host ST addresses for new host virtual spaces. The tables themselves live in JS
 * objects; the address is an identifier in the VMM's table area, never reused while in use.
 */
export class TableArena {
  private next: number;
  constructor(
    /** First address handed out. */
    base = 0x1000,
    private readonly stride = 0x100,
  ) {
    this.next = base;
  }

  /** A fresh ST address. */
  allocate(): number {
    const address = this.next;
    this.next += this.stride;
    return address;
  }
}
