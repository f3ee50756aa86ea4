/**
 * First-in first-out queue of states: a ring buffer that doubles when full.
 *
 * BFS keeps only its frontier alive through this queue; a plain array with `shift` would be O(n) a
 * take, and one with a moving head would keep a slot for every state ever queued.
 */
export class StateQueue<S> {
  private items: (S | undefined)[] = new Array<S | undefined>(1024);
  private head = 0;
  private count = 0;

  /** Bytes of the ring buffer's slots (8 a slot; it only grows until `clear`). */
  get slotBytes(): number {
    return this.items.length * 8;
  }

  /** Number of queued states. */
  get size(): number {
    return this.count;
  }

  /** Append `state` at the back. */
  push(state: S): void {
    if (this.count === this.items.length) this.grow();
    this.items[(this.head + this.count) & (this.items.length - 1)] = state;
    this.count++;
  }

  /** Remove and return the front state; throws when empty (a caller bug). */
  shift(): S {
    if (this.count === 0) throw new Error('StateQueue.shift on an empty queue');
    const items = this.items;
    const state = items[this.head] as S;
    items[this.head] = undefined;
    this.head = (this.head + 1) & (items.length - 1);
    this.count--;
    return state;
  }

  /** Drop every queued state, so none is kept alive by the queue. */
  clear(): void {
    this.items = new Array<S | undefined>(1024);
    this.head = 0;
    this.count = 0;
  }

  private grow(): void {
    const old = this.items;
    const items = new Array<S | undefined>(old.length * 2);
    for (let i = 0; i < this.count; i++) items[i] = old[(this.head + i) & (old.length - 1)];
    this.items = items;
    this.head = 0;
  }
}

/**
 * Bytes a queued state holds beside its slot, for an explorer's bytes a state: for a typed array
 * (the packed models' states) its words plus `TYPED_STATE_OVERHEAD`; 0 for anything else (a small
 * number costs nothing more; an object's size is the model's and unknown here).
 */
export function queuedStateBytes(state: unknown): number {
  return ArrayBuffer.isView(state) ? state.byteLength + TYPED_STATE_OVERHEAD : 0;
}

/**
 * Resident bytes of a typed-array state beyond its words: its two objects (the view and its
 * buffer) and the allocator's share. Measured: 200,000 copies of a fig6-scaled state (176 words,
 * 704 bytes) take 1,101 bytes of RSS each.
 */
export const TYPED_STATE_OVERHEAD = 400;
