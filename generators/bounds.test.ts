/**
 * Bounds: each one that cuts exploration short gives `incomplete` with its reason (or `violation`
 * if something was found anyway), keeps what was found, and is never reported as `ok`.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { CheckResult, Model } from '../model/core/index.ts';
import { VmcheckError } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkDfs } from './dfs.ts';
import type { CheckOptions } from './options.ts';
import { always, counter, fanOut, graph, ringWithBug, torus } from './testing/tinyModels.ts';
import { counts, fakeClock } from './testing/views.ts';

type Explorer = <S, A>(model: Model<S, A>, options?: CheckOptions) => CheckResult<S, A>;
const explorers: Record<'bfs' | 'dfs', Explorer> = { bfs: checkBfs, dfs: checkDfs };

describe.each(['bfs', 'dfs'] as const)('%s bounds', (strategy) => {
  const explore = explorers[strategy];

  it('should stop at maxStates with max-states, having stored exactly that many', () => {
    const result = explore(counter(100), { maxStates: 10 });
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('max-states');
    expect(counts(result)).toEqual({ generated: 11, distinct: 10, maxDepth: 9 });
  });

  it('should be ok when maxStates is exactly the number of reachable states', () => {
    const result = explore(counter(10), { maxStates: 10 });
    expect(result.status).toBe('ok');
    expect(result.incompleteReason).toBeUndefined();
  });

  it('should report nothing explored with maxStates 0 as incomplete', () => {
    const result = explore(counter(10), { maxStates: 0 });
    expect(result.status).toBe('incomplete');
    expect(counts(result).distinct).toBe(0);
  });

  it('should stop expanding at maxDepth and say max-depth when that hid new states', () => {
    const result = explore(counter(10), { maxDepth: 4 });
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('max-depth');
    expect(counts(result)).toEqual({ generated: 5, distinct: 5, maxDepth: 4 });
  });

  it('should be ok when the depth bound hides no new state', () => {
    // State 9 is at depth 9; its only successor, 0, is already known.
    const result = explore(counter(10), { maxDepth: 9 });
    expect(result.status).toBe('ok');
    expect(counts(result)).toEqual({ generated: 10, distinct: 10, maxDepth: 9 });
  });

  it('should check only the initial states with maxDepth 0', () => {
    const result = explore(counter(10), { maxDepth: 0 });
    expect(result.status).toBe('incomplete');
    expect(counts(result)).toEqual({ generated: 1, distinct: 1, maxDepth: 0 });
  });

  it('should miss a bug beyond maxDepth, and find it within', () => {
    // Node 6 is 3 skips away; within depth 2 only nodes up to 4 exist.
    const beyond = explore(ringWithBug(40, 6), { maxDepth: 2 });
    expect(beyond.status).toBe('incomplete');
    expect(beyond.discoveries).toEqual([]);
    // DFS needs more room: it meets node 4 first at depth 3 (0-1-2-4) and does not expand it again.
    expect(explore(ringWithBug(40, 6), { maxDepth: strategy === 'bfs' ? 3 : 5 }).status).toBe('violation');
  });

  it('should stop at timeoutMs on the injected clock, read every 16 generated states', () => {
    // Clock reads: 0 at the start, then 1, 2, 3, 4 at generated states 1, 17, 33, 49: 4 - 0 > 3.
    const result = explore(counter(5000), { timeoutMs: 3, now: fakeClock(1) });
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('timeout');
    expect(counts(result)).toEqual({ generated: 49, distinct: 48, maxDepth: 47 });
    expect(result.stats.elapsedMs).toBe(5);
  });

  it('should read the clock inside the expansion of one state with very many successors', () => {
    // One state with 100 000 successors: the clock must be read while they are generated.
    const result = explore(fanOut(100_000), { timeoutMs: 3, now: fakeClock(1) });
    expect(result.incompleteReason).toBe('timeout');
    expect(counts(result).generated).toBe(49);
  });

  it('should check memory inside the expansion of one state, counting the states it holds', () => {
    let heap = 0;
    const result = explore(fanOut(100_000), {
      maxMemoryBytes: 1_000_000,
      heapUsed: () => {
        heap += 10_000;
        return heap;
      },
    });
    expect(result.incompleteReason).toBe('max-memory');
    expect(counts(result).generated).toBeLessThan(100 * 16);
  });

  it('should stop at maxMemoryBytes, counting the injected heap and its own tables', () => {
    let heap = 0;
    const heapUsed = () => heap;
    const generous = explore(counter(10_000), { maxMemoryBytes: 10_000_000, heapUsed });
    expect(generous.status).toBe('ok');
    heap = 20_000_000;
    const tight = explore(counter(10_000), { maxMemoryBytes: 10_000_000, heapUsed });
    expect(tight.status).toBe('incomplete');
    expect(tight.incompleteReason).toBe('max-memory');
    // The first generated state samples: a budget already spent stops before storing anything.
    expect(counts(tight).distinct).toBe(0);
    // Tables alone are more than 100 bytes, so even an empty heap breaks this budget at the first sample.
    heap = 0;
    expect(explore(counter(10_000), { maxMemoryBytes: 100, heapUsed }).incompleteReason).toBe('max-memory');
  });

  it('should refuse a growth of its table that would pass maxMemoryBytes, and stop with what it found', () => {
    // The injected heap is empty: only the visited table counts. A growth holds the old table and
    // a new one 1.5 times as big, so without the refusal the last growth would pass the bound.
    const bound = 100_000;
    const model = counter(100_000, [always('belowFive', (s) => s < 5)]);
    const result = explore(model, { maxMemoryBytes: bound, heapUsed: () => 0, stopAtFirst: false });
    expect([result.status, result.incompleteReason]).toEqual(['violation', 'max-memory']);
    expect(result.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length])).toEqual([
      ['belowFive', 5],
    ]);
    const table = result.stats.bytesPerState! * counts(result).distinct;
    // Within the bound, and the next growth (1.5 times the table, beside it) would not have been.
    expect(table).toBeLessThanOrEqual(bound);
    expect(table * 2.5).toBeGreaterThan(bound);
    expect(counts(result).distinct).toBeGreaterThan(3000);
  });

  it('should sample memory every 16 generated states, the first at once, and before each growth', () => {
    let samples = 0;
    explore(counter(10_000), {
      maxMemoryBytes: Number.MAX_SAFE_INTEGER,
      heapUsed: () => {
        samples++;
        return 0;
      },
    });
    // 10 000 states plus the last one's successor (state 0 again): ticks 1, 17, ..., 10 001; and
    // one reading before each of the table's 10 growths (at 257, 386, ..., 9 934 states).
    expect(samples).toBe(626 + 10);
  });

  it('should keep discoveries and report violation, with the bound, when a bound also hit', () => {
    const model = counter(100, [always('belowFive', (s) => s < 5)]);
    const result = explore(model, { stopAtFirst: false, maxStates: 20 });
    expect(result.status).toBe('violation');
    expect(result.incompleteReason).toBe('max-states');
    expect(result.discoveries.map((d) => d.violation.invariant)).toEqual(['belowFive']);
  });

  it('should never be ok unless every reachable state was found, whatever the bounds', () => {
    const model = torus(6, 7);
    fc.assert(
      fc.property(
        fc.option(fc.nat({ max: 50 }), { nil: undefined }),
        fc.option(fc.nat({ max: 45 }), { nil: undefined }),
        (maxDepth, maxStates) => {
          const result = explore(model, { maxDepth, maxStates });
          if (result.status === 'ok') expect(counts(result).distinct).toBe(42);
          else expect(result.status).toBe('incomplete');
          if (counts(result).distinct < 42) expect(result.status).toBe('incomplete');
        },
      ),
      { numRuns: 200 },
    );
  });

  it('should reject nonsense bounds with a coded error', () => {
    expect(() => explore(counter(3), { maxStates: -1 })).toThrow(VmcheckError);
    expect(() => explore(counter(3), { maxDepth: 1.5 })).toThrow(/maxDepth must be a non-negative integer/);
    expect(() => explore(counter(3), { timeoutMs: Number.NaN })).toThrow(/timeoutMs/);
    expect(() => explore(counter(3), { progressEvery: 0 })).toThrow(/progressEvery/);
  });
});

describe('depth bounds', () => {
  // a → b → c → d, and a → c directly.
  const shortcut = graph({
    name: 'shortcut',
    initial: ['a'],
    edges: {
      a: [
        ['to.b', 'b'],
        ['to.c', 'c'],
      ],
      b: [['to.c', 'c']],
      c: [['to.d', 'd']],
    },
    final: ['d'],
  });

  it('should let BFS find every state within the bound', () => {
    const result = checkBfs(shortcut, { maxDepth: 2 });
    expect(result.status).toBe('ok');
    expect(counts(result)).toEqual({ generated: 5, distinct: 4, maxDepth: 2 });
  });

  it('should make DFS incomplete where a state was first met at the bound (documented limit)', () => {
    const result = checkDfs(shortcut, { maxDepth: 2 });
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('max-depth');
    expect(counts(result)).toEqual({ generated: 4, distinct: 3, maxDepth: 2 });
  });
});
