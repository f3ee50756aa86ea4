/**
 * Guest absolute -> host absolute translation (SPEC 3, Fig. 4): the page-fixed limit check and
 * the pageable table walk. The checks here are pure; page faults are handed to the pager.
 */
import { AddressingException } from './errors.ts';
import type { Pager } from './pager.ts';
import { OUTSIDE_SPACE, PAGE_FAULT } from './pageTables.ts';
import type { VmState } from './vm.ts';

/** What translation needs from the machine. */
export interface TranslationLimits {
  readonly pageSize: number;
  readonly frameCount: number;
  /** Pages past `end` the page-fixed limit check wrongly allows (0 except `fault-limit-off-by-one`). */
  readonly limitSlackPages: number;
}

/**
 * Check that guest `page` of `vm` may be accessed, without touching anything.
 * Page-fixed: host frame = origin + page must be at most `end` (plus slack) and inside storage.
 * Pageable: page must be inside the guest size. Both: the page must be online.
 * Throws `AddressingException` (the guest's program interrupt) otherwise.
 */
export function checkPage(vm: VmState, page: number, limits: TranslationLimits): void {
  const address = page * limits.pageSize;
  const refuse = (reason: AddressingException['reason'], why: string): never => {
    throw new AddressingException(vm.name, address, reason, why);
  };
  const { cb } = vm;
  if (cb.pageFixed) {
    if (cb.origin === null || cb.end === null) refuse('outside-storage', 'no page-fixed area is set');
    const frame = cb.origin! + page;
    if (frame > cb.end! + limits.limitSlackPages) {
      refuse('past-end', `host frame ${frame} is past end ${cb.end} (area ${cb.origin}..${cb.end})`);
    }
    if (frame >= limits.frameCount) refuse('outside-storage', `host frame ${frame} is past main storage`);
  } else if (page >= vm.size) {
    refuse('past-size', `page ${page} is past the guest size (${vm.size} pages)`);
  }
  if (page < vm.size && page >= vm.onlineSize) {
    refuse('offline', `page ${page} is offline (online pages 0..${vm.onlineSize - 1})`);
  }
}

/** Check every page of the byte range `address..address+length-1`; see `checkPage`. */
export function checkRange(vm: VmState, address: number, length: number, limits: TranslationLimits): void {
  if (!Number.isSafeInteger(address) || address < 0 || !Number.isSafeInteger(length) || length < 0) {
    throw new AddressingException(
      vm.name,
      address,
      'bad-address',
      `address ${address} / length ${length} must be non-negative integers`,
    );
  }
  if (length === 0) return;
  const first = Math.floor(address / limits.pageSize);
  const last = Math.floor((address + length - 1) / limits.pageSize);
  for (let page = first; page <= last; page++) checkPage(vm, page, limits);
}

/**
 * The frame holding guest `page` of `vm` for an access that has passed `checkPage`.
 * A pageable VM's invalid entry is a page fault: the pager pages the page in first.
 */
export function translatePage(vm: VmState, page: number, pager: Pager): number {
  if (vm.cb.pageFixed) return vm.cb.origin! + page;
  const space = vm.space!;
  const frame = space.walk(page);
  if (frame === PAGE_FAULT) return pager.pageIn(vm, page);
  if (frame === OUTSIDE_SPACE) {
    throw new AddressingException(
      vm.name,
      page * pager.pageSize,
      'past-size',
      `page ${page} is outside the host virtual space`,
    );
  }
  return frame;
}

/**
 * The channel's own relocation for a direct program (bit 431 = 1 at its start): host frame =
 * origin + page as the control block says *now*, limit-checked against `end`. No page faults and
 * no online check: a channel knows only the origin and end registers.
 */
export function directFrame(vm: VmState, page: number, limits: TranslationLimits): number {
  const { origin, end } = vm.cb;
  const address = page * limits.pageSize;
  if (origin === null || end === null) {
    throw new AddressingException(
      vm.name,
      address,
      'outside-storage',
      'the VM has no origin/end for direct I/O',
    );
  }
  const frame = origin + page;
  if (frame > end + limits.limitSlackPages) {
    throw new AddressingException(vm.name, address, 'past-end', `host frame ${frame} is past end ${end}`);
  }
  if (frame >= limits.frameCount)
    throw new AddressingException(
      vm.name,
      address,
      'outside-storage',
      `host frame ${frame} is past main storage`,
    );
  return frame;
}
