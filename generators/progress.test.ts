import { describe, expect, it } from 'vitest';
import type { Fingerprint, Model } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { checkProgress, withProgressCheck } from './progress.ts';
import { always, stuckResize } from './testing/tinyModels.ts';

/** A line 0..n-1 where `step` moves right, final at n-1; `trap` (if set) leads to a loop that never finishes. */
function line(n: number, trap?: number): Model<number, 'step' | 'trap' | 'spin'> {
  return {
    name: 'line',
    initialStates: () => [0],
    actions: (s) => {
      if (s === -1) return ['spin'];
      const out: ('step' | 'trap')[] = [];
      if (s < n - 1) out.push('step');
      if (s === trap) out.push('trap');
      return out;
    },
    next: (s, a) => (a === 'step' ? s + 1 : -1),
    properties: [],
    fingerprint: (s): Fingerprint => [0, s >>> 0],
    describeAction: (a) => a,
    actionKind: (a) => a,
    actionKinds: ['step', 'trap', 'spin'],
    actionToJson: (a) => a,
    stateToJson: (s) => s,
    isFinal: (s) => s === n - 1,
  };
}

describe('checkProgress', () => {
  it('should accept a model where every state can still finish', () => {
    expect(checkProgress(line(5))).toEqual({ status: 'ok', distinctStates: 5, edges: 4, stuckStates: 0 });
  });

  it('should find a livelock that deadlock detection misses, with a shortest trace to it', () => {
    const result = checkProgress(line(5, 2));
    expect(result.status).toBe('violation');
    expect(result.stuckStates).toBe(1);
    expect(result.trace?.steps.map((s) => s.action)).toEqual(['step', 'step', 'trap']);
  });

  it('should say incomplete when the state bound is hit', () => {
    expect(checkProgress(line(100), { maxStates: 10 }).status).toBe('incomplete');
  });
});

describe('withProgressCheck', () => {
  it('should find a resize that can never finish while dispatch stays enabled, which BFS calls ok', () => {
    const model = stuckResize(3, true);
    const bfs = checkBfs(model, {});
    expect(bfs.status).toBe('ok');
    const result = withProgressCheck(model, bfs);
    expect(result.status).toBe('violation');
    expect(result.discoveries).toHaveLength(1);
    const [d] = result.discoveries;
    expect(d!.violation.invariant).toBe('progress');
    expect(d!.violation.details).toEqual({ livelock: true, steps: 2, stuckStates: 4, distinctStates: 12 });
    expect(d!.trace.steps.map((s) => s.action)).toEqual(['resize.step', 'pager.takeGrowthRoom']);
    // The state at the end of the trace has enabled steps, and none of them ever reaches the end.
    expect(model.actions(d!.trace.steps.at(-1)!.state)).toEqual(['cpu.dispatch']);
  });

  it('should leave a run alone where every state can finish, or that already failed', () => {
    const ok = checkBfs(stuckResize(3, false), {});
    expect(withProgressCheck(stuckResize(3, false), ok)).toBe(ok);
    const failed = checkBfs(line(3), { maxStates: 1 });
    expect(withProgressCheck(line(5, 2), failed)).toBe(failed);
  });

  it('should add the livelock beside other violations only when asked (--all)', () => {
    const model = {
      ...stuckResize(3, true),
      properties: [always<number>('stepBelowTwo', (s) => s >> 2 < 2)],
    };
    const bfs = checkBfs(model, { stopAtFirst: false });
    expect(bfs.status).toBe('violation');
    expect(withProgressCheck(model, bfs).discoveries.map((d) => d.violation.invariant)).toEqual([
      'stepBelowTwo',
    ]);
    expect(
      withProgressCheck(model, bfs, { alongsideViolations: true }).discoveries.map(
        (d) => d.violation.invariant,
      ),
    ).toEqual(['stepBelowTwo', 'progress']);
  });

  it('should say incomplete when the graph is bigger than its bound', () => {
    const model = stuckResize(3, true);
    expect(withProgressCheck(model, checkBfs(model, {}), { maxStates: 5 }).status).toBe('incomplete');
  });
});
