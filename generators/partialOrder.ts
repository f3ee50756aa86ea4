/**
 * The explorers' half of the partial-order reduction: which actions to expand a state with, given
 * the model's ample set (`Model.ample`: C0-C2, model/core/partialOrder.ts) and the cycle proviso C3.
 *
 * C3, for a level-synchronous BFS: a state of level d is expanded with its ample set only when no
 * successor by it lies in levels 0..d (the state itself included); otherwise with every enabled
 * action. Every cycle of the reduced graph has an edge from some level to the same or an earlier
 * one, and the source of such an edge is fully expanded, so every cycle holds a fully expanded
 * state. The test asks only about levels 0..d, which are complete before level d is expanded, so
 * the choice is the same in every explorer that walks the same levels (`checkBfs`, the re-walks of
 * `walkBreadthFirst`, and `checkParallel` on any number of threads).
 *
 * What is preserved (the states the reduced search visits are reachable in the full graph, and):
 * - every deadlock of the full graph is visited (C0, C1);
 * - if some reachable state breaks an invariant or witnesses a `sometimes` property, some visited
 *   state does too (C0-C3: a full path to it is reordered into a reduced path whose last state
 *   differs from it only by invisible actions, so the properties give the same answer);
 * - AG EF final (the progress check) gets the same verdict on the reduced graph. For a visited
 *   state r, "a final state is reachable from r" is the same in both graphs (the reduced graph
 *   from r is a reduction of the full one from r, and `isFinal` reads only visible fields). If a
 *   full state s reaches no final state, reorder the path to s: each step either takes the path's
 *   next action that is in the ample set, or an ample action b independent of the whole rest of
 *   the path, which then stays enabled at s; C3 bounds how long the second case can last (a cycle
 *   of reduced expansions holds a fully expanded state, where the path's next action is taken).
 *   The reduced path ends at a state reachable from s, so stuck too, in both graphs.
 *
 * Not preserved: the length of a shortest counterexample (a reduced path may be longer than the
 * shortest full one), so reduction is off under a depth bound (`maxDepth`), whose verdict depends
 * on path lengths. Counterexamples found under reduction are paths of the full model.
 */
import type { Model } from '../model/core/index.ts';

/** How an explorer reduces: off, on, or on without the cycle proviso (unsound: tests only). */
export type PartialOrderMode = false | true | 'no-cycle-proviso';

/** Figures of a reduced run: states expanded with a proper ample set, and actions left out there. */
export interface ReductionCounts {
  reducedStates: number;
  skippedActions: number;
}

/** New, zeroed counts. */
export const noReductions = (): ReductionCounts => ({ reducedStates: 0, skippedActions: 0 });

/** True when the explorer should reduce: asked to, the model offers ample sets, and no depth bound. */
export function reduces<S, A>(
  mode: PartialOrderMode | undefined,
  model: Model<S, A>,
  maxDepth: number,
): boolean {
  return mode !== undefined && mode !== false && model.ample !== undefined && maxDepth === Infinity;
}

/**
 * The actions to expand `state` with: its ample set when it is proper and no successor by it is in
 * the levels up to the state's own (`isOld`), else `actions` (the same array, so `result ===
 * actions` says the state was fully expanded). Successors computed here for the proviso are not
 * counted as generated.
 */
export function actionsToExpand<S, A>(
  model: Model<S, A>,
  state: S,
  actions: readonly A[],
  isOld: (hi: number, lo: number) => boolean,
  mode: PartialOrderMode,
  counts: ReductionCounts,
): readonly A[] {
  if (actions.length < 2 || mode === false) return actions;
  const ample = model.ample!(state, actions);
  if (ample === undefined || ample.length === 0 || ample.length >= actions.length) return actions;
  if (mode !== 'no-cycle-proviso') {
    for (let a = 0; a < ample.length; a++) {
      const [hi, lo] = model.fingerprint(model.next(state, ample[a]!));
      if (isOld(hi, lo)) return actions;
    }
  }
  counts.reducedStates++;
  counts.skippedActions += actions.length - ample.length;
  return ample;
}

/** The position in `actions` (all enabled actions) of `chosen[a]`: what parent pointers record. */
export function fullIndex<A>(actions: readonly A[], chosen: readonly A[], a: number): number {
  return chosen === actions ? a : actions.indexOf(chosen[a]!);
}
