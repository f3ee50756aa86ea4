import {
  type CheckResult,
  type CheckStats,
  type CheckStatus,
  type Discovery,
  type Json,
  keepsVerdict,
  type Model,
  type Property,
  type SometimesOutcome,
  type Trace,
  type Violation,
  VmcheckError,
} from '../model/core/index.ts';

/** Why a run stopped short of exhausting the space. */
export type IncompleteReason = NonNullable<CheckResult<unknown, unknown>['incompleteReason']>;

/** Error summary carried by an `error` result. */
export type RunError = NonNullable<CheckResult<unknown, unknown>['error']>;

/** Marks a witness whose trace was not kept (`witnessTraces: false`). */
const NO_TRACE: Trace<unknown, unknown> = { initial: undefined, steps: [] };

/** Name given to the deadlock pseudo-property in a deadlock discovery. */
export const DEADLOCK_INVARIANT = 'progress';

/** The violation of a failure of progress: a state `steps` deep from which the end is unreachable. */
export function livelockViolation(steps: number, stuckStates: number, distinctStates: number): Violation {
  return {
    invariant: DEADLOCK_INVARIANT,
    message: `livelock after ${steps} step${steps === 1 ? '' : 's'}: steps stay enabled, but the scenario's end can never be reached from here (${stuckStates} such states)`,
    details: { livelock: true, steps, stuckStates, distinctStates },
  };
}

/**
 * Bookkeeping one explorer run shares with the others: which properties are still open, the
 * discoveries and witnesses so far, which bound cut the run, and the final status.
 *
 * Explorers call `scan` on every new state (cheap, no allocation when nothing is found) and build a
 * trace only when it returns true, then hand the trace to `commit`. Each property gets at most one
 * discovery or witness: the first found, or with `keepShortest` (for random walks, whose first find
 * is not a shortest one) the discovery with the shortest trace, found first among equals.
 */
export class RunRecorder<S, A> {
  /** `always` properties without a discovery yet, in model order. */
  private pendingAlways: Property<S>[];
  /** `sometimes` properties without a witness yet, in model order. */
  private pendingSometimes: Property<S>[];
  private readonly witnesses = new Map<string, Trace<S, A>>();
  private readonly discoveries: Discovery<S, A>[] = [];
  private readonly foundViolations: Violation[] = [];
  private readonly foundAlways: Property<S>[] = [];
  private readonly foundSometimes: Property<S>[] = [];
  private deadlockFound = false;
  private stopReason: IncompleteReason | undefined;
  private depthCut = false;
  private failure: RunError | undefined;
  /** With `keepShortest`: each found `always` property, its discovery's index and trace length. */
  private readonly best = new Map<Property<S>, { readonly index: number; readonly depth: number }>();
  private deadlockBest: { readonly index: number; readonly depth: number } | undefined;

  /**
   * `keepShortest`: a property already found is still checked in states closer to an initial state
   * than its discovery (`scan`'s `depth`), and a shorter trace replaces the discovery; the run then
   * never stops early (`stopAtFirst` is ignored), so every walk asked for is made.
   */
  constructor(
    private readonly model: Model<S, A>,
    private readonly stopAtFirst: boolean,
    private readonly checkDeadlocks: boolean,
    private readonly keepShortest = false,
  ) {
    this.pendingAlways = model.properties.filter((p) => p.kind === 'always');
    this.pendingSometimes = model.properties.filter((p) => p.kind === 'sometimes');
  }

  /**
   * Check every open property on `state`, `depth` steps from an initial state (needed only with
   * `keepShortest`); true when one broke or was witnessed (then `commit`).
   */
  scan(state: S, depth?: number): boolean {
    let found = false;
    if (this.keepShortest && depth !== undefined && this.best.size > 0) {
      for (const [property, best] of this.best) {
        if (depth >= best.depth) continue;
        const violation = property.check(state);
        if (violation !== undefined) {
          this.foundAlways.push(property);
          this.foundViolations.push(violation);
          found = true;
        }
      }
    }
    // A property the step that gave `state` cannot change keeps the verdict it had on the state
    // the step started from, which was checked: pending, so nothing was found there.
    const step = this.model.stepClass === undefined ? -1 : this.model.stepClass(state);
    const always = this.pendingAlways;
    for (let i = 0; i < always.length; i++) {
      const property = always[i]!;
      if (keepsVerdict(property, step)) continue;
      const violation = property.check(state);
      if (violation !== undefined) {
        this.foundAlways.push(property);
        this.foundViolations.push(violation);
        found = true;
      }
    }
    const sometimes = this.pendingSometimes;
    for (let i = 0; i < sometimes.length; i++) {
      const property = sometimes[i]!;
      if (keepsVerdict(property, step)) continue;
      if (property.check(state) !== undefined) {
        this.foundSometimes.push(property);
        found = true;
      }
    }
    return found;
  }

  /** Record what the last `scan` found, with the trace to that state; true when the run should stop. */
  commit(trace: Trace<S, A>, extra?: object): boolean {
    for (let i = 0; i < this.foundAlways.length; i++) {
      const discovery: Discovery<S, A> = {
        kind: 'always',
        violation: this.foundViolations[i]!,
        trace,
        ...extra,
      };
      const property = this.foundAlways[i]!;
      const previous = this.best.get(property);
      if (previous !== undefined) this.discoveries[previous.index] = discovery;
      else this.discoveries.push(discovery);
      if (this.keepShortest) {
        this.best.set(property, {
          index: previous?.index ?? this.discoveries.length - 1,
          depth: trace.steps.length,
        });
      }
    }
    for (const property of this.foundSometimes) this.witnesses.set(property.name, trace);
    if (this.foundAlways.length > 0) {
      this.pendingAlways = this.pendingAlways.filter((p) => !this.foundAlways.includes(p));
    }
    if (this.foundSometimes.length > 0) {
      this.pendingSometimes = this.pendingSometimes.filter((p) => !this.foundSometimes.includes(p));
    }
    this.foundAlways.length = 0;
    this.foundViolations.length = 0;
    this.foundSometimes.length = 0;
    return this.shouldStop();
  }

  /** True when a deadlock should be looked for: enabled and none recorded yet. */
  get wantsDeadlocks(): boolean {
    return this.checkDeadlocks && (!this.deadlockFound || this.keepShortest);
  }

  /**
   * Record a deadlock at the end of `trace`, `depth` steps from an initial state (the trace's length
   * unless the trace is a stand-in, see `resolveTraces`); true when the run should stop.
   */
  recordDeadlock(trace: Trace<S, A>, extra?: object, depth = trace.steps.length): boolean {
    const previous = this.deadlockBest;
    if (previous !== undefined && depth >= previous.depth) return this.shouldStop();
    this.deadlockFound = true;
    const index = previous?.index ?? this.discoveries.length;
    if (this.keepShortest) this.deadlockBest = { index, depth };
    this.discoveries[index] = {
      kind: 'deadlock',
      violation: {
        invariant: DEADLOCK_INVARIANT,
        message: `deadlock after ${depth} step${depth === 1 ? '' : 's'}: no action is enabled and the state is not final`,
        details: { depth },
      },
      trace,
      ...extra,
    };
    return this.shouldStop();
  }

  /**
   * True when the progress check should run on the graph of a run that has ended: the run is
   * complete (no bound cut it, nothing failed), no deadlock was found (itself a failure of
   * progress), and nothing else was found either unless the run does not stop at the first.
   */
  get wantsProgress(): boolean {
    if (this.stopReason !== undefined || this.depthCut || this.failure !== undefined) return false;
    if (this.deadlockFound) return false;
    return !this.stopAtFirst || this.discoveries.length === 0;
  }

  /**
   * Record a failure of progress: `trace` ends, `depth` steps deep, in a state from which no final
   * state is reachable, though (unlike a deadlock) steps may stay enabled. One discovery of kind
   * `deadlock` on the `progress` property, `details.livelock` set.
   */
  recordLivelock(
    trace: Trace<S, A>,
    depth: number,
    graph: { readonly stuckStates: number; readonly edges: number },
    distinctStates: number,
  ): void {
    this.deadlockFound = true;
    this.discoveries.push({
      kind: 'deadlock',
      violation: livelockViolation(depth, graph.stuckStates, distinctStates),
      trace,
    });
  }

  /**
   * Record that the `sometimes` property `name` was witnessed, without a trace (as with
   * `witnessTraces: false`), by an explorer that knows it without finding the state again.
   */
  witnessedWithoutTrace(name: string): void {
    this.pendingSometimes = this.pendingSometimes.filter((p) => p.name !== name);
    this.witnesses.set(name, NO_TRACE as Trace<S, A>);
  }

  /**
   * Keep the `sometimes` witnesses as reached but drop their traces; returns the traces the
   * discoveries still need (for an explorer that rebuilds traces after the run).
   */
  forgetWitnessTraces(): Set<Trace<S, A>> {
    for (const property of [...this.witnesses.keys()]) this.witnesses.set(property, NO_TRACE as Trace<S, A>);
    return new Set(this.discoveries.map((d) => d.trace));
  }

  /**
   * Swap every recorded trace for `resolve(trace)`, for explorers that commit stand-ins during the
   * run and rebuild the traces after it. A discovery or witness whose trace resolves to undefined
   * could not be rebuilt and is dropped, as if never found (the explorer records why with `fail`).
   * Discoveries that shared a stand-in share the resolved trace.
   */
  resolveTraces(resolve: (trace: Trace<S, A>) => Trace<S, A> | undefined): void {
    const kept: Discovery<S, A>[] = [];
    for (const discovery of this.discoveries) {
      const trace = resolve(discovery.trace);
      if (trace !== undefined) kept.push({ ...discovery, trace });
    }
    this.discoveries.splice(0, this.discoveries.length, ...kept);
    for (const [property, standIn] of [...this.witnesses]) {
      if (standIn === NO_TRACE) continue;
      const trace = resolve(standIn);
      if (trace === undefined) this.witnesses.delete(property);
      else this.witnesses.set(property, trace);
    }
  }

  /** Note that a bound stopped the run. The first bound noted is the one reported. */
  stopBy(reason: IncompleteReason): void {
    this.stopReason ??= reason;
  }

  /** Note that the depth bound left at least one new state unexplored. */
  cutByDepth(): void {
    this.depthCut = true;
  }

  /** True once the depth bound has cut something off (no need to probe further). */
  get isDepthCut(): boolean {
    return this.depthCut;
  }

  /**
   * Record that the run failed with `error`.
   *
   * A `table-full` error from the visited-state table is the machine's memory running out: it is a
   * bound (`max-memory`), not a failure.
   */
  fail(error: unknown): void {
    if (error instanceof VmcheckError && error.code === 'table-full') {
      this.stopBy('max-memory');
      return;
    }
    this.failure ??= describeError(error);
  }

  /** Number of discoveries so far. */
  get discoveryCount(): number {
    return this.discoveries.length;
  }

  /**
   * The run's result. Status precedence: `error`, then `violation`, then `incomplete`, then `ok`.
   *
   * `incompleteReason` is set whenever a bound cut the run, even when the status is `violation` or
   * `error`, so a report can say the search was not exhaustive.
   */
  result<R extends object = object>(
    strategy: CheckResult<S, A>['strategy'],
    stats: CheckStats,
    extra?: R,
  ): CheckResult<S, A> & R {
    const incompleteReason = this.stopReason ?? (this.depthCut ? 'max-depth' : undefined);
    const status: CheckStatus =
      this.failure !== undefined
        ? 'error'
        : this.discoveries.length > 0
          ? 'violation'
          : incompleteReason !== undefined
            ? 'incomplete'
            : 'ok';
    const sometimes: SometimesOutcome<S, A>[] = this.model.properties
      .filter((p) => p.kind === 'sometimes')
      .map((p) => {
        const trace = this.witnesses.get(p.name);
        if (trace === undefined) return { property: p.name, reached: false };
        return trace === NO_TRACE
          ? { property: p.name, reached: true }
          : { property: p.name, reached: true, trace };
      });
    return {
      status,
      model: this.model.name,
      strategy,
      // A model explored up to symmetry says so in every explorer's stats.
      stats: this.model.symmetry === undefined ? stats : { ...stats, symmetry: this.model.symmetry },
      discoveries: [...this.discoveries],
      sometimes,
      ...(incompleteReason === undefined ? {} : { incompleteReason }),
      ...(this.failure === undefined ? {} : { error: this.failure }),
      ...extra,
    } as CheckResult<S, A> & R;
  }

  private shouldStop(): boolean {
    if (this.discoveries.length === 0 || this.keepShortest) return false;
    if (this.stopAtFirst) return true;
    return (
      this.pendingAlways.length === 0 &&
      this.pendingSometimes.length === 0 &&
      (this.deadlockFound || !this.checkDeadlocks)
    );
  }
}

/** Turn anything thrown into a JSON-safe error summary, keeping a `VmcheckError`'s code and details. */
export function describeError(error: unknown): RunError {
  if (error instanceof VmcheckError) {
    return { code: error.code, message: error.message, details: error.details as Json };
  }
  if (error instanceof Error) {
    return { code: 'model-threw', message: `${error.name}: ${error.message}` };
  }
  return { code: 'model-threw', message: `non-error thrown: ${String(error)}` };
}
