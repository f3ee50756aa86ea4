import { type Model, type Trace, type TraceStep, VmcheckError } from '../model/core/index.ts';

/** A path as explorers store it: which initial state, then the position of the action at each step. */
export interface ActionPath {
  /** Position in `model.initialStates()`. */
  readonly initialIndex: number;
  /** Positions in `model.actions(state)` at each step, first step first. */
  readonly actionIndices: readonly number[];
}

/**
 * Turn free choices (any non-negative integers) into a valid path, and the trace it follows.
 *
 * Each choice is taken modulo the number of options at that point (initial states, then enabled
 * actions), so every list of choices names a valid path; the walk stops early where no action is
 * enabled and ignores the choices left. Throws `VmcheckError('no-initial-state')` for a model
 * without initial states. This is what lets fast-check generate and shrink paths
 * freely: smaller choices and shorter lists are still valid, and shrink toward first actions.
 */
export function pathFromChoices<S, A>(
  model: Model<S, A>,
  initialChoice: number,
  choices: readonly number[],
): { readonly path: ActionPath; readonly trace: Trace<S, A> } {
  const initials = model.initialStates();
  if (initials.length === 0) {
    throw new VmcheckError('no-initial-state', `model ${model.name} has no initial state, so it has no path`);
  }
  const initialIndex = initialChoice % initials.length;
  const initial = initials[initialIndex] as S;
  const actionIndices: number[] = [];
  const steps: TraceStep<S, A>[] = [];
  let state = initial;
  for (const choice of choices) {
    const actions = model.actions(state);
    if (actions.length === 0) break;
    const index = choice % actions.length;
    const action = actions[index] as A;
    state = model.next(state, action);
    actionIndices.push(index);
    steps.push({ action, state });
  }
  return { path: { initialIndex, actionIndices }, trace: { initial, steps } };
}
