import fc from 'fast-check';
import { xoroshiro128plus } from 'pure-rand/generator/xoroshiro128plus';
import type { CheckResult, Discovery, Model } from '../model/core/index.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import {
  badOption,
  DEFAULT_PROGRESS_EVERY,
  defaultNow,
  nonNegativeCount,
  type Progress,
  positiveCount,
  SAMPLE_EVERY,
} from './options.ts';
import { replayChecked } from './replay.ts';
import { RunRecorder } from './runRecorder.ts';
import { ActionCoverage, buildStats } from './stats.ts';

const CLOCK_MASK = SAMPLE_EVERY - 1;

/** Options of `simulate`: how many random walks, how long, from which seed. */
export interface SimulationOptions {
  /** Number of random walks. */
  readonly runs: number;
  /** Most steps per walk; a walk also ends at a discovery or a state with no enabled action. */
  readonly depth: number;
  /**
   * Seed of the first walk, a 32-bit integer (taken `>>> 0`). Default 0. Walk `i + 1` is seeded with
   * `nextRunSeed` of walk `i`'s seed, so `{ runs: 1, seed: discovery.seed }` replays one walk exactly.
   */
  readonly seed?: number;
  /** Stop at the first discovery. Default true; with false, walks go on (one discovery per property). */
  readonly stopAtFirst?: boolean;
  /**
   * Which discovery of a property is kept: `first` (default) the first walk's; `shortest` the one
   * with the fewest steps over every walk asked for (the earliest walk among equals). `shortest` makes
   * every walk (it ignores `stopAtFirst`) and still reports each discovery with its own walk's seed.
   */
  readonly keep?: 'first' | 'shortest';
  /** Report a walk that ends in a non-final state with no enabled action as a deadlock. Default true. */
  readonly checkDeadlocks?: boolean;
  /** Wall-clock budget; walks not started in time are skipped and the result is `incomplete`. */
  readonly timeoutMs?: number;
  /** Clock in milliseconds; `performance.now` unless a test injects a fake one. */
  readonly now?: () => number;
  /** Called every `progressEvery` states walked. `queue` is the number of walks left. */
  readonly onProgress?: (progress: Progress) => void;
  /** How often `onProgress` is called, in states walked. Default 50 000. */
  readonly progressEvery?: number;
}

/** A discovery made by a random walk, with the walk's seed so it can be replayed alone. */
export interface SimulationDiscovery<S, A> extends Discovery<S, A> {
  /** Seed of the walk that found it: `simulate(model, { runs: 1, seed, depth })` walks it again. */
  readonly seed: number;
  /** Position of the walk in the run (0-based). */
  readonly run: number;
}

/**
 * Result of `simulate`.
 *
 * `status: 'ok'` means no violation was met in `runsCompleted` sampled walks, not that none exists:
 * simulation is never exhaustive, which `strategy: 'simulation'` and `exhaustive: false` state.
 * `incomplete` is kept for a timeout that cut the walks asked for short.
 */
export interface SimulationResult<S, A> extends CheckResult<S, A> {
  readonly strategy: 'simulation';
  readonly discoveries: readonly SimulationDiscovery<S, A>[];
  /** The top seed (the first walk's). */
  readonly seed: number;
  /** Walks actually made. */
  readonly runsCompleted: number;
  readonly exhaustive: false;
}

/**
 * Seed of the walk after one seeded with `seed`: a 32-bit mix (splitmix32 finaliser).
 *
 * Chaining seeds, rather than drawing them from one generator, lets any walk be replayed on its own.
 */
export function nextRunSeed(seed: number): number {
  let z = (seed + 0x9e3779b9) | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * Check a model by seeded random walks: each picks an initial state, then an enabled action, uniformly.
 *
 * Catches bugs in spaces too big to exhaust. Each walk uses fast-check's `Random` over pure-rand's
 * `xoroshiro128plus`, seeded per walk, and checks every `always` and `sometimes` property at each
 * state it visits. Traces are rebuilt by replaying the walk's action indices. Deterministic for a
 * deterministic model and seed; counts include revisits (`statesGenerated`) and distinct fingerprints
 * seen (`distinctStates`). Never throws for what it finds or what the model throws; throws
 * `VmcheckError('bad-options')` for invalid options.
 */
export function simulate<S, A>(model: Model<S, A>, options: SimulationOptions): SimulationResult<S, A> {
  const runs = nonNegativeCount('runs', options.runs);
  const depth = nonNegativeCount('depth', options.depth);
  const seed = seedOf(options.seed ?? 0);
  if (options.keep !== undefined && options.keep !== 'first' && options.keep !== 'shortest')
    throw badOption('keep', options.keep, "'first' or 'shortest'");
  const now = options.now ?? defaultNow;
  const timeoutMs = options.timeoutMs ?? Number.POSITIVE_INFINITY;
  const onProgress = options.onProgress;
  const progressEvery = positiveCount('progressEvery', options.progressEvery ?? DEFAULT_PROGRESS_EVERY);
  const recorder = new RunRecorder(
    model,
    options.stopAtFirst ?? true,
    options.checkDeadlocks ?? true,
    options.keep === 'shortest',
  );
  const visited = new FingerprintSet();
  const coverage = new ActionCoverage(model.actionKinds);
  const path: number[] = [];
  const start = now();
  const watchClock = Number.isFinite(timeoutMs);
  let generated = 0;
  let deepest = 0;
  let runsCompleted = 0;
  let progressCountdown = progressEvery;

  try {
    const initials = model.initialStates();
    let runSeed = seed;
    walks: for (let run = 0; run < runs && initials.length > 0; run++) {
      if (run > 0) runSeed = nextRunSeed(runSeed);
      if (watchClock && now() - start > timeoutMs) {
        recorder.stopBy('timeout');
        break;
      }
      const random = new fc.Random(xoroshiro128plus(runSeed));
      const initialIndex = random.nextInt(0, initials.length - 1);
      const found = { seed: runSeed, run };
      let state = initials[initialIndex] as S;
      path.length = 0;
      runsCompleted++;
      for (let step = 0; ; step++) {
        generated++;
        const fingerprint = model.fingerprint(state);
        visited.add(fingerprint[0], fingerprint[1]);
        if (step > deepest) deepest = step;
        if (
          recorder.scan(state, step) &&
          recorder.commit(replayChecked(model, initialIndex, path, fingerprint), found)
        ) {
          break walks;
        }
        if (onProgress !== undefined && --progressCountdown === 0) {
          progressCountdown = progressEvery;
          onProgress({
            distinct: visited.size,
            generated,
            depth: step,
            queue: runs - run - 1,
            elapsedMs: now() - start,
          });
        }
        if (watchClock && (generated & CLOCK_MASK) === 0 && now() - start > timeoutMs) {
          recorder.stopBy('timeout');
          break walks;
        }
        const actions = model.actions(state);
        if (actions.length === 0) {
          if (
            recorder.wantsDeadlocks &&
            !model.isFinal(state) &&
            recorder.recordDeadlock(replayChecked(model, initialIndex, path, fingerprint), found)
          ) {
            break walks;
          }
          break;
        }
        if (step >= depth) break;
        const choice = random.nextInt(0, actions.length - 1);
        const action = actions[choice]!;
        coverage.record(model.actionKind(action));
        state = model.next(state, action);
        path.push(choice);
      }
    }
  } catch (error) {
    recorder.fail(error);
  }

  return recorder.result(
    'simulation',
    buildStats({
      statesGenerated: generated,
      distinctStates: visited.size,
      maxDepth: deepest,
      elapsedMs: now() - start,
      coverage,
      tableBytes: visited.bytes,
    }),
    { seed, runsCompleted, exhaustive: false as const },
  ) as SimulationResult<S, A>;
}

function seedOf(seed: number): number {
  if (!Number.isInteger(seed) || seed < -(2 ** 31) || seed >= 2 ** 32)
    throw badOption('seed', seed, 'a 32-bit integer');
  return seed >>> 0;
}
