import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { lastState, replayIndices, VmcheckError } from '../model/core/index.ts';
import { pathFromChoices } from './actionPath.ts';
import { pathArbitrary, traceArbitrary } from './arbitraries.ts';
import { deadlock, graph, ringWithBug, twoPhaseCommit } from './testing/tinyModels.ts';
import { isValidTrace } from './testing/views.ts';

describe('pathArbitrary', () => {
  it('should only produce paths that replay, no longer than asked', () => {
    const model = twoPhaseCommit(3);
    fc.assert(
      fc.property(pathArbitrary(model, 25), (path) => {
        expect(path.actionIndices.length).toBeLessThanOrEqual(25);
        expect(() => replayIndices(model, path.initialIndex, path.actionIndices)).not.toThrow();
      }),
      { numRuns: 200 },
    );
  });

  it('should stop a path where no action is enabled', () => {
    fc.assert(
      fc.property(pathArbitrary(deadlock(), 10), (path) => {
        expect(path.actionIndices.length).toBeLessThanOrEqual(2);
      }),
      { numRuns: 100 },
    );
  });

  it('should pick among several initial states', () => {
    const model = graph({ name: 'two-starts', initial: ['a', 'b'], edges: { a: [['to.b', 'b']] } });
    const starts = fc.sample(pathArbitrary(model, 3), { numRuns: 200, seed: 5 }).map((p) => p.initialIndex);
    expect(new Set(starts)).toEqual(new Set([0, 1]));
  });

  it('should shrink a failing path to a short one that still fails', () => {
    const model = ringWithBug(50, 7);
    const [property] = model.properties;
    const details = fc.check(
      fc.property(pathArbitrary(model, 40), (path) => {
        const trace = replayIndices(model, path.initialIndex, path.actionIndices);
        return [trace.initial, ...trace.steps.map((s) => s.state)].every(
          (state) => property!.check(state) === undefined,
        );
      }),
      { seed: 42, numRuns: 2000 },
    );
    expect(details.failed).toBe(true);
    const [shrunk] = details.counterexample!;
    // The shortest path to node 7 has 4 steps; shrinking gets within a step or two of it.
    expect(shrunk.actionIndices.length).toBeLessThanOrEqual(6);
    expect(lastState(replayIndices(model, shrunk.initialIndex, shrunk.actionIndices))).toBe(7);
  });
});

describe('traceArbitrary', () => {
  it('should produce valid traces equal to the replay of their path', () => {
    const model = twoPhaseCommit(3);
    fc.assert(
      fc.property(fc.nat(), fc.array(fc.nat(), { maxLength: 20 }), (initial, choices) => {
        const { path, trace } = pathFromChoices(model, initial, choices);
        expect(trace).toEqual(replayIndices(model, path.initialIndex, path.actionIndices));
      }),
      { numRuns: 100 },
    );
    fc.assert(
      fc.property(traceArbitrary(model, 20), (trace) => {
        expect(trace.steps.length).toBeLessThanOrEqual(20);
        expect(isValidTrace(model, trace)).toBe(true);
      }),
      { numRuns: 100 },
    );
  });

  it('should refuse a model without initial states with a coded error', () => {
    const model = graph({ name: 'empty', initial: [], edges: {} });
    expect(() => pathFromChoices(model, 0, [])).toThrow(VmcheckError);
  });
});
