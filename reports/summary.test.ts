import { describe, expect, it } from 'vitest';
import { type CheckResult, firstViolation, lastState, replayIndices } from '../model/core/index.ts';
import { type CounterAction, type CounterState, counterModel } from './counter.fixture.ts';
import { parseItf } from './itf.ts';
import { replayItf } from './replay.ts';
import {
  formatCount,
  formatDuration,
  renderResultText,
  renderRunTable,
  resultToJson,
  runSummaryRow,
} from './summary.ts';

const model = counterModel();
/** inc y, inc x, inc y: the last step hits the seeded bug. */
const trace = replayIndices(model, 0, [1, 0, 1]);
const violation = firstViolation(model, lastState(trace))!;

const result: CheckResult<CounterState, CounterAction> = {
  status: 'violation',
  model: 'counter',
  strategy: 'bfs',
  stats: {
    statesGenerated: 23_456,
    distinctStates: 1_234,
    maxDepth: 3,
    elapsedMs: 1_500,
    statesPerSecond: 15_637.3,
    actionCoverage: { inc: 40, reset: 0 },
    neverFired: ['reset'],
    bytesPerState: 48,
  },
  discoveries: [{ kind: 'always', violation, trace }],
  sometimes: [
    { property: 'bothAtTwo', reached: false },
    { property: 'xAtOne', reached: true, trace: replayIndices(model, 0, [0]) },
  ],
};

describe('renderResultText', () => {
  it('should give status, statistics, coverage, discoveries with traces and sometimes outcomes', () => {
    const text = renderResultText(model, result);
    expect(text.split('\n').slice(0, 14)).toEqual([
      'counter: violation (bfs)',
      'Statistics',
      '  states generated  23,456',
      '  distinct states   1,234',
      '  max depth         3',
      '  time              1.5 s',
      '  states/s          15,637.3',
      '  bytes/state       48',
      'Action coverage',
      '  inc    40',
      '  reset   0  never fired',
      '  never fired (1): reset',
      'Discoveries (1)',
      '  Initial state (trace 1 starts here)',
    ]);
    expect(text).toContain('  1. always totalIsSum: total 2 is not x + y = 3 (3 steps)');
    expect(text).toContain('     Step 3: inc y\n       y: 1 -> 2');
    expect(text).toContain('  NOT reached  bothAtTwo');
    expect(text).toContain('  reached      xAtOne (depth 1)');
  });

  it('should print the initial state once per run, not once per counterexample', () => {
    const second = replayIndices(model, 0, [0, 1, 1]);
    const two = {
      ...result,
      discoveries: [
        { kind: 'always' as const, violation, trace },
        { kind: 'always' as const, violation: { ...violation, invariant: 'other' }, trace: second },
      ],
    };
    const text = renderResultText(model, two);
    expect(text.match(/cells: \[null,null,null,null\]/g)).toHaveLength(1);
    expect(text).toContain('Discoveries (2)\n  Initial state (traces 1, 2 start here)\n     x: 0\n');
    expect(text.match(/ {5}Initial state: as above\n {5}Step 1: /g)).toHaveLength(2);

    // Traces from different initial states: each initial state once, named by the traces.
    const shifted = {
      ...model,
      initialStates: () => [...model.initialStates(), { ...model.initialStates()[0]!, x: 5 }],
    };
    const fromFive = replayIndices(shifted, 1, [1]);
    const mixed = renderResultText(shifted, {
      ...two,
      discoveries: [...two.discoveries, { kind: 'always' as const, violation, trace: fromFive }],
    });
    expect(mixed).toContain('  Initial state 1 (traces 1, 2 start here)\n     x: 0\n');
    expect(mixed).toContain('  Initial state 2 (trace 3 starts here)\n     x: 5\n');
    expect(mixed.match(/Initial state: initial state 2, above/g)).toHaveLength(1);
    expect(renderResultText(model, two, { traces: false })).not.toContain('Initial state');
  });

  it('should say why an incomplete run stopped', () => {
    const text = renderResultText(model, {
      ...result,
      status: 'incomplete',
      incompleteReason: 'max-depth',
      discoveries: [],
    });
    expect(text).toContain('stopped by max-depth: the space was not exhausted');
    expect(text).toContain('Discoveries (0)\n  none');
  });
});

describe('resultToJson', () => {
  it('should give one JSON object whose violation traces replay', () => {
    const json = JSON.parse(
      JSON.stringify(resultToJson(model, result, { scenario: 'counter.json', variant: 'buggy' })),
    );
    expect(json).toMatchObject({
      model: 'counter',
      scenario: 'counter.json',
      variant: 'buggy',
      status: 'violation',
      stats: { distinctStates: 1234, neverFired: ['reset'] },
      violations: [
        { kind: 'always', invariant: 'totalIsSum', message: 'total 2 is not x + y = 3', steps: 3 },
      ],
      sometimes: [
        { property: 'bothAtTwo', reached: false },
        { property: 'xAtOne', reached: true, steps: 1 },
      ],
    });
    const itf = parseItf(json.violations[0].trace, 'result.json');
    expect(itf['#meta']).toMatchObject({
      scenario: 'counter.json',
      variant: 'buggy',
      invariant: 'totalIsSum',
    });
    expect(replayItf(model, itf, { scenario: 'counter.json', variant: 'buggy' })).toMatchObject({
      ok: true,
      violation: { invariant: 'totalIsSum' },
    });
  });
});

describe('renderRunTable', () => {
  it('should align one row per run', () => {
    const rows = [
      runSummaryRow('fig6-relocation', 'patent', { ...result, status: 'ok', discoveries: [] }),
      runSummaryRow('fig6-relocation', 'prior-art', result),
      {
        ...runSummaryRow('fig9-resize', 'patent', result),
        status: 'incomplete' as const,
        violated: [],
        elapsedMs: 125_000,
      },
    ];
    expect(renderRunTable(rows)).toMatchInlineSnapshot(`
      "scenario         variant    status      distinct  depth        time  violated
      fig6-relocation  patent     vacuous        1,234      3       1.5 s  -
      fig6-relocation  prior-art  violation      1,234      3       1.5 s  totalIsSum
      fig9-resize      patent     incomplete     1,234      3  2 min 05 s  -"
    `);
  });

  it('should format counts and durations without the locale', () => {
    expect([0, 999, 1000, 1234567, 12.34].map(formatCount)).toEqual([
      '0',
      '999',
      '1,000',
      '1,234,567',
      '12.3',
    ]);
    expect([12, 999, 1500, 65_000].map(formatDuration)).toEqual(['12 ms', '999 ms', '1.5 s', '1 min 05 s']);
  });
});
