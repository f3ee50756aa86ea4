import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { firstViolation, lastState, replayIndices, type Trace } from '../model/core/index.ts';
import { type CounterAction, type CounterState, counterModel } from './counter.fixture.ts';
import { ITF_ACTION_TAKEN, ITF_NONDET_PICKS, type ItfTrace, parseItf, traceToItf } from './itf.ts';
import { replayItf } from './replay.ts';

const model = counterModel();
/** inc y, inc x, inc y: the last step hits the seeded bug. */
const trace = replayIndices(model, 0, [1, 0, 1]);
const violation = firstViolation(model, lastState(trace))!;

/** The trace as parsed JSON, for editing like a person would edit the file. */
// biome-ignore lint/suspicious/noExplicitAny: the test edits the parsed file field by field, as a person would.
function editable(meta: { scenario?: string } = {}): any {
  return JSON.parse(JSON.stringify(traceToItf(model, trace, { ...meta, violation })));
}

function replay(json: unknown, options = {}) {
  return replayItf(model, parseItf(json, 'edited.itf.json'), options);
}

describe('replayItf', () => {
  it('should confirm an unedited trace and its violation', () => {
    const result = replayItf(model, traceToItf(model, trace, { violation }));
    expect(result).toEqual({ ok: true, trace, violation });
  });

  it('should name the step whose recorded action is not enabled, listing what is', () => {
    const json = editable();
    json.states[2][ITF_ACTION_TAKEN] = 'dec';
    expect(replay(json)).toMatchObject({
      ok: false,
      step: 2,
      kind: 'action-not-enabled',
      reason: 'step 2: recorded action dec {"field":"x"} is not enabled here; enabled: inc x; inc y; reset',
    });
  });

  it('should name the step whose recorded parameters pick no enabled action', () => {
    const json = editable();
    json.states[1][ITF_NONDET_PICKS] = { field: 'z' };
    const result = replay(json);
    expect(result).toMatchObject({ ok: false, step: 1, kind: 'action-not-enabled' });
    if (result.ok) return;
    expect(result.details.enabled).toEqual([
      { [ITF_ACTION_TAKEN]: 'inc', [ITF_NONDET_PICKS]: { field: 'x' } },
      { [ITF_ACTION_TAKEN]: 'inc', [ITF_NONDET_PICKS]: { field: 'y' } },
    ]);
  });

  it('should name the first step whose state differs, the field, and both values', () => {
    const json = editable();
    json.states[2].total = 7;
    json.states[3].total = 7;
    expect(replay(json)).toEqual({
      ok: false,
      step: 2,
      kind: 'state-differs',
      reason: 'step 2 (inc x): resulting state differs at total: expected 7, got 2',
      details: { path: 'total', expected: 7, got: 2 },
    });
  });

  it('should name a nested field that differs', () => {
    const json = editable();
    json.states[1].cells[3] = 'B.v9';
    expect(replay(json)).toMatchObject({
      step: 1,
      reason: 'step 1 (inc y): resulting state differs at cells[3]: expected B.v9, got B.v1',
    });
  });

  it('should refuse a trace whose initial state is not the model’s', () => {
    const json = editable();
    json.states[0].x = 5;
    expect(replay(json)).toMatchObject({
      ok: false,
      step: 0,
      kind: 'initial-state-differs',
      reason: 'initial state differs at x: expected 5, got 0',
    });
  });

  it('should refuse a truncated trace that no longer reaches the recorded violation', () => {
    const json = editable();
    json.states.pop();
    expect(replay(json)).toMatchObject({
      ok: false,
      step: 2,
      kind: 'violation-not-reproduced',
      reason:
        'recorded violation of totalIsSum not reproduced: last state (step 2) violates no invariant; the trace may be truncated or the model fixed',
    });
  });

  it('should refuse a trace whose last state breaks another invariant than the recorded one', () => {
    const json = editable();
    json['#meta'].invariant = 'xBelowThree';
    expect(replay(json)).toMatchObject({
      step: 3,
      kind: 'violation-not-reproduced',
      reason:
        'recorded violation of xBelowThree not reproduced: last state (step 3) violates totalIsSum, not xBelowThree',
    });
  });

  it('should refuse a recorded deadlock where steps are still enabled', () => {
    const json = editable();
    json['#meta'].discovery = 'deadlock';
    expect(replay(json)).toMatchObject({ step: 3, kind: 'violation-not-reproduced' });
  });

  it('should refuse a trace recorded for another scenario or model', () => {
    expect(replay(editable({ scenario: 'fig6.json' }), { scenario: 'fig9.json' })).toMatchObject({
      ok: false,
      step: 0,
      kind: 'meta-mismatch',
      reason:
        'trace was recorded for scenario fig6.json, not fig9.json: it comes from another scenario or variant',
    });
    const other = replayItf(counterModel({ name: 'other' }), parseItf(editable(), 'x.itf.json'));
    expect(other).toMatchObject({ ok: false, step: 0, kind: 'meta-mismatch', details: { field: 'model' } });
  });

  it('should replay any walk of the model, reporting its first violation when none is recorded', () => {
    fc.assert(
      fc.property(fc.array(fc.nat(), { maxLength: 12 }), (choices) => {
        const walk = randomWalk(choices);
        const itf: ItfTrace = JSON.parse(JSON.stringify(traceToItf(model, walk)));
        const result = replayItf(model, parseItf(itf, 'walk.itf.json'));
        expect(result).toEqual({
          ok: true,
          trace: walk,
          ...(firstViolation(model, lastState(walk))
            ? { violation: firstViolation(model, lastState(walk)) }
            : {}),
        });
      }),
    );
  });
});

function randomWalk(choices: readonly number[]): Trace<CounterState, CounterAction> {
  const indices: number[] = [];
  let state = model.initialStates()[0]!;
  for (const choice of choices) {
    const actions = model.actions(state);
    if (actions.length === 0) break;
    indices.push(choice % actions.length);
    state = model.next(state, actions[choice % actions.length]!);
  }
  return replayIndices(model, 0, indices);
}

describe('replayItf hints', () => {
  it('should say which other action explains a state when the recorded action was edited', () => {
    const json = editable();
    json.states[2][ITF_NONDET_PICKS] = { field: 'y' };
    expect(replay(json)).toMatchObject({
      step: 2,
      kind: 'state-differs',
      reason:
        'step 2 (inc y): resulting state differs at x: expected 1, got 0; the recorded state is what inc x gives',
      details: { explainedBy: 'inc x' },
    });
  });
});
