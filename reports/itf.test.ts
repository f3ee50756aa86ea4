import { describe, expect, it } from 'vitest';
import { firstViolation, lastState, replayIndices, VmcheckError } from '../model/core/index.ts';
import { counterModel } from './counter.fixture.ts';
import {
  decodeItfValue,
  encodeItfValue,
  ITF_ACTION_TAKEN,
  ITF_NONDET_PICKS,
  itfAction,
  parseItf,
  parseItfText,
  traceToItf,
} from './itf.ts';
import { replayItf } from './replay.ts';

const model = counterModel();
/** inc y, inc x, inc y: the last step hits the seeded bug. */
const trace = replayIndices(model, 0, [1, 0, 1]);
const violation = firstViolation(model, lastState(trace))!;

function thrown(run: () => unknown): VmcheckError {
  try {
    run();
  } catch (error) {
    if (error instanceof VmcheckError) return error;
    throw error;
  }
  throw new Error('expected a VmcheckError');
}

describe('traceToItf', () => {
  it('should write the ITF shape with the meta, vars and the action of every state', () => {
    const itf = traceToItf(model, trace, { scenario: 'counter.json', variant: 'buggy', violation, seed: 7 });
    expect(itf['#meta']).toEqual({
      format: 'ITF',
      'format-description': 'https://apalache-mc.org/docs/adr/015adr-trace.html',
      source: 'counter.json',
      generator: 'vmcheck',
      model: 'counter',
      scenario: 'counter.json',
      variant: 'buggy',
      invariant: 'totalIsSum',
      discovery: 'always',
      message: 'total 2 is not x + y = 3',
      seed: 7,
    });
    expect(itf.vars).toEqual(['x', 'y', 'total', 'cells', 'log', ITF_ACTION_TAKEN, ITF_NONDET_PICKS]);
    expect(itf.states).toHaveLength(4);
    const big = (n: number) => ({ '#bigint': String(n) });
    const none = { tag: 'None', value: { '#tup': [] } };
    expect(itf.states[0]).toEqual({
      '#meta': { index: 0 },
      x: big(0),
      y: big(0),
      total: big(0),
      cells: [none, none, none, none],
      log: [],
      [ITF_ACTION_TAKEN]: 'init',
      [ITF_NONDET_PICKS]: {},
    });
    expect(itf.states.map((s) => [s[ITF_ACTION_TAKEN], s[ITF_NONDET_PICKS]])).toEqual([
      ['init', {}],
      ['inc', { field: 'y' }],
      ['inc', { field: 'x' }],
      ['inc', { field: 'y' }],
    ]);
  });

  it('should record the action kind apart from its parameters', () => {
    expect(itfAction(model, { kind: 'inc', field: 'x' })).toEqual({
      actionTaken: 'inc',
      nondetPicks: { field: 'x' },
    });
    expect(itfAction(model, { kind: 'reset' })).toEqual({ actionTaken: 'reset', nondetPicks: {} });
  });

  it('should round-trip through JSON text, parse and replay with the violation confirmed', () => {
    const text = JSON.stringify(traceToItf(model, trace, { scenario: 'counter.json', violation }), null, 2);
    const parsed = parseItfText(text, 'counter.itf.json');
    const replayed = replayItf(model, parsed, { scenario: 'counter.json' });
    expect(replayed).toMatchObject({ ok: true, violation: { invariant: 'totalIsSum' } });
    if (!replayed.ok) return;
    expect(replayed.trace).toEqual(trace);
  });

  it('should refuse a state value that has no ITF form, naming its path', () => {
    const floaty = { ...model, stateToJson: () => ({ ratio: [1, 0.5] }) };
    const error = thrown(() => traceToItf(floaty, trace));
    expect(error.code).toBe('itf-unencodable');
    expect(error.message).toBe('states[0].ratio[1]: 0.5 is not an integer; ITF has integers only');
    const hashKey = thrown(() => encodeItfValue({ a: { '#set': [] } }, ['states', 2]));
    expect(hashKey.message).toBe('states[2].a."#set": record keys starting with # are reserved by ITF');
  });
});

describe('ITF integers', () => {
  it('should write every integer as #bigint and null as None, and read both forms back', () => {
    expect(encodeItfValue([1, -(2 ** 53 - 1), 2 ** 60, null])).toEqual([
      { '#bigint': '1' },
      { '#bigint': String(-(2 ** 53 - 1)) },
      { '#bigint': '1152921504606846976' },
      { tag: 'None', value: { '#tup': [] } },
    ]);
    expect(decodeItfValue([null, { tag: 'None', value: { '#tup': [] } }, { tag: 'Some', value: 3 }])).toEqual(
      {
        ok: true,
        value: [null, null, 3],
      },
    );
    expect(decodeItfValue([{ '#bigint': '1152921504606846976' }, { '#bigint': '-42' }, 3])).toEqual({
      ok: true,
      value: [2 ** 60, -42, 3],
    });
  });

  it('should refuse a #bigint a number cannot hold exactly', () => {
    expect(decodeItfValue({ n: { '#bigint': '9007199254740993' } }, ['s'])).toEqual({
      ok: false,
      path: 's.n',
      message: '9007199254740993 is too large to hold exactly',
    });
  });
});

describe('parseItf', () => {
  const good = () => JSON.parse(JSON.stringify(traceToItf(model, trace, { violation })));

  const cases: [
    string,
    (json: Record<string, unknown> & { states: Record<string, unknown>[] }) => unknown,
    string,
  ][] = [
    [
      'a non-object',
      () => [1, 2],
      't.itf.json: not an ITF trace: expected a JSON object with "vars" and "states"',
    ],
    [
      'missing vars',
      (j) => {
        delete j.vars;
        return j;
      },
      't.itf.json: vars: missing',
    ],
    ['states not an array', (j) => ({ ...j, states: {} }), 't.itf.json: states: expected an array of states'],
    [
      'no states',
      (j) => ({ ...j, states: [] }),
      't.itf.json: states: empty: a trace needs at least its initial state',
    ],
    [
      'a state without its action',
      (j) => {
        delete j.states[3]![ITF_ACTION_TAKEN];
        return j;
      },
      't.itf.json: states[3]."mbt::actionTaken": missing',
    ],
    [
      'picks that are not a record',
      (j) => {
        j.states[1]![ITF_NONDET_PICKS] = 'y';
        return j;
      },
      't.itf.json: states[1]."mbt::nondetPicks": expected an object',
    ],
    [
      'a declared variable missing',
      (j) => {
        delete j.states[2]!.total;
        return j;
      },
      't.itf.json: states[2].total: missing (declared in vars)',
    ],
    [
      'an undeclared variable',
      (j) => {
        j.states[0]!.z = 1;
        return j;
      },
      't.itf.json: states[0].z: not declared in vars',
    ],
    [
      'a wrong state index',
      (j) => {
        j.states[2]!['#meta'] = { index: 5 };
        return j;
      },
      't.itf.json: states[2]."#meta".index: 5, expected 2',
    ],
    [
      'a non-integer number',
      (j) => {
        j.states[1]!.x = 1.5;
        return j;
      },
      't.itf.json: states[1].x: 1.5 is not an integer',
    ],
    [
      'a #set value',
      (j) => {
        j.states[1]!.cells = { '#set': [] };
        return j;
      },
      't.itf.json: states[1].cells."#set": #set values are not used by vmcheck traces',
    ],
    [
      'a malformed #bigint',
      (j) => {
        (j.states[1]!.log as unknown[]).push({ '#bigint': '1e3' });
        return j;
      },
      't.itf.json: states[1].log[1]: a #bigint must be {"#bigint": "<digits>"}',
    ],
    [
      'a meta field of the wrong type',
      (j) => ({ ...j, '#meta': { invariant: 3 } }),
      't.itf.json: "#meta".invariant: expected a string',
    ],
  ];

  it.each(cases)('should name the field of %s', (_, edit, message) => {
    const error = thrown(() => parseItf(edit(good()), 't.itf.json'));
    expect(error.code).toBe('bad-trace');
    expect(error.message).toBe(message);
  });

  it('should report text that is not JSON as a bad trace', () => {
    const error = thrown(() => parseItfText('{"vars": [', 'cut.itf.json'));
    expect(error.code).toBe('bad-trace');
    expect(error.message).toMatch(/^cut\.itf\.json: not valid JSON/);
  });

  it('should accept the mbt fields left out of vars, and #bigint integers, as Quint may write them', () => {
    const json = good();
    json.vars = ['x', 'y', 'total', 'cells', 'log'];
    json.states[1].y = { '#bigint': '1' };
    const parsed = parseItf(json, 'quint.itf.json');
    expect(parsed.states[1]!.y).toBe(1);
    expect(replayItf(model, parsed).ok).toBe(true);
  });
});

describe('ITF for other tools', () => {
  it("should be loaded by Quint's own ITF reader (ofItf), every state", async () => {
    const { createRequire } = await import('node:module');
    const quint = createRequire(import.meta.url)('@informalsystems/quint/dist/src/itf.js') as {
      ofItf: (itf: unknown) => unknown[];
    };
    const itf = JSON.parse(JSON.stringify(traceToItf(model, trace, { scenario: 'counter.json', violation })));
    expect(quint.ofItf(itf)).toHaveLength(itf.states.length);
  });
});
