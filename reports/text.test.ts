import { describe, expect, it } from 'vitest';
import { firstViolation, lastState, replayIndices } from '../model/core/index.ts';
import { counterModel } from './counter.fixture.ts';
import { renderTraceText } from './text.ts';

const model = counterModel();
/** inc y, inc x, inc y: the last step hits the seeded bug. */
const trace = replayIndices(model, 0, [1, 0, 1]);
const violation = firstViolation(model, lastState(trace))!;

describe('renderTraceText', () => {
  it('should show the initial state, only what each step changed, and the violation', () => {
    expect(renderTraceText(model, trace, violation)).toMatchInlineSnapshot(`
      "Trace of counter: 3 steps
      Initial state
        x: 0
        y: 0
        total: 0
        cells: [null,null,null,null]
        log: []
      Step 1: inc y
        y: 0 -> 1
        total: 0 -> 1
        cells[3]: null -> B.v1
        log: 0 -> 1 items, added [0] "inc y"
      Step 2: inc x
        x: 0 -> 1
        total: 1 -> 2
        cells[0]: null -> A.v1
        log: 1 -> 2 items, added [1] "inc x"
      Step 3: inc y
        y: 1 -> 2
        cells[2]: null -> B.v2
        log: 2 -> 3 items, added [2] "inc y"
      Violated: totalIsSum
        total 2 is not x + y = 3
        details:
          x: 1
          y: 2
          total: 2"
    `);
  });

  it('should fold wide fields of the initial state and say when a step changes nothing', () => {
    const wide = {
      ...model,
      stateToJson: () => ({ list: Array.from({ length: 30 }, (_, i) => `item-${i}`), n: 1 }),
    };
    const text = renderTraceText(wide, replayIndices(wide, 0, [0]), undefined, { width: 60 });
    expect(text.split('\n').slice(1, 5)).toEqual([
      'Initial state',
      '  list[0]: item-0',
      '  list[1]: item-1',
      '  list[2]: item-2',
    ]);
    expect(text).toContain('Step 1: inc x\n  (no change)');
  });

  it('should never cut a value, in the initial state or in a change', () => {
    const long = `value-${'x'.repeat(150)}`;
    const wide = {
      ...model,
      stateToJson: (s: Parameters<typeof model.stateToJson>[0]) => ({
        label: s.x === 0 ? long : `${long}-changed`,
        list: Array.from({ length: 6 + s.x }, (_, i) => i),
      }),
    };
    const text = renderTraceText(wide, replayIndices(wide, 0, [0]), undefined, { width: 60 });
    expect(text).not.toContain('…');
    expect(text).toContain(`  label: ${long}\n`);
    expect(text).toContain(`  label: ${long} -> ${long}-changed\n`);
    expect(text).toContain('  list: 6 -> 7 items, added [6] 6');
    const many = {
      ...wide,
      stateToJson: (s: { x: number }) => ({ list: Array.from({ length: 5 * s.x }, (_, i) => i) }),
    };
    expect(renderTraceText(many, replayIndices(many, 0, [0]))).toContain(
      'list: 0 -> 5 items, added [0] 0, [1] 1, [2] 2, [3] 3, [4] 4',
    );
  });

  it('should print only a reference to an initial state printed elsewhere', () => {
    const text = renderTraceText(model, trace, violation, { initialAs: 'as above' });
    expect(text.split('\n').slice(0, 3)).toEqual([
      'Trace of counter: 3 steps',
      'Initial state: as above',
      'Step 1: inc y',
    ]);
  });

  it('should color only when asked', () => {
    expect(renderTraceText(model, trace, violation)).not.toContain('\u001b[');
    expect(renderTraceText(model, trace, violation, { color: true })).toContain('\u001b[');
  });

  it('should indent every line when nested', () => {
    const text = renderTraceText(model, trace, violation, { indent: 4 });
    expect(text.split('\n').every((line) => line.startsWith('    '))).toBe(true);
  });
});
