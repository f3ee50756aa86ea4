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
