/**
 * What produces interleavings: the exhaustive explorers (BFS, DFS), seeded random simulation, and
 * fast-check arbitraries of paths. Everything here depends only on the domain-free core.
 *
 * Shared rules of the explorers:
 * - They return data and never throw for what they find: `status` is `error` if the model threw,
 *   else `violation` if anything was discovered, else `incomplete` if a bound cut the run (with
 *   `incompleteReason`, which is also kept beside a violation or error), else `ok`.
 * - A deadlock (no enabled action in a state that is not final) is a discovery of kind `deadlock`
 *   whose violation names the `progress` invariant.
 * - At most one discovery per property, the first found (for BFS a shortest); by default the run
 *   stops at the first discovery.
 * - Deterministic for a deterministic model: no `Math.random` or `Date.now`; clocks and seeds are
 *   passed in.
 */
export { type ActionPath, pathFromChoices } from './actionPath.ts';
export { pathArbitrary, traceArbitrary } from './arbitraries.ts';
export { type BfsMemory, type BfsOptions, type BfsResult, checkBfs } from './bfs.ts';
export { checkDfs } from './dfs.ts';
export { FingerprintSet } from './fingerprintSet.ts';
export {
  AUTO_PARENTS_LIMIT,
  type CheckOptions,
  DEFAULT_PROGRESS_EVERY,
  DEFAULT_TRACE_STORE,
  type Progress,
  type TraceStore,
} from './options.ts';
export { ParentStore } from './parentStore.ts';
export type { PartialOrderMode, ReductionCounts } from './partialOrder.ts';
export {
  checkProgress,
  type ProgressOptions,
  type ProgressResult,
  type WithProgressOptions,
  withProgressCheck,
} from './progress.ts';
export { replayChecked } from './replay.ts';
export { type RerunTracesResult, rerunTraces, type TraceTarget } from './rerunTraces.ts';
export { DEADLOCK_INVARIANT } from './runRecorder.ts';
export {
  nextRunSeed,
  type SimulationDiscovery,
  type SimulationOptions,
  type SimulationResult,
  simulate,
} from './simulate.ts';
