import { type Model, type Violation, VmcheckError } from './model.ts';

/** One step of a trace: the action taken and the state it led to. */
export interface TraceStep<S, A> {
  readonly action: A;
  readonly state: S;
}

/** A path through a model: an initial state, then each step. */
export interface Trace<S, A> {
  readonly initial: S;
  readonly steps: readonly TraceStep<S, A>[];
}

/** The last state of a trace. */
export function lastState<S, A>(trace: Trace<S, A>): S {
  return trace.steps.length === 0 ? trace.initial : trace.steps[trace.steps.length - 1]!.state;
}

/**
 * Rebuild a trace from an initial-state index and action indices (positions in `model.actions`).
 *
 * This is how explorers turn stored predecessor pointers into a trace: the model's action order is
 * deterministic, so indices replay exactly. Throws `VmcheckError('bad-path')` if an index does not fit.
 */
export function replayIndices<S, A>(
  model: Model<S, A>,
  initialIndex: number,
  actionIndices: readonly number[],
): Trace<S, A> {
  const initials = model.initialStates();
  const initial = initials[initialIndex];
  if (initialIndex < 0 || initialIndex >= initials.length) {
    throw new VmcheckError('bad-path', `initial state ${initialIndex} does not exist`, { initialIndex });
  }
  const steps: TraceStep<S, A>[] = [];
  let state = initial as S;
  actionIndices.forEach((index, position) => {
    const action = model.actions(state)[index];
    if (action === undefined) {
      throw new VmcheckError('bad-path', `step ${position + 1}: action ${index} is not enabled`, {
        step: position + 1,
        index,
      });
    }
    state = model.next(state, action);
    steps.push({ action, state });
  });
  return { initial: initial as S, steps };
}

/** The first `always` property violated in `state`, if any. */
export function firstViolation<S>(model: Model<S, unknown>, state: S): Violation | undefined {
  for (const property of model.properties) {
    if (property.kind !== 'always') continue;
    const violation = property.check(state);
    if (violation) return violation;
  }
  return undefined;
}
