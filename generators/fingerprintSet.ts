import { type Fingerprint, VmcheckError } from '../model/core/index.ts';

/** Load factor above which the table doubles. */
const MAX_LOAD = 0.75;
/** Smallest table, in slots. */
const MIN_CAPACITY = 16;
/** Largest table, in slots (2^30 slots = 8 GiB); past it `add` throws `table-full`. */
const MAX_CAPACITY = 2 ** 30;
/** Stand-in for a real all-zero fingerprint, because all-zero marks an empty slot. */
const ZERO_STAND_IN_HI = 0x9e3779b9;
const ZERO_STAND_IN_LO = 0x7f4a7c15;

/**
 * Set of 64-bit fingerprints in one flat `Uint32Array`: open addressing, linear probing.
 *
 * This is the visited-state table of the explorers (TLC's `FPSet`): 8 bytes a slot, no object per
 * state, so millions of states fit in tens of megabytes. The all-zero key marks an empty slot, so a
 * real all-zero fingerprint is stored as a fixed stand-in; the stand-in and the zero fingerprint are
 * then one key, a collision as unlikely as any other 64-bit one. Halves are taken as unsigned
 * (`>>> 0`), so a model returning signed halves still deduplicates. Iteration order is never
 * exposed, so nothing an explorer reports depends on slot layout.
 */
export class FingerprintSet {
  private table: Uint32Array;
  private mask: number;
  private shift: number;
  private threshold: number;
  private count = 0;

  /** `initialCapacity` is a hint in states; the table starts at the next power of two of slots. */
  constructor(initialCapacity = 256) {
    let capacity = MIN_CAPACITY;
    while (capacity * MAX_LOAD < initialCapacity && capacity < MAX_CAPACITY) capacity *= 2;
    this.table = new Uint32Array(capacity * 2);
    this.mask = capacity - 1;
    this.shift = 32 - Math.log2(capacity);
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

  /** Slots in the table (a power of two). */
  get capacity(): number {
    return this.mask + 1;
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
    const mask = this.mask;
    let slot = homeSlot(h, l, this.shift);
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
      slot = (slot + 1) & mask;
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
    const mask = this.mask;
    let slot = homeSlot(h, l, this.shift);
    for (;;) {
      const at = slot << 1;
      const th = table[at]!;
      const tl = table[at + 1]!;
      if (th === h && tl === l) return true;
      if ((th | tl) === 0) return false;
      slot = (slot + 1) & mask;
    }
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
    const capacity = (this.mask + 1) * 2;
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
    const mask = capacity - 1;
    const shift = 32 - Math.log2(capacity);
    for (let at = 0; at < oldTable.length; at += 2) {
      const h = oldTable[at]!;
      const l = oldTable[at + 1]!;
      if ((h | l) === 0) continue;
      let slot = homeSlot(h, l, shift);
      while ((table[slot << 1]! | table[(slot << 1) + 1]!) !== 0) slot = (slot + 1) & mask;
      table[slot << 1] = h;
      table[(slot << 1) + 1] = l;
    }
    this.table = table;
    this.mask = mask;
    this.shift = shift;
    this.threshold = Math.floor(capacity * MAX_LOAD);
  }
}

/**
 * Home slot of a fingerprint: both halves mixed, then the top bits (Fibonacci hashing).
 *
 * Mixing again is cheap and keeps the table fast for models whose fingerprints are poor (a counter
 * in the low half, zero in the high half).
 */
function homeSlot(hi: number, lo: number, shift: number): number {
  let x = Math.imul(lo, 0x9e3779b1) ^ Math.imul(hi ^ (hi >>> 16), 0x85ebca6b);
  x ^= x >>> 15;
  return Math.imul(x, 0x2545f491) >>> shift;
}
