import type { CheckResult, Fingerprint, Model } from '../model/core/index.ts';
import { hasUnvisitedSuccessor } from './depthBound.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import { type CheckOptions, CLOCK_EVERY, MEMORY_EVERY, resolveCheckOptions } from './options.ts';
import { ParentStore } from './parentStore.ts';
import { replayChecked } from './replay.ts';
import { RunRecorder } from './runRecorder.ts';
import { StateQueue } from './stateQueue.ts';
import { ActionCoverage, buildStats } from './stats.ts';

const CLOCK_MASK = CLOCK_EVERY - 1;
const MEMORY_MASK = MEMORY_EVERY - 1;

/**
 * Explore every reachable state breadth-first; each discovery's trace is a shortest one.
 *
 * States are checked when first reached, so the first violation of a property is at the smallest
 * depth, and its trace is rebuilt from the parent store by replaying action indices (TLC style): the
 * explorer keeps 64-bit fingerprints and predecessor pointers, never a map of states. Deadlocks
 * (no enabled action, not final) are found when a state is expanded, also in depth order.
 *
 * - Stops at the first discovery unless `stopAtFirst: false` (see `CheckOptions`).
 * - `statesGenerated` counts initial states plus every successor computed; successors computed only
 *   to decide whether `maxDepth` cut anything off are not counted.
 * - Deterministic for a deterministic model: same counts and traces on every run, unless a clock or
 *   memory bound stops it.
 * - Never throws for what it finds or what the model throws: the result's `status` says `violation`
 *   or `error`. Throws `VmcheckError('bad-options')` for invalid options only.
 * - Known limit: two states with equal fingerprints are one state (probability ~n²/2^65).
 */
export function checkBfs<S, A>(model: Model<S, A>, options: CheckOptions = {}): CheckResult<S, A> {
  const resolved = resolveCheckOptions(options);
  const { maxDepth, maxStates, maxMemoryBytes, timeoutMs, now, heapUsed, onProgress, progressEvery } =
    resolved;
  const recorder = new RunRecorder(model, resolved.stopAtFirst, resolved.checkDeadlocks);
  const visited = new FingerprintSet();
  const parents = new ParentStore();
  const queue = new StateQueue<S>();
  const coverage = new ActionCoverage(model.actionKinds);
  const start = now();
  const watchClock = Number.isFinite(timeoutMs);
  const watchMemory = Number.isFinite(maxMemoryBytes);
  let generated = 0;
  let depth = 0;
  let deepest = 0;
  // Reaches 0 at the top of the loop once every `progressEvery` states have been expanded.
  let progressCountdown = progressEvery + 1;

  const traceTo = (index: number, fingerprint: Fingerprint) => {
    const path = parents.pathTo(index);
    return replayChecked(model, path.initialIndex, path.actionIndices, fingerprint);
  };

  try {
    let stopped = false;
    const initials = model.initialStates();
    for (let i = 0; i < initials.length; i++) {
      const state = initials[i] as S;
      generated++;
      const fingerprint = model.fingerprint(state);
      if (!visited.add(fingerprint[0], fingerprint[1])) continue;
      if (parents.length >= maxStates) {
        recorder.stopBy('max-states');
        stopped = true;
        break;
      }
      const index = parents.appendRoot(i);
      queue.push(state);
      if (recorder.scan(state) && recorder.commit(traceTo(index, fingerprint))) {
        stopped = true;
        break;
      }
    }

    let levelEnd = parents.length;
    search: for (let index = 0; !stopped && queue.size > 0; index++) {
      if (index === levelEnd) {
        depth++;
        levelEnd = parents.length;
      }
      if ((index & CLOCK_MASK) === 0) {
        if (watchClock && now() - start > timeoutMs) {
          recorder.stopBy('timeout');
          break;
        }
        if (
          watchMemory &&
          (index & MEMORY_MASK) === 0 &&
          heapUsed() + visited.bytes + parents.bytes > maxMemoryBytes
        ) {
          recorder.stopBy('max-memory');
          break;
        }
      }
      if (onProgress !== undefined && --progressCountdown === 0) {
        progressCountdown = progressEvery;
        onProgress({
          distinct: parents.length,
          generated,
          depth,
          queue: queue.size,
          elapsedMs: now() - start,
        });
      }

      const state = queue.shift();
      const actions = model.actions(state);
      const actionCount = actions.length;
      if (actionCount === 0) {
        if (recorder.wantsDeadlocks && !model.isFinal(state)) {
          if (recorder.recordDeadlock(traceTo(index, model.fingerprint(state)))) break;
        }
        continue;
      }
      if (depth >= maxDepth) {
        if (!recorder.isDepthCut && hasUnvisitedSuccessor(model, state, actions, visited)) {
          recorder.cutByDepth();
        }
        continue;
      }
      const nextDepth = depth + 1;
      for (let a = 0; a < actionCount; a++) {
        const action = actions[a]!;
        const next = model.next(state, action);
        generated++;
        coverage.record(model.actionKind(action));
        const fingerprint = model.fingerprint(next);
        if (!visited.add(fingerprint[0], fingerprint[1])) continue;
        if (parents.length >= maxStates) {
          recorder.stopBy('max-states');
          break search;
        }
        const nextIndex = parents.append(index, a);
        queue.push(next);
        deepest = nextDepth;
        if (recorder.scan(next) && recorder.commit(traceTo(nextIndex, fingerprint))) break search;
      }
    }
  } catch (error) {
    recorder.fail(error);
  }

  const distinct = parents.length;
  return recorder.result(
    'bfs',
    buildStats({
      statesGenerated: generated,
      distinctStates: distinct,
      maxDepth: deepest,
      elapsedMs: now() - start,
      coverage,
      tableBytes: visited.bytes + parents.bytes,
    }),
  );
}
