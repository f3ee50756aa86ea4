import { describe, expect, it } from 'vitest';
import { fingerprintString, lastState, type Model, replayIndices } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import {
  always,
  counter,
  deadlock,
  graph,
  ringWithBug,
  sometimes,
  throwingCounter,
} from './testing/tinyModels.ts';
import { actionNames, counts, stateView } from './testing/views.ts';

describe('checkBfs', () => {
  it("should step through the model's scratch step while it stands for `next`, and keep only new states", () => {
    const base = counter(5);
    const kept: number[] = [];
    let into = 0;
    const model: Model<number, 'counter.inc'> = {
      ...base,
      scratch: {
        next: base.next,
        into: (state, action) => {
          into++;
          return base.next(state, action);
        },
        keep: (state) => {
          kept.push(state);
          return state;
        },
      },
    };
    expect(counts(checkBfs(model))).toEqual({ generated: 6, distinct: 5, maxDepth: 4 });
    expect(into).toBe(5);
    expect(kept).toEqual([1, 2, 3, 4]);
  });

  it('should not use a scratch step that stands for another `next` (a wrapper replaced it)', () => {
    const base = counter(5);
    const model: Model<number, 'counter.inc'> = {
      ...base,
      next: (state) => (state + 2) % 5,
      scratch: { next: base.next, into: () => 0, keep: (state) => state },
    };
    expect(counts(checkBfs(model))).toEqual({ generated: 6, distinct: 5, maxDepth: 4 });
  });

  it('should find a shortest counterexample: skips, with one step first when the bug is odd', () => {
    const model = ringWithBug(40, 7);
    const result = checkBfs(model);
    expect(result.status).toBe('violation');
    expect(result.discoveries).toHaveLength(1);
    const [found] = result.discoveries;
    expect(found!.kind).toBe('always');
    expect(found!.violation.invariant).toBe('neverReachesBug');
    expect(actionNames(model, found!.trace)).toEqual(['ring.step', 'ring.skip', 'ring.skip', 'ring.skip']);
    expect(stateView(model, found!.trace)).toEqual([0, 1, 3, 5, 7]);
    // States 0..7 found; 2·7 - 1 generated when 7 is reached by skipping from 5.
    expect(counts(result)).toEqual({ generated: 13, distinct: 8, maxDepth: 4 });
  });

  it.each([2, 5, 10, 21])('should reach bug %i in ceil(bug/2) steps, the shortest path', (bug) => {
    const { discoveries } = checkBfs(ringWithBug(50, bug));
    expect(discoveries[0]!.trace.steps).toHaveLength(Math.ceil(bug / 2));
  });

  it('should give traces that replay to the violating state', () => {
    const model = ringWithBug(40, 9);
    const { trace } = checkBfs(model).discoveries[0]!;
    const replayed = replayIndices(
      model,
      0,
      trace.steps.map((step, i) =>
        model.actions(i === 0 ? trace.initial : trace.steps[i - 1]!.state).indexOf(step.action),
      ),
    );
    expect(lastState(replayed)).toBe(9);
    expect(replayed).toEqual(trace);
  });

  it('should report a violating initial state with an empty trace', () => {
    const model = counter(3, [always('nonZero', (state) => state !== 0)]);
    const result = checkBfs(model);
    expect(result.status).toBe('violation');
    expect(result.discoveries[0]!.trace).toEqual({ initial: 0, steps: [] });
    expect(counts(result)).toEqual({ generated: 1, distinct: 1, maxDepth: 0 });
  });

  it('should report a state with no action that is not final as a deadlock, with a shortest trace', () => {
    const model = deadlock();
    const result = checkBfs(model);
    expect(result.status).toBe('violation');
    expect(result.discoveries).toEqual([
      {
        kind: 'deadlock',
        violation: {
          invariant: 'progress',
          message: 'deadlock after 2 steps: no action is enabled and the state is not final',
          details: { depth: 2 },
        },
        trace: expect.anything(),
      },
    ]);
    expect(stateView(model, result.discoveries[0]!.trace)).toEqual(['start', 'left', 'stuck']);
    expect(counts(result)).toEqual({ generated: 4, distinct: 4, maxDepth: 2 });
  });

  it('should not report a final state with no action as a deadlock', () => {
    const model = deadlock();
    expect(checkBfs({ ...model, isFinal: () => true }).status).toBe('ok');
  });

  it('should skip deadlock detection when asked', () => {
    expect(checkBfs(deadlock(), { checkDeadlocks: false }).status).toBe('ok');
  });

  it('should record a shortest witness for a reached sometimes and reached:false for one never reached', () => {
    const model = counter(6, [
      sometimes('reachesFour', (s) => s === 4),
      sometimes('reachesSix', (s) => s === 6),
    ]);
    const result = checkBfs(model);
    expect(result.status).toBe('ok');
    expect(result.sometimes).toEqual([
      { property: 'reachesFour', reached: true, trace: expect.anything() },
      { property: 'reachesSix', reached: false },
    ]);
    expect(stateView(model, result.sometimes[0]!.trace!)).toEqual([0, 1, 2, 3, 4]);
  });

  it('should go on after a violation with stopAtFirst false, one discovery per property, each shortest', () => {
    const model = graph({
      name: 'two-bugs',
      initial: ['a'],
      edges: {
        a: [
          ['to.b', 'b'],
          ['to.c', 'c'],
        ],
        b: [['to.d', 'd']],
        c: [['to.e', 'e']],
        d: [['to.b', 'b']],
        e: [['to.c', 'c']],
      },
      properties: [
        always('notB', (s) => s !== 'b'),
        always('notE', (s) => s !== 'e'),
        always('notD', (s) => s !== 'd'),
        always('neverViolated', () => true),
      ],
    });
    const first = checkBfs(model);
    expect(first.discoveries.map((d) => d.violation.invariant)).toEqual(['notB']);
    expect(counts(first).distinct).toBe(2);

    const all = checkBfs(model, { stopAtFirst: false });
    expect(all.status).toBe('violation');
    expect(all.discoveries.map((d) => [d.violation.invariant, stateView(model, d.trace)])).toEqual([
      ['notB', ['a', 'b']],
      ['notD', ['a', 'b', 'd']],
      ['notE', ['a', 'c', 'e']],
    ]);
    // 1 initial + 6 edges generated: d and e lead back to states already found.
    expect(counts(all)).toEqual({ generated: 7, distinct: 5, maxDepth: 2 });
  });

  it('should record every property broken in the same state, with the same trace', () => {
    const model = counter(4, [always('notTwo', (s) => s !== 2), always('belowTwo', (s) => s < 2)]);
    const { discoveries } = checkBfs(model);
    expect(discoveries.map((d) => d.violation.invariant)).toEqual(['notTwo', 'belowTwo']);
    expect(discoveries[0]!.trace).toBe(discoveries[1]!.trace);
  });

  it('should stop early once every property is decided, with stopAtFirst false', () => {
    const model = counter(1000, [always('below3', (s) => s < 3), sometimes('reachesOne', (s) => s === 1)]);
    const result = checkBfs(model, { stopAtFirst: false, checkDeadlocks: false });
    expect(result.status).toBe('violation');
    expect(counts(result).distinct).toBe(4);
  });

  it('should return an error result, keeping the counts so far, when the model throws', () => {
    const result = checkBfs(throwingCounter(10, 3));
    expect(result.status).toBe('error');
    expect(result.error).toEqual({ code: 'model-threw', message: 'TypeError: cannot leave 3' });
    expect(counts(result)).toEqual({ generated: 4, distinct: 4, maxDepth: 3 });
  });

  it('should keep discoveries found before the model threw', () => {
    const base = throwingCounter(10, 5);
    const model = { ...base, properties: [always('notTwo', (s: number) => s !== 2)] };
    const result = checkBfs(model, { stopAtFirst: false });
    expect(result.status).toBe('error');
    expect(result.discoveries.map((d) => d.violation.invariant)).toEqual(['notTwo']);
  });

  it('should blame a nondeterministic model when a stored path does not replay', () => {
    // `actions` reverses its order on every call, so the stored action index means something else on replay.
    let calls = 0;
    const base = graph({
      name: 'flaky',
      initial: ['a'],
      edges: {
        a: [
          ['to.b', 'b'],
          ['to.c', 'c'],
        ],
      },
      final: ['b', 'c'],
      properties: [always('notB', (s) => s !== 'b')],
    });
    const model: Model<string, typeof base extends Model<string, infer A> ? A : never> = {
      ...base,
      actions: (state) => (calls++ % 2 === 0 ? base.actions(state) : [...base.actions(state)].reverse()),
      fingerprint: fingerprintString,
    };
    const result = checkBfs(model);
    expect(result.status).toBe('error');
    expect(result.error?.code).toBe('nondeterministic-model');
    expect(result.error?.message).toMatch(/not a pure function of the state/);
  });

  it('should report progress every progressEvery expanded states', () => {
    const seen: number[] = [];
    checkBfs(counter(1000), { progressEvery: 300, onProgress: (p) => seen.push(p.distinct) });
    expect(seen).toHaveLength(3);
    const progress: unknown[] = [];
    checkBfs(counter(10), { progressEvery: 4, now: () => 0, onProgress: (p) => progress.push(p) });
    expect(progress).toEqual([
      { distinct: 5, generated: 5, depth: 4, queue: 1, elapsedMs: 0 },
      { distinct: 9, generated: 9, depth: 8, queue: 1, elapsedMs: 0 },
    ]);
  });
});
