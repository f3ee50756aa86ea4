/**
 * Test helpers: readable views of results and traces, and a fake clock, so tests assert on what
 * matters instead of raw objects and wall time.
 */
import type { CheckResult, Model, Trace } from '../../model/core/index.ts';

/** The trace as a list of action descriptions, the readable view tests pin. */
export function actionNames<S, A>(model: Model<S, A>, trace: Trace<S, A>): string[] {
  return trace.steps.map((step) => model.describeAction(step.action));
}

/** The trace as JSON states, initial first. */
export function stateView<S, A>(model: Model<S, A>, trace: Trace<S, A>): unknown[] {
  return [model.stateToJson(trace.initial), ...trace.steps.map((step) => model.stateToJson(step.state))];
}

/** A result without its wall-clock figures, for comparing runs. */
export function withoutTiming<R extends CheckResult<unknown, unknown>>(result: R): R {
  return { ...result, stats: { ...result.stats, elapsedMs: 0, statesPerSecond: 0 } };
}

/** The counts tests pin: generated, distinct, deepest. */
export function counts(result: CheckResult<unknown, unknown>): {
  generated: number;
  distinct: number;
  maxDepth: number;
} {
  return {
    generated: result.stats.statesGenerated,
    distinct: result.stats.distinctStates,
    maxDepth: result.stats.maxDepth,
  };
}

/** A clock that advances `stepMs` every time it is read, starting at 0. */
export function fakeClock(stepMs = 1): () => number {
  let time = -stepMs;
  return () => {
    time += stepMs;
    return time;
  };
}

/** True when `trace` starts in an initial state and every step is an enabled action leading to its state. */
export function isValidTrace<S, A>(model: Model<S, A>, trace: Trace<S, A>): boolean {
  const json = (state: S) => JSON.stringify(model.stateToJson(state));
  if (!model.initialStates().some((initial) => json(initial) === json(trace.initial))) return false;
  let state = trace.initial;
  for (const step of trace.steps) {
    const wanted = JSON.stringify(model.actionToJson(step.action));
    const enabled = model.actions(state).map((action) => JSON.stringify(model.actionToJson(action)));
    if (!enabled.includes(wanted)) return false;
    const next = model.next(state, step.action);
    if (json(next) !== json(step.state)) return false;
    state = step.state;
  }
  return true;
}
