/**
 * Every action a scenario can produce, numbered once, derived from the machine's table: the kinds
 * in `ACTION_KINDS` order, each kind's actions over its parameters (`ActionSpec.params`, each over
 * its domain below) in row-major order. The model's actions are indices into this table, so
 * enumerating actions allocates no objects and the `Action` object of a code is one array lookup.
 */
import type { Action } from '../actions.ts';
import type { VmmContext } from '../context.ts';
import { ACTION_KINDS, ACTION_TABLE } from '../machine.ts';

/** Codes of the actions of one scenario; `actions[code]` is its `Action` object. */
export interface ActionTable {
  readonly actions: readonly Action[];
  /** `kind[code]`: the action's numeric kind, its index in `ACTION_KINDS`. */
  readonly kind: Uint8Array;
  /** `kindName[code]`: the action's kind as in `ACTION_KINDS`, for coverage statistics. */
  readonly kindName: readonly string[];
  /**
   * `first[kind]`: the code of the kind's first action (parameters all 0); its action with
   * parameters `(p1, ..., pn)` is `first[kind]` plus their row-major index over their domains.
   */
  readonly first: Int32Array;
  /**
   * `arg[code]`, `arg2[code]`, `arg3[code]`: the action's first, second and third parameter in
   * `params` order (0 where it has fewer). Plain arrays of numbers, so the hot path reads no
   * action objects.
   */
  readonly arg: Int32Array;
  readonly arg2: Int32Array;
  readonly arg3: Int32Array;
}

/** Every parameter name of an action kind. */
type ParamName = Exclude<Action extends infer A ? (A extends Action ? keyof A : never) : never, 'kind'>;

/** How many values each parameter takes in a scenario, by its name in `ActionSpec.params`. */
const DOMAINS: { readonly [P in ParamName]: (ctx: VmmContext, maxPages: number) => number } = {
  io: (ctx) => ctx.io.length,
  access: (ctx) => ctx.access.length,
  vm: (ctx) => ctx.vmNames.length,
  page: (_ctx, maxPages) => maxPages,
  victim: (_ctx, maxPages) => maxPages,
  channel: (ctx) => ctx.scenario.channels,
  cpu: (ctx) => ctx.scenario.cpus,
  request: (ctx) => ctx.requests.length,
  event: (ctx) => ctx.events.length,
};

/** Number every action of `ctx`'s scenario; `maxPages` bounds page parameters. */
export function buildActionTable(ctx: VmmContext, maxPages: number): ActionTable {
  const actions: Action[] = [];
  const args: number[][] = [];
  const kinds: number[] = [];
  const first = new Int32Array(ACTION_KINDS.length);
  ACTION_KINDS.forEach((kind, k) => {
    first[k] = actions.length;
    const params = ACTION_TABLE[kind].params;
    const sizes = params.map((p) => DOMAINS[p as ParamName](ctx, maxPages));
    const count = sizes.reduce((n, size) => n * size, 1);
    for (let index = 0; index < count; index++) {
      // Row-major: the last parameter varies fastest.
      const values = new Array<number>(params.length);
      for (let p = params.length - 1, rest = index; p >= 0; p--) {
        values[p] = rest % sizes[p]!;
        rest = Math.floor(rest / sizes[p]!);
      }
      const action: Record<string, unknown> = { kind };
      params.forEach((p, i) => {
        action[p] = values[i];
      });
      actions.push(action as unknown as Action);
      args.push(values);
      kinds.push(k);
    }
  });
  return {
    actions,
    kind: Uint8Array.from(kinds),
    kindName: actions.map((a) => a.kind),
    first,
    arg: Int32Array.from(args, (v) => v[0] ?? 0),
    arg2: Int32Array.from(args, (v) => v[1] ?? 0),
    arg3: Int32Array.from(args, (v) => v[2] ?? 0),
  };
}
