/**
 * Traces rebuilt by re-exploration (`traceStore: 'rerun'`, the default) against traces replayed from
 * a parent store (`'parents'`): the same shortest traces, the same results, less memory.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintString, type Model, VmcheckError } from '../model/core/index.ts';
import { type BfsOptions, type BfsResult, checkBfs } from './bfs.ts';
import { rerunTraces } from './rerunTraces.ts';
import {
  always,
  counter,
  deadlock,
  type Edge,
  graph,
  grid,
  ringWithBug,
  sometimes,
  throwingCounter,
  torus,
  twoPhaseCommit,
} from './testing/tinyModels.ts';
import { actionNames, counts, isValidTrace, stateView, withoutTiming } from './testing/views.ts';

/** A result without what differs by trace store: timing, memory figures and bytes per state. */
function comparable(result: BfsResult<unknown, unknown>) {
  const { memory: _memory, ...rest } = withoutTiming(result);
  const { bytesPerState: _bytes, ...stats } = rest.stats;
  return { ...rest, stats };
}

function bothStores<S, A>(model: Model<S, A>, options: BfsOptions = {}) {
  return {
    rerun: checkBfs(model, { ...options, traceStore: 'rerun' }),
    parents: checkBfs(model, { ...options, traceStore: 'parents' }),
  };
}

/**
 * Both stores and `auto`: as by default (parents kept to the end on these small models) and with
 * its limit at `limit` states, so the store is let go mid-run and the rest rebuilt by rerun.
 */
function allStores<S, A>(model: Model<S, A>, options: BfsOptions = {}, limit = 2) {
  return {
    ...bothStores(model, options),
    auto: checkBfs(model, options),
    autoCut: checkBfs(model, { ...options, traceStore: 'auto', autoParentsLimit: limit }),
  };
}

const corner = (width: number, height: number) => ({
  ...grid(width, height),
  properties: [always('notCorner', (p: { x: number; y: number }) => p.x < width - 1 || p.y < height - 1)],
});

const cases: Record<string, () => { model: Model<never, never>; options?: BfsOptions }> = {
  'ring bug 7': () => ({ model: ringWithBug(40, 7) as never }),
  'ring bug 21, all': () => ({ model: ringWithBug(50, 21) as never, options: { stopAtFirst: false } }),
  'violating initial state': () => ({ model: counter(3, [always('nonZero', (s) => s !== 0)]) as never }),
  deadlock: () => ({ model: deadlock() as never }),
  'counter witnesses': () => ({
    model: counter(6, [
      sometimes('reachesFour', (s) => s === 4),
      sometimes('reachesSix', (s) => s === 6),
    ]) as never,
  }),
  'two-phase commit witnesses': () => ({ model: twoPhaseCommit(3) as never }),
  'two-phase commit 4, all': () => ({ model: twoPhaseCommit(4) as never, options: { stopAtFirst: false } }),
  'grid corner': () => ({ model: corner(9, 7) as never }),
  'grid corner beyond maxDepth': () => ({ model: corner(9, 7) as never, options: { maxDepth: 10 } }),
  'ring bug with maxStates': () => ({
    model: ringWithBug(40, 9) as never,
    options: { stopAtFirst: false, maxStates: 12 },
  }),
  'model throws after a discovery': () => ({
    model: { ...throwingCounter(10, 5), properties: [always('notTwo', (s: number) => s !== 2)] } as never,
    options: { stopAtFirst: false },
  }),
};

describe('checkBfs trace stores', () => {
  it.each(Object.keys(cases))(
    'should give the same result and traces with rerun as with parents: %s',
    (name) => {
      const { model, options } = cases[name]!();
      const { rerun, parents, auto, autoCut } = allStores(model, options);
      expect(comparable(rerun)).toEqual(comparable(parents));
      expect(comparable(auto)).toEqual(comparable(parents));
      expect(comparable(autoCut)).toEqual(comparable(parents));
      expect(auto.memory.traceStore).toBe('parents');
      expect(autoCut.memory.traceStore).toBe(rerun.stats.distinctStates > 2 ? 'rerun' : 'parents');
      expect(rerun.memory.traceStore).toBe('rerun');
      expect(parents.memory.traceStore).toBe('parents');
      expect(parents.memory.rerunStates).toBe(0);
      const found = rerun.discoveries.length + rerun.sometimes.filter((s) => s.reached).length;
      if (found > 0) expect(rerun.memory.rerunStates).toBeGreaterThan(0);
      for (const { trace } of rerun.discoveries) expect(isValidTrace(model, trace)).toBe(true);
    },
  );

  it('should give the same traces with either store on random graphs, bounds and properties', () => {
    const node = (i: number) => `n${i}`;
    const spec = fc.integer({ min: 1, max: 12 }).chain((size) =>
      fc.record({
        size: fc.constant(size),
        initial: fc.uniqueArray(fc.nat({ max: size - 1 }), { minLength: 1, maxLength: 3 }),
        edges: fc.array(fc.array(fc.nat({ max: size - 1 }), { maxLength: 3 }), {
          minLength: size,
          maxLength: size,
        }),
        final: fc.array(fc.boolean(), { minLength: size, maxLength: size }),
        bad: fc.array(fc.nat({ max: size - 1 }), { maxLength: 3 }),
        wanted: fc.array(fc.nat({ max: size - 1 }), { maxLength: 2 }),
        stopAtFirst: fc.boolean(),
        maxDepth: fc.option(fc.nat({ max: 6 }), { nil: undefined }),
        maxStates: fc.option(fc.nat({ max: 12 }), { nil: undefined }),
        cut: fc.nat({ max: 12 }),
      }),
    );
    fc.assert(
      fc.property(spec, (s) => {
        const model = graph({
          name: 'random',
          initial: s.initial.map(node),
          edges: Object.fromEntries(
            s.edges.map((out, from) => [node(from), out.map((to, k) => [`e${k}`, node(to)] as const)]),
          ),
          final: s.final.flatMap((isFinal, i) => (isFinal ? [node(i)] : [])),
          properties: [
            ...s.bad.map((b, k) => always(`not${k}`, (n: string) => n !== node(b))),
            ...s.wanted.map((w, k) => sometimes(`reaches${k}`, (n: string) => n === node(w))),
          ],
        });
        const options = { stopAtFirst: s.stopAtFirst, maxDepth: s.maxDepth, maxStates: s.maxStates };
        const { rerun, parents, autoCut } = allStores(model, options, s.cut);
        expect(comparable(rerun)).toEqual(comparable(parents));
        expect(comparable(autoCut)).toEqual(comparable(parents));
      }),
      { numRuns: 300 },
    );
  });

  it('should hold at most 16 bytes a visited state by default on a million-state model', () => {
    const { rerun, parents } = bothStores(torus(1024, 1024));
    expect(rerun.stats.distinctStates).toBe(1024 * 1024);
    expect(rerun.stats.bytesPerState).toBeLessThanOrEqual(16);
    expect(rerun.stats.bytesPerState).toBeGreaterThan(10.6);
    // Bytes a state count the table and the frontier (the queue's slots: number states hold no more).
    const held = rerun.memory.visitedBytes + rerun.memory.peakFrontierBytes;
    expect(held / rerun.stats.distinctStates).toBeCloseTo(rerun.stats.bytesPerState!, 2);
    expect(rerun.memory.peakFrontierBytes).toBe(1024 * 8);
    // The parent store adds 5 bytes a state (and a partly filled last chunk).
    expect(parents.stats.bytesPerState! - rerun.stats.bytesPerState!).toBeGreaterThanOrEqual(5);
    expect(parents.stats.bytesPerState! - rerun.stats.bytesPerState!).toBeLessThan(5.1);
    // The frontier of the torus is at most one anti-diagonal: 1024 states.
    expect(rerun.memory.peakFrontier).toBe(1024);
    expect(rerun.memory.rerunStates).toBe(0);
    // By default (`auto`) the parent store is let go past 2^18 states: the table alone is held.
    const auto = checkBfs(torus(1024, 1024));
    expect(auto.memory.traceStore).toBe('rerun');
    expect(auto.stats.bytesPerState).toBe(rerun.stats.bytesPerState);
  });

  it('should rebuild a deadlock trace by rerun, naming its depth', () => {
    const model = deadlock();
    const result = checkBfs(model, { traceStore: 'rerun' });
    expect(result.memory.traceStore).toBe('rerun');
    expect(result.discoveries).toHaveLength(1);
    const [found] = result.discoveries;
    expect(found!.kind).toBe('deadlock');
    expect(found!.violation.message).toBe(
      'deadlock after 2 steps: no action is enabled and the state is not final',
    );
    expect(found!.violation.details).toEqual({ depth: 2 });
    expect(stateView(model, found!.trace)).toEqual(['start', 'left', 'stuck']);
  });

  it('should rebuild shortest sometimes witnesses by rerun, one re-exploration for all of them', () => {
    const model = twoPhaseCommit(3);
    const result = checkBfs(model, { traceStore: 'rerun' });
    const witnesses = result.sometimes.map((s) => [s.property, actionNames(model, s.trace!)]);
    // Three managers abort on their own in 3 steps; a commit takes 3 prepares, 3 receipts, the
    // decision and 3 deliveries: 10 steps.
    expect(witnesses).toEqual([
      ['abortAgreement', ['rm.chooseToAbort', 'rm.chooseToAbort', 'rm.chooseToAbort']],
      [
        'commitAgreement',
        [
          'rm.prepare',
          'tm.rcvPrepared',
          'rm.prepare',
          'tm.rcvPrepared',
          'rm.prepare',
          'tm.rcvPrepared',
          'tm.commit',
          'rm.rcvCommit',
          'rm.rcvCommit',
          'rm.rcvCommit',
        ],
      ],
    ]);
    // One rebuild re-explores no more than the run itself found.
    expect(result.memory.rerunStates).toBeLessThanOrEqual(counts(result).distinct);
  });

  it('should share one rebuilt trace between properties broken in the same state', () => {
    const model = counter(4, [always('notTwo', (s) => s !== 2), always('belowTwo', (s) => s < 2)]);
    const { discoveries, memory } = checkBfs(model, { traceStore: 'rerun' });
    expect(discoveries[0]!.trace).toBe(discoveries[1]!.trace);
    expect(discoveries[0]!.trace.steps).toHaveLength(2);
    expect(memory.rerunStates).toBe(3);
  });

  it('should re-explore only down to the level of the discovery, stopping once it is reached', () => {
    // Bug 7 in a ring of 40: 8 states found by the run, the last of them the bug.
    const result = checkBfs(ringWithBug(40, 7), { traceStore: 'rerun' });
    expect(counts(result).distinct).toBe(8);
    expect(result.memory.rerunStates).toBe(8);
  });

  it('should blame the model and leave out the discovery when a rerun does not reach it again', () => {
    // `a` leads to `b` on the first call only: the run breaks notB, the rerun never meets `b`.
    const base = graph({
      name: 'forgetful',
      initial: ['a'],
      edges: { a: [['to.b', 'b']], c: [] },
      final: ['b', 'c'],
      properties: [always('notB', (s) => s !== 'b')],
    });
    let calls = 0;
    const model: Model<string, Edge> = {
      ...base,
      actions: (state) => (state === 'a' && calls++ > 0 ? [{ name: 'to.c', to: 'c' }] : base.actions(state)),
      fingerprint: fingerprintString,
    };
    const result = checkBfs(model, { traceStore: 'rerun' });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('nondeterministic-model');
    expect(result.error?.message).toMatch(/did not reach state [0-9a-f]{16} again/);
    expect(result.discoveries).toEqual([]);
  });

  it('should reject an unknown trace store with a coded error', () => {
    expect(() => checkBfs(counter(3), { traceStore: 'disk' as never })).toThrow(/traceStore must be/);
  });
});

describe('rerunTraces', () => {
  it('should rebuild traces for targets in any order, initial states and repeats included', () => {
    const model = ringWithBug(40, 30);
    const fp = (state: number) => model.fingerprint(state);
    const { traces, statesExplored } = rerunTraces(model, [
      { fingerprint: fp(5), depth: 3 },
      { fingerprint: fp(0), depth: 0 },
      { fingerprint: fp(5), depth: 3 },
      { fingerprint: fp(2), depth: 1 },
    ]);
    const views = traces.map((t) => ('trace' in t ? stateView(model, t.trace) : t.error));
    expect(views).toEqual([[0, 1, 3, 5], [0], [0, 1, 3, 5], [0, 2]]);
    // Levels 0..2 hold nodes 0..4; node 5 is the first found on level 3.
    expect(statesExplored).toBe(6);
  });

  it('should report a target at the wrong depth as a nondeterministic model', () => {
    const model = ringWithBug(40, 30);
    const [outcome] = rerunTraces(model, [{ fingerprint: model.fingerprint(2), depth: 2 }]).traces;
    expect(outcome).toEqual({ error: expect.any(VmcheckError) });
    expect((outcome as { error: VmcheckError }).error.message).toMatch(/at depth 1, not 2/);
  });

  it('should do nothing for no targets', () => {
    expect(rerunTraces(counter(3), [])).toEqual({ traces: [], statesExplored: 0 });
  });
});

describe('checkBfs without witness traces', () => {
  it('should report sometimes properties as reached without rebuilding their traces', () => {
    const model = counter(6, [
      sometimes('reachesFour', (s) => s === 4),
      sometimes('reachesSix', (s) => s === 6),
    ]);
    const withTraces = checkBfs(model, { traceStore: 'rerun' });
    const without = checkBfs(model, { witnessTraces: false, traceStore: 'rerun' });
    expect(without.sometimes).toEqual(
      withTraces.sometimes.map((s) => ({ property: s.property, reached: s.reached })),
    );
    expect(without.memory.rerunStates).toBe(0);
    expect(withTraces.memory.rerunStates).toBeGreaterThan(0);
  });

  it('should still rebuild the traces of violations', () => {
    const model = ringWithBug(50, 21);
    const without = checkBfs(model, { witnessTraces: false, stopAtFirst: false, traceStore: 'rerun' });
    const withTraces = checkBfs(model, { stopAtFirst: false, traceStore: 'rerun' });
    expect(without.discoveries).toEqual(withTraces.discoveries);
  });
});
