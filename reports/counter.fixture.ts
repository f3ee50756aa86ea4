/**
 * Test fixture: a tiny two-counter model with a seeded bug, so report tests need no domain model.
 *
 * `inc y` forgets to add to `total` while `x` is 1, which breaks `totalIsSum`. `cells` stands in for
 * storage frames (`A.v1` is counter x's write, `B.v2` counter y's), `log` for a growing list.
 */
import { fingerprintString, type Model, type Property } from '../model/core/index.ts';

/** State of the counter model. */
export interface CounterState {
  readonly x: number;
  readonly y: number;
  readonly total: number;
  readonly cells: readonly (string | null)[];
  readonly log: readonly string[];
}

/** Actions of the counter model. */
export type CounterAction = { readonly kind: 'inc'; readonly field: 'x' | 'y' } | { readonly kind: 'reset' };

/** Options for `counterModel`. */
export interface CounterModelOptions {
  /** Model name; default `counter`. */
  readonly name?: string;
  /** Text put before every cell datum and action description, e.g. markup to test escaping. */
  readonly tag?: string;
}

/** The counter model: `inc x`, `inc y` while below 2, `reset` once anything counted. */
export function counterModel(options: CounterModelOptions = {}): Model<CounterState, CounterAction> {
  const tag = options.tag ?? '';
  const totalIsSum: Property<CounterState> = {
    name: 'totalIsSum',
    kind: 'always',
    description: 'total always equals x + y',
    check: (s) =>
      s.total === s.x + s.y
        ? undefined
        : {
            invariant: 'totalIsSum',
            message: `total ${s.total} is not x + y = ${s.x + s.y}`,
            details: { x: s.x, y: s.y, total: s.total },
          },
  };
  const xBelowThree: Property<CounterState> = {
    name: 'xBelowThree',
    kind: 'always',
    description: 'x never reaches 3',
    check: (s) =>
      s.x < 3 ? undefined : { invariant: 'xBelowThree', message: `x is ${s.x}`, details: { x: s.x } },
  };
  const bothAtTwo: Property<CounterState> = {
    name: 'bothAtTwo',
    kind: 'sometimes',
    description: 'both counters reach 2',
    check: (s) =>
      s.x === 2 && s.y === 2 ? { invariant: 'bothAtTwo', message: 'both at 2', details: {} } : undefined,
  };
  const describe = (a: CounterAction) => `${tag}${a.kind === 'inc' ? `inc ${a.field}` : 'reset'}`;
  return {
    name: options.name ?? 'counter',
    initialStates: () => [{ x: 0, y: 0, total: 0, cells: [null, null, null, null], log: [] }],
    actions: (s) => {
      const actions: CounterAction[] = [];
      if (s.x < 2) actions.push({ kind: 'inc', field: 'x' });
      if (s.y < 2) actions.push({ kind: 'inc', field: 'y' });
      if (s.x + s.y > 0) actions.push({ kind: 'reset' });
      return actions;
    },
    next: (s, a) => {
      if (a.kind === 'reset')
        return { x: 0, y: 0, total: 0, cells: [null, null, null, null], log: [...s.log, 'reset'] };
      const cells = [...s.cells];
      if (a.field === 'x') {
        cells[s.x] = `${tag}A.v${s.x + 1}`;
        return { ...s, x: s.x + 1, total: s.total + 1, cells, log: [...s.log, describe(a)] };
      }
      cells[3 - s.y] = `${tag}B.v${s.y + 1}`;
      const total = s.x === 1 ? s.total : s.total + 1; // the seeded bug
      return { ...s, y: s.y + 1, total, cells, log: [...s.log, describe(a)] };
    },
    properties: [totalIsSum, xBelowThree, bothAtTwo],
    fingerprint: (s) => fingerprintString(JSON.stringify(s)),
    describeAction: describe,
    actionKind: (a) => a.kind,
    actionKinds: ['inc', 'reset'],
    actionToJson: (a) => ({ ...a }),
    stateToJson: (s) => ({ x: s.x, y: s.y, total: s.total, cells: [...s.cells], log: [...s.log] }),
    isFinal: (s) => s.x === 2 && s.y === 2,
  };
}
