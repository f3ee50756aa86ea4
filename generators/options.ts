import { performance } from 'node:perf_hooks';
import { getHeapStatistics } from 'node:v8';
import { VmcheckError } from '../model/core/index.ts';
import type { PartialOrderMode } from './partialOrder.ts';

/** A live snapshot of an exploration, for a CLI progress line. */
export interface Progress {
  /** Distinct states found so far. */
  readonly distinct: number;
  /** States generated so far, duplicates included. */
  readonly generated: number;
  /** Current BFS level, DFS stack depth, or simulation run depth. */
  readonly depth: number;
  /** States waiting: the BFS frontier, the DFS stack, the simulation runs left. */
  readonly queue: number;
  readonly elapsedMs: number;
}

/**
 * Bounds and switches shared by the exhaustive explorers (`checkBfs`, `checkDfs`).
 *
 * Every bound that cuts exploration short makes the result `incomplete` (or `violation` if a
 * property was broken anyway), never `ok`. Results are deterministic for a deterministic model,
 * except where a wall-clock or memory bound stops the run.
 */
export interface CheckOptions {
  /**
   * Deepest level explored, in steps from an initial state: states at this depth are checked but not
   * expanded. The run is `incomplete` with reason `max-depth` if that leaves a new state unexplored.
   */
  readonly maxDepth?: number;
  /** Most distinct states stored; finding one more stops the run (`max-states`). */
  readonly maxStates?: number;
  /**
   * Memory budget in bytes (`max-memory`): everything the process holds, i.e. the JS heap in use plus
   * memory outside it (typed-array states in the queue or stack, the visited-state table, any parent
   * store, every thread, the heap's free space): the resident set size, read every `RSS_EVERY`
   * samples, plus what `v8.getHeapStatistics()` says grew since (`processMemoryMeter`). Sampled with
   * the clock, every `SAMPLE_EVERY` generated states, so also in the middle of expanding one state
   * with many successors; and asked before each growth of the visited table, which is refused (and
   * the run stopped) when it would pass the bound.
   */
  readonly maxMemoryBytes?: number;
  /** Wall-clock budget, measured with `now` every `SAMPLE_EVERY` generated states (`timeout`). */
  readonly timeoutMs?: number;
  /** Clock in milliseconds; `performance.now` unless a test injects a fake one. */
  readonly now?: () => number;
  /**
   * Bytes in use, for tests: when given, the budget is checked against this plus the explorer's own
   * tables (the fake stands for the heap only). By default the process's heap plus external memory.
   */
  readonly heapUsed?: () => number;
  /**
   * Stop at the first discovery (violation or deadlock). Default true, as a counterexample is what
   * one wants first. With false the run goes on until every `always` property and deadlock has a
   * discovery and every `sometimes` property a witness, or the space is exhausted; still at most one
   * discovery per property.
   */
  readonly stopAtFirst?: boolean;
  /** Report a state with no enabled action that is not final as a deadlock. Default true. */
  readonly checkDeadlocks?: boolean;
  /**
   * Partial-order reduction (default off): expand each state with the model's ample set
   * (`Model.ample`) where the cycle proviso allows, see generators/partialOrder.ts for what it
   * preserves. Applies to `checkBfs` and `checkParallel` on models that offer ample sets, and
   * never under `maxDepth`; the result's `stats.partialOrder` says when it was applied.
   */
  readonly partialOrder?: PartialOrderMode;
  /** Called every `progressEvery` expanded states (each state is expanded once, by BFS or DFS). */
  readonly onProgress?: (progress: Progress) => void;
  /** How often `onProgress` is called, in expanded states. Default 50 000. */
  readonly progressEvery?: number;
}

/**
 * How BFS keeps what it needs to rebuild a trace: `rerun` re-explores a prefix after the run,
 * `parents` stores a predecessor pointer per state during it, `auto` keeps parents for the first
 * `AUTO_PARENTS_LIMIT` states and reruns past them (see `BfsOptions.traceStore`).
 */
export type TraceStore = 'rerun' | 'parents' | 'auto';

/** The trace store BFS uses unless told otherwise. */
export const DEFAULT_TRACE_STORE: TraceStore = 'auto';

/**
 * States up to which `auto` keeps a parent store (5 bytes a state, 1.25 MiB at the limit): below
 * it a rebuild by re-exploration would cost a large part of the run again for little memory saved;
 * past it the store is let go, so a large run holds its table alone (10.7-16 bytes a state).
 */
export const AUTO_PARENTS_LIMIT = 1 << 18;

/** `traceStore` with its default; throws `VmcheckError('bad-options')` for an unknown one. */
export function resolveTraceStore(traceStore: TraceStore | undefined): TraceStore {
  if (traceStore === undefined) return DEFAULT_TRACE_STORE;
  if (traceStore !== 'rerun' && traceStore !== 'parents' && traceStore !== 'auto') {
    throw badOption('traceStore', traceStore, "'rerun', 'parents' or 'auto'");
  }
  return traceStore;
}

/** `CheckOptions` with every default filled in. */
export interface ResolvedCheckOptions {
  readonly maxDepth: number;
  readonly maxStates: number;
  readonly maxMemoryBytes: number;
  readonly timeoutMs: number;
  readonly now: () => number;
  /** Bytes the run holds, given the explorer's own table bytes (see `CheckOptions.heapUsed`). */
  readonly memoryUsed: (tableBytes: number) => number;
  readonly stopAtFirst: boolean;
  readonly checkDeadlocks: boolean;
  readonly onProgress: ((progress: Progress) => void) | undefined;
  readonly progressEvery: number;
}

/** Default interval between progress reports, in expanded states. */
export const DEFAULT_PROGRESS_EVERY = 50_000;
/**
 * Generated states between readings of the clock and of memory. Each reading costs well under a
 * microsecond (`performance.now`, `v8.getHeapStatistics`), against a few microseconds a state.
 */
export const SAMPLE_EVERY = 16;

/**
 * Fill in defaults and reject nonsense bounds.
 *
 * Throws `VmcheckError('bad-options')` for a negative or non-integer count, so a typo in a CLI flag
 * does not silently explore nothing.
 */
export function resolveCheckOptions(options: CheckOptions = {}): ResolvedCheckOptions {
  return {
    maxDepth: bound('maxDepth', options.maxDepth, true),
    maxStates: bound('maxStates', options.maxStates, true),
    maxMemoryBytes: bound('maxMemoryBytes', options.maxMemoryBytes, false),
    timeoutMs: bound('timeoutMs', options.timeoutMs, false),
    now: options.now ?? defaultNow,
    memoryUsed: memoryMeter(options.heapUsed),
    stopAtFirst: options.stopAtFirst ?? true,
    checkDeadlocks: options.checkDeadlocks ?? true,
    onProgress: options.onProgress,
    progressEvery: positiveCount('progressEvery', options.progressEvery ?? DEFAULT_PROGRESS_EVERY),
  };
}

/** The default clock, read through `performance` so tests can inject their own instead. */
export function defaultNow(): number {
  return performance.now();
}

/** The JS heap in use plus external memory (typed arrays, tables): cheap to read, below the RSS. */
export function processMemoryUsed(): number {
  const heap = getHeapStatistics();
  return heap.used_heap_size + heap.external_memory;
}

/** Readings of the meter between two readings of the resident set size (about 1,000 states). */
export const RSS_EVERY = 64;

/**
 * A meter of what the process holds, as the memory bound counts it: its resident set size (every
 * thread, the heap's free space, code), read every `RSS_EVERY` readings, since reading it costs
 * a system call (5-20 µs), plus what the heap and external memory grew since (`processMemoryUsed`,
 * about 1 µs), so a fast-growing run is seen between two RSS readings.
 */
export function processMemoryMeter(readRss: () => number = () => process.memoryUsage.rss()): () => number {
  let countdown = 0;
  let rss = 0;
  let heapAtRss = 0;
  return () => {
    const heap = processMemoryUsed();
    if (--countdown <= 0) {
      countdown = RSS_EVERY;
      rss = readRss();
      heapAtRss = heap;
    }
    return rss + Math.max(0, heap - heapAtRss);
  };
}

function memoryMeter(heapUsed: (() => number) | undefined): (tableBytes: number) => number {
  if (heapUsed === undefined) {
    const meter = processMemoryMeter();
    return () => meter();
  }
  return (tableBytes) => heapUsed() + tableBytes;
}

/** Why a budget stopped a run. */
export type BudgetStop = 'timeout' | 'max-memory';

/**
 * Watches the clock and memory budgets: `tick()` once per generated state; every `SAMPLE_EVERY`
 * ticks it reads the clock and (when a memory budget is set) memory, and returns the bound that
 * was passed, if any. The first tick samples, so a budget already spent stops the run at once.
 */
export class BudgetWatch {
  private countdown = 1;
  private readonly watchClock: boolean;
  private readonly watchMemory: boolean;

  constructor(
    private readonly options: ResolvedCheckOptions,
    private readonly start: number,
    private readonly tableBytes: () => number,
  ) {
    this.watchClock = Number.isFinite(options.timeoutMs);
    this.watchMemory = Number.isFinite(options.maxMemoryBytes);
  }

  /** True when neither budget is set (then `tick` never stops anything). */
  get idle(): boolean {
    return !this.watchClock && !this.watchMemory;
  }

  /** Count one generated state; the budget passed, if this tick sampled and found one. */
  tick(): BudgetStop | undefined {
    if (--this.countdown !== 0) return undefined;
    this.countdown = SAMPLE_EVERY;
    return this.sample();
  }

  /** Read the clock and memory now. */
  sample(): BudgetStop | undefined {
    const o = this.options;
    if (this.watchClock && o.now() - this.start > o.timeoutMs) return 'timeout';
    if (this.refusedGrowth) return 'max-memory';
    if (this.watchMemory && o.memoryUsed(this.tableBytes()) > o.maxMemoryBytes) return 'max-memory';
    return undefined;
  }

  private refusedGrowth = false;

  /**
   * Whether a table may take `bytes` more now (a `growthGuard`): true without a memory bound or
   * when memory plus `bytes` stays within it. A refusal stops the run at the next tick
   * (`max-memory`), so a growth that would take a run past its bound in one step never happens.
   */
  allowsGrowth(bytes: number): boolean {
    if (!this.watchMemory) return true;
    const o = this.options;
    if (o.memoryUsed(this.tableBytes()) + bytes <= o.maxMemoryBytes) return true;
    this.refusedGrowth = true;
    this.countdown = 1;
    return false;
  }

  /** `allowsGrowth` as a table's `growthGuard`, or undefined without a memory bound. */
  get growthGuard(): ((bytes: number) => boolean) | undefined {
    return this.watchMemory ? (bytes) => this.allowsGrowth(bytes) : undefined;
  }
}

function bound(name: string, value: number | undefined, integer: boolean): number {
  if (value === undefined) return Number.POSITIVE_INFINITY;
  if (Number.isNaN(value) || value < 0 || (integer && Number.isFinite(value) && !Number.isInteger(value))) {
    throw badOption(name, value, integer ? 'a non-negative integer' : 'a non-negative number');
  }
  return value;
}

/** Throws `VmcheckError('bad-options')` unless `value` is a positive integer. */
export function positiveCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) throw badOption(name, value, 'a positive integer');
  return value;
}

/** Throws `VmcheckError('bad-options')` unless `value` is a non-negative integer. */
export function nonNegativeCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 0) throw badOption(name, value, 'a non-negative integer');
  return value;
}

/** The error for an option `name` whose `value` is not `expected`. */
export function badOption(name: string, value: unknown, expected: string): VmcheckError {
  return new VmcheckError('bad-options', `${name} must be ${expected}, not ${String(value)}`, {
    [name]: String(value),
  });
}
