import { describe, expect, it } from 'vitest';
import { type Model, VmcheckError } from '../model/core/index.ts';
import { nextRunSeed, simulate } from './simulate.ts';
import {
  always,
  counter,
  deadlock,
  ringWithBug,
  sometimes,
  throwingCounter,
  torus,
  twoPhaseCommit,
} from './testing/tinyModels.ts';
import { fakeClock, isValidTrace, withoutTiming } from './testing/views.ts';

describe('simulate', () => {
  it('should report ok, sampled and not exhaustive, when no walk breaks a property', () => {
    const result = simulate(twoPhaseCommit(3), { runs: 50, depth: 20, seed: 7 });
    expect(result.status).toBe('ok');
    expect(result.strategy).toBe('simulation');
    expect(result.exhaustive).toBe(false);
    expect(result.runsCompleted).toBe(50);
    expect(result.seed).toBe(7);
    expect(result.stats.distinctStates).toBeGreaterThan(1);
    expect(result.stats.distinctStates).toBeLessThanOrEqual(288);
  });

  it('should find a bug and record the seed that replays its walk alone', () => {
    const model = ringWithBug(30, 9);
    const result = simulate(model, { runs: 200, depth: 40, seed: 12345 });
    expect(result.status).toBe('violation');
    const [found] = result.discoveries;
    expect(found!.violation.invariant).toBe('neverReachesBug');
    expect(isValidTrace(model, found!.trace)).toBe(true);
    expect(found!.trace.steps.at(-1)?.state).toBe(9);

    let seed = 12345;
    for (let run = 0; run < found!.run; run++) seed = nextRunSeed(seed);
    expect(found!.seed).toBe(seed);

    const replay = simulate(model, { runs: 1, seed: found!.seed, depth: 40 });
    expect(replay.discoveries).toHaveLength(1);
    expect(replay.discoveries[0]!.trace).toEqual(found!.trace);
    expect(replay.discoveries[0]!.run).toBe(0);
    expect(replay.discoveries[0]!.seed).toBe(found!.seed);
  });

  it('should replay any walk of a run, not only the first', () => {
    const model = ringWithBug(1000, 500);
    const all = simulate(model, { runs: 10, depth: 30, seed: 99, checkDeadlocks: false });
    const walks = [0, 3, 9].map((run) => {
      let seed = 99;
      for (let i = 0; i < run; i++) seed = nextRunSeed(seed);
      return withoutTiming(simulate(model, { runs: 1, depth: 30, seed, now: () => 0 }));
    });
    expect(all.status).toBe('ok');
    // Each walk alone covers part of what the ten covered together.
    for (const walk of walks) {
      expect(walk.stats.statesGenerated).toBe(31);
      expect(walk.stats.distinctStates).toBeLessThanOrEqual(all.stats.distinctStates);
    }
    expect(all.stats.statesGenerated).toBe(310);
  });

  it('should be deterministic for a seed', () => {
    const options = { runs: 30, depth: 25, seed: 4, now: () => 0 };
    expect(simulate(twoPhaseCommit(3), options)).toEqual(simulate(twoPhaseCommit(3), options));
    expect(simulate(ringWithBug(30, 13), options)).toEqual(simulate(ringWithBug(30, 13), options));
  });

  it('should pick uniformly among enabled actions', () => {
    const { stats } = simulate(torus(1000, 1000), { runs: 20, depth: 200, seed: 1 });
    expect(stats.neverFired).toEqual([]);
    const share = stats.actionCoverage['x.inc']! / (stats.statesGenerated - 20);
    expect(share).toBeGreaterThan(0.45);
    expect(share).toBeLessThan(0.55);
  });

  it('should rarely reach states that need many specific choices, so it is no proof', () => {
    // Committing needs every manager to prepare before the manager aborts: few walks get there.
    const { stats } = simulate(twoPhaseCommit(3), { runs: 200, depth: 30, seed: 1 });
    expect(stats.neverFired).toEqual(['tm.commit', 'rm.rcvCommit']);
  });

  it('should report a deadlock met by a walk, and not a final state', () => {
    const result = simulate(deadlock(), { runs: 20, depth: 10, seed: 3 });
    expect(result.status).toBe('violation');
    expect(result.discoveries[0]!.kind).toBe('deadlock');
    expect(result.discoveries[0]!.trace.steps.map((s) => s.state)).toEqual(['left', 'stuck']);
    expect(simulate({ ...deadlock(), isFinal: () => true }, { runs: 20, depth: 10, seed: 3 }).status).toBe(
      'ok',
    );
  });

  it('should record sometimes witnesses and never-reached ones', () => {
    const model = counter(5, [
      sometimes('reachesThree', (s) => s === 3),
      sometimes('reachesNine', (s) => s === 9),
    ]);
    const result = simulate(model, { runs: 3, depth: 6, seed: 0 });
    expect(result.sometimes.map(({ property, reached }) => [property, reached])).toEqual([
      ['reachesThree', true],
      ['reachesNine', false],
    ]);
    expect(result.sometimes[0]!.trace!.steps).toHaveLength(3);
  });

  it('should end each walk after depth steps', () => {
    const result = simulate(counter(100), { runs: 4, depth: 10, seed: 0 });
    expect(result.stats.maxDepth).toBe(10);
    expect(result.stats.statesGenerated).toBe(44);
  });

  it('should go on after a discovery with stopAtFirst false, one per property', () => {
    const model = counter(10, [always('belowThree', (s) => s < 3), always('belowFive', (s) => s < 5)]);
    const result = simulate(model, { runs: 5, depth: 9, seed: 0, stopAtFirst: false });
    expect(result.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length, d.run])).toEqual([
      ['belowThree', 3, 0],
      ['belowFive', 5, 0],
    ]);
    // Deadlocks are still being looked for, so every walk is made...
    expect(result.runsCompleted).toBe(5);
    // ...unless nothing is left to find.
    expect(
      simulate(model, { runs: 5, depth: 9, stopAtFirst: false, checkDeadlocks: false }).runsCompleted,
    ).toBe(1);
  });

  /** Steps to the first state of each walk of a run (seed chain from `seed`) where `hit` holds. */
  function hitDepths<S, A>(
    model: Model<S, A>,
    runs: number,
    depth: number,
    seed: number,
    hit: (s: S) => boolean,
  ) {
    const depths: (number | undefined)[] = [];
    for (let run = 0, s = seed; run < runs; run++, s = nextRunSeed(s)) {
      const walk = simulate(
        { ...model, properties: [always<S>('hit', (state) => !hit(state))] },
        { runs: 1, depth, seed: s, checkDeadlocks: false },
      );
      depths.push(walk.discoveries[0]?.trace.steps.length);
    }
    return depths;
  }

  it("should keep each property's shortest violating walk with keep: 'shortest', with that walk's seed", () => {
    const model = ringWithBug(30, 9);
    const options = { runs: 200, depth: 40, seed: 12345 } as const;
    const depths = hitDepths(model, options.runs, options.depth, options.seed, (s) => s === 9);
    const shortest = Math.min(...depths.filter((d) => d !== undefined));
    const firstRun = depths.findIndex((d) => d !== undefined);
    // The first violating walk is not a shortest one here, so keeping the first would be wrong.
    expect(depths[firstRun]).toBeGreaterThan(shortest);

    const result = simulate(model, { ...options, keep: 'shortest' });
    expect(result.runsCompleted).toBe(options.runs);
    expect(result.discoveries).toHaveLength(1);
    const [found] = result.discoveries;
    expect(found!.trace.steps).toHaveLength(shortest);
    expect(found!.run).toBe(depths.indexOf(shortest));
    expect(isValidTrace(model, found!.trace)).toBe(true);
    const alone = simulate(model, { runs: 1, depth: options.depth, seed: found!.seed });
    expect(alone.discoveries[0]!.trace).toEqual(found!.trace);
    // The default still keeps the first walk's discovery.
    expect(simulate(model, options).discoveries[0]!.trace.steps).toHaveLength(depths[firstRun]!);
  });

  it("should keep the shortest of several properties and deadlocks with keep: 'shortest'", () => {
    const model = counter(10, [always('belowThree', (s) => s < 3), always('belowFive', (s) => s < 5)]);
    const result = simulate(model, { runs: 5, depth: 9, seed: 0, keep: 'shortest' });
    expect(result.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length])).toEqual([
      ['belowThree', 3],
      ['belowFive', 5],
    ]);
    const ring = ringWithBug(30, 9);
    const stuck = {
      ...ring,
      properties: [],
      isFinal: () => false,
      actions: (s: number) => (s === 9 ? [] : ring.actions(s)),
    };
    const depths = hitDepths(ring, 200, 40, 12345, (s) => s === 9);
    const dead = simulate(stuck, { runs: 200, depth: 40, seed: 12345, keep: 'shortest' });
    expect(dead.discoveries.map((d) => [d.kind, d.trace.steps.length])).toEqual([
      ['deadlock', Math.min(...depths.filter((d) => d !== undefined))],
    ]);
    expect(() => simulate(model, { runs: 1, depth: 1, keep: 'last' as 'first' })).toThrow(/keep/);
  });

  it('should be incomplete when the clock runs out before every walk was made', () => {
    const result = simulate(counter(10), { runs: 100, depth: 5, seed: 0, timeoutMs: 10, now: fakeClock(1) });
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('timeout');
    expect(result.runsCompleted).toBeLessThan(100);
  });

  it('should return an error result when the model throws', () => {
    const result = simulate(throwingCounter(10, 2), { runs: 3, depth: 5, seed: 0 });
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('model-threw');
  });

  it('should reject invalid options with a coded error', () => {
    expect(() => simulate(counter(3), { runs: -1, depth: 3 })).toThrow(VmcheckError);
    expect(() => simulate(counter(3), { runs: 1, depth: 2.5 })).toThrow(/depth/);
    expect(() => simulate(counter(3), { runs: 1, depth: 2, seed: 2 ** 40 })).toThrow(/seed/);
  });

  it('should take a negative 32-bit seed as its unsigned twin', () => {
    const options = { runs: 5, depth: 10, now: () => 0 };
    const signed = simulate(twoPhaseCommit(3), { ...options, seed: -1 });
    expect(signed.seed).toBe(0xffffffff);
    expect(signed).toEqual(simulate(twoPhaseCommit(3), { ...options, seed: 0xffffffff }));
  });
});

describe('nextRunSeed', () => {
  it('should give distinct 32-bit seeds along a chain', () => {
    const seen = new Set<number>();
    let seed = 0;
    for (let i = 0; i < 10_000; i++) {
      seed = nextRunSeed(seed);
      expect(seed).toBeGreaterThanOrEqual(0);
      expect(seed).toBeLessThan(2 ** 32);
      seen.add(seed);
    }
    expect(seen.size).toBe(10_000);
  });
});
