import { describe, expect, it } from 'vitest';
import { VmcheckError } from '../model/core/index.ts';
import { checkBfs } from './bfs.ts';
import { describeError, RunRecorder } from './runRecorder.ts';
import { ActionCoverage, buildStats } from './stats.ts';
import { counter } from './testing/tinyModels.ts';

const stats = buildStats({
  statesGenerated: 0,
  distinctStates: 0,
  maxDepth: 0,
  elapsedMs: 0,
  coverage: new ActionCoverage([]),
});

describe('RunRecorder', () => {
  it('should treat a full visited-state table as the max-memory bound, not an error', () => {
    const recorder = new RunRecorder(counter(3), true, true);
    recorder.fail(new VmcheckError('table-full', 'out of memory'));
    const result = recorder.result('bfs', stats);
    expect(result.status).toBe('incomplete');
    expect(result.incompleteReason).toBe('max-memory');
    expect(result.error).toBeUndefined();
  });

  it('should let an error win over a violation and a bound', () => {
    const recorder = new RunRecorder(counter(3), true, true);
    recorder.recordDeadlock({ initial: 0, steps: [] });
    recorder.stopBy('timeout');
    recorder.fail(new Error('boom'));
    const result = recorder.result('dfs', stats);
    expect(result.status).toBe('error');
    expect(result.discoveries).toHaveLength(1);
    expect(result.incompleteReason).toBe('timeout');
  });

  it('should report the first bound that stopped the run', () => {
    const recorder = new RunRecorder(counter(3), true, true);
    recorder.cutByDepth();
    recorder.stopBy('max-states');
    recorder.stopBy('timeout');
    expect(recorder.result('bfs', stats).incompleteReason).toBe('max-states');
  });
});

describe('describeError', () => {
  it('should keep a VmcheckError code and details and name anything else model-threw', () => {
    expect(describeError(new VmcheckError('bad-path', 'no', { step: 2 }))).toEqual({
      code: 'bad-path',
      message: 'no',
      details: { step: 2 },
    });
    expect(describeError(new RangeError('too far'))).toEqual({
      code: 'model-threw',
      message: 'RangeError: too far',
    });
    expect(describeError('a string')).toEqual({ code: 'model-threw', message: 'non-error thrown: a string' });
  });
});

describe('buildStats', () => {
  it('should give a zero rate for a zero elapsed time, keeping stats JSON-safe', () => {
    const { stats: s } = checkBfs(counter(5), { now: () => 0 });
    expect(s.statesPerSecond).toBe(0);
    expect(JSON.parse(JSON.stringify(s))).toEqual(s);
  });
});
