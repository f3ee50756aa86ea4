/**
 * The checkable VMM model on packed states: the one definition of the machine (guards
 * model/vmm/lean/enabled.ts, effects lean/step.ts, action table model/vmm/footprint.ts, layout
 * lean/layout.ts) joined with the invariants and `sometimes` properties of invariants.ts. States
 * are one `Int32Array` each and actions small integer codes (indices into the scenario's action
 * table, `action(code)` gives the `Action`). This is what every explorer runs; the JSON view of
 * the same model (checkModel.ts) decodes its states for traces, reports, replay and tests.
 */
import type { Fingerprint, Json, Model } from '../model/core/model.ts';
import { ACTION_KINDS, type Action, describeAction } from '../model/vmm/actions.ts';
import { buildContext, type VmmContext } from '../model/vmm/context.ts';
import { initialState } from '../model/vmm/initial.ts';
import { decode, encode } from '../model/vmm/lean/codec.ts';
import * as Enabled from '../model/vmm/lean/enabled.ts';
import * as Fp from '../model/vmm/lean/fingerprint.ts';
import * as K from '../model/vmm/lean/layout.ts';
import { createKit, type LeanKit } from '../model/vmm/lean/queries.ts';
import * as Step from '../model/vmm/lean/step.ts';
import { notEnabledError } from '../model/vmm/notEnabled.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { type VmmProperty, vmmProperties } from './invariants.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const { E_DONE, G_NEXT_REQUEST, G_RC, IO_STATUS, RC_NONE, S_DONE, S_FAILED, S_IDLE, S_REFUSED, ioBase } = K;
const { leanActions } = Enabled;
const { fingerprintWords } = Fp;
const { leanNext } = Step;

/** The packed model, with the context, the kit and the conversions to and from the JSON view. */
export interface LeanCheckModel extends Model<Int32Array, number> {
  readonly ctx: VmmContext;
  readonly kit: LeanKit;
  readonly properties: readonly VmmProperty[];
  /** The JSON view of a packed state (what traces, reports and ITF show). */
  decode(state: Int32Array): MachineState;
  /** The packed state of a JSON view. */
  encode(state: MachineState): Int32Array;
  /** The action of an action code. */
  action(code: number): Action;
  /** The code of an action, or -1 when the scenario has no such action (parameters out of range). */
  code(action: Action): number;
}

/** Options of `createLeanModel`. */
export interface LeanModelOptions {
  /**
   * Check that each action given to `next` is enabled (default true), raising
   * `VmcheckError('not-enabled')` otherwise. Free under BFS (a one-entry cache of the last state's
   * actions); `false` skips it on a hot path that only applies actions it was just given.
   */
  readonly checkEnabled?: boolean;
}

/** The lean model of `scenario` under `variant` (default: the scenario's own), with every property. */
export function createLeanModel(
  scenario: Scenario,
  variant: Variant = scenario.variant,
  options: LeanModelOptions = {},
): LeanCheckModel {
  const ctx = buildContext(scenario, variant);
  const kit = createKit(ctx);
  const initial = encode(kit.L, initialState(ctx));
  const actions = kit.T.actions;
  const kindNames = kit.T.kindName;
  const codes = new Map(actions.map((a, code) => [actionKey(a), code]));
  let last: Int32Array | null = null;
  let lastCodes: number[] = [];
  // `enabledMark[code] === stamp` exactly for the codes enabled in `last`: the check is one lookup.
  const enabledMark = new Int32Array(actions.length);
  let stamp = 0;
  const enabledCodes = (state: Int32Array): number[] => {
    if (state !== last) {
      // Frozen: handed out as is (no copy), so no caller can change what the check compares with.
      lastCodes = Object.freeze(leanActions(kit, state)) as number[];
      last = state;
      if (stamp === 0x7fffffff) {
        enabledMark.fill(0);
        stamp = 0;
      }
      stamp++;
      for (let i = 0; i < lastCodes.length; i++) enabledMark[lastCodes[i]!] = stamp;
    }
    return lastCodes;
  };
  const checkedNext = (state: Int32Array, code: number): Int32Array => {
    const codes = enabledCodes(state);
    if (!(code >= 0 && code < enabledMark.length && enabledMark[code] === stamp)) {
      const action: Action = actions[code] ?? ({ kind: `code ${code}` } as unknown as Action);
      throw notEnabledError(
        ctx,
        action,
        codes.map((c) => actions[c]!),
        decode(kit.L, state),
      );
    }
    return leanNext(kit, state, code);
  };
  const check = options.checkEnabled ?? true;
  return {
    name: `${scenario.name}/${variant}`,
    ctx,
    kit,
    decode: (state) => decode(kit.L, state),
    encode: (state) => encode(kit.L, state),
    action: (code) => actions[code]!,
    code: (action) => codes.get(actionKey(action)) ?? -1,
    initialStates: () => [initial],
    actions: check ? enabledCodes : (state) => leanActions(kit, state),
    next: check ? checkedNext : (state, code) => leanNext(kit, state, code),
    properties: vmmProperties(kit),
    fingerprint: (state): Fingerprint => fingerprintWords(state),
    describeAction: (code) => describeAction(ctx, actions[code]!),
    actionKind: (code) => kindNames[code]!,
    actionKinds: ACTION_KINDS,
    actionToJson: (code) => actions[code] as unknown as Json,
    stateToJson: (state) => decode(kit.L, state) as unknown as Json,
    isFinal: (state) => leanIsFinal(kit, state),
  };
}

/** `isFinal` of model.ts on a lean state. */
export function leanIsFinal(kit: LeanKit, s: Int32Array): boolean {
  const L = kit.L;
  if (s[G_RC] !== RC_NONE || s[G_NEXT_REQUEST] !== kit.requestCount) return false;
  for (let e = 0; e < kit.eventCount; e++) if (s[L.events + e] !== E_DONE) return false;
  for (let i = 0; i < kit.ioCount; i++) {
    const st = s[ioBase(L, i) + IO_STATUS];
    if (st !== S_IDLE && st !== S_DONE && st !== S_FAILED && st !== S_REFUSED) return false;
  }
  return true;
}

/** A key naming an action by kind and parameters, whatever the order of its fields. */
function actionKey(a: Action): string {
  const x = a as unknown as Record<string, unknown>;
  return [
    a.kind,
    ...Object.keys(x)
      .filter((key) => key !== 'kind')
      .sort()
      .map((key) => `${key}=${String(x[key])}`),
  ].join(' ');
}
