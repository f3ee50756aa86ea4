import type { Model } from '../model/core/index.ts';
import type { FingerprintSet } from './fingerprintSet.ts';

/**
 * True when some successor of `state` has not been visited yet.
 *
 * Asked of states at the depth bound, which are not expanded: only if one of their successors is new
 * did the bound cut anything off, so a space that fits within the bound is still reported complete.
 * The successors computed here are not counted as generated, nor in action coverage.
 */
export function hasUnvisitedSuccessor<S, A>(
  model: Model<S, A>,
  state: S,
  actions: readonly A[],
  visited: FingerprintSet,
): boolean {
  for (let a = 0; a < actions.length; a++) {
    const fingerprint = model.fingerprint(model.next(state, actions[a]!));
    if (!visited.has(fingerprint[0], fingerprint[1])) return true;
  }
  return false;
}
