import type { Model } from '../../model/core/index.ts';
import { FingerprintSet } from '../fingerprintSet.ts';
import { ParentStore } from '../parentStore.ts';
import { replayChecked } from '../replay.ts';
import type { RunRecorder } from '../runRecorder.ts';
import { StateQueue } from '../stateQueue.ts';
import { ActionCoverage } from '../stats.ts';

/** What a parallel run found, by level: what `canonicalFindings` looks for again, in order. */
export interface FindingPlan {
  /** Per property index, the level of the states that first broke or witnessed it. */
  readonly propertyLevels: ReadonlyMap<number, number>;
  /** Level of the first deadlocked state, if one was found. */
  readonly deadlockLevel: number | undefined;
  readonly stopAtFirst: boolean;
}

/** The counts `checkBfs` would have reported when it stopped at its first discovery. */
export interface StoppedCounts {
  readonly distinct: number;
  readonly generated: number;
  readonly maxDepth: number;
  readonly coverage: ActionCoverage;
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
): { readonly statesExplored: number; readonly stopped: StoppedCounts | undefined } {
  const properties = model.properties;
  const levels = [
    ...plan.propertyLevels.values(),
    // A deadlock at level L is met while expanding level L, whose earlier states reach level L + 1.
    ...(plan.deadlockLevel === undefined ? [] : [plan.deadlockLevel + 1]),
  ];
  if (levels.length === 0) return { statesExplored: 0, stopped: undefined };
  const lastLevel = Math.max(...levels);
  /** Properties still to find, by the level where each is looked for. */
  const pendingAt = new Map<number, number[]>();
  for (const [index, level] of plan.propertyLevels)
    pendingAt.set(level, [...(pendingAt.get(level) ?? []), index]);
  let remaining = plan.propertyLevels.size + (plan.deadlockLevel === undefined ? 0 : 1);
  let deadlockOpen = plan.deadlockLevel !== undefined;

  const visited = new FingerprintSet();
  const parents = new ParentStore();
  const queue = new StateQueue<S>();
  const coverage = new ActionCoverage(model.actionKinds);
  let generated = 0;
  let deepest = 0;
  const traceTo = (index: number, state: S) => {
    const path = parents.pathTo(index);
    return replayChecked(model, path.initialIndex, path.actionIndices, model.fingerprint(state));
  };
  /** What to return on stopping; checkBfs's counts only where it too stops, at a discovery. */
  const stopNow = () => ({
    statesExplored: parents.length,
    stopped:
      plan.stopAtFirst && recorder.discoveryCount > 0
        ? { distinct: parents.length, generated, maxDepth: deepest, coverage }
        : undefined,
  });

  /** Check the state stored at `index`, at `level`, for what is looked for there; true to stop. */
  const scan = (state: S, index: number, level: number): boolean => {
    const open = pendingAt.get(level);
    if (open === undefined || open.length === 0) return false;
    const hits = open.filter((p) => properties[p]!.check(state) !== undefined);
    if (hits.length === 0) return false;
    pendingAt.set(
      level,
      open.filter((p) => !hits.includes(p)),
    );
    remaining -= hits.length;
    // The recorder checks every property still open on the state, as checkBfs does.
    if (recorder.scan(state) && recorder.commit(traceTo(index, state))) return true;
    return remaining === 0;
  };

  const initials = model.initialStates();
  for (let i = 0; i < initials.length; i++) {
    const state = initials[i]!;
    generated++;
    const fingerprint = model.fingerprint(state);
    if (!visited.add(fingerprint[0], fingerprint[1])) continue;
    const index = parents.appendRoot(i);
    queue.push(state);
    if (scan(state, index, 0)) return stopNow();
  }
  let depth = 0;
  let levelEnd = parents.length;
  for (let index = 0; queue.size > 0; index++) {
    if (index === levelEnd) {
      depth++;
      levelEnd = parents.length;
    }
    const state = queue.shift();
    const actions = model.actions(state);
    if (actions.length === 0) {
      if (deadlockOpen && depth === plan.deadlockLevel && !model.isFinal(state)) {
        deadlockOpen = false;
        remaining--;
        if (recorder.recordDeadlock(traceTo(index, state), undefined, depth) || remaining === 0)
          return stopNow();
      }
      continue;
    }
    if (depth >= lastLevel) continue;
    const nextDepth = depth + 1;
    for (let a = 0; a < actions.length; a++) {
      const action = actions[a]!;
      const next = model.next(state, action);
      generated++;
      coverage.record(model.actionKind(action));
      const fingerprint = model.fingerprint(next);
      if (!visited.add(fingerprint[0], fingerprint[1])) continue;
      const nextIndex = parents.append(index, a);
      deepest = nextDepth;
      queue.push(next);
      if (scan(next, nextIndex, nextDepth)) return stopNow();
    }
  }
  return { statesExplored: parents.length, stopped: undefined };
}
