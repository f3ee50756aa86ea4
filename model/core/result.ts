import type { Json, Violation } from './model.ts';
import type { SymmetryInfo } from './symmetry.ts';
import type { Trace } from './trace.ts';

/**
 * Outcome of a run: finding a bug is `violation`, not a failure of the tool.
 * `incomplete` means a bound was hit before the space was exhausted: never reported as `ok`.
 */
export type CheckStatus = 'ok' | 'violation' | 'incomplete' | 'error';

/** A broken `always` property or a deadlock, with the trace that reaches it. */
export interface Discovery<S, A> {
  /** `always` for an invariant, `deadlock` for a state with no step short of the scenario's end. */
  readonly kind: 'always' | 'deadlock';
  readonly violation: Violation;
  readonly trace: Trace<S, A>;
}

/** Whether a `sometimes` property found a witness, and the trace to it. */
export interface SometimesOutcome<S, A> {
  readonly property: string;
  readonly reached: boolean;
  readonly trace?: Trace<S, A>;
}

/** Counts every explorer reports. */
export interface CheckStats {
  /** Successor states computed, duplicates included. */
  readonly statesGenerated: number;
  /** Distinct states (by fingerprint) reached. */
  readonly distinctStates: number;
  /** Deepest level reached (BFS) or longest path (DFS, simulation). */
  readonly maxDepth: number;
  readonly elapsedMs: number;
  readonly statesPerSecond: number;
  /** How often each action kind fired; kinds that never fired have 0. */
  readonly actionCoverage: { readonly [kind: string]: number };
  /** Action kinds that never fired: a bound may hide behaviour. */
  readonly neverFired: readonly string[];
  /** Bytes held by the visited-state table divided by distinct states, where measured. */
  readonly bytesPerState?: number;
  /** Threads that expanded states, for the parallel explorer (1 when every level stayed on one). */
  readonly workers?: number;
  /**
   * Edges of the reachable graph the progress check (AG EF final) walked back from the final
   * states; absent when it did not run (not asked for, or the run was cut short).
   */
  readonly progressEdges?: number;
  /**
   * Present when the partial-order reduction was applied (generators/partialOrder.ts): states
   * expanded with a proper ample set, and the enabled actions left out at them.
   */
  readonly partialOrder?: { readonly reducedStates: number; readonly skippedActions: number };
  /**
   * Present when states were told apart only up to symmetry (symmetry.ts): the group's size and
   * its classes of interchangeable parts; `distinctStates` then counts orbits.
   */
  readonly symmetry?: SymmetryInfo;
}

/** What an explorer returns. */
export interface CheckResult<S, A> {
  readonly status: CheckStatus;
  readonly model: string;
  readonly strategy: 'bfs' | 'dfs' | 'simulation';
  readonly stats: CheckStats;
  /** Violations found, at most one per property (the first, and for BFS a shortest). */
  readonly discoveries: readonly Discovery<S, A>[];
  readonly sometimes: readonly SometimesOutcome<S, A>[];
  /** Which bound stopped the run when `status` is `incomplete`. */
  readonly incompleteReason?: 'max-depth' | 'max-states' | 'max-memory' | 'timeout';
  /** Set when `status` is `error`. */
  readonly error?: { readonly code: string; readonly message: string; readonly details?: Json };
  /** Seed of a simulation run, so it can be replayed. */
  readonly seed?: number;
}
