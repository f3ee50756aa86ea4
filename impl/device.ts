/** A simulated I/O device: a byte store that a channel reads from and writes to. */

/** Growable byte store behind one channel. Unwritten bytes read as zero. */
export class SimulatedDevice {
  private store: Uint8Array;

  constructor(initialCapacity = 0) {
    this.store = new Uint8Array(initialCapacity);
  }

  /** Bytes the device holds so far. */
  get capacity(): number {
    return this.store.length;
  }

  /** A live view of `length` bytes at `offset`, growing the store if needed. */
  view(offset: number, length: number): Uint8Array {
    this.ensure(offset + length);
    return this.store.subarray(offset, offset + length);
  }

  /** A copy of `length` bytes at `offset`. */
  read(offset: number, length: number): Uint8Array {
    return this.view(offset, length).slice();
  }

  /** Store `data` at `offset`. */
  write(offset: number, data: Uint8Array): void {
    this.ensure(offset + data.length);
    this.store.set(data, offset);
  }

  private ensure(size: number): void {
    if (size <= this.store.length) return;
    const grown = new Uint8Array(Math.max(size, this.store.length * 2, 4096));
    grown.set(this.store);
    this.store = grown;
  }
}
