import { type Fingerprint, VmcheckError } from '../model/core/index.ts';

/** Load factor above which the table grows. */
const MAX_LOAD = 0.75;
/** Load factor right after growing: the new table has exactly twice as many slots as fingerprints. */
const LOAD_AFTER_GROWTH = 0.5;
/** Smallest table, in slots. */
const MIN_CAPACITY = 16;
/** Largest table, in slots (2^30 slots = 8 GiB); past it `add` throws `table-full`. */
const MAX_CAPACITY = 2 ** 30;
/** 2^-32, to scale a 32-bit hash onto `[0, capacity)`. */
const TWO_TO_MINUS_32 = 2 ** -32;
/** Stand-in for a real all-zero fingerprint, because all-zero marks an empty slot. */
export const ZERO_STAND_IN_HI = 0x9e3779b9;
export const ZERO_STAND_IN_LO = 0x7f4a7c15;

/**
 * Set of 64-bit fingerprints in one flat `Uint32Array`: open addressing, linear probing.
 *
 * This is the visited-state table of the explorers (TLC's `FPSet`): 8 bytes a slot, no object per
 * state. The capacity is not a power of two: when the load passes 0.75 the table grows to exactly
 * twice as many slots as it holds fingerprints (about ×1.5), and a fingerprint's home slot is its
 * mixed hash scaled onto the capacity (multiply-shift). The load therefore stays within (0.5, 0.75]
 * from the first growth on, so the table costs between 10.7 and 16 bytes a fingerprint at every
 * size, where doubling a power-of-two table costs up to 21.3. Growing briefly holds the old and the
 * new table (about 2.5 times the old one).
 *
 * The all-zero key marks an empty slot, so a real all-zero fingerprint is stored as a fixed
 * stand-in; the stand-in and the zero fingerprint are then one key, a collision as unlikely as any
 * other 64-bit one. Halves are taken as unsigned (`>>> 0`), so a model returning signed halves still
 * deduplicates. Iteration order is never exposed, so nothing an explorer reports depends on slot
 * layout; the layout itself is a pure function of the fingerprints added and their order.
 */
export class FingerprintSet {
  private table: Uint32Array;
  private slots: number;
  /** `slots / 2^32`: a 32-bit hash times this, truncated, is a slot. */
  private scale: number;
  private threshold: number;
  private count = 0;
  /**
   * Asked before the table grows, with the bytes the new table takes (the old one is held while
   * it is filled): false refuses, and the table goes on filling up to one free slot, then throws
   * `VmcheckError('table-full')`. An explorer's memory bound sets it to stop before a growth that
   * would pass the bound (a growth takes 1.5 times the table's memory in one step).
   */
  growthGuard: ((bytes: number) => boolean) | undefined = undefined;

  /** `initialCapacity` is a hint in states: the first table holds that many within the load bound. */
  constructor(initialCapacity = 256) {
    const wanted = Math.ceil(Math.max(0, initialCapacity) / MAX_LOAD);
    const capacity = Math.min(MAX_CAPACITY, Math.max(MIN_CAPACITY, wanted));
    this.table = new Uint32Array(capacity * 2);
    this.slots = capacity;
    this.scale = capacity * TWO_TO_MINUS_32;
    this.threshold = Math.floor(capacity * MAX_LOAD);
  }

  /** Number of distinct fingerprints held. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table (its backing buffer). */
  get bytes(): number {
    return this.table.byteLength;
  }

  /** Slots in the table. */
  get capacity(): number {
    return this.slots;
  }

  /**
   * Insert the fingerprint `(hi, lo)`; true when it was not there yet.
   *
   * Throws `VmcheckError('table-full')` when the table cannot grow (size cap or allocation failure).
   */
  add(hi: number, lo: number): boolean {
    let h = hi >>> 0;
    let l = lo >>> 0;
    if ((h | l) === 0) {
      h = ZERO_STAND_IN_HI;
      l = ZERO_STAND_IN_LO;
    }
    const table = this.table;
    const slots = this.slots;
    let slot = homeSlot(h, l, this.scale);
    for (;;) {
      const at = slot << 1;
      const th = table[at]!;
      const tl = table[at + 1]!;
      if (th === h && tl === l) return false;
      if ((th | tl) === 0) {
        table[at] = h;
        table[at + 1] = l;
        if (++this.count > this.threshold) this.grow();
        return true;
      }
      if (++slot === slots) slot = 0;
    }
  }

  /** True when the fingerprint `(hi, lo)` is in the set. */
  has(hi: number, lo: number): boolean {
    let h = hi >>> 0;
    let l = lo >>> 0;
    if ((h | l) === 0) {
      h = ZERO_STAND_IN_HI;
      l = ZERO_STAND_IN_LO;
    }
    const table = this.table;
    const slots = this.slots;
    let slot = homeSlot(h, l, this.scale);
    for (;;) {
      const at = slot << 1;
      const th = table[at]!;
      const tl = table[at + 1]!;
      if (th === h && tl === l) return true;
      if ((th | tl) === 0) return false;
      if (++slot === slots) slot = 0;
    }
  }

  /** Forget every fingerprint and give back the table's memory, keeping a smallest table. */
  clear(): void {
    this.table = new Uint32Array(MIN_CAPACITY * 2);
    this.slots = MIN_CAPACITY;
    this.scale = MIN_CAPACITY * TWO_TO_MINUS_32;
    this.threshold = Math.floor(MIN_CAPACITY * MAX_LOAD);
    this.count = 0;
  }

  /** `add` for a `Fingerprint` tuple. */
  addFingerprint(fingerprint: Fingerprint): boolean {
    return this.add(fingerprint[0], fingerprint[1]);
  }

  /** `has` for a `Fingerprint` tuple. */
  hasFingerprint(fingerprint: Fingerprint): boolean {
    return this.has(fingerprint[0], fingerprint[1]);
  }

  private grow(): void {
    const oldTable = this.table;
    const capacity = Math.max(this.slots + 1, Math.floor(this.count / LOAD_AFTER_GROWTH));
    if (this.growthGuard !== undefined && !this.growthGuard(capacity * 8)) {
      if (this.count >= this.slots - 1) {
        throw new VmcheckError('table-full', `the visited-state table may not grow (memory bound)`, {
          states: this.count,
        });
      }
      this.threshold = this.slots - 2;
      return;
    }
    if (capacity > MAX_CAPACITY) {
      throw new VmcheckError('table-full', `visited-state table cannot grow past ${MAX_CAPACITY} slots`, {
        states: this.count,
      });
    }
    let table: Uint32Array;
    try {
      table = new Uint32Array(capacity * 2);
    } catch {
      throw new VmcheckError(
        'table-full',
        `out of memory growing the visited-state table to ${capacity} slots (${capacity * 8} bytes)`,
        { states: this.count },
      );
    }
    const scale = capacity * TWO_TO_MINUS_32;
    const end = capacity * 2;
    const oldEnd = oldTable.length;
    for (let from = 0; from < oldEnd; from += 2) {
      const h = oldTable[from]!;
      const l = oldTable[from + 1]!;
      if ((h | l) === 0) continue;
      let at = homeSlot(h, l, scale) << 1;
      while ((table[at]! | table[at + 1]!) !== 0) {
        at += 2;
        if (at === end) at = 0;
      }
      table[at] = h;
      table[at + 1] = l;
    }
    this.table = table;
    this.slots = capacity;
    this.scale = scale;
    this.threshold = Math.floor(capacity * MAX_LOAD);
  }
}

/**
 * Home slot of a fingerprint: both halves mixed into 32 bits, then scaled onto `[0, capacity)` by
 * `scale = capacity / 2^32` (the high bits of `hash × capacity`, Lemire's multiply-shift).
 *
 * Mixing again is cheap and keeps the table fast for models whose fingerprints are poor (a counter
 * in the low half, zero in the high half). The exact product is at most `capacity·(1 - 2^-32)` and
 * a double rounds it by at most `capacity·2^-53`, so the truncated result is always a valid slot,
 * the same on every platform (IEEE doubles).
 */
export function homeSlot(hi: number, lo: number, scale: number): number {
  let x = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (hi >>> 16), 0x85ebca6b);
  x ^= x >>> 15;
  return ((Math.imul(x, 0x2545f491) >>> 0) * scale) | 0;
}
