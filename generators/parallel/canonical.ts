import type { Fingerprint, Model, Trace } from '../../model/core/index.ts';
import { ParentStore } from '../parentStore.ts';
import { noReductions, type PartialOrderMode, type ReductionCounts } from '../partialOrder.ts';
import { replayChecked } from '../replay.ts';
import type { RunRecorder } from '../runRecorder.ts';
import { ActionCoverage } from '../stats.ts';
import { walkBreadthFirst } from '../walk.ts';

/** What a parallel run found, by level: what `canonicalFindings` looks for again, in order. */
export interface FindingPlan {
  /** Per property index, the level of the states that first broke or witnessed it. */
  readonly propertyLevels: ReadonlyMap<number, number>;
  /** Level of the first deadlocked state, if one was found. */
  readonly deadlockLevel: number | undefined;
  readonly stopAtFirst: boolean;
  /**
   * With the progress check, when some state can never finish: the level of the first such
   * states, a test for them, and the figures of the verdict.
   */
  readonly livelock?: {
    readonly level: number;
    readonly isStuck: (fingerprint: Fingerprint) => boolean;
    readonly stuckStates: number;
    readonly edges: number;
    readonly distinctStates: number;
  };
}

/** The counts `checkBfs` would have reported when it stopped at its first discovery. */
export interface StoppedCounts {
  readonly distinct: number;
  readonly generated: number;
  readonly maxDepth: number;
  readonly coverage: ActionCoverage;
  readonly reductions: ReductionCounts;
}

/**
 * Find again, in `checkBfs`'s own order, what a parallel run found, and commit it to `recorder`
 * with its trace: for each property the first breaking (or witnessing) state in BFS order at the
 * level the parallel run found it, and likewise the first deadlock. Workers race, so which of
 * several states of one level a parallel run meets first is not determined; this re-exploration
 * is, so the result is `checkBfs`'s exactly, for any number of threads.
 *
 * Explores breadth-first down to the deepest planned level, storing a parent pointer a state,
 * checking each property only on the states of its planned level (so it costs about a plain
 * exploration of that prefix without the invariants). With `stopAtFirst` it stops where `checkBfs`
 * stops, and returns the counts `checkBfs` reports there.
 */
export function canonicalFindings<S, A>(
  model: Model<S, A>,
  plan: FindingPlan,
  recorder: RunRecorder<S, A>,
  /** How the run reduced: the re-walk expands each state as the run did. */
  partialOrder: PartialOrderMode = false,
): { readonly statesExplored: number; readonly stopped: StoppedCounts | undefined } {
  const properties = model.properties;
  const levels = [
    ...plan.propertyLevels.values(),
    // A deadlock at level L is met while expanding level L, whose earlier states reach level L + 1.
    ...(plan.deadlockLevel === undefined ? [] : [plan.deadlockLevel + 1]),
    ...(plan.livelock === undefined ? [] : [plan.livelock.level]),
  ];
  if (levels.length === 0) return { statesExplored: 0, stopped: undefined };
  const lastLevel = Math.max(...levels);
  /** Properties still to find, by the level where each is looked for. */
  const pendingAt = new Map<number, number[]>();
  for (const [index, level] of plan.propertyLevels)
    pendingAt.set(level, [...(pendingAt.get(level) ?? []), index]);
  let remaining =
    plan.propertyLevels.size +
    (plan.deadlockLevel === undefined ? 0 : 1) +
    (plan.livelock === undefined ? 0 : 1);
  /** The first stuck state's trace, in this walk's order; recorded once the walk is over, as checkBfs does. */
  let stuckTrace: Trace<S, A> | undefined;
  let deadlockOpen = plan.deadlockLevel !== undefined;

  const parents = new ParentStore();
  const coverage = new ActionCoverage(model.actionKinds);
  // checkBfs counts every initial state as generated, duplicates included.
  let generated = model.initialStates().length;
  let deepest = 0;
  let stop = false;
  const traceTo = (index: number, state: S) => {
    const path = parents.pathTo(index);
    return replayChecked(model, path.initialIndex, path.actionIndices, model.fingerprint(state));
  };

  /** Check the new state stored at `index` for what is looked for at `depth`; true to stop. */
  const onNew = (state: S, index: number, fingerprint: Fingerprint, depth: number): boolean => {
    if (depth > deepest) deepest = depth;
    const livelock = plan.livelock;
    if (
      livelock !== undefined &&
      stuckTrace === undefined &&
      depth === livelock.level &&
      livelock.isStuck(fingerprint)
    ) {
      stuckTrace = traceTo(index, state);
      if (--remaining === 0) return true;
    }
    const open = pendingAt.get(depth);
    if (open === undefined || open.length === 0) return false;
    const hits = open.filter((p) => properties[p]!.check(state) !== undefined);
    if (hits.length === 0) return false;
    pendingAt.set(
      depth,
      open.filter((p) => !hits.includes(p)),
    );
    remaining -= hits.length;
    // The recorder checks every property still open on the state, as checkBfs does.
    stop = recorder.scan(state) && recorder.commit(traceTo(index, state));
    return stop || remaining === 0;
  };
  const onExpand = (state: S, index: number, depth: number, actions: readonly A[]): boolean => {
    if (actions.length > 0 || !deadlockOpen || depth !== plan.deadlockLevel || model.isFinal(state))
      return false;
    deadlockOpen = false;
    remaining--;
    stop = recorder.recordDeadlock(traceTo(index, state), undefined, depth);
    return stop || remaining === 0;
  };
  const reductions = noReductions();
  walkBreadthFirst(
    model,
    lastLevel,
    parents,
    {
      onNew,
      onExpand,
      onGenerated: (action) => {
        generated++;
        coverage.record(model.actionKind(action));
      },
    },
    partialOrder,
    reductions,
  );
  if (plan.livelock !== undefined) {
    if (stuckTrace === undefined) throw new Error('the re-walk did not meet the stuck state the run found');
    recorder.recordLivelock(stuckTrace, plan.livelock.level, plan.livelock, plan.livelock.distinctStates);
  }
  return {
    statesExplored: parents.length,
    // checkBfs's counts only where it too stops, at a discovery.
    stopped:
      stop && plan.stopAtFirst
        ? { distinct: parents.length, generated, maxDepth: deepest, coverage, reductions }
        : undefined,
  };
}
