/**
 * The lean (fast-path) checkable model: the same machine as `createCheckModel`, with states as one
 * `Int32Array` each and actions as small integer codes. Kept equivalent to the readable model by
 * properties/leanCheckModel.test.ts: same actions in the same order, same successors, same verdicts.
 *
 * Determinism: action indices of a lean path replay on the readable model (`readableTrace`), which
 * is how a violation found by the fast path is shown to the user with full incident details.
 */
import type { Fingerprint, Json, Model } from '../model/core/model.ts';
import { replayIndices, type Trace } from '../model/core/trace.ts';
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
import { createCheckModel } from './checkModel.ts';
import { leanProperties } from './leanInvariants.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const { E_DONE, G_NEXT_REQUEST, G_RC, IO_STATUS, RC_NONE, S_DONE, S_FAILED, S_IDLE, ioBase } = K;
const { leanActions } = Enabled;
const { fingerprintWords } = Fp;
const { leanNext } = Step;

/** A lean model, with the context, the kit and the conversions to and from readable states. */
export interface LeanCheckModel extends Model<Int32Array, number> {
  readonly ctx: VmmContext;
  readonly kit: LeanKit;
  /** The readable state a lean state stands for (incidents: kinds only). */
  decode(state: Int32Array): MachineState;
  /** The lean state of a readable one. */
  encode(state: MachineState): Int32Array;
  /** The readable action of an action code. */
  action(code: number): Action;
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
  const readable = createCheckModel(scenario, variant);
  const initial = encode(kit.L, initialState(ctx));
  const actions = kit.T.actions;
  const kindNames = kit.T.kindName;
  let last: Int32Array | null = null;
  let lastCodes: number[] = [];
  const enabledCodes = (state: Int32Array): number[] => {
    if (state !== last) {
      lastCodes = leanActions(kit, state);
      last = state;
    }
    return lastCodes;
  };
  const checkedNext = (state: Int32Array, code: number): Int32Array => {
    const codes = enabledCodes(state);
    if (!codes.includes(code)) {
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
    initialStates: () => [initial],
    actions: check ? (state) => [...enabledCodes(state)] : (state) => leanActions(kit, state),
    next: check ? checkedNext : (state, code) => leanNext(kit, state, code),
    properties: leanProperties(kit, readable.properties),
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
    if (st !== S_IDLE && st !== S_DONE && st !== S_FAILED) return false;
  }
  return true;
}

/**
 * The readable trace of a lean path: replay the same initial index and action indices on the
 * readable model (both enumerate actions in the same order), so incident details are complete.
 */
export function readableTrace(
  readable: Model<MachineState, Action>,
  initialIndex: number,
  actionIndices: readonly number[],
): Trace<MachineState, Action> {
  return replayIndices(readable, initialIndex, actionIndices);
}
