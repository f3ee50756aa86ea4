import { describe, expect, it } from 'vitest';
import type { Fingerprint, Model } from '../model/core/index.ts';
import { checkProgress } from './progress.ts';

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
