/**
 * The VMM's record of one VM: its control block, guest size and online size, host tables when
 * pageable, and per-page counts of the in-flight transfers that target each page.
 */
import type { VmControlBlock } from './controlBlock.ts';
import type { HostSpace } from './pageTables.ts';

/** One VM as the storage manager sees it. */
export class VmState {
  /** Control block [430]. */
  readonly cb: VmControlBlock;
  /** Guest main storage size in pages. */
  size: number;
  /** Pages 0..onlineSize-1 are online; pages onlineSize..size-1 are offline (SPEC 6, step 7010). */
  onlineSize: number;
  /** Set once the VMM asked the guest to shrink (7000): pages from here on get no new I/O. */
  vacatingFrom: number | null = null;
  /** Host virtual space [450] while pageable, else null. */
  space: HostSpace | null = null;
  /**
   * Per guest page: transfers of in-flight *intercepted* programs that target it (pins).
   * Kept per page, not in the PTE, because a page-fixed VM with bit 431 = 0 pins pages too.
   */
  pins: Int32Array;
  /** Per guest page: transfers of in-flight *direct* programs that target it. */
  directTargets: Int32Array;
  /** Pageable VMs: most pages kept resident (claims 8-9), or null for no limit. */
  residentLimit: number | null = null;
  /** Destination origin of a running relocation: page-ins prefer frame `reservedOrigin + page`. */
  reservedOrigin: number | null = null;
  /** Pages of that destination (frames `reservedOrigin..reservedOrigin + reservedPages - 1`). */
  reservedPages = 0;
  /** Set by terminate. */
  terminated = false;

  constructor(
    /** Index of the VM in the scenario; the owner id in the frame table. */
    readonly id: number,
    readonly name: string,
    size: number,
    cb: VmControlBlock,
    /** Bit 431 as configured: what step 5120 restores (a VM configured for simulated I/O keeps it). */
    readonly configuredDirect: boolean = cb.direct,
  ) {
    this.size = size;
    this.onlineSize = size;
    this.cb = cb;
    this.pins = new Int32Array(size);
    this.directTargets = new Int32Array(size);
  }

  /**
   * The frame that holds live `page` (0..size-1) right now, or -1 (paged out, offline, or no mapping).
   * Page-fixed: origin + page for an online page; pageable: host table walk.
   */
  frameOf(page: number): number {
    if (this.cb.pageFixed)
      return this.cb.origin === null || page >= this.onlineSize ? -1 : this.cb.origin + page;
    if (this.space === null) return -1;
    const frame = this.space.walk(page);
    return frame >= 0 ? frame : -1;
  }

  /** Transfers in flight that target `page` (pins plus direct programs). */
  targetCount(page: number): number {
    return this.pins[page]! + this.directTargets[page]!;
  }

  /** Change the guest size, keeping the per-page counts of pages that remain. */
  setSize(size: number): void {
    const pins = new Int32Array(size);
    const direct = new Int32Array(size);
    pins.set(this.pins.subarray(0, Math.min(size, this.size)));
    direct.set(this.directTargets.subarray(0, Math.min(size, this.size)));
    this.pins = pins;
    this.directTargets = direct;
    this.size = size;
    this.onlineSize = Math.min(this.onlineSize, size);
  }

  /** True when `frame` lies in the destination of a running relocation. */
  inReservedArea(frame: number): boolean {
    const to = this.reservedOrigin;
    return to !== null && frame >= to && frame < to + this.reservedPages;
  }

  /** Number of pages resident in frames (all pages of a page-fixed VM). */
  residentCount(): number {
    if (this.cb.pageFixed || this.space === null) return this.size;
    let count = 0;
    for (const table of this.space.segments) for (const v of table.valid) count += v;
    return count;
  }
}
