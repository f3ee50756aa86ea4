/**
 * Same model and options, same result: counts, coverage, discoveries and traces, on every run.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Model } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkDfs } from './dfs.ts';
import { simulate } from './simulate.ts';
import { deadlock, diamond, grid, ringWithBug, twoPhaseCommit } from './testing/tinyModels.ts';
import { withoutTiming } from './testing/views.ts';

const models: Record<string, () => Model<never, never>> = {
  diamond: () => diamond() as never,
  deadlock: () => deadlock() as never,
  'grid-20x30': () => grid(20, 30) as never,
  'ring-bug': () => ringWithBug(60, 31) as never,
  'two-phase-commit-4': () => twoPhaseCommit(4) as never,
};

const runs: Record<string, (model: Model<never, never>) => CheckResult<unknown, unknown>> = {
  bfs: (model) => checkBfs(model, { stopAtFirst: false }),
  dfs: (model) => checkDfs(model, { stopAtFirst: false }),
  'bfs bounded': (model) => checkBfs(model, { maxDepth: 5, maxStates: 200 }),
  'dfs bounded': (model) => checkDfs(model, { maxDepth: 5, maxStates: 200 }),
  simulation: (model) => simulate(model, { runs: 40, depth: 40, seed: 2024, stopAtFirst: false }),
};

describe.each(Object.keys(runs))('%s', (strategy) => {
  it.each(Object.keys(models))('should give the same result twice on %s', (name) => {
    const first = withoutTiming(runs[strategy]!(models[name]!()));
    const second = withoutTiming(runs[strategy]!(models[name]!()));
    expect(second).toEqual(first);
    expect(JSON.stringify(second.stats)).toBe(JSON.stringify(first.stats));
  });
});
