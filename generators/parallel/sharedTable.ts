import { VmcheckError } from '../../model/core/index.ts';

/** Word of the control block holding the number of fingerprints stored. */
const COUNT = 0;
/** Stand-ins for a zero half: zero marks an empty slot (hi) or a slot being written (lo). */
const ZERO_HI = 0x9e3779b9 | 0;
const ZERO_LO = 0x7f4a7c15 | 0;

/** `hi:lo` as the table stores it (a zero half replaced by its stand-in), unsigned. */
export function storedFingerprint(hi: number, lo: number): readonly [number, number] {
  return [(hi === 0 ? ZERO_HI : hi) >>> 0, (lo === 0 ? ZERO_LO : lo) >>> 0];
}

/** The buffers of a shared table, as sent to a worker thread. */
export interface SharedTableBuffers {
  /**
   * The slots: two words a slot (the fingerprint's high and low halves), or three in an indexed
   * table, whose third word is the slot's position (1-based order of addition), 0 while unset.
   */
  readonly slots: SharedArrayBuffer;
  readonly meta: SharedArrayBuffer;
  /** Three words a slot, with positions. */
  readonly indexed: boolean;
}

/**
 * A set of 64-bit fingerprints in a `SharedArrayBuffer` that several threads add to at once,
 * lock-free: open addressing with linear probing over a power-of-two number of two-word slots.
 *
 * A slot is claimed by compare-and-exchange of its high word from 0; the claimer then stores the
 * low word. A thread that meets a claimed slot whose low word is still 0 waits the few instructions
 * until it is written (a stand-in replaces a real zero half), so two threads adding one fingerprint
 * agree on which of them added it: `add` says "new" to exactly one. The table never grows by
 * itself: the explorer pauses its workers and calls `grownCopy` when `isCrowded` says so.
 */
export class SharedFingerprintTable {
  private readonly slots: Int32Array;
  private readonly meta: Int32Array;
  /** Words a slot: 2, or 3 with the position in the slot itself (one cache line to read, not two). */
  private readonly stride: number;
  private readonly mask: number;
  private readonly shift: number;
  /** Number of slots. */
  readonly capacity: number;

  constructor(readonly buffers: SharedTableBuffers) {
    this.slots = new Int32Array(buffers.slots);
    this.meta = new Int32Array(buffers.meta);
    this.stride = buffers.indexed ? 3 : 2;
    this.capacity = this.slots.length / this.stride;
    this.mask = this.capacity - 1;
    this.shift = 32 - Math.log2(this.capacity);
  }

  /**
   * An empty table of `capacity` slots (rounded up to a power of two, at least 1024); `indexed`
   * also keeps each fingerprint's position (4 bytes a slot more), for `addIndexed`.
   */
  static create(capacity: number, indexed = false): SharedFingerprintTable {
    const slots = 2 ** Math.max(10, Math.ceil(Math.log2(Math.max(1, capacity))));
    if (slots > 2 ** 29) {
      throw new VmcheckError('table-full', `the shared visited-state table cannot hold ${capacity} slots`);
    }
    return new SharedFingerprintTable({
      slots: new SharedArrayBuffer(slots * (indexed ? 12 : 8)),
      meta: new SharedArrayBuffer(8),
      indexed,
    });
  }

  /** Fingerprints stored. */
  get size(): number {
    return Atomics.load(this.meta, COUNT);
  }

  /** Bytes held by the slots (with positions). */
  get bytes(): number {
    return this.slots.byteLength;
  }

  /** True when the table is more than `load` full (a fraction of its slots). */
  isCrowded(load: number): boolean {
    return this.size > this.capacity * load;
  }

  /**
   * Add the fingerprint `hi:lo`. Returns 0 when it was there already, else its position in the
   * order of additions (1 for the first), for exactly one of the threads adding it: a bound on
   * distinct states can be exact under concurrency. Throws `VmcheckError('table-full')` when no
   * slot is free.
   */
  add(hi: number, lo: number): number {
    return this.insert(hi, lo, false);
  }

  /**
   * `add` on an indexed table, which also names a fingerprint that was there: its position when it
   * is new (for exactly one of the threads adding it), minus the position it was added with when
   * it was there already. Safe while other threads add.
   */
  addIndexed(hi: number, lo: number): number {
    return this.insert(hi, lo, true);
  }

  /**
   * Claim a slot for `hi:lo` (its position, storing it in the slot when `indexed`) or find it (0,
   * or minus its position once the claimer has stored it).
   */
  private insert(hi: number, lo: number, indexed: boolean): number {
    const h = hi === 0 ? ZERO_HI : hi | 0;
    const l = lo === 0 ? ZERO_LO : lo | 0;
    const slots = this.slots;
    const stride = this.stride;
    let i = Math.imul(l ^ (h >>> 11), 0x9e3779b1) >>> this.shift;
    for (let probes = 0; probes <= this.mask; probes++) {
      const j = i * stride;
      let a = Atomics.load(slots, j);
      if (a === 0) {
        a = Atomics.compareExchange(slots, j, 0, h);
        if (a === 0) {
          Atomics.store(slots, j + 1, l);
          const position = Atomics.add(this.meta, COUNT, 1) + 1;
          if (indexed) Atomics.store(slots, j + 2, position);
          return position;
        }
      }
      if (a === h) {
        let b = Atomics.load(slots, j + 1);
        while (b === 0) b = Atomics.load(slots, j + 1);
        if (b === l) {
          if (!indexed) return 0;
          let position = Atomics.load(slots, j + 2);
          while (position === 0) position = Atomics.load(slots, j + 2);
          return -position;
        }
      }
      i = (i + 1) & this.mask;
    }
    throw new VmcheckError('table-full', `the shared visited-state table is full (${this.capacity} slots)`);
  }

  /** The position of `hi:lo` in an indexed table, 0 when it is not stored. While no thread adds. */
  positionOf(hi: number, lo: number): number {
    const h = hi === 0 ? ZERO_HI : hi | 0;
    const l = lo === 0 ? ZERO_LO : lo | 0;
    const slots = this.slots;
    let i = Math.imul(l ^ (h >>> 11), 0x9e3779b1) >>> this.shift;
    for (let probes = 0; probes <= this.mask; probes++) {
      const j = i * 3;
      const a = slots[j]!;
      if (a === 0) return 0;
      if (a === h && slots[j + 1] === l) return slots[j + 2]!;
      i = (i + 1) & this.mask;
    }
    return 0;
  }

  /** Call `visit` with every stored fingerprint (stand-ins as stored) and its position. While no thread adds. */
  forEachIndexed(visit: (hi: number, lo: number, position: number) => void): void {
    const slots = this.slots;
    for (let j = 0; j < slots.length; j += 3) {
      const h = slots[j]!;
      if (h !== 0) visit(h, slots[j + 1]!, slots[j + 2]!);
    }
  }

  /**
   * The position `hi:lo` was stored with in an indexed table, or 0 when it is not there or its
   * claimer has not stored the position yet (so a state being added in this level never reads as
   * one of an earlier level). Safe while other threads add.
   */
  storedPosition(hi: number, lo: number): number {
    const h = hi === 0 ? ZERO_HI : hi | 0;
    const l = lo === 0 ? ZERO_LO : lo | 0;
    const slots = this.slots;
    let i = Math.imul(l ^ (h >>> 11), 0x9e3779b1) >>> this.shift;
    for (let probes = 0; probes <= this.mask; probes++) {
      const j = i * 3;
      const a = Atomics.load(slots, j);
      if (a === 0) return 0;
      if (a === h) {
        let b = Atomics.load(slots, j + 1);
        while (b === 0) b = Atomics.load(slots, j + 1);
        if (b === l) return Atomics.load(slots, j + 2);
      }
      i = (i + 1) & this.mask;
    }
    return 0;
  }

  /** True when `hi:lo` is stored. Safe while other threads add. */
  has(hi: number, lo: number): boolean {
    const h = hi === 0 ? ZERO_HI : hi | 0;
    const l = lo === 0 ? ZERO_LO : lo | 0;
    const slots = this.slots;
    const stride = this.stride;
    let i = Math.imul(l ^ (h >>> 11), 0x9e3779b1) >>> this.shift;
    for (let probes = 0; probes <= this.mask; probes++) {
      const j = i * stride;
      const a = Atomics.load(slots, j);
      if (a === 0) return false;
      if (a === h) {
        let b = Atomics.load(slots, j + 1);
        while (b === 0) b = Atomics.load(slots, j + 1);
        if (b === l) return true;
      }
      i = (i + 1) & this.mask;
    }
    return false;
  }

  /**
   * A table of `capacity` slots holding every fingerprint of this one. Only while no thread adds.
   * Stand-ins are copied as stored, so they keep meaning the same fingerprints.
   */
  grownCopy(capacity: number): SharedFingerprintTable {
    const grown = SharedFingerprintTable.create(capacity, this.stride === 3);
    const from = this.slots;
    if (this.stride === 2) {
      for (let j = 0; j < from.length; j += 2) {
        const h = from[j]!;
        if (h !== 0) grown.add(h, from[j + 1]!);
      }
      return grown;
    }
    this.forEachIndexed((h, l, position) => grown.insertAt(h, l, position));
    grown.meta[COUNT] = this.size;
    return grown;
  }

  /** Store `h:l` (stand-ins already applied) with `position`, when copying an indexed table. */
  private insertAt(h: number, l: number, position: number): void {
    let i = Math.imul(l ^ (h >>> 11), 0x9e3779b1) >>> this.shift;
    while (this.slots[i * 3] !== 0) i = (i + 1) & this.mask;
    this.slots[i * 3] = h;
    this.slots[i * 3 + 1] = l;
    this.slots[i * 3 + 2] = position;
  }
}
