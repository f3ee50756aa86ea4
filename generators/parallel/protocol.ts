/**
 * What the parallel explorer's coordinator and its worker threads say to each other, and the words
 * of the shared control block. Internal to generators/parallel.
 */
import type { Json } from '../../model/core/index.ts';
import type { PartialOrderMode } from '../partialOrder.ts';
import type { EdgeRange } from '../progressGraph.ts';
import type { SharedTableBuffers } from './sharedTable.ts';

/**
 * How a worker thread builds the model: it imports `module` (a file URL) and calls its export
 * `export` with `args`, which must return (or resolve to) a `Model<Int32Array, number>` equal to
 * the coordinator's. States cross threads as their words, so the model's states must be flat
 * `Int32Array`s of one length.
 */
export interface ModelSpec {
  readonly module: string;
  readonly export: string;
  readonly args: readonly Json[];
}

/** Words of the control block (`Int32Array` over a `SharedArrayBuffer`). */
export const CONTROL = {
  /** Index of the next work item to take. */
  cursor: 0,
  /** 1 once the run must end: workers stop at their next chunk and report. */
  stop: 1,
  /** 1 while the table is to be grown: workers pause at their next chunk. */
  pause: 2,
  /** Why the run stopped: one of `STOP_REASONS`' indices (0: none). */
  stopReason: 3,
  /** States expanded so far (progress only; wraps past 2^31, read as unsigned). */
  expanded: 4,
  /** Successors generated so far (progress only). */
  generated: 5,
  words: 6,
} as const;

/** Bounds a worker can hit itself, by index in `CONTROL.stopReason`. */
export const STOP_REASONS = [undefined, 'max-states', 'timeout', 'max-memory', 'error'] as const;

/** Coordinator to worker: once, first. */
export interface InitMessage {
  readonly type: 'init';
  readonly spec: ModelSpec;
  readonly control: SharedArrayBuffer;
  readonly table: SharedTableBuffers;
  readonly maxStates: number;
  /** States per output segment. */
  readonly segmentStates: number;
  /** Fraction of the table's slots above which workers ask for it to grow. */
  readonly maxLoad: number;
  /**
   * Record the reachable graph for the progress check: the table is indexed, each segment carries
   * its states' positions, and each report the edge records of the states it expanded.
   */
  readonly progress: boolean;
  /**
   * Partial-order reduction (generators/partialOrder.ts): expand states with the model's ample
   * sets under the cycle proviso; the table is then indexed, so the proviso can ask whether a
   * successor was stored before the level (`LevelMessage.levelStart`).
   */
  readonly partialOrder: PartialOrderMode;
}

/**
 * A block of one level's states: `count` states of the model's word length, one byte a word when
 * every word of each fits in a signed byte (`narrow`; most states of most models), else four.
 */
export interface Segment {
  readonly buffer: SharedArrayBuffer;
  readonly narrow: boolean;
  readonly count: number;
  /** With `progress`: each state's position in the table (1-based), one word a state. */
  readonly positions?: SharedArrayBuffer;
  /** Where the model has a `StateCarry`: the words it carries beside each state, `words` a state. */
  readonly carried?: SharedArrayBuffer;
}

/** A run of `count` states from `start` in segment `segment` of a level. */
export type WorkItem = readonly [segment: number, start: number, count: number];

/** Coordinator to worker: expand (or, past `maxDepth`, probe) one BFS level. */
export interface LevelMessage {
  readonly type: 'level';
  readonly segments: readonly Segment[];
  readonly items: readonly WorkItem[];
  /** False at the depth bound: successors are only looked up, to tell whether the bound cut anything. */
  readonly expand: boolean;
  /** Indices into `model.properties` still to check. */
  readonly pendingProperties: readonly number[];
  readonly checkDeadlocks: boolean;
  /**
   * Segments of the level before this one, free to overwrite with the next level's states (so the
   * frontier's memory is reused rather than left to each thread's garbage collector).
   */
  readonly spare: readonly SharedArrayBuffer[];
  /** The visited-state table (grown between levels when crowded). */
  readonly table: SharedTableBuffers;
  /** States stored before this level was expanded (positions 1..levelStart: levels 0..d). */
  readonly levelStart: number;
}

/** Coordinator to worker: go on after a pause, with the (possibly grown) table. */
export interface ResumeMessage {
  readonly type: 'resume';
  readonly table: SharedTableBuffers;
}

export type ToWorker = InitMessage | LevelMessage | ResumeMessage;

/** Worker to coordinator: the level is done for this worker (or the run stopped). */
export interface DoneMessage {
  readonly type: 'done';
  /** Segments of new states. */
  readonly segments: readonly Segment[];
  readonly generated: number;
  /** Firings per action kind code, in `model.actionKinds` order, then undeclared kinds by name. */
  readonly coverage: readonly number[];
  readonly extraCoverage: { readonly [kind: string]: number };
  /** Indices of the properties some new state broke or witnessed. */
  readonly found: readonly number[];
  /** True when a state of the level has no enabled action and is not final. */
  readonly deadlocked: boolean;
  readonly depthCut: boolean;
  /** With `progress`: the edge records (0-based positions) of the states this worker expanded. */
  readonly edges: readonly EdgeRange[];
  /** The reporting thread (`threadId`) and the bytes its edge log holds in all (it only grows). */
  readonly thread: number;
  readonly edgeLogBytes: number;
  /** With `partialOrder`: states of this level expanded with a proper ample set, actions left out. */
  readonly reducedStates: number;
  readonly skippedActions: number;
  readonly error: { readonly name: string; readonly message: string; readonly code?: string } | undefined;
}

/** Worker to coordinator. */
export type FromWorker =
  | { readonly type: 'ready' }
  | { readonly type: 'failed'; readonly error: { readonly name: string; readonly message: string } }
  | { readonly type: 'paused' }
  | DoneMessage;
