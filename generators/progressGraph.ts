/**
 * The reachable graph an explorer records for the progress check (AG EF final, SPEC 7.11), and the
 * backward analysis that finds the states from which no final state can be reached.
 *
 * An explorer that checks progress records, for every state it expands, the state's index, whether
 * it is final, and the indices of its successors (duplicates included): one record of `2 + k`
 * words in an `EdgeLog`, 4 bytes an edge. After the run `analyseProgress` reverses the edges and
 * walks back from the final states; what it never reaches is stuck. Indices are the explorer's own
 * (0-based insertion order), so the analysis knows nothing of states or models.
 */
import { VmcheckError } from '../model/core/index.ts';

/** Words of an `EdgeLog` chunk (1 MiB; a record longer than that gets a chunk of its own). */
const CHUNK_WORDS = 1 << 18;
/**
 * Words of the first chunk (4 KiB); each next one doubles up to `CHUNK_WORDS`, so a check of a tiny
 * model (a sweep runs thousands) does not zero a mebibyte it never uses.
 */
const FIRST_CHUNK_WORDS = 1 << 10;

/** A run of records: words `[start, end)` of the `Int32Array` over `buffer`. */
export interface EdgeRange {
  readonly buffer: ArrayBufferLike;
  readonly start: number;
  readonly end: number;
}

/**
 * Append-only log of expansion records, in chunks of typed memory (shared memory when asked, so
 * worker threads can hand theirs to the coordinator without copying). A record never spans chunks.
 */
export class EdgeLog {
  private readonly chunks: Int32Array[] = [];
  private view: Int32Array = new Int32Array(0);
  private used = 0;
  private target = 0;
  /** Where the records not yet handed out by `takeRanges` begin: chunk index and word. */
  private takenChunk = 0;
  private takenWord = 0;

  constructor(private readonly shared = false) {}

  /** Bytes held by the log's chunks. */
  get bytes(): number {
    let bytes = 0;
    for (const chunk of this.chunks) bytes += chunk.buffer.byteLength;
    return bytes;
  }

  /**
   * Start the record of state `source`, expanded into `successors` states that follow with `edge`
   * (exactly that many calls before the next `expanded`).
   */
  expanded(source: number, final: boolean, successors: number): void {
    const words = successors + 2;
    if (this.used + words > this.view.length) this.addChunk(words);
    const view = this.view;
    view[this.used] = source;
    view[this.used + 1] = (successors << 1) | (final ? 1 : 0);
    this.target = this.used + 2;
    this.used += words;
  }

  /** The next successor of the state of the last `expanded`. */
  edge(successor: number): void {
    this.view[this.target++] = successor;
  }

  /** Every record so far. */
  ranges(): EdgeRange[] {
    return this.rangesFrom(0, 0);
  }

  /** The records since the last call (for a worker's report at the end of each level). */
  takeRanges(): EdgeRange[] {
    const ranges = this.rangesFrom(this.takenChunk, this.takenWord);
    this.takenChunk = Math.max(0, this.chunks.length - 1);
    this.takenWord = this.chunks.length === 0 ? 0 : this.used;
    return ranges;
  }

  private rangesFrom(chunk: number, word: number): EdgeRange[] {
    const ranges: EdgeRange[] = [];
    for (let c = chunk; c < this.chunks.length; c++) {
      const view = this.chunks[c]!;
      const start = c === chunk ? word : 0;
      const end = c === this.chunks.length - 1 ? this.used : view.length;
      if (end > start) ranges.push({ buffer: view.buffer, start, end });
    }
    return ranges;
  }

  private addChunk(words: number): void {
    // Mark the unused tail of the full chunk as ending there.
    if (this.chunks.length > 0) this.chunks[this.chunks.length - 1] = this.view.subarray(0, this.used);
    const length = Math.max(Math.min(CHUNK_WORDS, FIRST_CHUNK_WORDS * 2 ** this.chunks.length), words);
    const buffer = this.shared ? new SharedArrayBuffer(length * 4) : new ArrayBuffer(length * 4);
    this.view = new Int32Array(buffer);
    this.chunks.push(this.view);
    this.used = 0;
  }
}

/** What the backward analysis found. */
export interface ProgressVerdict {
  /** States that cannot reach a final state. */
  readonly stuckStates: number;
  /** Smallest index of a stuck state (-1 when none): the first in the explorer's order. */
  readonly firstStuck: number;
  /** Per index, 1 when the state is stuck. */
  readonly stuck: Uint8Array;
  /** Edges recorded, duplicates included. */
  readonly edges: number;
}

/**
 * Bytes `analyseProgress` takes for `states` states whose records an `EdgeLog` of `logBytes` holds
 * (at most: the reversed edges take no more than the log): asked of a memory bound before it runs.
 */
export function analysisBytes(states: number, logBytes: number): number {
  return states * 14 + logBytes;
}

/**
 * Which of the `states` states (indices 0..states-1) recorded in `ranges` cannot reach a final
 * state. Throws `VmcheckError('incomplete-graph')` when some state was never recorded as expanded
 * (the explorer did not expand the whole space: the verdict would be unfounded).
 */
export function analyseProgress(states: number, ranges: readonly EdgeRange[]): ProgressVerdict {
  const expanded = new Uint8Array(states);
  const good = new Uint8Array(states);
  const queue = new Int32Array(states);
  let tail = 0;
  const inDegree = new Int32Array(states + 1);
  let edges = 0;
  forEachRecord(ranges, (words, at, source, header) => {
    expanded[source] = 1;
    if ((header & 1) === 1 && good[source] === 0) {
      good[source] = 1;
      queue[tail++] = source;
    }
    const end = at + 2 + (header >>> 1);
    for (let i = at + 2; i < end; i++) inDegree[words[i]! + 1]!++;
    edges += header >>> 1;
  });
  for (let i = 0; i < states; i++) {
    if (expanded[i] === 0) {
      throw new VmcheckError('incomplete-graph', `state ${i} of ${states} was never expanded`);
    }
  }
  // Predecessors of state t: sources[first[t] .. first[t + 1]).
  const first = inDegree;
  for (let t = 0; t < states; t++) first[t + 1]! += first[t]!;
  const fill = first.slice(0, states);
  const sources = new Int32Array(edges);
  forEachRecord(ranges, (words, at, source, header) => {
    const end = at + 2 + (header >>> 1);
    for (let i = at + 2; i < end; i++) sources[fill[words[i]!]!++] = source;
  });
  for (let head = 0; head < tail; head++) {
    const t = queue[head]!;
    for (let i = first[t]!, end = first[t + 1]!; i < end; i++) {
      const p = sources[i]!;
      if (good[p] === 0) {
        good[p] = 1;
        queue[tail++] = p;
      }
    }
  }
  const stuck = good;
  let stuckStates = 0;
  let firstStuck = -1;
  for (let i = 0; i < states; i++) {
    stuck[i] = good[i] === 1 ? 0 : 1;
    if (stuck[i] === 1) {
      stuckStates++;
      if (firstStuck < 0) firstStuck = i;
    }
  }
  return { stuckStates, firstStuck, stuck, edges };
}

function forEachRecord(
  ranges: readonly EdgeRange[],
  visit: (words: Int32Array, at: number, source: number, header: number) => void,
): void {
  for (const range of ranges) {
    const words = new Int32Array(range.buffer);
    for (let at = range.start; at < range.end; at += 2 + (words[at + 1]! >>> 1)) {
      visit(words, at, words[at]!, words[at + 1]!);
    }
  }
}
