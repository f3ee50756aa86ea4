import { VmcheckError } from '../model/core/index.ts';
import { homeSlot, ZERO_STAND_IN_HI, ZERO_STAND_IN_LO } from './fingerprintSet.ts';

const MAX_LOAD = 0.75;
const LOAD_AFTER_GROWTH = 0.5;
const MIN_CAPACITY = 16;
const MAX_CAPACITY = 2 ** 29;

/**
 * A map from 64-bit fingerprints to state indices: `FingerprintSet`'s table (open addressing,
 * linear probing, the same hashing, growth and zero stand-in) with a third word a slot for the
 * index, 12 bytes a slot (16-24 bytes a state). An explorer that records the reachable graph (the
 * progress check) uses it in place of the set, to name the state a duplicate successor is.
 */
export class FingerprintIndex {
  private table: Uint32Array;
  private slots: number;
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

  constructor() {
    this.table = new Uint32Array(MIN_CAPACITY * 3);
    this.slots = MIN_CAPACITY;
    this.scale = MIN_CAPACITY * 2 ** -32;
    this.threshold = Math.floor(MIN_CAPACITY * MAX_LOAD);
  }

  /** Fingerprints held. */
  get size(): number {
    return this.count;
  }

  /** Bytes held by the table. */
  get bytes(): number {
    return this.table.byteLength;
  }

  /**
   * Store `(hi, lo)` with `index` unless it is there: -1 when it was new, else the index it was
   * stored with. Throws `VmcheckError('table-full')` when the table cannot grow.
   */
  put(hi: number, lo: number, index: number): number {
    let h = hi >>> 0;
    let l = lo >>> 0;
    if ((h | l) === 0) {
      h = ZERO_STAND_IN_HI;
      l = ZERO_STAND_IN_LO;
    }
    const at = this.slotOf(h, l);
    const table = this.table;
    if ((table[at]! | table[at + 1]!) !== 0) return table[at + 2]!;
    table[at] = h;
    table[at + 1] = l;
    table[at + 2] = index;
    if (++this.count > this.threshold) this.grow();
    return -1;
  }

  /** The index stored with `(hi, lo)`, or -1. */
  get(hi: number, lo: number): number {
    const h = hi >>> 0;
    const l = lo >>> 0;
    const at = (h | l) === 0 ? this.slotOf(ZERO_STAND_IN_HI, ZERO_STAND_IN_LO) : this.slotOf(h, l);
    return (this.table[at]! | this.table[at + 1]!) === 0 ? -1 : this.table[at + 2]!;
  }

  /** The word offset of the slot holding `(h, l)` (as stored), or of the empty slot where it would go. */
  private slotOf(h: number, l: number): number {
    const table = this.table;
    let slot = homeSlot(h, l, this.scale);
    for (;;) {
      const at = slot * 3;
      const th = table[at]!;
      const tl = table[at + 1]!;
      if ((th === h && tl === l) || (th | tl) === 0) return at;
      if (++slot === this.slots) slot = 0;
    }
  }

  /**
   * The fingerprint stored with `index` (a scan of the table), or undefined. The zero stand-in
   * reads back as the zero fingerprint (the two are one key).
   */
  fingerprintOf(index: number): readonly [number, number] | undefined {
    const table = this.table;
    for (let at = 0; at < table.length; at += 3) {
      const h = table[at]!;
      const l = table[at + 1]!;
      if ((h | l) === 0 || table[at + 2] !== index) continue;
      return h === ZERO_STAND_IN_HI && l === ZERO_STAND_IN_LO ? [0, 0] : [h, l];
    }
    return undefined;
  }

  /** Forget everything and give the memory back. */
  clear(): void {
    this.table = new Uint32Array(MIN_CAPACITY * 3);
    this.slots = MIN_CAPACITY;
    this.scale = MIN_CAPACITY * 2 ** -32;
    this.threshold = Math.floor(MIN_CAPACITY * MAX_LOAD);
    this.count = 0;
  }

  private grow(): void {
    const old = this.table;
    const capacity = Math.max(this.slots + 1, Math.floor(this.count / LOAD_AFTER_GROWTH));
    if (this.growthGuard !== undefined && !this.growthGuard(capacity * 12)) {
      if (this.count >= this.slots - 1) {
        throw new VmcheckError('table-full', `the state index may not grow (memory bound)`, {
          states: this.count,
        });
      }
      this.threshold = this.slots - 2;
      return;
    }
    if (capacity > MAX_CAPACITY) {
      throw new VmcheckError('table-full', `state index cannot grow past ${MAX_CAPACITY} slots`, {
        states: this.count,
      });
    }
    let table: Uint32Array;
    try {
      table = new Uint32Array(capacity * 3);
    } catch {
      throw new VmcheckError('table-full', `out of memory growing the state index to ${capacity} slots`, {
        states: this.count,
      });
    }
    const scale = capacity * 2 ** -32;
    for (let from = 0; from < old.length; from += 3) {
      const h = old[from]!;
      const l = old[from + 1]!;
      if ((h | l) === 0) continue;
      let slot = homeSlot(h, l, scale);
      while ((table[slot * 3]! | table[slot * 3 + 1]!) !== 0) if (++slot === capacity) slot = 0;
      table[slot * 3] = h;
      table[slot * 3 + 1] = l;
      table[slot * 3 + 2] = old[from + 2]!;
    }
    this.table = table;
    this.slots = capacity;
    this.scale = scale;
    this.threshold = Math.floor(capacity * MAX_LOAD);
  }
}
