import type { CheckResult, Fingerprint, Model, Trace } from '../model/core/index.ts';
import { hasUnvisitedSuccessor } from './depthBound.ts';
import { FingerprintIndex } from './fingerprintIndex.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import {
  AUTO_PARENTS_LIMIT,
  BudgetWatch,
  type CheckOptions,
  nonNegativeCount,
  resolveCheckOptions,
  resolveTraceStore,
  type TraceStore,
} from './options.ts';
import { ParentStore } from './parentStore.ts';
import { actionsToExpand, fullIndex, noReductions, reduces } from './partialOrder.ts';
import { analyseProgress, analysisBytes, EdgeLog } from './progressGraph.ts';
import { replayChecked } from './replay.ts';
import { rerunTraces, type TraceTarget } from './rerunTraces.ts';
import { RunRecorder } from './runRecorder.ts';
import { queuedStateBytes, StateQueue } from './stateQueue.ts';
import { ActionCoverage, buildStats } from './stats.ts';

/** Options of `checkBfs`: the shared bounds, and how traces are kept. */
export interface BfsOptions extends CheckOptions {
  /**
   * How a discovery's trace is rebuilt. All give the same shortest trace; they trade memory for
   * time when something is found.
   * - `auto` (default): `parents` for the first `AUTO_PARENTS_LIMIT` (2^18) states, then `rerun`:
   *   past the limit the parent store is let go and every trace not yet rebuilt is rebuilt by
   *   re-exploration. Small and mid-sized runs spare the re-exploration (on a shipped scenario
   *   whose witnesses lie deep it is 40% of the run) for at most 1.25 MiB; large ones hold their
   *   table alone. `memory.traceStore` says which one the run ended with.
   * - `rerun`: no per-state record beyond the visited table (10.7–16 bytes a state).
   *   When the run ends, the traces of its discoveries and witnesses are rebuilt together by
   *   re-exploring breadth-first down to the deepest one's level (see `rerunTraces`): up to the
   *   run's time again, and only when something was found. The run's table and frontier are let go
   *   first; the rebuild holds about 21 bytes a state of the prefix it re-explores, so the peak
   *   stays near that of `parents`.
   * - `parents`: a parent store of about 5 bytes a state more (`ParentStore`) is filled during the
   *   run, and each trace is replayed from it at once, with no re-exploration. Choose it when
   *   re-exploring would be long (a deep discovery in a huge space) and 5 bytes a state are spare.
   */
  readonly traceStore?: TraceStore;
  /** With `traceStore: 'auto'`: the states up to which parents are kept (default `AUTO_PARENTS_LIMIT`). */
  readonly autoParentsLimit?: number;
  /**
   * Rebuild the trace to each `sometimes` witness (default true). With false, a reached `sometimes`
   * property is reported without its trace, which spares the `rerun` store a re-exploration when
   * nothing was violated: a witness is evidence the state was reached, its path is for reports.
   */
  readonly witnessTraces?: boolean;
  /**
   * Also check progress (AG EF final, SPEC 7.11; default false): record the reachable graph (a
   * state index in place of the visited set, 16-24 bytes a state, and 4 bytes an edge) and, when the
   * run is complete and found nothing else (or `stopAtFirst` is false), report a first state in BFS
   * order from which no final state is reachable: a `deadlock` discovery whose violation has
   * `details.livelock`, with a shortest trace. Deadlocked states are among those states; with
   * `checkDeadlocks` they are reported as deadlocks first.
   */
  readonly progress?: boolean;
}

/** Memory figures of a BFS run, beside `stats.bytesPerState`. */
export interface BfsMemory {
  /** Which trace store the run ended with (`auto` ends as `parents` or as `rerun`). */
  readonly traceStore: Exclude<TraceStore, 'auto'>;
  /**
   * Bytes held to the end of the run for visited states: the fingerprint table, plus the parent
   * store while it is kept (`parents`, `auto` below its limit), and with `partialOrder` (and no progress graph) the
   * fingerprints of the level being built, for the cycle proviso. `stats.bytesPerState` is this
   * over the distinct states.
   */
  readonly visitedBytes: number;
  /**
   * Most states queued at once: the frontier, which is not in `visitedBytes`. Its cost is the
   * model's (one live state object each) and it is released as the run ends.
   */
  readonly peakFrontier: number;
  /**
   * Bytes of that frontier: the queue's slots, and for typed-array states their words and objects
   * (`queuedStateBytes`). `stats.bytesPerState` counts it, with `visitedBytes`.
   */
  readonly peakFrontierBytes: number;
  /** Distinct states re-explored to rebuild traces with `rerun`; 0 when nothing was rebuilt. */
  readonly rerunStates: number;
  /** Bytes of the recorded graph with `progress` (the state index and the edges); else 0. */
  readonly graphBytes: number;
  /** Edges of the recorded graph (successors of expanded states, duplicates included); else 0. */
  readonly graphEdges: number;
}

/** What `checkBfs` returns: a `CheckResult` and its memory figures. */
export interface BfsResult<S, A> extends CheckResult<S, A> {
  readonly memory: BfsMemory;
}

/**
 * Explore every reachable state breadth-first; each discovery's trace is a shortest one.
 *
 * States are checked when first reached, so the first violation of a property is at the smallest
 * depth. The explorer keeps 64-bit fingerprints, never a map of states, and only the frontier's
 * states alive; traces are rebuilt as `BfsOptions.traceStore` says, by replaying action indices
 * (TLC style). Deadlocks (no enabled action, not final) are found when a state is expanded, also
 * in depth order.
 *
 * - Stops at the first discovery unless `stopAtFirst: false` (see `CheckOptions`).
 * - `statesGenerated` counts initial states plus every successor computed; successors computed only
 *   to decide whether `maxDepth` cut anything off, or to rebuild traces, are not counted.
 * - `stats.bytesPerState` counts what the run holds at its peak over the visited states: the tables
 *   (`BfsMemory.visitedBytes`) and the larger of the peak frontier (`BfsMemory.peakFrontierBytes`)
 *   and the progress analysis (after the search, when the frontier is gone); not a trace rebuild's
 *   own tables (after the run, when the table is gone).
 * - Deterministic for a deterministic model: same counts and traces on every run, with either trace
 *   store, unless a clock or memory bound stops it. `elapsedMs` includes rebuilding traces.
 * - Never throws for what it finds or what the model throws: the result's `status` says `violation`
 *   or `error`. A trace that does not replay gives `error` (`nondeterministic-model`) and its
 *   discovery is left out. Throws `VmcheckError('bad-options')` for invalid options only.
 * - Known limit: two states with equal fingerprints are one state (probability ~n²/2^65).
 */
export function checkBfs<S, A>(model: Model<S, A>, options: BfsOptions = {}): BfsResult<S, A> {
  const resolved = resolveCheckOptions(options);
  const traceStore = resolveTraceStore(options.traceStore);
  const { maxDepth, maxStates, now, onProgress, progressEvery } = resolved;
  const recorder = new RunRecorder(model, resolved.stopAtFirst, resolved.checkDeadlocks);
  const visited = new FingerprintSet();
  let parents = traceStore === 'rerun' ? undefined : new ParentStore();
  /** States past which the parent store is let go (`auto`). */
  const parentsLimit =
    traceStore === 'auto'
      ? nonNegativeCount('autoParentsLimit', options.autoParentsLimit ?? AUTO_PARENTS_LIMIT)
      : Number.POSITIVE_INFINITY;
  const queue = new StateQueue<S>();
  /** With `progress`: the state index (in place of `visited`), the edges, each level's first index. */
  const graph = options.progress
    ? { index: new FingerprintIndex(), edges: new EdgeLog(), levelStarts: [0] }
    : undefined;
  const coverage = new ActionCoverage(model.actionKinds);
  const por = reduces(options.partialOrder, model, maxDepth) ? options.partialOrder! : false;
  const reductions = noReductions();
  /** With reduction and no graph: the fingerprints of the next level, for the cycle proviso. */
  const nextLevel = por !== false && graph === undefined ? new FingerprintSet() : undefined;
  // The model's scratch step, while it stands for `next` (a wrapper replacing `next` turns it off).
  const scratch =
    model.scratch !== undefined && model.scratch.next === model.next ? model.scratch : undefined;
  const start = now();
  let generated = 0;
  let distinct = 0;
  let depth = 0;
  let deepest = 0;
  let peakFrontier = 0;
  // Reaches 0 at the top of the loop once every `progressEvery` states have been expanded.
  let progressCountdown = progressEvery + 1;

  /** Traces to rebuild after the run (`rerun`), each standing in for its trace until then. */
  const pending: { readonly target: TraceTarget; readonly standIn: Trace<S, A> }[] = [];
  const graphBytes = () => (graph === undefined ? 0 : graph.index.bytes + graph.edges.bytes);
  const visitedBytes = () =>
    visited.bytes + (parents === undefined ? 0 : parents.bytes) + graphBytes() + (nextLevel?.bytes ?? 0);
  const budget = new BudgetWatch(resolved, start, visitedBytes);
  // A growth of a table that would pass the memory bound is refused, and the run stops.
  visited.growthGuard = budget.growthGuard;
  if (graph !== undefined) graph.index.growthGuard = budget.growthGuard;
  if (nextLevel !== undefined) nextLevel.growthGuard = budget.growthGuard;

  /** The trace to the state stored at `index`, first reached at `level`: now, or a stand-in. */
  const traceTo = (index: number, fingerprint: Fingerprint, level: number): Trace<S, A> => {
    if (parents !== undefined) {
      const path = parents.pathTo(index);
      return replayChecked(model, path.initialIndex, path.actionIndices, fingerprint);
    }
    const standIn: Trace<S, A> = { initial: undefined as S, steps: [] };
    pending.push({ target: { fingerprint, depth: level }, standIn });
    return standIn;
  };

  let exhausted = false;
  /** Set where the search loop is left before the queue runs out. */
  let cutShort = false;
  try {
    let stopped = false;
    const initials = model.initialStates();
    for (let i = 0; i < initials.length; i++) {
      const state = initials[i] as S;
      generated++;
      const spent = budget.tick();
      if (spent !== undefined) {
        recorder.stopBy(spent);
        stopped = true;
        break;
      }
      const fingerprint = model.fingerprint(state);
      const isNew =
        graph === undefined
          ? visited.add(fingerprint[0], fingerprint[1])
          : graph.index.put(fingerprint[0], fingerprint[1], distinct) < 0;
      if (!isNew) continue;
      if (distinct >= maxStates) {
        recorder.stopBy('max-states');
        stopped = true;
        break;
      }
      const index = distinct++;
      parents?.appendRoot(i);
      queue.push(state);
      if (recorder.scan(state) && recorder.commit(traceTo(index, fingerprint, 0))) {
        stopped = true;
        break;
      }
    }

    let levelEnd = distinct;
    /** Stored in levels 0..depth (the cycle proviso's question; the next level is not complete). */
    const isOld =
      graph === undefined
        ? (hi: number, lo: number) => visited.has(hi, lo) && !nextLevel!.has(hi, lo)
        : (hi: number, lo: number) => {
            const known = graph.index.get(hi, lo);
            return known >= 0 && known < levelEnd;
          };
    search: for (let index = 0; !stopped && queue.size > 0; index++) {
      if (index === levelEnd) {
        depth++;
        levelEnd = distinct;
        graph?.levelStarts.push(index);
        nextLevel?.clear();
      }
      if (queue.size > peakFrontier) peakFrontier = queue.size;
      if (onProgress !== undefined && --progressCountdown === 0) {
        progressCountdown = progressEvery;
        onProgress({
          distinct,
          generated,
          depth,
          queue: queue.size,
          elapsedMs: now() - start,
        });
      }

      const state = queue.shift();
      const enabled = model.actions(state);
      const actions =
        por === false || depth >= maxDepth
          ? enabled
          : actionsToExpand(model, state, enabled, isOld, por, reductions);
      const actionCount = actions.length;
      if (graph !== undefined && (depth < maxDepth || actionCount === 0))
        graph.edges.expanded(index, model.isFinal(state), actionCount);
      if (actionCount === 0) {
        if (recorder.wantsDeadlocks && !model.isFinal(state)) {
          const trace = traceTo(index, model.fingerprint(state), depth);
          if (recorder.recordDeadlock(trace, undefined, depth)) {
            cutShort = true;
            break;
          }
        }
        continue;
      }
      if (depth >= maxDepth) {
        if (graph !== undefined) {
          if (!recordBoundary(state, index, actions)) recorder.cutByDepth();
        } else if (!recorder.isDepthCut && hasUnvisitedSuccessor(model, state, actions, visited)) {
          recorder.cutByDepth();
        }
        continue;
      }
      const nextDepth = depth + 1;
      for (let a = 0; a < actionCount; a++) {
        const action = actions[a]!;
        const next = scratch === undefined ? model.next(state, action) : scratch.into(state, action);
        generated++;
        const spent = budget.tick();
        if (spent !== undefined) {
          recorder.stopBy(spent);
          cutShort = true;
          break search;
        }
        coverage.record(model.actionKind(action));
        const fingerprint = model.fingerprint(next);
        if (graph === undefined) {
          if (!visited.add(fingerprint[0], fingerprint[1])) continue;
          nextLevel?.add(fingerprint[0], fingerprint[1]);
        } else {
          const known = graph.index.put(fingerprint[0], fingerprint[1], distinct);
          graph.edges.edge(known < 0 ? distinct : known);
          if (known >= 0) continue;
        }
        if (distinct >= maxStates) {
          recorder.stopBy('max-states');
          cutShort = true;
          break search;
        }
        const nextIndex = distinct++;
        if (parents !== undefined) {
          if (nextIndex < parentsLimit) parents.append(index, fullIndex(enabled, actions, a));
          else parents = undefined;
        }
        const stored = scratch === undefined ? next : scratch.keep(next, true);
        queue.push(stored);
        deepest = nextDepth;
        if (recorder.scan(stored) && recorder.commit(traceTo(nextIndex, fingerprint, nextDepth))) {
          cutShort = true;
          break search;
        }
      }
    }
    // Every state was expanded when the queue ran out: the graph is whole.
    exhausted = !stopped && !cutShort;
  } catch (error) {
    recorder.fail(error);
  }
  if (queue.size > peakFrontier) peakFrontier = queue.size;
  const initial = distinct > 0 ? model.initialStates()[0] : undefined;
  const peakFrontierBytes = peakFrontier * queuedStateBytes(initial) + queue.slotBytes;
  const tableBytes = visitedBytes();
  const heldGraphBytes = graphBytes();
  let graphEdges = 0;
  let graphChecked = false;
  /** Bytes the progress analysis took, when it ran. */
  let analysedBytes = 0;
  if (graph !== undefined && exhausted) checkGraph(graph);

  if (options.witnessTraces === false) {
    const needed = recorder.forgetWitnessTraces();
    pending.splice(0, pending.length, ...pending.filter((p) => needed.has(p.standIn)));
  }
  let rerunStates = 0;
  if (pending.length > 0) {
    // The run is over: let its table and frontier go before the rebuild builds its own.
    visited.clear();
    graph?.index.clear();
    queue.clear();
    const rebuilt = rerunTraces(
      model,
      pending.map((p) => p.target),
      por,
    );
    rerunStates = rebuilt.statesExplored;
    const traces = new Map<Trace<S, A>, Trace<S, A> | undefined>();
    pending.forEach(({ standIn }, i) => {
      const outcome = rebuilt.traces[i]!;
      if ('trace' in outcome) {
        traces.set(standIn, outcome.trace);
      } else {
        traces.set(standIn, undefined);
        recorder.fail(outcome.error);
      }
    });
    // Traces replayed at once (`auto` before it let its parents go) are not stand-ins: kept as they are.
    recorder.resolveTraces((trace) => (traces.has(trace) ? traces.get(trace) : trace));
  }

  return recorder.result(
    'bfs',
    {
      ...buildStats({
        statesGenerated: generated,
        distinctStates: distinct,
        maxDepth: deepest,
        elapsedMs: now() - start,
        coverage,
        tableBytes: tableBytes + Math.max(peakFrontierBytes, analysedBytes),
      }),
      ...(graphChecked ? { progressEdges: graphEdges } : {}),
      ...(por === false ? {} : { partialOrder: { ...reductions } }),
    },
    {
      memory: {
        traceStore: parents === undefined ? 'rerun' : 'parents',
        visitedBytes: tableBytes,
        peakFrontier,
        peakFrontierBytes,
        rerunStates,
        graphBytes: heldGraphBytes,
        graphEdges,
      },
    },
  );

  /**
   * At the depth bound with `progress`: record `state`'s edges if every successor is known; false
   * (the bound cut something) otherwise.
   */
  function recordBoundary(state: S, index: number, actions: readonly A[]): boolean {
    const targets: number[] = [];
    for (const action of actions) {
      const fingerprint = model.fingerprint(model.next(state, action));
      const known = graph!.index.get(fingerprint[0], fingerprint[1]);
      if (known < 0) return false;
      targets.push(known);
    }
    graph!.edges.expanded(index, model.isFinal(state), targets.length);
    for (const t of targets) graph!.edges.edge(t);
    return true;
  }

  /** After a complete run with `progress`: report a first state that can never finish. */
  function checkGraph(g: NonNullable<typeof graph>): void {
    if (!recorder.wantsProgress) return;
    const needed = analysisBytes(distinct, g.edges.bytes);
    if (!budget.allowsGrowth(needed)) {
      // Every state was found, but the progress check would pass the memory bound.
      recorder.stopBy('max-memory');
      return;
    }
    analysedBytes = needed;
    try {
      const verdict = analyseProgress(distinct, g.edges.ranges());
      graphEdges = verdict.edges;
      graphChecked = true;
      if (verdict.firstStuck < 0) return;
      const level = levelOf(g.levelStarts, verdict.firstStuck);
      const fingerprint = g.index.fingerprintOf(verdict.firstStuck)!;
      recorder.recordLivelock(traceTo(verdict.firstStuck, fingerprint, level), level, verdict, distinct);
    } catch (error) {
      recorder.fail(error);
    }
  }
}

/** The level of the state at `index`, given the first index of each level. */
function levelOf(levelStarts: readonly number[], index: number): number {
  let level = 0;
  while (level + 1 < levelStarts.length && levelStarts[level + 1]! <= index) level++;
  return level;
}
