import { afterAll, describe, expect, it } from 'vitest';
import type { CheckResult, Model } from '../model/core/index.ts';
import { canonicaliser, withSymmetry } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkDfs } from './dfs.ts';
import { checkParallel, WorkerPool } from './parallel/checkParallel.ts';
import { lockedProcesses, symmetricCounters, symmetryModel, symmetrySpec } from './testing/symmetryModels.ts';

const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);

type Result = CheckResult<Int32Array, number>;
const outline = (r: Result) => ({
  status: r.status,
  distinct: r.stats.distinctStates,
  violated: r.discoveries.map((d) => d.violation.invariant),
  symmetry: r.stats.symmetry,
});

/** Every trace of `r` is a path of `model`: each action enabled, each state its actual successor. */
function expectReplays(model: Model<Int32Array, number>, r: Result) {
  for (const d of [
    ...r.discoveries.map((x) => x.trace),
    ...r.sometimes.flatMap((s) => (s.trace ? [s.trace] : [])),
  ]) {
    let state = model.initialStates()[0]!;
    expect(d.initial).toEqual(state);
    for (const step of d.steps) {
      expect(model.actions(state)).toContain(step.action);
      state = model.next(state, step.action);
      expect(step.state).toEqual(state);
    }
  }
}

describe('canonical forms (model/core/symmetry.ts)', () => {
  it('should give the least image over the group, and the state itself when it is least', () => {
    // The three permutations of two slots besides the identity of a 2-word state: just the swap.
    const swap = { source: Int32Array.of(1, 0), renaming: new Uint8Array(2), renamings: [] };
    const canonical = canonicaliser([swap], 2);
    const least = Int32Array.of(1, 2);
    expect(canonical(least)).toBe(least);
    expect([...canonical(Int32Array.of(2, 1))]).toEqual([1, 2]);
    expect([...canonical(Int32Array.of(3, 3))]).toEqual([3, 3]);
  });

  it('should rename values naming a permuted part, and leave -1 (none) alone', () => {
    // Word 0 names a slot of words 1-2; swapping the slots renames it.
    const swap = {
      source: Int32Array.of(0, 2, 1),
      renaming: Uint8Array.of(1, 0, 0),
      renamings: [Int32Array.of(1, 0)],
    };
    const canonical = canonicaliser([swap], 3);
    expect([...canonical(Int32Array.of(1, 5, 0))]).toEqual([0, 0, 5]);
    expect([...canonical(Int32Array.of(-1, 5, 0))]).toEqual([-1, 0, 5]);
  });

  it('should leave a model alone with an empty group', () => {
    const model = symmetricCounters(2, 1, false);
    expect(withSymmetry(model, [], { groupSize: 1, classes: [] }, 2)).toBe(model);
  });
});

describe('symmetry reduction on hand-made models', { timeout: 60_000 }, () => {
  it.each([
    [3, 2, 27, 10],
    [4, 2, 81, 15],
    [2, 3, 16, 10],
  ])('should count %i counters to %i: %i states, C(n+k,k) = %i orbits', (n, k, full, orbits) => {
    const options = { stopAtFirst: false, checkDeadlocks: true, progress: true } as const;
    const unreduced = checkBfs(symmetricCounters(n, k, false), options);
    const reduced = checkBfs(symmetricCounters(n, k, true), options);
    expect(unreduced.stats.distinctStates).toBe(full);
    expect(reduced.stats.distinctStates).toBe(orbits);
    expect(reduced.stats.symmetry?.groupSize).toBe([1, 1, 2, 6, 24][n]);
    expect(unreduced.stats.symmetry).toBeUndefined();
    // Same verdict, shortest counterexample (n * k steps), a real path of the unreduced model.
    expect(outline(reduced).violated).toEqual(['notAllFull']);
    expect(reduced.discoveries[0]!.trace.steps).toHaveLength(n * k);
    expectReplays(symmetricCounters(n, k, false), reduced);
    const dfs = checkDfs(symmetricCounters(n, k, true), { stopAtFirst: false });
    expect(dfs.stats.distinctStates).toBe(orbits);
    expectReplays(symmetricCounters(n, k, false), dfs);
  });

  it('should count 3 processes sharing a lock: 20 states, 7 orbits, mutual exclusion kept', () => {
    const options = { stopAtFirst: false, progress: true } as const;
    const unreduced = checkBfs(lockedProcesses(3, false), options);
    const reduced = checkBfs(lockedProcesses(3, true), options);
    expect([unreduced.status, unreduced.stats.distinctStates]).toEqual(['ok', 20]);
    expect([reduced.status, reduced.stats.distinctStates]).toEqual(['ok', 7]);
  });

  it('should miss the hand count with the lock not renamed (a wrong permutation is caught)', () => {
    // The images then name the old holder: they are not states of the model, and canonical forms
    // no longer stand for orbits (10 classes, not 7).
    const wrong = checkBfs(lockedProcesses(3, true, true), { stopAtFirst: false, progress: true });
    expect(wrong.stats.distinctStates).toBe(10);
  });

  it('should rebuild traces with either trace store to actual states', () => {
    for (const traceStore of ['rerun', 'parents'] as const) {
      const reduced = checkBfs(symmetricCounters(3, 2, true), { traceStore, witnessTraces: true });
      expect(reduced.discoveries[0]!.trace.steps).toHaveLength(6);
      expectReplays(symmetricCounters(3, 2, false), reduced);
    }
  });

  it.each<[string, number[]]>([
    ['counters', [3, 2, 1]],
    ['counters', [4, 2, 1]],
    ['lock', [3, 1]],
  ])('should give checkBfs results on 1 and 2 threads: %s %j', async (name, args) => {
    const model = symmetryModel(name, ...args);
    for (const stopAtFirst of [true, false]) {
      const options = { stopAtFirst, progress: true } as const;
      const bfs = checkBfs(model, options);
      for (const [threads, workers] of [
        [{ workers: 1 }, 1],
        [{ pool, parallelFromStates: 0 }, 2],
      ] as const) {
        const parallel = await checkParallel(symmetrySpec(name, ...args), { ...options, ...threads });
        expect(parallel.stats.workers).toBe(workers);
        expect(outline(parallel)).toEqual(outline(bfs));
        expect(parallel.discoveries.map((d) => d.trace.steps.map((s) => s.action))).toEqual(
          bfs.discoveries.map((d) => d.trace.steps.map((s) => s.action)),
        );
        expectReplays(symmetryModel(name, args[0]!, args[1]!, 0), parallel);
      }
    }
  });
});
