/**
 * The checkable VMM model on packed states: the one definition of the machine (guards
 * model/vmm/lean/enabled.ts, effects lean/step.ts, action table model/vmm/footprint.ts, layout
 * lean/layout.ts) joined with the invariants and `sometimes` properties of invariants.ts. States
 * are one `Int32Array` each and actions small integer codes (indices into the scenario's action
 * table, `action(code)` gives the `Action`). This is what every explorer runs; the JSON view of
 * the same model (checkModel.ts) decodes its states for traces, reports, replay and tests.
 */
import type { Fingerprint, Json, Model, ScratchStep, StateCarry } from '../model/core/model.ts';
import type { PartialOrderFaults } from '../model/core/partialOrder.ts';
import type { Action } from '../model/vmm/actions.ts';
import { buildContext, type VmmContext } from '../model/vmm/context.ts';
import { initialState } from '../model/vmm/initial.ts';
import { decode, encode } from '../model/vmm/lean/codec.ts';
import * as Enabled from '../model/vmm/lean/enabled.ts';
import * as Fp from '../model/vmm/lean/fingerprint.ts';
import * as K from '../model/vmm/lean/layout.ts';
import { leanAmple } from '../model/vmm/lean/partialOrder.ts';
import { allocState, createKit, type LeanKit } from '../model/vmm/lean/queries.ts';
import * as Step from '../model/vmm/lean/step.ts';
import { leanSymmetry, type SymmetryFaults } from '../model/vmm/lean/symmetry.ts';
import { ACTION_KINDS, describeAction } from '../model/vmm/machine.ts';
import { notEnabledError } from '../model/vmm/notEnabled.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { type VmmProperty, vmmProperties } from './invariants.ts';
import { PROPERTY_READS } from './visibility.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  E_DONE,
  E_REFUSED,
  G_NEXT_REQUEST,
  G_RC,
  IO_STATUS,
  RC_NONE,
  S_DONE,
  S_FAILED,
  S_IDLE,
  S_REFUSED,
  forgetCached,
  ioBase,
} = K;
const { leanActions } = Enabled;
const { ensureKeys, finishSums, fingerprintWords, laneSums, updateSums } = Fp;
const { leanApply, leanNext, writtenOffsets } = Step;

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
  /**
   * Rules of the partial-order reduction to leave out (unsound: only for tests that show each
   * rule matters); the model's `ample` keeps them all by default.
   */
  readonly partialOrderFaults?: PartialOrderFaults;
  /**
   * Symmetry reduction (default false): fingerprint each state's orbit under the scenario's group
   * of interchangeable I/O entries, channels and CPU accesses (model/vmm/lean/symmetry.ts); the
   * model then has `symmetry` set. No effect where the group is trivial.
   */
  readonly symmetry?: boolean;
  /** Rules of the symmetry's state permutation to leave out (unsound: only for tests). */
  readonly symmetryFaults?: SymmetryFaults;
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
      // Handed out as is, typed `readonly` (no copy, and not frozen: `Object.freeze` costs more than
      // all the guards of a state); the check reads `enabledMark`, which no caller can reach.
      lastCodes = codesOf(state);
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
  /** Throw `not-enabled` unless `code` is enabled in `state`. */
  const checkEnabled = (state: Int32Array, code: number): void => {
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
  };
  const checkedNext = (state: Int32Array, code: number): Int32Array => {
    checkEnabled(state, code);
    return stepped(state, leanNext(kit, state, code), code);
  };
  // `scratch.into` writes here. Whatever is cached by identity is let go of it first, since it is
  // about to hold another state; stepping from the scratch itself takes `next` (an effect reads the
  // state before the step while it writes the new one).
  const scratch = allocState(kit).fill(0);
  const L = kit.L;
  const intoScratch = (state: Int32Array, code: number): Int32Array => {
    if (state === scratch) return stepped(state, leanNext(kit, state, code), code);
    forgetCached(L, scratch);
    if (last === scratch) last = null;
    if (parentOf === scratch) parentOf = null;
    sumsOf = null;
    scratch.set(state);
    leanApply(kit, state, scratch, code);
    return stepped(state, scratch, code);
  };
  // Kept states are carved from slabs of the model's own, `length + SIDE_WORDS` words a state. The
  // words after each state (its side) hold its lane sums, so a step from it starts from them
  // instead of hashing it in full (`stepped`), then the count of its enabled actions (-1: not
  // stored) and their codes, worked out by `keep` when the explorer will expand the state: the
  // guards then run right before the properties are checked on the new state, and share with them
  // the holders and target counts cached for it (lean/queries.ts). Only states `keep` made are
  // read so (their slabs are in `keptSlabs`).
  const length = L.length;
  const stride = length + SIDE_WORDS;
  let keptSlab = new Int32Array(0);
  let keptOffset = 0;
  const keptSlabs = new WeakSet<ArrayBufferLike>();
  let sideBuffer: ArrayBufferLike | null = null;
  let sideView: Int32Array<ArrayBufferLike> = keptSlab;
  const keptSums = new Int32Array(2);
  ensureKeys(length);
  /** Where `state`'s side words start in `sideView`, or -1 when `keep` did not make it. */
  const sideOf = (state: Int32Array): number => {
    const buffer = state.buffer;
    if (buffer !== sideBuffer) {
      if (!keptSlabs.has(buffer)) return -1;
      sideBuffer = buffer;
      sideView = new Int32Array(buffer);
    }
    return state.length === length ? (state.byteOffset >> 2) + length : -1;
  };
  /** The enabled actions of `state`: the codes `keep` stored, or its guards run now. */
  const codesOf = (state: Int32Array): number[] => {
    const side = sideOf(state);
    const count = side < 0 ? -1 : sideView[side + 2]!;
    if (count < 0) return leanActions(kit, state);
    const codes = new Array<number>(count);
    for (let i = 0; i < count; i++) codes[i] = sideView[side + 3 + i]!;
    return codes;
  };
  /**
   * A new kept state (its words and side unset) at `keptOffset` of `keptSlab`, in slabs of up to
   * `slabStates` states (as `allocState`: small first slabs, each doubling).
   */
  const keptSlot = (slabStates: number): Int32Array => {
    if (keptOffset + stride > keptSlab.length) {
      keptSlab = new Int32Array(stride * Math.min(slabStates, Math.max(16, (2 * keptSlab.length) / stride)));
      keptSlabs.add(keptSlab.buffer);
      keptOffset = 0;
    }
    const n = new Int32Array(keptSlab.buffer, keptOffset * 4, length);
    keptOffset += stride;
    return n;
  };
  /**
   * Write the side of `s` into `out` at `side`: its lane sums, and the enabled actions of
   * `guarded` (a state equal to `s`, or null: not stored). The guards share the holders and target
   * counts cached for `guarded` by identity with the properties checked on it next.
   */
  const writeSide = (s: Int32Array, guarded: Int32Array | null, out: Int32Array, side: number): void => {
    if (s === sumsOf) {
      out[side] = childSums[0]!;
      out[side + 1] = childSums[1]!;
    } else {
      laneSums(s, keptSums);
      out[side] = keptSums[0]!;
      out[side + 1] = keptSums[1]!;
    }
    out[side + 2] = -1;
    if (guarded !== null) {
      const codes = leanActions(kit, guarded);
      if (codes.length <= STORED_CODES) {
        out[side + 2] = codes.length;
        for (let i = 0; i < codes.length; i++) out[side + 3 + i] = codes[i]!;
      }
    }
  };
  const keep = (s: Int32Array, expand?: boolean): Int32Array => {
    const n = keptSlot(2048);
    n.set(s);
    writeSide(s, expand === true ? n : null, keptSlab, keptOffset - SIDE_WORDS);
    if (s === lastStep) lastStep = n;
    return n;
  };
  // The side of a state the parallel explorer stores in its packed frontier, and back.
  const carry: StateCarry<Int32Array> = {
    words: SIDE_WORDS,
    save: (s, out, offset) => writeSide(s, s, out, offset),
    // States taken back are expanded at once and let go: slabs of 256 hold no more than that.
    restore: (state, carried, offset) => {
      const n = keptSlot(256);
      n.set(state);
      const side = keptOffset - SIDE_WORDS;
      for (let i = 0; i < SIDE_WORDS; i++) keptSlab[side + i] = carried[offset + i]!;
      return n;
    },
  };
  // The latest result of a step and the numeric kind of that step (`stepClass`).
  let lastStep: Int32Array | null = null;
  let lastKind = -1;
  // The fingerprint of a step's result follows from its parent's lane sums and the words the step
  // may change (lean/fingerprint.ts): `next` computes it, `fingerprint` of that very state takes it
  // once. Both caches go by identity (states are values: nobody changes one after handing it out).
  const parentSums = new Int32Array(2);
  let parentOf: Int32Array | null = null;
  const childSums = new Int32Array(2);
  let childOf: Int32Array | null = null;
  /** The state `childSums` are the lane sums of (`childOf` is cleared once `fingerprint` takes them). */
  let sumsOf: Int32Array | null = null;
  const written = writtenOffsets(kit.L);
  const kindOf = kit.T.kind;
  const stepped = (state: Int32Array, n: Int32Array, code: number): Int32Array => {
    if (state !== parentOf) {
      const side = sideOf(state);
      if (side >= 0) {
        parentSums[0] = sideView[side]!;
        parentSums[1] = sideView[side + 1]!;
      } else {
        laneSums(state, parentSums);
      }
      parentOf = state;
    }
    childSums[0] = parentSums[0]!;
    childSums[1] = parentSums[1]!;
    const kind = kindOf[code]!;
    updateSums(state, n, childSums, written[kind]!);
    childOf = n;
    sumsOf = n;
    lastStep = n;
    lastKind = kind;
    return n;
  };
  const fingerprint = (state: Int32Array): Fingerprint => {
    if (state === childOf) {
      childOf = null;
      return finishSums(childSums[0]!, childSums[1]!, state.length);
    }
    return fingerprintWords(state);
  };
  const symmetry = options.symmetry ? leanSymmetry(L, options.symmetryFaults) : undefined;
  const imageSums = new Int32Array(2);
  /**
   * Up to symmetry: the fingerprint of the state's canonical form, whose lane sums follow from the
   * state's (incremental when it is the last step's result) over the words the group moves.
   */
  const orbitFingerprint = (state: Int32Array): Fingerprint => {
    const image = symmetry!.canonical(state);
    if (image === state) return fingerprint(state);
    if (state === childOf) {
      childOf = null;
      imageSums[0] = childSums[0]!;
      imageSums[1] = childSums[1]!;
    } else {
      laneSums(state, imageSums);
    }
    updateSums(state, image, imageSums, symmetry!.moved);
    return finishSums(imageSums[0]!, imageSums[1]!, state.length);
  };
  const check = options.checkEnabled ?? true;
  const next = check
    ? checkedNext
    : (state: Int32Array, code: number) => stepped(state, leanNext(kit, state, code), code);
  const scratchStep: ScratchStep<Int32Array, number> = {
    next,
    into: check
      ? (state, code) => {
          checkEnabled(state, code);
          return intoScratch(state, code);
        }
      : intoScratch,
    keep,
    carry,
  };
  return {
    name: `${scenario.name}/${variant}`,
    ctx,
    kit,
    decode: (state) => decode(kit.L, state),
    encode: (state) => encode(kit.L, state),
    action: (code) => actions[code]!,
    code: (action) => codes.get(actionKey(action)) ?? -1,
    initialStates: () => [initial],
    actions: check ? enabledCodes : codesOf,
    next,
    scratch: scratchStep,
    properties: vmmProperties(kit),
    stepClass: (state) => (state === lastStep ? lastKind : -1),
    fingerprint: symmetry === undefined ? fingerprint : orbitFingerprint,
    ...(symmetry === undefined ? {} : { symmetry: symmetry.info }),
    describeAction: (code) => describeAction(ctx, actions[code]!),
    actionKind: (code) => kindNames[code]!,
    actionKinds: ACTION_KINDS,
    actionToJson: (code) => actions[code] as unknown as Json,
    stateToJson: (state) => decode(kit.L, state) as unknown as Json,
    isFinal: (state) => leanIsFinal(kit, state),
    ample: leanAmple(kit, PROPERTY_READS, options.partialOrderFaults),
  };
}

/** Most enabled actions a kept state stores (`keep`); a state with more runs its guards again. */
const STORED_CODES = 8;
/** Words after each kept state: its two lane sums, its count of enabled actions, their codes. */
const SIDE_WORDS = 3 + STORED_CODES;

/** `isFinal` of model.ts on a lean state. */
export function leanIsFinal(kit: LeanKit, s: Int32Array): boolean {
  const L = kit.L;
  if (s[G_RC] !== RC_NONE || s[G_NEXT_REQUEST] !== kit.requestCount) return false;
  for (let e = 0; e < kit.eventCount; e++) {
    const st = s[L.events + e];
    if (st !== E_DONE && st !== E_REFUSED) return false;
  }
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
