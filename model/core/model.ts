/**
 * The domain-free core: the contract between a model and anything that explores it.
 *
 * A model knows nothing about explorers, and explorers know nothing about virtual machines.
 * Everything here is pure data and pure functions, so a path can be replayed from action indices.
 */

import type { SymmetryInfo } from './symmetry.ts';

/** A JSON value, for details and traces that must survive serialisation. */
export type Json = null | boolean | number | string | readonly Json[] | { readonly [key: string]: Json };

/** A broken `always` property: which claim failed, one line saying what went wrong, and where. */
export interface Violation {
  /** Name of the property that failed, a claim such as `noStaleWrite`. */
  readonly invariant: string;
  /** One line in plain words, naming the VM, page and frame involved. */
  readonly message: string;
  /** JSON-safe facts (VM, page, frame, values) behind the message. */
  readonly details: { readonly [key: string]: Json };
}

/**
 * A property of states.
 * - `always`: `check` returns a violation in any state where the claim is broken.
 * - `sometimes`: `check` returns a non-undefined value in a state that witnesses the claim; a run
 *   that never meets a witness reports the property as never reached.
 */
export interface Property<S> {
  readonly name: string;
  readonly kind: 'always' | 'sometimes';
  /** One sentence of what is claimed. */
  readonly description: string;
  /** Spec section (e.g. `7.1`) the property checks, for reports. */
  readonly specRef?: string;
  readonly check: (state: S) => Violation | undefined;
  /**
   * Optional, indexed by the model's `stepClass`: 1 where a step of that class cannot change this
   * property's verdict (it writes nothing the check reads). An explorer that found nothing for the
   * property on the state a step started from may skip it on the step's result.
   */
  readonly sameAfter?: Uint8Array | undefined;
}

/**
 * Whether `property` keeps, on the result of a step of class `step` (the model's `stepClass`, -1
 * when unknown), the verdict it had on the state the step started from (`Property.sameAfter`).
 */
export function keepsVerdict<S>(property: Property<S>, step: number): boolean {
  return step >= 0 && property.sameAfter !== undefined && property.sameAfter[step] === 1;
}

/** 64-bit fingerprint of a state, as two unsigned 32-bit halves: equal states have equal fingerprints. */
export type Fingerprint = readonly [hi: number, lo: number];

/**
 * The model contract any explorer can drive.
 *
 * Laws (tested for every model in this project):
 * - `actions(s)` is a pure function of `s`: same state, same actions in the same order.
 * - `next(s, a)` is pure and only called with an `a` from `actions(s)`.
 * - `fingerprint(s)` depends only on the value of `s`; distinct reachable states differ with
 *   overwhelming probability (64 bits); under symmetry (`symmetry` set), distinct orbits do.
 */
export interface Model<S, A> {
  /** Name for reports, e.g. `fig6-relocation/patent`. */
  readonly name: string;
  /** The initial states, in a fixed order. */
  initialStates(): readonly S[];
  /** The enabled actions of `state`, in a deterministic order. */
  actions(state: S): readonly A[];
  /** The state after `action`; `state` is left untouched. */
  next(state: S, action: A): S;
  /**
   * Optional fast path of `next` for explorers (see `ScratchStep`); explorers use it only while
   * `scratch.next === next`, so a wrapper that replaces `next` turns it off.
   */
  readonly scratch?: ScratchStep<S, A>;
  /**
   * Optional: the class of the step that gave `state` (an index into `Property.sameAfter`) while
   * `state` is the latest result of `next`, `scratch.into` or `scratch.keep` (by identity); -1 for
   * any other state.
   */
  stepClass?(state: S): number;
  /** Properties checked on every reached state, `always` and `sometimes`. */
  readonly properties: readonly Property<S>[];
  /** Canonical 64-bit fingerprint of `state`. */
  fingerprint(state: S): Fingerprint;
  /** Short human description of an action, e.g. `channel.transfer ch0 VM-2 page 1 -> frame 5`. */
  describeAction(action: A): string;
  /** The action kind for coverage statistics, e.g. `channel.transfer`. */
  actionKind(action: A): string;
  /** Every action kind the model can produce, so kinds that never fired can be listed. */
  readonly actionKinds: readonly string[];
  /** The action as JSON (for ITF traces). */
  actionToJson(action: A): Json;
  /** The state as JSON (for ITF traces and text diffs): a plain tree of records, arrays and scalars. */
  stateToJson(state: S): Json;
  /**
   * True when `state` is a proper end of the scenario. A state with no enabled action that is not
   * final is a deadlock.
   */
  isFinal(state: S): boolean;
  /**
   * For the partial-order reduction (optional): a subset of `actions` (the enabled actions of
   * `state`, as `actions(state)` gave them, in their order) that is an ample set with C0 (nonempty),
   * C1 (no action outside it that depends on one inside can run first) and C2 (only actions that
   * change nothing a property or `isFinal` reads), as `StubbornSets` (partialOrder.ts) picks them;
   * undefined to expand every action. A pure function of the state. Explorers asked to reduce add
   * the cycle proviso C3 (generators/partialOrder.ts).
   */
  ample?(state: S, actions: readonly A[]): readonly A[] | undefined;
  /**
   * Set when `fingerprint` is that of the state's orbit under a symmetry group (symmetry.ts,
   * `withSymmetry`): states of one orbit then share a fingerprint, and explorers report this as
   * `stats.symmetry`.
   */
  readonly symmetry?: SymmetryInfo;
}

/**
 * `next` into a scratch state, with the same results: `into` writes the state after `action` into
 * a scratch state the model owns and reuses, valid until the next `into` call. An explorer
 * fingerprints it and, for the successors it stores, takes a state of its own with `keep`. Most
 * successors are states seen before, and cost no allocation this way.
 */
export interface ScratchStep<S, A> {
  /** The model's `next` this stands for. */
  next(state: S, action: A): S;
  into(state: S, action: A): S;
  /**
   * A state of its own equal to `scratch`, the last result of `into`. `expand`: the explorer will
   * ask `actions` of the kept state, so the model may work them out now (while what it derived
   * from the state for its properties is fresh) and keep them with it.
   */
  keep(scratch: S, expand?: boolean): S;
  /**
   * Optional, for explorers that store states outside the model (the packed frontier of the
   * parallel explorer): what `keep(scratch, true)` would keep beside a state, as words to carry
   * with it, and the way back to a kept state.
   */
  readonly carry?: StateCarry<S>;
}

/**
 * What a model works out for a state it will expand (for the VMM: its fingerprint's lane sums and
 * its enabled actions), carried as `words` words beside the state wherever the explorer stores it,
 * so a state taken back from there is expanded as one `keep` made.
 */
export interface StateCarry<S> {
  /** Words carried a state. */
  readonly words: number;
  /**
   * Write what the model would keep beside `scratch` (the last result of `into`, to be stored and
   * expanded) into `out` from `offset`.
   */
  save(scratch: S, out: Int32Array, offset: number): void;
  /**
   * A state of its own equal to `state`, with the words `save` wrote for it at `carried[offset..]`
   * (`state` may be a view of another element type, e.g. one byte a word).
   */
  restore(state: ArrayLike<number>, carried: Int32Array, offset: number): S;
}

/** Raised on misuse of a model or explorer: `code` names the kind, the message the likely cause. */
export class VmcheckError extends Error {
  constructor(
    readonly code: string,
    message: string,
    readonly details: { readonly [key: string]: Json } = {},
  ) {
    super(message);
    this.name = 'VmcheckError';
  }
}
