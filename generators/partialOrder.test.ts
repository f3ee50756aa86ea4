import { afterAll, describe, expect, it } from 'vitest';
import { fingerprintHex, type Model, type Trace } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkParallel, WorkerPool } from './parallel/checkParallel.ts';
import {
  copier,
  counters,
  finisher,
  flipper,
  porModel,
  porSpec,
  watchedCounters,
} from './testing/porModels.ts';

const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);

type Result = ReturnType<typeof checkBfs<Int32Array, number>>;

/** Verdict, counts and discoveries (kind, property, trace length) of a run. */
function outline(r: Pick<Result, 'status' | 'stats' | 'discoveries'>) {
  return {
    status: r.status,
    distinct: r.stats.distinctStates,
    partialOrder: r.stats.partialOrder,
    discoveries: r.discoveries.map((d) => [d.kind, d.violation.invariant, d.trace.steps.length]),
  };
}

/** The trace replays on `model` without reduction: each action enabled, each state its successor. */
function replaysUnreduced(model: Model<Int32Array, number>, trace: Trace<Int32Array, number>): boolean {
  let state = model.initialStates()[0]!;
  if (fingerprintHex(model.fingerprint(state)) !== fingerprintHex(model.fingerprint(trace.initial)))
    return false;
  for (const step of trace.steps) {
    if (!model.actions(state).includes(step.action)) return false;
    state = model.next(state, step.action);
    if (fingerprintHex(model.fingerprint(state)) !== fingerprintHex(model.fingerprint(step.state)))
      return false;
  }
  return true;
}

const all = { stopAtFirst: false } as const;
const reduced = { stopAtFirst: false, partialOrder: true } as const;

describe('partial-order reduction on hand-made models (counts worked out in porModels.ts)', () => {
  it('should explore one counter at a time: n*k + 1 states of (k+1)^n', () => {
    expect(checkBfs(counters(3, 2), all).stats.distinctStates).toBe(27);
    const r = checkBfs(counters(3, 2), reduced);
    expect(r.status).toBe('ok');
    expect(r.stats.distinctStates).toBe(7);
    // (0,0,0), (1,0,0) leave out 2 actions each, (2,0,0), (2,1,0) one each.
    expect(r.stats.partialOrder).toEqual({ reducedStates: 4, skippedActions: 6 });
    expect(checkBfs(counters(4, 3), reduced).stats.distinctStates).toBe(13);
    expect(checkBfs(counters(4, 3), all).stats.distinctStates).toBe(256);
  });

  it('should keep every deadlock (C0, C1)', () => {
    const full = checkBfs(counters(3, 2, true), all);
    const r = checkBfs(counters(3, 2, true), reduced);
    expect(full.discoveries.map((d) => d.kind)).toEqual(['deadlock']);
    expect(r.discoveries.map((d) => d.kind)).toEqual(['deadlock']);
    expect(r.discoveries[0]!.trace.steps.at(-1)!.state).toEqual(Int32Array.of(2, 2, 2));
  });

  it('should keep a violation that needs visible actions (C2), with a trace that replays unreduced', () => {
    const full = checkBfs(watchedCounters(), all);
    const r = checkBfs(watchedCounters(), reduced);
    expect(outline(full)).toMatchObject({
      status: 'violation',
      distinct: 27,
      discoveries: [['always', 'notX0ZeroX1One', 1]],
    });
    expect(outline(r)).toMatchObject({
      status: 'violation',
      distinct: 11,
      discoveries: [['always', 'notX0ZeroX1One', 3]],
    });
    expect(replaysUnreduced(watchedCounters(), r.discoveries[0]!.trace)).toBe(true);
  });

  it('should miss that violation without C2 (visibility): the equal-verdict check fails', () => {
    const r = checkBfs(watchedCounters({ ignoreVisibility: true }), reduced);
    expect(r.stats.distinctStates).toBe(7);
    expect(r.status).toBe('ok');
    expect(r.status).not.toBe(checkBfs(watchedCounters(), all).status);
  });

  it('should fully expand a state whose reduced set closes a cycle (C3), and miss the violation without it', () => {
    expect(outline(checkBfs(flipper(), all))).toMatchObject({ status: 'violation', distinct: 4 });
    const r = checkBfs(flipper(), reduced);
    expect(outline(r)).toMatchObject({
      status: 'violation',
      distinct: 4,
      partialOrder: { reducedStates: 1, skippedActions: 1 },
      discoveries: [['always', 'bIsZero', 2]],
    });
    expect(replaysUnreduced(flipper(), r.discoveries[0]!.trace)).toBe(true);
    const ignoring = checkBfs(flipper(), { ...reduced, partialOrder: 'no-cycle-proviso' });
    expect(outline(ignoring)).toMatchObject({ status: 'ok', distinct: 2 });
  });

  it('should not reduce across a declared dependency (C1), and miss the violation when it is left out', () => {
    expect(outline(checkBfs(copier(), all))).toMatchObject({ status: 'violation', distinct: 5 });
    expect(outline(checkBfs(copier(), reduced))).toMatchObject({
      status: 'violation',
      distinct: 5,
      partialOrder: { reducedStates: 0, skippedActions: 0 },
    });
    expect(outline(checkBfs(copier(true), reduced))).toMatchObject({ status: 'ok', distinct: 3 });
  });

  it('should give the progress check (AG EF final) the same verdict on the reduced graph', () => {
    const progress = { ...all, progress: true } as const;
    const trapFull = checkBfs(finisher(true), progress);
    const trapReduced = checkBfs(finisher(true), { ...progress, partialOrder: true });
    expect(outline(trapFull)).toMatchObject({ status: 'violation', distinct: 36 });
    expect(outline(trapReduced)).toMatchObject({ status: 'violation', distinct: 8 });
    for (const r of [trapFull, trapReduced]) {
      expect(r.discoveries.map((d) => [d.kind, 'livelock' in d.violation.details])).toEqual([
        ['deadlock', true],
      ]);
    }
    expect(trapFull.discoveries[0]!.violation.details.stuckStates).toBe(18);
    expect(trapReduced.discoveries[0]!.violation.details.stuckStates).toBe(2);
    expect(replaysUnreduced(finisher(true), trapReduced.discoveries[0]!.trace)).toBe(true);
    expect(outline(checkBfs(finisher(false), progress))).toMatchObject({ status: 'ok', distinct: 18 });
    expect(outline(checkBfs(finisher(false), { ...progress, partialOrder: true }))).toMatchObject({
      status: 'ok',
      distinct: 6,
    });
  });

  it('should give the same traces with either trace store', () => {
    for (const model of [watchedCounters(), flipper(), finisher(true)]) {
      const traces = (r: Result) => r.discoveries.map((d) => d.trace.steps.map((s) => s.action));
      const options = { ...reduced, progress: true } as const;
      expect(traces(checkBfs(model, { ...options, traceStore: 'parents' }))).toEqual(
        traces(checkBfs(model, options)),
      );
    }
  });

  it('should not reduce under a depth bound, nor when not asked', () => {
    expect(checkBfs(counters(3, 2), { ...reduced, maxDepth: 10 }).stats).not.toHaveProperty('partialOrder');
    expect(checkBfs(counters(3, 2), all).stats).not.toHaveProperty('partialOrder');
    expect(checkBfs(counters(3, 2), { ...reduced, maxDepth: 10 }).stats.distinctStates).toBe(27);
  });

  it.each<[string, number[]]>([
    ['counters', [3, 2, 0]],
    ['counters', [3, 2, 1]],
    ['watchedCounters', [0]],
    ['flipper', []],
    ['copier', [0]],
    ['finisher', [1]],
    ['finisher', [0]],
  ])('should give checkBfs results on 1 and 2 threads: %s %j', async (name, args) => {
    const model = porModel(name, ...args);
    for (const stopAtFirst of [true, false]) {
      const options = { stopAtFirst, progress: true, partialOrder: true } as const;
      const bfs = checkBfs(model, options);
      const traces = (r: Pick<Result, 'discoveries'>) =>
        r.discoveries.map((d) => d.trace.steps.map((s) => s.action));
      for (const [threads, workers] of [
        [{ workers: 1 }, 1],
        [{ pool, parallelFromStates: 0 }, 2],
      ] as const) {
        const parallel = await checkParallel(porSpec(name, ...args), { ...options, ...threads });
        expect(parallel.stats.workers).toBe(workers);
        expect(outline(parallel)).toEqual(outline(bfs));
        expect(traces(parallel)).toEqual(traces(bfs));
      }
    }
  });
});
