import type { CheckResult, Model, Trace, TraceStep } from '../model/core/index.ts';
import { hasUnvisitedSuccessor } from './depthBound.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import { BudgetWatch, type CheckOptions, resolveCheckOptions } from './options.ts';
import { RunRecorder } from './runRecorder.ts';
import { ActionCoverage, buildStats } from './stats.ts';

/**
 * Explore every reachable state depth-first, with an explicit stack; a discovery's trace is the stack.
 *
 * Uses the same visited-state table as BFS but no parent store: the path to the current state is
 * the stack itself (each frame holds a state, its enabled actions and the next one to try), so a
 * trace costs nothing to rebuild. Traces are not shortest. Memory grows with the longest path, not
 * with the frontier, which suits deep, narrow spaces.
 *
 * - Same options, counts and status rules as `checkBfs`; `maxDepth` in stats is the longest path.
 * - Known limit of `maxDepth`: a state first reached at the depth bound is not expanded even if a
 *   shorter path reaches it later, so a bounded DFS can miss states BFS would find at that bound. It
 *   is then reported `incomplete` (`max-depth`), never `ok`.
 * - Deterministic for a deterministic model; never throws for what it finds or what the model throws.
 */
export function checkDfs<S, A>(model: Model<S, A>, options: CheckOptions = {}): CheckResult<S, A> {
  const resolved = resolveCheckOptions(options);
  const { maxDepth, maxStates, now, onProgress, progressEvery } = resolved;
  const recorder = new RunRecorder(model, resolved.stopAtFirst, resolved.checkDeadlocks);
  const visited = new FingerprintSet();
  const coverage = new ActionCoverage(model.actionKinds);
  const stackStates: S[] = [];
  const stackActions: (readonly A[])[] = [];
  const stackNext: number[] = [];
  const start = now();
  const budget = new BudgetWatch(resolved, start, () => visited.bytes);
  visited.growthGuard = budget.growthGuard;
  let generated = 0;
  let distinct = 0;
  let deepest = 0;
  let progressCountdown = progressEvery;

  const stackTrace = (): Trace<S, A> => {
    const steps: TraceStep<S, A>[] = [];
    for (let j = 1; j < stackStates.length; j++) {
      steps.push({ action: stackActions[j - 1]![stackNext[j - 1]! - 1]!, state: stackStates[j]! });
    }
    return { initial: stackStates[0]!, steps };
  };

  try {
    // All initial states are checked first, at depth 0, as BFS does; then DFS runs from each in turn.
    const initials = model.initialStates();
    const roots: S[] = [];
    let stopped = false;
    for (let i = 0; i < initials.length; i++) {
      const initial = initials[i] as S;
      generated++;
      const spent = budget.tick();
      if (spent !== undefined) {
        recorder.stopBy(spent);
        stopped = true;
        break;
      }
      const fingerprint = model.fingerprint(initial);
      if (!visited.add(fingerprint[0], fingerprint[1])) continue;
      if (distinct >= maxStates) {
        recorder.stopBy('max-states');
        stopped = true;
        break;
      }
      distinct++;
      roots.push(initial);
      if (recorder.scan(initial) && recorder.commit({ initial, steps: [] })) {
        stopped = true;
        break;
      }
    }

    search: for (const root of stopped ? [] : roots) {
      stackStates.push(root);
      stackActions.push(model.actions(root));
      stackNext.push(0);
      let fresh = true;

      while (stackStates.length > 0) {
        const top = stackStates.length - 1;
        const state = stackStates[top]!;
        const actions = stackActions[top]!;
        if (fresh) {
          fresh = false;
          if (top > deepest) deepest = top;
          if (onProgress !== undefined && --progressCountdown === 0) {
            progressCountdown = progressEvery;
            onProgress({
              distinct,
              generated,
              depth: top,
              queue: stackStates.length,
              elapsedMs: now() - start,
            });
          }
          // Roots (top 0) were checked with the other initial states.
          if (top > 0 && recorder.scan(state) && recorder.commit(stackTrace())) break search;
          if (actions.length === 0) {
            if (recorder.wantsDeadlocks && !model.isFinal(state) && recorder.recordDeadlock(stackTrace())) {
              break search;
            }
          } else if (top >= maxDepth) {
            if (!recorder.isDepthCut && hasUnvisitedSuccessor(model, state, actions, visited)) {
              recorder.cutByDepth();
            }
            stackNext[top] = actions.length;
          }
        }

        const a = stackNext[top]!;
        if (a >= actions.length) {
          stackStates.pop();
          stackActions.pop();
          stackNext.pop();
          continue;
        }
        stackNext[top] = a + 1;
        const action = actions[a]!;
        const next = model.next(state, action);
        generated++;
        const spent = budget.tick();
        if (spent !== undefined) {
          recorder.stopBy(spent);
          break search;
        }
        coverage.record(model.actionKind(action));
        const fingerprint = model.fingerprint(next);
        if (!visited.add(fingerprint[0], fingerprint[1])) continue;
        if (distinct >= maxStates) {
          recorder.stopBy('max-states');
          break search;
        }
        distinct++;
        stackStates.push(next);
        stackActions.push(model.actions(next));
        stackNext.push(0);
        fresh = true;
      }
    }
  } catch (error) {
    recorder.fail(error);
  }

  return recorder.result(
    'dfs',
    buildStats({
      statesGenerated: generated,
      distinctStates: distinct,
      maxDepth: deepest,
      elapsedMs: now() - start,
      coverage,
      tableBytes: visited.bytes,
    }),
  );
}
