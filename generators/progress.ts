/**
 * Progress beyond deadlock freedom: from every reachable state, some final state must stay
 * reachable (AG EF final). A state that can never finish (a relocation waiting on a transfer that can
 * never end, a resize stuck behind a page that can never move) is a livelock or a starvation that
 * deadlock detection misses, because other steps (dispatch, unrelated I/O) stay enabled.
 *
 * Builds the whole reachable graph in memory, so it is meant for the small bounded scenarios of
 * vmcheck (up to a few million edges). Deterministic.
 */
import {
  type CheckResult,
  type Discovery,
  type Model,
  replayIndices,
  type Trace,
  VmcheckError,
} from '../model/core/index.ts';
import { DEADLOCK_INVARIANT } from './runRecorder.ts';

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

/** Check that every reachable state of `model` can reach a state where `model.isFinal` holds. */
export function checkProgress<S, A>(model: Model<S, A>, options: ProgressOptions = {}): ProgressResult<S, A> {
  const maxStates = options.maxStates ?? 2_000_000;
  const index = new Map<string, number>();
  const states: S[] = [];
  const parent: number[] = [];
  const parentAction: number[] = [];
  const rootOf: number[] = [];
  const successors: number[][] = [];
  let edges = 0;
  const key = (s: S) => {
    const [hi, lo] = model.fingerprint(s);
    return `${hi}:${lo}`;
  };
  model.initialStates().forEach((s, i) => {
    const k = key(s);
    if (index.has(k)) return;
    index.set(k, states.length);
    states.push(s);
    parent.push(-1);
    parentAction.push(-1);
    rootOf.push(i);
  });
  for (let i = 0; i < states.length; i++) {
    const state = states[i]!;
    const out: number[] = [];
    model.actions(state).forEach((action, a) => {
      const next = model.next(state, action);
      const k = key(next);
      let j = index.get(k);
      if (j === undefined) {
        if (states.length >= maxStates) return;
        j = states.length;
        index.set(k, j);
        states.push(next);
        parent.push(i);
        parentAction.push(a);
        rootOf.push(rootOf[i]!);
      }
      out.push(j);
      edges++;
    });
    successors.push(out);
    if (states.length >= maxStates) {
      return { status: 'incomplete', distinctStates: states.length, edges, stuckStates: 0 };
    }
  }
  // Backward reachability from the final states.
  const predecessors: number[][] = states.map(() => []);
  successors.forEach((out, i) => {
    for (const j of out) predecessors[j]!.push(i);
  });
  const canFinish = new Uint8Array(states.length);
  const queue: number[] = [];
  states.forEach((s, i) => {
    if (model.isFinal(s)) {
      canFinish[i] = 1;
      queue.push(i);
    }
  });
  for (let q = 0; q < queue.length; q++) {
    for (const p of predecessors[queue[q]!]!) {
      if (!canFinish[p]) {
        canFinish[p] = 1;
        queue.push(p);
      }
    }
  }
  let stuck = 0;
  let first = -1;
  for (let i = 0; i < states.length; i++) {
    if (!canFinish[i]) {
      stuck++;
      if (first < 0) first = i; // discovery order is BFS order: the first is a shallowest
    }
  }
  if (stuck === 0) return { status: 'ok', distinctStates: states.length, edges, stuckStates: 0 };
  const path: number[] = [];
  for (let i = first; parent[i]! >= 0; i = parent[i]!) path.unshift(parentAction[i]!);
  const trace = replayIndices(model, rootOf[first]!, path);
  if (key(trace.steps.at(-1)?.state ?? trace.initial) !== key(states[first]!)) {
    throw new VmcheckError(
      'nondeterministic-model',
      'replaying the path to a stuck state reached another state',
    );
  }
  return { status: 'violation', distinctStates: states.length, edges, stuckStates: stuck, trace };
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
    violation: {
      invariant: DEADLOCK_INVARIANT,
      message: `livelock after ${steps} steps: steps stay enabled, but the scenario's end can never be reached from here (${progress.stuckStates} such states)`,
      details: {
        livelock: true,
        steps,
        stuckStates: progress.stuckStates,
        distinctStates: progress.distinctStates,
      },
    },
  };
  return { ...result, status: 'violation', discoveries: [...result.discoveries, discovery] };
}
