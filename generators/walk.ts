import type { Fingerprint, Model } from '../model/core/index.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import type { ParentStore } from './parentStore.ts';
import { actionsToExpand, fullIndex, type PartialOrderMode, type ReductionCounts } from './partialOrder.ts';
import { StateQueue } from './stateQueue.ts';

/** What `walkBreadthFirst` tells its caller; each callback returns true to stop the walk. */
export interface WalkVisitor<S, A> {
  /** A state met for the first time, stored at `index` in the parent store, `depth` steps deep. */
  onNew(state: S, index: number, fingerprint: Fingerprint, depth: number): boolean;
  /** A state about to be expanded, with its enabled actions (also when there are none). */
  onExpand?(state: S, index: number, depth: number, actions: readonly A[]): boolean;
  /** A successor computed by `action`, duplicates included. */
  onGenerated?(action: A): void;
}

/**
 * Breadth-first walk in `checkBfs`'s order (initial states in order, then each state's actions in
 * order) down to level `lastLevel`, appending each new state's parent pointer to `parents`. States of
 * the last level are stored but never expanded. The kernel of the searches that re-explore a prefix
 * of a run to rebuild what it found: `rerunTraces` and the parallel explorer's `canonicalFindings`.
 */
export function walkBreadthFirst<S, A>(
  model: Model<S, A>,
  lastLevel: number,
  parents: ParentStore,
  visitor: WalkVisitor<S, A>,
  /** Expand as a reduced run did (the same choice at every state), counting into `reductions`. */
  partialOrder: PartialOrderMode = false,
  reductions: ReductionCounts = { reducedStates: 0, skippedActions: 0 },
): void {
  const visited = new FingerprintSet();
  const nextLevel = partialOrder === false ? undefined : new FingerprintSet();
  const isOld = (hi: number, lo: number) => visited.has(hi, lo) && !nextLevel!.has(hi, lo);
  const queue = new StateQueue<S>();
  // The model's scratch step, while it stands for `next`: successors seen before are never copied.
  const scratch =
    model.scratch !== undefined && model.scratch.next === model.next ? model.scratch : undefined;
  const initials = model.initialStates();
  for (let i = 0; i < initials.length; i++) {
    const state = initials[i] as S;
    const fingerprint = model.fingerprint(state);
    if (!visited.add(fingerprint[0], fingerprint[1])) continue;
    const index = parents.appendRoot(i);
    if (visitor.onNew(state, index, fingerprint, 0)) return;
    if (lastLevel > 0) queue.push(state);
  }
  // States of the last level are stored but never queued, so queue positions stay parent indices.
  let depth = 0;
  let levelEnd = parents.length;
  for (let index = 0; queue.size > 0; index++) {
    if (index === levelEnd) {
      depth++;
      levelEnd = parents.length;
      nextLevel?.clear();
    }
    const state = queue.shift();
    const enabled = model.actions(state);
    if (visitor.onExpand?.(state, index, depth, enabled)) return;
    const actions = actionsToExpand(model, state, enabled, isOld, partialOrder, reductions);
    const nextDepth = depth + 1;
    for (let a = 0; a < actions.length; a++) {
      const action = actions[a]!;
      const next = scratch === undefined ? model.next(state, action) : scratch.into(state, action);
      visitor.onGenerated?.(action);
      const fingerprint = model.fingerprint(next);
      if (!visited.add(fingerprint[0], fingerprint[1])) continue;
      nextLevel?.add(fingerprint[0], fingerprint[1]);
      const nextIndex = parents.append(index, fullIndex(enabled, actions, a));
      const stored = scratch === undefined ? next : scratch.keep(next, nextDepth < lastLevel);
      if (visitor.onNew(stored, nextIndex, fingerprint, nextDepth)) return;
      if (nextDepth < lastLevel) queue.push(stored);
    }
  }
}
