import fc from 'fast-check';
import { afterAll, describe, expect, it } from 'vitest';
import type { Model } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkParallel, WorkerPool } from './parallel/checkParallel.ts';
import { analyseProgress, EdgeLog } from './progressGraph.ts';
import { packedSpec } from './testing/packedModels.ts';
import { always, randomGraph, stuckResize } from './testing/tinyModels.ts';

/** Record `edges` (source -> targets) in a log, each source once, `finals` final. */
function logOf(edges: readonly (readonly number[])[], finals: readonly number[]): EdgeLog {
  const log = new EdgeLog();
  edges.forEach((targets, source) => {
    log.expanded(source, finals.includes(source), targets.length);
    for (const t of targets) log.edge(t);
  });
  return log;
}

describe('analyseProgress', () => {
  it('should find the states that cannot reach a final one, on a graph drawn by hand', () => {
    // 0 -> 1 -> 2 (final); 1 -> 3 -> 3 (a loop that never ends); 4 -> 3, 4 -> 0 (can still finish).
    const log = logOf([[1], [2, 3], [], [3], [3, 0]], [2]);
    const verdict = analyseProgress(5, log.ranges());
    expect(verdict.stuckStates).toBe(1);
    expect(verdict.firstStuck).toBe(3);
    expect(Array.from(verdict.stuck)).toEqual([0, 0, 0, 1, 0]);
    expect(verdict.edges).toBe(6);
  });

  it('should count a deadlocked state as stuck and a final one with successors as not', () => {
    // 0 (final) -> 1 (no step, not final).
    const verdict = analyseProgress(2, logOf([[1], []], [0]).ranges());
    expect(Array.from(verdict.stuck)).toEqual([0, 1]);
  });

  it('should refuse a graph where some state was never expanded', () => {
    const log = logOf([[1]], []);
    expect(() => analyseProgress(2, log.ranges())).toThrow(/never expanded/);
  });

  it('should read records across chunks, and hand each record out once with takeRanges', () => {
    const log = new EdgeLog();
    const wide = 700_000; // longer than a chunk of 2^18 words: each record gets a chunk of its own
    log.expanded(0, false, wide);
    for (let i = 0; i < wide; i++) log.edge(1);
    const first = log.takeRanges();
    log.expanded(1, false, wide);
    for (let i = 0; i < wide; i++) log.edge(2);
    log.expanded(2, true, 0);
    const second = log.takeRanges();
    expect(first).toHaveLength(1);
    expect(second.length).toBeGreaterThan(0);
    expect(log.takeRanges()).toEqual([]);
    const verdict = analyseProgress(3, [...first, ...second]);
    expect(verdict).toMatchObject({ stuckStates: 0, firstStuck: -1, edges: 2 * wide });
    expect(analyseProgress(3, log.ranges()).edges).toBe(2 * wide);
  });
});

/** The stuck states of `model` in BFS order, and each state's BFS depth, by a second algorithm. */
function oracle<S>(model: Model<S, unknown>): { order: S[]; depth: number[]; stuck: boolean[] } {
  const key = (s: S) => model.fingerprint(s).join(':');
  const index = new Map<string, number>();
  const order: S[] = [];
  const depth: number[] = [];
  const successors: number[][] = [];
  for (const s of model.initialStates()) {
    if (index.has(key(s))) continue;
    index.set(key(s), order.length);
    order.push(s);
    depth.push(0);
  }
  for (let i = 0; i < order.length; i++) {
    const state = order[i]!;
    successors.push(
      model.actions(state).map((a) => {
        const next = model.next(state, a);
        if (!index.has(key(next))) {
          index.set(key(next), order.length);
          order.push(next);
          depth.push(depth[i]! + 1);
        }
        return index.get(key(next))!;
      }),
    );
  }
  // A state can finish when it is final or one of its successors can; iterate to the fixpoint.
  const canFinish = order.map((s) => model.isFinal(s));
  for (let changed = true; changed; ) {
    changed = false;
    successors.forEach((out, i) => {
      if (!canFinish[i] && out.some((j) => canFinish[j])) {
        canFinish[i] = true;
        changed = true;
      }
    });
  }
  return { order, depth, stuck: canFinish.map((c) => !c) };
}

describe('checkBfs with progress', () => {
  it('should report the first stuck state in BFS order, as a second algorithm finds it, on random graphs', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 80 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        fc.integer({ min: 1, max: 3 }),
        fc.integer({ min: 2, max: 9 }),
        (states, seed, maxOut, finalEvery) => {
          const model = randomGraph(states, seed, maxOut, finalEvery);
          const expected = oracle(model);
          const firstStuck = expected.stuck.indexOf(true);
          for (const traceStore of ['rerun', 'parents'] as const) {
            const result = checkBfs(model, { progress: true, checkDeadlocks: false, traceStore });
            expect(result.stats.distinctStates).toBe(expected.order.length);
            if (firstStuck < 0) {
              expect(result.status).toBe('ok');
              continue;
            }
            expect(result.status).toBe('violation');
            const [d] = result.discoveries;
            expect(d!.violation.details).toMatchObject({
              livelock: true,
              stuckStates: expected.stuck.filter(Boolean).length,
              steps: expected.depth[firstStuck],
            });
            expect(d!.trace.steps).toHaveLength(expected.depth[firstStuck]!);
            expect(d!.trace.steps.at(-1)?.state ?? d!.trace.initial).toBe(expected.order[firstStuck]);
          }
        },
      ),
      { numRuns: 300 },
    );
  });

  it('should leave the verdict alone when a bound cuts the run, and check a run the depth bound did not cut', () => {
    const model = stuckResize(3, true);
    expect(checkBfs(model, { progress: true, maxStates: 5 }).status).toBe('incomplete');
    expect(checkBfs(model, { progress: true, maxDepth: 1 }).status).toBe('incomplete');
    // Depth 20 is past the deepest state: every state is expanded or looked up, nothing is cut.
    expect(checkBfs(model, { progress: true, maxDepth: 20 }).status).toBe('violation');
    expect(checkBfs(stuckResize(3, false), { progress: true }).status).toBe('ok');
  });

  it('should not judge progress on the part of the graph a run saw before it had found everything', () => {
    // stopAtFirst false, but the one property breaks at step 1 and deadlocks are not looked for:
    // the run ends there, with most states never expanded.
    const model = { ...stuckResize(6, true), properties: [always<number>('atStart', (s) => s >> 2 === 0)] };
    const result = checkBfs(model, { progress: true, stopAtFirst: false, checkDeadlocks: false });
    expect(result.status).toBe('violation');
    expect(result.discoveries.map((d) => d.violation.invariant)).toEqual(['atStart']);
  });

  it('should count the graph in the run memory', () => {
    const plain = checkBfs(stuckResize(3, true), {});
    const graphed = checkBfs(stuckResize(3, true), { progress: true });
    expect(plain.memory.graphBytes).toBe(0);
    expect(graphed.memory.graphBytes).toBeGreaterThan(0);
    expect(graphed.memory.graphEdges).toBe(plain.stats.statesGenerated - 1);
    expect(graphed.memory.visitedBytes).toBeGreaterThanOrEqual(graphed.memory.graphBytes);
  });
});

describe('checkParallel with progress', () => {
  const pool = new WorkerPool(2);
  afterAll(() => pool.close(), 60_000);

  it('should give checkBfs-with-progress results on two threads, on random graphs and the stuck resize', async () => {
    const cases: [string, ...number[]][] = [
      ['stuckResize', 3, 1],
      ['stuckResize', 5, 0],
      ...Array.from({ length: 24 }, (_, i): [string, ...number[]] => [
        'randomGraph',
        400 + i * 50,
        i * 7919,
        3,
        4 + (i % 5),
      ]),
    ];
    let violations = 0;
    for (const [name, ...args] of cases) {
      const spec = packedSpec(name, ...args);
      const { packedTinyModel } = await import('./testing/packedModels.ts');
      const model = packedTinyModel(name, ...args);
      for (const stopAtFirst of [true, false]) {
        const options = { progress: true, checkDeadlocks: name === 'stuckResize', stopAtFirst };
        const bfs = checkBfs(model, options);
        const parallel = await checkParallel(spec, { ...options, pool, parallelFromStates: 1 });
        const summary = (r: typeof bfs) => ({
          status: r.status,
          distinct: r.stats.distinctStates,
          discoveries: r.discoveries.map((d) => ({
            violation: d.violation,
            actions: d.trace.steps.map((s) => s.action),
          })),
        });
        expect(summary(parallel as never), `${name} ${args.join(' ')}`).toEqual(summary(bfs));
        if (bfs.status === 'violation') violations++;
      }
    }
    // Both verdicts occur, so agreement is not agreement on one answer.
    expect(violations).toBeGreaterThan(4);
    expect(violations).toBeLessThan(2 * cases.length);
  });
});
