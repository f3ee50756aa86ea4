import { VmcheckError } from '../model/core/index.ts';
import type { ActionPath } from './actionPath.ts';

/** Entries per chunk: 2^12, so growth never copies and wastes at most one chunk (20 KiB). */
const CHUNK_BITS = 12;
const CHUNK_SIZE = 1 << CHUNK_BITS;
const CHUNK_MASK = CHUNK_SIZE - 1;
/** Parent value of an initial state. */
const ROOT = 0xffffffff;
/** Most entries the store can hold: indices are 32-bit and one value is the root mark. */
const MAX_ENTRIES = ROOT;

type ActionChunk = Uint8Array | Uint16Array | Uint32Array;

/**
 * Predecessor pointers for every discovered state, in discovery order (TLC's trace file, in memory).
 *
 * Entry `i` holds the index of the state it was reached from and the position of the action taken
 * there; an initial state holds a root mark and its position among the initial states. A trace is
 * rebuilt by walking back to the root and replaying forward with `replayIndices`, so no state object
 * is kept. Storage is chunked typed arrays: 4 bytes of parent and 1 byte of action index per state,
 * widened to 2 or 4 bytes for every entry the first time an index does not fit.
 */
export class ParentStore {
  private readonly parentChunks: Uint32Array[] = [];
  private actionChunks: ActionChunk[] = [];
  private currentParents: Uint32Array = new Uint32Array(0);
  private currentActions: ActionChunk = new Uint8Array(0);
  private actionLimit = 0xff;
  private count = 0;

  /** Number of entries (discovered states). */
  get length(): number {
    return this.count;
  }

  /** Bytes held by the chunks. */
  get bytes(): number {
    const actionBytes = this.actionChunks.length === 0 ? 0 : this.actionChunks[0]!.BYTES_PER_ELEMENT;
    return this.parentChunks.length * CHUNK_SIZE * (4 + actionBytes);
  }

  /** Record an initial state (position `initialIndex` in `model.initialStates()`); returns its index. */
  appendRoot(initialIndex: number): number {
    return this.append(ROOT, initialIndex);
  }

  /**
   * Record a state reached from entry `parent` by the action at `actionIndex`; returns its index.
   *
   * Throws `VmcheckError('table-full')` past 2^32 - 1 entries.
   */
  append(parent: number, actionIndex: number): number {
    const index = this.count;
    const local = index & CHUNK_MASK;
    if (local === 0) this.addChunk();
    if (actionIndex > this.actionLimit) this.widen(actionIndex);
    this.currentParents[local] = parent;
    this.currentActions[local] = actionIndex;
    this.count = index + 1;
    return index;
  }

  /** Index of the entry that `index` was reached from, or -1 for an initial state. */
  parentOf(index: number): number {
    const parent = this.parentChunks[index >>> CHUNK_BITS]![index & CHUNK_MASK]!;
    return parent === ROOT ? -1 : parent;
  }

  /** The action position stored for `index` (for an initial state: its initial-state position). */
  actionOf(index: number): number {
    return this.actionChunks[index >>> CHUNK_BITS]![index & CHUNK_MASK]!;
  }

  /** Number of steps from an initial state to entry `index`. */
  depthOf(index: number): number {
    this.checkIndex(index);
    let depth = 0;
    for (let at = this.parentOf(index); at !== -1; at = this.parentOf(at)) depth++;
    return depth;
  }

  /**
   * The path from an initial state to entry `index`, for `replayIndices`.
   *
   * Throws `VmcheckError('bad-index')` when `index` was never stored.
   */
  pathTo(index: number): ActionPath {
    this.checkIndex(index);
    const actionIndices: number[] = [];
    let at = index;
    for (let parent = this.parentOf(at); parent !== -1; parent = this.parentOf(at)) {
      actionIndices.push(this.actionOf(at));
      at = parent;
    }
    actionIndices.reverse();
    return { initialIndex: this.actionOf(at), actionIndices };
  }

  private checkIndex(index: number): void {
    if (!Number.isInteger(index) || index < 0 || index >= this.count) {
      throw new VmcheckError(
        'bad-index',
        `state ${index} is not in the parent store (${this.count} entries)`,
        {
          index,
          length: this.count,
        },
      );
    }
  }

  private addChunk(): void {
    if (this.count >= MAX_ENTRIES) {
      throw new VmcheckError('table-full', `the parent store holds at most ${MAX_ENTRIES} states`, {
        states: this.count,
      });
    }
    this.currentParents = new Uint32Array(CHUNK_SIZE);
    this.currentActions = makeActionChunk(this.actionLimit);
    this.parentChunks.push(this.currentParents);
    this.actionChunks.push(this.currentActions);
  }

  private widen(actionIndex: number): void {
    if (!Number.isInteger(actionIndex) || actionIndex < 0 || actionIndex > 0xffffffff) {
      throw new VmcheckError('bad-index', `action index ${actionIndex} cannot be stored`, { actionIndex });
    }
    this.actionLimit = actionIndex > 0xffff ? 0xffffffff : 0xffff;
    this.actionChunks = this.actionChunks.map((old) => {
      const wide = makeActionChunk(this.actionLimit);
      wide.set(old);
      return wide;
    });
    this.currentActions = this.actionChunks[this.actionChunks.length - 1]!;
  }
}

function makeActionChunk(limit: number): ActionChunk {
  if (limit <= 0xff) return new Uint8Array(CHUNK_SIZE);
  if (limit <= 0xffff) return new Uint16Array(CHUNK_SIZE);
  return new Uint32Array(CHUNK_SIZE);
}
