import { describe, expect, it } from 'vitest';
import { checkDfs } from './dfs.ts';
import {
  always,
  counter,
  deadlock,
  ringWithBug,
  throwingCounter,
  twoPhaseCommit,
} from './testing/tinyModels.ts';
import { actionNames, counts, isValidTrace, stateView } from './testing/views.ts';

describe('checkDfs', () => {
  it('should find the bug along the stack path, first actions first', () => {
    const model = ringWithBug(40, 7);
    const result = checkDfs(model);
    expect(result.status).toBe('violation');
    const { trace } = result.discoveries[0]!;
    expect(actionNames(model, trace)).toEqual(Array(7).fill('ring.step'));
    expect(stateView(model, trace)).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(counts(result)).toEqual({ generated: 8, distinct: 8, maxDepth: 7 });
  });

  it('should give a longer trace than BFS where a shortcut exists, still a valid one', () => {
    const model = ringWithBug(40, 12);
    const { trace } = checkDfs(model).discoveries[0]!;
    expect(trace.steps).toHaveLength(12);
    expect(isValidTrace(model, trace)).toBe(true);
  });

  it('should report a deadlock with the stack as trace', () => {
    const model = deadlock();
    const result = checkDfs(model);
    expect(result.status).toBe('violation');
    expect(result.discoveries.map((d) => [d.kind, d.violation.invariant])).toEqual([
      ['deadlock', 'progress'],
    ]);
    expect(stateView(model, result.discoveries[0]!.trace)).toEqual(['start', 'left', 'stuck']);
    expect(counts(result)).toEqual({ generated: 3, distinct: 3, maxDepth: 2 });
  });

  it('should report a violating initial state with an empty trace', () => {
    const result = checkDfs(counter(3, [always('nonZero', (state) => state !== 0)]));
    expect(result.discoveries[0]!.trace).toEqual({ initial: 0, steps: [] });
  });

  it('should give sometimes witnesses that are valid traces to a witness state', () => {
    const model = twoPhaseCommit(3);
    const result = checkDfs(model);
    for (const outcome of result.sometimes) {
      expect(outcome.reached).toBe(true);
      expect(isValidTrace(model, outcome.trace!)).toBe(true);
      const property = model.properties.find((p) => p.name === outcome.property)!;
      const last = outcome.trace!.steps.at(-1)?.state ?? outcome.trace!.initial;
      expect(property.check(last)).toBeDefined();
    }
  });

  it('should return an error result when the model throws', () => {
    const result = checkDfs(throwingCounter(10, 3));
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('model-threw');
    expect(counts(result)).toEqual({ generated: 4, distinct: 4, maxDepth: 3 });
  });

  it('should report progress every progressEvery new states', () => {
    const progress: unknown[] = [];
    checkDfs(counter(10), { progressEvery: 4, now: () => 0, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { distinct: 4, generated: 4, depth: 3, queue: 4, elapsedMs: 0 },
      { distinct: 8, generated: 8, depth: 7, queue: 8, elapsedMs: 0 },
    ]);
  });
});
