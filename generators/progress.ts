/**
 * Progress beyond deadlock freedom: from every reachable state, some final state must stay
 * reachable (AG EF final). A state that can never finish (a relocation waiting on a transfer that can
 * never end, a resize stuck behind a page that can never move) is a livelock or a starvation that
 * deadlock detection misses, because other steps (dispatch, unrelated I/O) stay enabled.
 *
 * The explorers check it themselves while they search (`progress` in `checkBfs` and
 * `checkParallel`: they record the graph by state index, see progressGraph.ts); `checkProgress`
 * and `withProgressCheck` are for runs that did not (depth-first ones). Deterministic.
 */
import {
  type CheckResult,
  type Discovery,
  type Model,
  type Trace,
  VmcheckError,
} from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { DEADLOCK_INVARIANT, livelockViolation } from './runRecorder.ts';

/** Outcome of a progress check. */
export interface ProgressResult<S, A> {
  /** `ok`: every state can still finish; `violation`: some cannot; `incomplete`: `maxStates` was hit. */
  readonly status: 'ok' | 'violation' | 'incomplete';
  readonly distinctStates: number;
  readonly edges: number;
  /** States from which no final state is reachable. */
  readonly stuckStates: number;
  /** A shortest trace to a state that can never finish, when there is one. */
  readonly trace?: Trace<S, A>;
}

/** Options of `checkProgress`. */
export interface ProgressOptions {
  /** Most distinct states to hold; beyond it the result is `incomplete`. Default 2,000,000. */
  readonly maxStates?: number;
}

/**
 * Check that every reachable state of `model` can reach a state where `model.isFinal` holds: a
 * breadth-first run of `checkBfs` with `progress` and no other property, so the trace is a
 * shortest one to a first stuck state in BFS order (the same state `check` reports).
 */
export function checkProgress<S, A>(model: Model<S, A>, options: ProgressOptions = {}): ProgressResult<S, A> {
  const result = checkBfs(
    { ...model, properties: [] },
    {
      maxStates: options.maxStates ?? 2_000_000,
      progress: true,
      checkDeadlocks: false,
      traceStore: 'parents',
    },
  );
  const distinctStates = result.stats.distinctStates;
  const edges = result.memory.graphEdges;
  if (result.status === 'error') {
    throw new VmcheckError(
      result.error?.code ?? 'progress-failed',
      result.error?.message ?? 'progress check failed',
    );
  }
  if (result.status === 'incomplete') return { status: 'incomplete', distinctStates, edges, stuckStates: 0 };
  const stuck = result.discoveries[0];
  if (stuck === undefined) return { status: 'ok', distinctStates, edges, stuckStates: 0 };
  const stuckStates = Number(stuck.violation.details.stuckStates);
  return { status: 'violation', distinctStates, edges, stuckStates, trace: stuck.trace };
}

/** Options of `withProgressCheck`. */
export interface WithProgressOptions extends ProgressOptions {
  /** Also run it beside other violations (`--all`); by default only on a run that found none. */
  readonly alongsideViolations?: boolean;
}

/**
 * `result` of an exhaustive run of `model` with the progress check (AG EF final, 7.11) added: when
 * some reachable state can never reach the end (a livelock or starvation that deadlock detection
 * misses because other steps stay enabled), a discovery on the `progress` property whose trace is
 * a shortest path to such a state. The core has one kind for a failure of progress (`deadlock`),
 * so this discovery has it too; its violation says which of the two it is (`details.livelock`).
 *
 * Runs only where it can say something: not after an error, not on an incomplete run (the graph
 * is not all there), not when a deadlock (also `progress`) was found already, and not beside
 * other violations unless `alongsideViolations`. If the graph exceeds `maxStates` the result
 * becomes `incomplete` (`max-states`).
 */
export function withProgressCheck<S, A>(
  model: Model<S, A>,
  result: CheckResult<S, A>,
  options: WithProgressOptions = {},
): CheckResult<S, A> {
  if (result.status === 'error' || result.status === 'incomplete') return result;
  if (result.status === 'violation' && !options.alongsideViolations) return result;
  if (result.discoveries.some((d) => d.violation.invariant === DEADLOCK_INVARIANT)) return result;
  const progress = checkProgress(model, options);
  if (progress.status === 'incomplete') {
    return {
      ...result,
      status: result.status === 'ok' ? 'incomplete' : result.status,
      incompleteReason: 'max-states',
    };
  }
  if (progress.status === 'ok' || !progress.trace) return result;
  const steps = progress.trace.steps.length;
  const discovery: Discovery<S, A> = {
    kind: 'deadlock',
    trace: progress.trace,
    violation: livelockViolation(steps, progress.stuckStates, progress.distinctStates),
  };
  return { ...result, status: 'violation', discoveries: [...result.discoveries, discovery] };
}
