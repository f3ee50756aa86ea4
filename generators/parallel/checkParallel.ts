/**
 * Breadth-first exploration on several worker threads sharing one lock-free visited-state table.
 *
 * Level-synchronous: all workers expand level d (taking chunks from a shared cursor) before any
 * expands level d+1, so the first level with a discovery is the shortest, as with `checkBfs`.
 * While exploring, the threads only note which property broke (or was witnessed) at which level,
 * and whether a level deadlocked; after the run a single-threaded re-walk in `checkBfs`'s order
 * (`canonicalFindings`) picks the state `checkBfs` would report at that level and rebuilds its
 * trace. So the result does not depend on how the threads raced: `checkBfs`'s counts, verdicts and
 * traces, for every worker count and every run. With `progress` the threads also record the
 * reachable graph by table position, and the progress check (AG EF final) runs on it after the
 * run, its first stuck state picked by the same re-walk.
 */
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { type Fingerprint, type Property, VmcheckError } from '../../model/core/index.ts';
import type { BfsResult } from '../bfs.ts';
import { FingerprintSet } from '../fingerprintSet.ts';
import { type CheckOptions, positiveCount, resolveCheckOptions } from '../options.ts';
import { noReductions, reduces } from '../partialOrder.ts';
import { analyseProgress, analysisBytes, type EdgeRange, type ProgressVerdict } from '../progressGraph.ts';
import { describeError, RunRecorder } from '../runRecorder.ts';
import { ActionCoverage, buildStats } from '../stats.ts';
import { canonicalFindings, type FindingPlan } from './canonical.ts';
import { LevelExpander } from './expander.ts';
import {
  CONTROL,
  type DoneMessage,
  type FromWorker,
  type InitMessage,
  type LevelMessage,
  type ModelSpec,
  type Segment,
  STOP_REASONS,
  type WorkItem,
} from './protocol.ts';
import { SharedFingerprintTable, storedFingerprint } from './sharedTable.ts';
import { loadSpecModel } from './specModel.ts';

export type { ModelSpec } from './protocol.ts';

/** Options of `checkParallel`. */
export interface ParallelOptions extends CheckOptions {
  /** Worker threads (default: the machine's available parallelism). */
  readonly workers?: number;
  /** Rebuild the trace to each `sometimes` witness (default true), as `BfsOptions.witnessTraces`. */
  readonly witnessTraces?: boolean;
  /** Resident set size in bytes, for `maxMemoryBytes`; `process.memoryUsage.rss` unless injected. */
  readonly rss?: () => number;
  /** How often the coordinator reads the clock and memory, in milliseconds (default 20). */
  readonly pollMs?: number;
  /**
   * Threads to run on, kept open across runs (see `WorkerPool`); `workers` is then the pool's
   * size. Without one, each run starts and ends its own.
   */
  readonly pool?: WorkerPool;
  /**
   * Smallest level handed to the threads (default 4096 states); smaller levels, and every level
   * with one worker, are expanded by the calling thread alone. Results do not depend on it.
   */
  readonly parallelFromStates?: number;
  /** Also check progress (AG EF final), as `BfsOptions.progress`, with the same result. */
  readonly progress?: boolean;
}

/** Memory and thread figures of a parallel run. */
export interface ParallelMemory {
  readonly traceStore: 'rerun';
  /** Bytes of the shared visited-state table at the end. */
  readonly visitedBytes: number;
  /** Most states queued at once (current and next level). */
  readonly peakFrontier: number;
  /** Bytes of those states. */
  readonly peakFrontierBytes: number;
  /** Highest resident set size sampled, in bytes (all threads). */
  readonly peakRssBytes: number;
  readonly rerunStates: number;
  readonly workers: number;
  /** Bytes of the recorded graph with `progress` (edge records, positions); else 0. */
  readonly graphBytes: number;
  /** Edges of the recorded graph with `progress`; else 0. */
  readonly graphEdges: number;
}

/** What `checkParallel` returns. */
export interface ParallelResult extends Omit<BfsResult<Int32Array, number>, 'memory'> {
  readonly memory: ParallelMemory;
}

const SEGMENT_STATES = 2048;
const CHUNK_STATES = 64;
const MAX_LOAD = 0.7;
const INITIAL_SLOTS = 2 ** 16;
/** Levels smaller than this are expanded by the coordinator alone: starting threads costs more. */
const PARALLEL_FROM_STATES = 4096;
/**
 * Young generation of each worker thread's heap, in MiB. A worker allocates one short-lived array
 * per state it expands; with V8's default (up to 48 MiB a thread) that garbage costs each thread
 * about 20 MiB of resident memory more, and a small young generation collects it no slower
 * (fig6-scaled-small, 2 workers with the progress check, one run each: peak RSS 262 MB, 220 MB).
 */
const WORKER_YOUNG_GENERATION_MB = 4;
/** Work items the coordinator expands between readings of its clock. */
const POLL_EVERY_ITEMS = 16;

/**
 * Explore every reachable state of the model `spec` builds, breadth-first, on `workers` threads.
 *
 * - The result is `checkBfs`'s with the same options: counts, verdicts, discoveries and traces,
 *   also when stopping at the first discovery (the re-walk stops where `checkBfs` stops and its
 *   counts are reported), and with `progress`.
 * - Bounds: `maxDepth` and `maxStates` are exact; `timeoutMs` and `maxMemoryBytes` (resident set
 *   size of the whole process: every thread, the table and the frontier) are sampled every
 *   `pollMs`, and a growth of the table that would pass `maxMemoryBytes` stops the run instead.
 *   `bytesPerState` counts what the run holds at its peak: the table (with positions), the edge
 *   log, and the larger of the peak frontier (states and positions) and the progress analysis.
 * - The model's states must be `Int32Array`s of one length and its actions numbers (a lean model).
 * - Never throws for what it finds or what the model throws; throws `VmcheckError('bad-options')`.
 */
export async function checkParallel(spec: ModelSpec, options: ParallelOptions = {}): Promise<ParallelResult> {
  const resolved = resolveCheckOptions(options);
  const { maxDepth, maxStates, maxMemoryBytes, timeoutMs, now, onProgress, progressEvery } = resolved;
  const workerCount = positiveCount(
    'workers',
    options.workers ?? options.pool?.size ?? availableParallelism(),
  );
  const parallelFrom = options.parallelFromStates ?? PARALLEL_FROM_STATES;
  const rss = options.rss ?? (() => process.memoryUsage.rss());
  const start = now();
  const model = await loadSpecModel(spec);
  const recorder = new RunRecorder(model, resolved.stopAtFirst, resolved.checkDeadlocks);
  const findings = new LevelFindings(model.properties, resolved.stopAtFirst, resolved.checkDeadlocks);
  const coverage = new ActionCoverage(model.actionKinds);
  const controlBuffer = new SharedArrayBuffer(CONTROL.words * 4);
  const control = new Int32Array(controlBuffer);
  const progress = options.progress === true;
  const partialOrder = reduces(options.partialOrder, model, maxDepth) ? options.partialOrder! : false;
  const reductions = noReductions();
  let table = SharedFingerprintTable.create(INITIAL_SLOTS, progress || partialOrder !== false);
  /** With `progress`: every edge record, and the 0-based position of each level's first state. */
  const edgeRanges: EdgeRange[] = [];
  /** Bytes of each thread's edge log (a buffer crosses threads as a new object: count by thread). */
  const edgeLogBytesOf = new Map<number, number>();
  const levelStarts = [0];
  const initials = model.initialStates();
  const words = initials[0]?.length ?? 0;
  const settings = { maxStates, segmentStates: SEGMENT_STATES, maxLoad: MAX_LOAD, progress, partialOrder };
  let generated = 0;
  let deepest = 0;
  let peakFrontier = 0;
  let peakFrontierBytes = 0;
  let peakRss = 0;
  let stopped = false;
  let nextProgress = progressEvery;
  let currentDepth = 0;
  let queued = 0;

  /** Read the clock and memory: stop the run past a bound; report progress when due. */
  const poll = () => {
    const memory = rss();
    if (memory > peakRss) peakRss = memory;
    let reason: (typeof STOP_REASONS)[number];
    if (now() - start > timeoutMs) reason = 'timeout';
    else if (memory > maxMemoryBytes) reason = 'max-memory';
    if (reason !== undefined) {
      Atomics.compareExchange(control, CONTROL.stopReason, 0, STOP_REASONS.indexOf(reason));
      Atomics.store(control, CONTROL.stop, 1);
    }
    if (onProgress === undefined) return;
    const expanded = Atomics.load(control, CONTROL.expanded) >>> 0;
    if (expanded < nextProgress) return;
    nextProgress = expanded + progressEvery;
    onProgress({
      distinct: Math.min(table.size, maxStates),
      generated: generated + (Atomics.load(control, CONTROL.generated) >>> 0),
      depth: currentDepth,
      queue: queued,
      elapsedMs: now() - start,
    });
  };
  let itemsSincePoll = 0;
  const local = new LevelExpander(model, controlBuffer, table.buffers, settings, () => {
    if (++itemsSincePoll === POLL_EVERY_ITEMS) {
      itemsSincePoll = 0;
      poll();
    }
  });
  const pool = options.pool ?? new WorkerPool(workerCount);
  pool.beginRun({ spec, control: controlBuffer, ...settings });

  // Level 0: the initial states, in the coordinator's own segment.
  const firstBuffer = new SharedArrayBuffer(Math.max(1, initials.length) * words * 4);
  const firstPositions = progress ? new SharedArrayBuffer(Math.max(1, initials.length) * 4) : undefined;
  let firstCount = 0;
  let segments: Segment[] = [];
  /** Segments of the level before the current one: read by nobody, free to refill. */
  let spare: SharedArrayBuffer[] = [];
  try {
    const first = new Int32Array(firstBuffer);
    for (let i = 0; i < initials.length; i++) {
      const state = initials[i]!;
      generated++;
      const fingerprint = model.fingerprint(state);
      const position =
        progress || partialOrder !== false
          ? Math.max(0, table.addIndexed(fingerprint[0], fingerprint[1]))
          : table.add(fingerprint[0], fingerprint[1]);
      if (position === 0) continue;
      if (position > maxStates) {
        recorder.stopBy('max-states');
        stopped = true;
        break;
      }
      first.set(state, firstCount * words);
      if (firstPositions !== undefined) new Int32Array(firstPositions)[firstCount] = position;
      firstCount++;
      findings.note(findings.check(state), 0);
      if (findings.shouldStop()) {
        stopped = true;
        break;
      }
    }
  } catch (error) {
    recorder.fail(error);
    stopped = true;
  }

  segments = [
    {
      buffer: firstBuffer,
      narrow: false,
      count: firstCount,
      ...(firstPositions === undefined ? {} : { positions: firstPositions }),
    },
  ];
  const timer = setInterval(poll, options.pollMs ?? 20);
  let threaded = false;
  try {
    for (let depth = 0; !stopped && segments.length > 0; depth++) {
      currentDepth = depth;
      poll();
      if (Atomics.load(control, CONTROL.stop) !== 0) {
        recorder.stopBy(STOP_REASONS[Atomics.load(control, CONTROL.stopReason)] as 'timeout');
        break;
      }
      queued = segments.reduce((sum, segment) => sum + segment.count, 0);
      const level: LevelMessage = {
        type: 'level',
        segments,
        items: workItems(segments),
        expand: depth < maxDepth,
        pendingProperties: findings.pending(),
        checkDeadlocks: findings.wantsDeadlocks,
        spare,
        table: table.buffers,
        levelStart: table.size,
      };
      Atomics.store(control, CONTROL.cursor, 0);
      // The next level's states get the positions after those stored now.
      levelStarts.push(table.size);
      const onThreads = workerCount > 1 && (pool.ready || queued >= parallelFrom);
      const reports = onThreads ? await pool.runLevel(level, grow) : [runLocally(level)];
      const nextCount = reports.reduce(
        (sum, r) => sum + r.segments.reduce((n, segment) => n + segment.count, 0),
        0,
      );
      if (queued + nextCount > peakFrontier) peakFrontier = queued + nextCount;

      for (const report of reports) {
        generated += report.generated;
        reductions.reducedStates += report.reducedStates;
        reductions.skippedActions += report.skippedActions;
        report.coverage.forEach((n, code) => {
          coverage.recordMany(model.actionKinds[code]!, n);
        });
        for (const [kind, n] of Object.entries(report.extraCoverage)) coverage.recordMany(kind, n);
        if (report.depthCut) recorder.cutByDepth();
        edgeRanges.push(...report.edges);
        edgeLogBytesOf.set(report.thread, report.edgeLogBytes);
        if (report.error !== undefined) recorder.fail(asError(report.error));
      }
      const reason = STOP_REASONS[Atomics.load(control, CONTROL.stopReason)];
      if (reason !== undefined && reason !== 'error') recorder.stopBy(reason);
      if (reason !== undefined) stopped = true;

      if (reports.some((r) => r.deadlocked)) findings.noteDeadlock(depth);
      if (nextCount > 0) deepest = depth + 1;
      findings.note(
        reports.flatMap((r) => r.found),
        depth + 1,
      );
      if (findings.shouldStop()) stopped = true;
      const next = reports.flatMap((r) => r.segments);
      const held = frontierBytes(segments) + frontierBytes(next);
      if (held > peakFrontierBytes) peakFrontierBytes = held;
      // States' buffers first, then the carried words': the threads' shares (every n-th) then hold
      // buffers of both sizes.
      spare = [
        ...segments.map((segment) => segment.buffer).filter((b) => b !== firstBuffer),
        ...segments.flatMap((segment) => (segment.carried === undefined ? [] : [segment.carried])),
      ];
      segments = next;
    }
  } catch (error) {
    recorder.fail(error);
  } finally {
    threaded = pool.ready;
    clearInterval(timer);
    if (options.pool === undefined) await pool.close();
  }
  poll();
  const visitedBytes = table.bytes;
  const distinct = Math.min(table.size, maxStates);
  segments = [];
  const edgeLogBytes = [...edgeLogBytesOf.values()].reduce((sum, b) => sum + b, 0);
  // The positions are a third of an indexed table (a slot's third word beside the fingerprint's two).
  const graphBytes = progress ? edgeLogBytes + visitedBytes / 3 : 0;
  let graphEdges = 0;
  let graphChecked = false;
  /** Bytes the progress analysis took (after the search, when the frontier is gone), when it ran. */
  let analysedBytes = 0;
  let livelock: FindingPlan['livelock'];
  if (progress && !stopped && recorder.wantsProgress && findings.leavesProgressOpen()) {
    if (!allows(analysisBytes(table.size, edgeLogBytes))) {
      // The run found every state, but the progress check would pass the memory bound.
      recorder.stopBy('max-memory');
      stopped = true;
    }
  }
  if (progress && !stopped && recorder.wantsProgress && findings.leavesProgressOpen()) {
    try {
      analysedBytes = analysisBytes(table.size, edgeLogBytes);
      const verdict = analyseProgress(table.size, edgeRanges);
      graphEdges = verdict.edges;
      graphChecked = true;
      if (verdict.firstStuck >= 0) livelock = stuckLevel(verdict, table, levelStarts);
    } catch (error) {
      recorder.fail(error);
    }
  }
  edgeRanges.length = 0;
  // Which states broke or witnessed what, and their traces, in checkBfs's order.
  let canonical: ReturnType<typeof canonicalFindings> = { statesExplored: 0, stopped: undefined };
  try {
    let plan: FindingPlan = { ...findings.plan(), livelock };
    if (options.witnessTraces === false) plan = witnessesWithoutTraces(plan, model.properties, recorder);
    canonical = canonicalFindings(model, plan, recorder, partialOrder);
  } catch (error) {
    recorder.fail(error);
  }
  if (options.witnessTraces === false) recorder.forgetWitnessTraces();
  const rerunStates = canonical.statesExplored;
  const counts = canonical.stopped ?? { distinct, generated, maxDepth: deepest, coverage, reductions };
  const stats = buildStats({
    statesGenerated: counts.generated,
    distinctStates: counts.distinct,
    maxDepth: counts.maxDepth,
    elapsedMs: now() - start,
    coverage: counts.coverage,
    tableBytes: visitedBytes + edgeLogBytes + Math.max(peakFrontierBytes, analysedBytes),
  });
  return recorder.result(
    'bfs',
    {
      ...stats,
      workers: threaded ? pool.size : 1,
      ...(graphChecked ? { progressEdges: graphEdges } : {}),
      ...(partialOrder === false ? {} : { partialOrder: { ...counts.reductions } }),
    },
    {
      memory: {
        traceStore: 'rerun' as const,
        visitedBytes,
        peakFrontier,
        peakFrontierBytes,
        peakRssBytes: peakRss,
        rerunStates,
        workers: threaded ? pool.size : 1,
        graphBytes,
        graphEdges,
      },
    },
  );

  /**
   * Double the table (no thread is adding) and let expansion go on; or, when the new table would
   * take the run past `maxMemoryBytes` (the old one is held while it is filled), stop the run
   * instead (`max-memory`): the table, 70% full, takes the few states the threads add before they
   * see the stop.
   */
  function grow(): SharedFingerprintTable {
    if (!allows(table.bytes * 2)) {
      Atomics.store(control, CONTROL.pause, 0);
      return table;
    }
    table = table.grownCopy(table.capacity * 2);
    Atomics.store(control, CONTROL.pause, 0);
    return table;
  }

  /** True unless taking `bytes` more would pass `maxMemoryBytes`; false also stops the run. */
  function allows(bytes: number): boolean {
    if (!Number.isFinite(maxMemoryBytes)) return true;
    const memory = rss();
    if (memory > peakRss) peakRss = memory;
    if (memory + bytes <= maxMemoryBytes) return true;
    Atomics.compareExchange(control, CONTROL.stopReason, 0, STOP_REASONS.indexOf('max-memory'));
    Atomics.store(control, CONTROL.stop, 1);
    return false;
  }

  /** Expand a level in this thread. */
  function runLocally(level: LevelMessage): DoneMessage {
    local.beginLevel(level);
    for (;;) {
      const outcome = local.runChunks();
      if (outcome !== 'paused') return outcome;
      local.resume(grow().buffers);
    }
  }
}

/**
 * Worker threads for `checkParallel`, started on first use. A run given a pool (`options.pool`)
 * leaves it open for the next run, which saves starting threads again (about a second each, to load
 * the model's modules); `close` ends them. A pool serves one run at a time.
 */
export class WorkerPool {
  private readonly workers: Worker[] = [];
  private onMessage: (index: number, message: FromWorker) => void = () => {};
  private run: { readonly init: InitMessage } | undefined;

  /** A pool of `size` threads (default: the machine's available parallelism). */
  constructor(readonly size: number = availableParallelism()) {
    positiveCount('workers', size);
  }

  /** Use the pool for a run of the model `spec`; the threads build it on the run's first level. */
  beginRun(init: Omit<InitMessage, 'type' | 'table'>): void {
    this.run = {
      init: {
        type: 'init',
        table: { slots: new SharedArrayBuffer(8), meta: new SharedArrayBuffer(8), indexed: false },
        ...init,
      },
    };
    this.ready = false;
  }

  /** True once the threads serve the current run. */
  ready = false;

  /**
   * Expand `level` on every thread; when they pause for the table to grow, `grow` (called while
   * no thread adds) gives the new table.
   */
  async runLevel(level: LevelMessage, grow: () => SharedFingerprintTable): Promise<DoneMessage[]> {
    if (!this.ready) await this.prepare(level);
    const control = new Int32Array(this.run!.init.control);
    const reports: DoneMessage[] = [];
    const paused: number[] = [];
    let outstanding = this.workers.length;
    return new Promise((resolve) => {
      this.onMessage = (index, message) => {
        if (message.type === 'ready') return;
        if (message.type === 'paused') paused.push(index);
        else if (message.type === 'failed') reports.push(crashed(message.error));
        else reports.push(message);
        if (--outstanding > 0) return;
        if (paused.length === 0) {
          resolve(reports);
          return;
        }
        const buffers = Atomics.load(control, CONTROL.pause) !== 0 ? grow().buffers : level.table;
        outstanding = paused.length;
        for (const i of paused.splice(0)) this.workers[i]!.postMessage({ type: 'resume', table: buffers });
      };
      // Each thread gets its own share of the spare segments.
      const n = this.workers.length;
      this.workers.forEach((worker, w) => {
        worker.postMessage({ ...level, spare: level.spare.filter((_, i) => i % n === w) });
      });
    });
  }

  /** Stop every thread. */
  async close(): Promise<void> {
    const workers = this.workers.splice(0);
    this.ready = false;
    await Promise.all(workers.map((w) => w.terminate()));
  }

  /** Start the threads if need be, and have each build the run's model. */
  private async prepare(level: LevelMessage): Promise<void> {
    const boot = new URL('./boot.mjs', import.meta.url);
    const entry = new URL(`./worker${import.meta.url.endsWith('.ts') ? '.ts' : '.js'}`, import.meta.url).href;
    while (this.workers.length < this.size) {
      const index = this.workers.length;
      const worker = new Worker(boot, {
        workerData: { entry },
        resourceLimits: { maxYoungGenerationSizeMb: WORKER_YOUNG_GENERATION_MB },
      });
      worker.on('message', (message: FromWorker) => this.onMessage(index, message));
      worker.on('error', (error) =>
        this.onMessage(index, { type: 'failed', error: { name: 'WorkerError', ...describeError(error) } }),
      );
      worker.unref();
      this.workers.push(worker);
    }
    const ready: (() => void)[] = [];
    const failed: ((error: unknown) => void)[] = [];
    const started = this.workers.map(
      (_, index) =>
        new Promise<void>((resolve, reject) => {
          ready[index] = resolve;
          failed[index] = reject;
        }),
    );
    this.onMessage = (index, message) => {
      if (message.type === 'ready') ready[index]!();
      else if (message.type === 'failed' || message.type === 'done') {
        failed[index]!(asError(message.error ?? { name: 'WorkerError', message: 'worker failed to start' }));
      }
    };
    const init: InitMessage = { ...this.run!.init, table: level.table };
    for (const worker of this.workers) worker.postMessage(init);
    await Promise.all(started);
    this.ready = true;
  }
}

/** The work items of a level: each segment's states in runs of `CHUNK_STATES`. */
function workItems(segments: readonly Segment[]): WorkItem[] {
  const items: WorkItem[] = [];
  segments.forEach(({ count }, segment) => {
    for (let first = 0; first < count; first += CHUNK_STATES) {
      items.push([segment, first, Math.min(CHUNK_STATES, count - first)]);
    }
  });
  return items;
}

/** Bytes of the states the segments hold (with the slack at their ends), their positions and carried words. */
function frontierBytes(segments: readonly Segment[]): number {
  return segments.reduce(
    (sum, segment) =>
      sum +
      segment.buffer.byteLength +
      (segment.positions?.byteLength ?? 0) +
      (segment.carried?.byteLength ?? 0),
    0,
  );
}

/**
 * What a parallel run has found so far, by level: the first level at which each property was
 * broken or witnessed, and the first deadlocked level; and when to stop, by `checkBfs`'s rule.
 */
class LevelFindings {
  private readonly levels = new Map<number, number>();
  private deadlockLevel: number | undefined;
  private readonly always: number[];
  private readonly sometimes: number[];

  constructor(
    private readonly properties: readonly Property<Int32Array>[],
    private readonly stopAtFirst: boolean,
    private readonly checkDeadlocks: boolean,
  ) {
    this.always = properties.flatMap((p, i) => (p.kind === 'always' ? [i] : []));
    this.sometimes = properties.flatMap((p, i) => (p.kind === 'sometimes' ? [i] : []));
  }

  /** Indices of the properties not found yet. */
  pending(): number[] {
    return this.properties.flatMap((_, i) => (this.levels.has(i) ? [] : [i]));
  }

  get wantsDeadlocks(): boolean {
    return this.checkDeadlocks && this.deadlockLevel === undefined;
  }

  /** Indices of the pending properties `state` breaks or witnesses. */
  check(state: Int32Array): number[] {
    return this.pending().filter((i) => this.properties[i]!.check(state) !== undefined);
  }

  /** Note properties found at `level` (the first level counts). */
  note(indices: readonly number[], level: number): void {
    for (const i of indices) if (!this.levels.has(i)) this.levels.set(i, level);
  }

  noteDeadlock(level: number): void {
    if (this.wantsDeadlocks) this.deadlockLevel = level;
  }

  /** `RunRecorder`'s stopping rule: a discovery, and with `stopAtFirst: false` nothing left open. */
  shouldStop(): boolean {
    const discovered = this.always.some((i) => this.levels.has(i)) || this.deadlockLevel !== undefined;
    if (!discovered) return false;
    if (this.stopAtFirst) return true;
    const all = (indices: number[]) => indices.every((i) => this.levels.has(i));
    return all(this.always) && all(this.sometimes) && !this.wantsDeadlocks;
  }

  /**
   * True when the progress check is still to run once the run is over: no deadlock found, and no
   * `always` property broken unless the run goes on past its first discovery (as `RunRecorder`).
   */
  leavesProgressOpen(): boolean {
    if (this.deadlockLevel !== undefined) return false;
    return !this.stopAtFirst || !this.always.some((i) => this.levels.has(i));
  }

  plan(): FindingPlan {
    return { propertyLevels: this.levels, deadlockLevel: this.deadlockLevel, stopAtFirst: this.stopAtFirst };
  }
}

/**
 * The level of the first stuck state and the fingerprints of that level's stuck states, for the
 * re-walk in `checkBfs`'s order to pick the one `checkBfs` reports. Positions are 1-based and each
 * level's positions follow the last's (the search is level-synchronous).
 */
function stuckLevel(
  verdict: ProgressVerdict,
  table: SharedFingerprintTable,
  levelStarts: readonly number[],
): FindingPlan['livelock'] {
  let level = 0;
  while (level + 1 < levelStarts.length && levelStarts[level + 1]! <= verdict.firstStuck) level++;
  const from = levelStarts[level]!;
  const to = levelStarts[level + 1] ?? Number.POSITIVE_INFINITY;
  const stuck = new FingerprintSet();
  table.forEachIndexed((hi, lo, position) => {
    const index = position - 1;
    if (index >= from && index < to && verdict.stuck[index] === 1) stuck.add(hi, lo);
  });
  return {
    level,
    isStuck: (fingerprint: Fingerprint) => {
      const [hi, lo] = storedFingerprint(fingerprint[0], fingerprint[1]);
      return stuck.has(hi, lo);
    },
    stuckStates: verdict.stuckStates,
    edges: verdict.edges,
    distinctStates: table.size,
  };
}

/**
 * `plan` without the `sometimes` witnesses whose traces are not wanted and that `checkBfs` certainly
 * meets before it stops, recorded as reached at once: their states need not be found again (a
 * re-walk to a deep witness can cost a whole run, in memory too). With `stopAtFirst`, a witness at
 * or past the level of the first discovery stays in the plan: whether `checkBfs` meets it before
 * it stops depends on the order within the level, which only the re-walk knows.
 */
function witnessesWithoutTraces(
  plan: FindingPlan,
  properties: readonly Property<Int32Array>[],
  recorder: RunRecorder<Int32Array, number>,
): FindingPlan {
  let firstDiscovery = Number.POSITIVE_INFINITY;
  if (plan.stopAtFirst) {
    for (const [index, level] of plan.propertyLevels) {
      if (properties[index]!.kind === 'always') firstDiscovery = Math.min(firstDiscovery, level);
    }
    if (plan.deadlockLevel !== undefined) firstDiscovery = Math.min(firstDiscovery, plan.deadlockLevel + 1);
  }
  const kept = new Map<number, number>();
  for (const [index, level] of plan.propertyLevels) {
    const property = properties[index]!;
    if (property.kind === 'sometimes' && level < firstDiscovery)
      recorder.witnessedWithoutTrace(property.name);
    else kept.set(index, level);
  }
  return { ...plan, propertyLevels: kept };
}

/** The error a worker reported, rebuilt so the recorder reports it as the model's own. */
function asError(error: NonNullable<DoneMessage['error']>): Error {
  if (error.code !== undefined) return new VmcheckError(error.code, error.message);
  return Object.assign(new Error(error.message), { name: error.name });
}

/** The report of a worker thread that failed. */
function crashed(error: {
  readonly name?: string;
  readonly message: string;
  readonly code?: string;
}): DoneMessage {
  return {
    type: 'done',
    segments: [],
    generated: 0,
    coverage: [],
    extraCoverage: {},
    found: [],
    deadlocked: false,
    depthCut: false,
    edges: [],
    thread: -1,
    edgeLogBytes: 0,
    reducedStates: 0,
    skippedActions: 0,
    error: {
      name: error.name ?? 'WorkerError',
      message: error.message,
      ...(error.code ? { code: error.code } : {}),
    },
  };
}
