/**
 * Pinned state counts of the tiny models, for both exhaustive strategies (one suite, a matrix of
 * settings), so any change to the explorers' counting shows up here.
 */
import { describe, expect, it } from 'vitest';
import type { CheckResult, Model } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkDfs } from './dfs.ts';
import type { CheckOptions } from './options.ts';
import { counter, diamond, graph, grid, torus, twoPhaseCommit } from './testing/tinyModels.ts';
import { counts } from './testing/views.ts';

type Explorer = (model: Model<never, never>, options?: CheckOptions) => CheckResult<unknown, unknown>;
const explorers = { bfs: checkBfs, dfs: checkDfs } as unknown as Record<'bfs' | 'dfs', Explorer>;

interface Pinned {
  readonly model: () => Model<never, never>;
  /** generated, distinct, deepest, per strategy. */
  readonly bfs: readonly [number, number, number];
  readonly dfs: readonly [number, number, number];
}

const pinned: Record<string, Pinned> = {
  // n states in a cycle: 1 initial + n increments generated, depth n - 1 both ways.
  'counter-7': { model: () => counter(7) as never, bfs: [8, 7, 6], dfs: [8, 7, 6] },
  // Four states, four edges: the duplicate `bottom` is generated twice and stored once.
  diamond: { model: () => diamond() as never, bfs: [5, 4, 2], dfs: [5, 4, 2] },
  // 3x3 grid: 12 transitions; every maximal path has 4 steps.
  'grid-3x3': { model: () => grid(3, 3) as never, bfs: [13, 9, 4], dfs: [13, 9, 4] },
  // 3x4 torus: 24 transitions; BFS depth 2 + 3; DFS snakes through all 12 states (depth 11).
  'torus-3x4': { model: () => torus(3, 4) as never, bfs: [25, 12, 5], dfs: [25, 12, 11] },
  // Two initial states, one reachable from the other: both are checked at depth 0 first.
  'two-starts': {
    model: () =>
      graph({
        name: 'two-starts',
        initial: ['a', 'b'],
        edges: { a: [['to.b', 'b']] },
        final: ['b'],
      }) as never,
    bfs: [3, 2, 0],
    dfs: [3, 2, 0],
  },
  // Gray-Lamport two-phase commit: 288 and 8832 states, as TLC and Stateright report.
  'two-phase-commit-3': {
    model: () => twoPhaseCommit(3) as never,
    bfs: [1146, 288, 10],
    dfs: [1146, 288, 10],
  },
  'two-phase-commit-5': {
    model: () => twoPhaseCommit(5) as never,
    bfs: [58_146, 8_832, 16],
    dfs: [58_146, 8_832, 16],
  },
};

describe.each(['bfs', 'dfs'] as const)('%s', (strategy) => {
  const explore = explorers[strategy];

  it.each(Object.keys(pinned))('should pin the reachable states of %s', (name) => {
    const { model, [strategy]: expected } = pinned[name]!;
    const result = explore(model());
    expect(result.status).toBe('ok');
    expect(result.strategy).toBe(strategy);
    expect(counts(result)).toEqual({ generated: expected[0], distinct: expected[1], maxDepth: expected[2] });
    expect(result.discoveries).toEqual([]);
    expect(result.incompleteReason).toBeUndefined();
  });

  it('should count coverage per action kind, listing kinds that never fired', () => {
    const model = { ...diamond(), actionKinds: [...diamond().actionKinds, 'never.fires'] };
    const { stats } = explore(model as never);
    expect(stats.actionCoverage).toEqual({
      'go.left': 1,
      'go.right': 1,
      'left.down': 1,
      'right.down': 1,
      'never.fires': 0,
    });
    expect(stats.neverFired).toEqual(['never.fires']);
  });

  it('should report the witnesses of sometimes properties of two-phase commit', () => {
    const result = explore(twoPhaseCommit(3) as never);
    expect(result.sometimes.map(({ property, reached }) => ({ property, reached }))).toEqual([
      { property: 'abortAgreement', reached: true },
      { property: 'commitAgreement', reached: true },
    ]);
  });

  it('should report the table size as bytes per distinct state, at most 16 (BFS: with no parent store)', () => {
    // BFS by default keeps a parent store of 5 bytes a state below 2^18 states (`traceStore: 'auto'`).
    const { stats } = explore(torus(200, 200) as never, { traceStore: 'rerun' } as never);
    expect(stats.distinctStates).toBe(40_000);
    expect(stats.bytesPerState).toBeGreaterThan(10.6);
    expect(stats.bytesPerState).toBeLessThanOrEqual(16);
    if (strategy === 'bfs') {
      const byDefault = explore(torus(200, 200) as never).stats.bytesPerState!;
      expect(byDefault - stats.bytesPerState!).toBeGreaterThanOrEqual(5);
      expect(byDefault - stats.bytesPerState!).toBeLessThan(5.6);
    }
  });
});

describe('bfs and dfs', () => {
  it('should find the same reachable states on every pinned model', () => {
    for (const { model } of Object.values(pinned)) {
      expect(counts(checkDfs(model())).distinct).toBe(counts(checkBfs(model())).distinct);
    }
  });
});
