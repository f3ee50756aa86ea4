/**
 * The paging store: a byte slot per (VM, guest page) on the VMM's paging device. A page that was
 * never paged out reads as zeros (first touch).
 */

/** Paged-out page contents, keyed by VM id and guest page. */
export class PagingStore {
  private readonly slots = new Map<number, Map<number, Uint8Array>>();

  constructor(readonly pageSize: number) {}

  /** Save a copy of `bytes` (one page) as the content of `page` of VM `vm`. */
  write(vm: number, page: number, bytes: Uint8Array): void {
    let pages = this.slots.get(vm);
    if (pages === undefined) this.slots.set(vm, (pages = new Map()));
    const slot = pages.get(page) ?? new Uint8Array(this.pageSize);
    slot.set(bytes);
    pages.set(page, slot);
  }

  /** Copy the saved content of `page` into `target` (zeros if never written) and free the slot. */
  readInto(vm: number, page: number, target: Uint8Array): void {
    const pages = this.slots.get(vm);
    const slot = pages?.get(page);
    if (slot === undefined) target.fill(0);
    else {
      target.set(slot);
      pages!.delete(page);
    }
  }

  /** The saved content of `page` (a live view, do not modify), or null when it reads as zeros. */
  peek(vm: number, page: number): Uint8Array | null {
    return this.slots.get(vm)?.get(page) ?? null;
  }

  /** Forget every slot of VM `vm`. */
  dropVm(vm: number): void {
    this.slots.delete(vm);
  }

  /** Forget the slots of pages `from` and above (storage taken offline and released). */
  dropFrom(vm: number, from: number): void {
    const pages = this.slots.get(vm);
    if (pages === undefined) return;
    for (const page of [...pages.keys()]) if (page >= from) pages.delete(page);
  }
}
