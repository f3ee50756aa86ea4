/**
 * Replaying an ITF trace against a model: does the model really produce this trace, and does its
 * last state really break the recorded invariant? Pure: no I/O.
 */
import {
  firstViolation,
  type Json,
  type Model,
  type Trace,
  type TraceStep,
  type Violation,
} from '../model/core/index.ts';
import { diffJson, type JsonChange } from './diff.ts';
import {
  decodeItfValue,
  ITF_ACTION_TAKEN,
  ITF_NONDET_PICKS,
  type ItfAction,
  type ItfState,
  type ItfTrace,
  itfAction,
  itfStateVariables,
} from './itf.ts';
import { formatPath, formatValue, type JsonRecord, jsonEqual, truncate } from './json.ts';

/** Why a replay stopped. */
export type ReplayFailureKind =
  /** `#meta.model`, `scenario` or `variant` names another model or scenario than the one given. */
  | 'meta-mismatch'
  /** No initial state of the model equals `states[0]`. */
  | 'initial-state-differs'
  /** The recorded action is not among the enabled actions of the state before it. */
  | 'action-not-enabled'
  /** The recorded action is enabled, but the model's next state is not the recorded one. */
  | 'state-differs'
  /** The last state does not show the violation `#meta.invariant` names. */
  | 'violation-not-reproduced';

/** A replay that failed: the first step that does not fit (0 is the initial state) and why. */
export interface ReplayFailure {
  readonly ok: false;
  /** Index in `states`: 0 for the initial state, i for the state after the i-th action. */
  readonly step: number;
  readonly kind: ReplayFailureKind;
  /** One line saying what does not fit and the likely cause. */
  readonly reason: string;
  /** JSON-safe facts behind `reason`: the field path, expected and actual values, enabled actions. */
  readonly details: { readonly [key: string]: Json };
}

/** A replay that fits the model: the rebuilt trace, and the violation its last state shows, if any. */
export interface ReplaySuccess<S, A> {
  readonly ok: true;
  readonly trace: Trace<S, A>;
  /** The recorded invariant's violation when `#meta.invariant` is set, else `firstViolation` of the last state. */
  readonly violation?: Violation;
}

/** Outcome of `replayItf`. */
export type ReplayResult<S, A> = ReplaySuccess<S, A> | ReplayFailure;

/** What the trace must have been recorded for; each is checked against `#meta` when both are set. */
export interface ReplayOptions {
  readonly scenario?: string;
  readonly variant?: string;
}

/** Enabled actions listed in a failure message before it says "… and N more". */
const MAX_LISTED_ACTIONS = 12;

/**
 * Re-run `itf` on `model`. Checks, in order: `#meta` (model name, and scenario and variant when
 * `options` gives them); that `states[0]` is one of the model's initial states; then, step by step,
 * that the recorded action (`mbt::actionTaken` + `mbt::nondetPicks`, as `itfAction` encodes it) is
 * enabled and leads to the recorded state; finally that the last state violates `#meta.invariant`
 * (for a `deadlock` discovery: has no enabled action and is not final).
 *
 * Never throws for a trace that does not fit: returns the first step that fails and why. States are
 * compared as JSON (`model.stateToJson`), so the trace should come from `traceToItf` or `parseItf`.
 */
export function replayItf<S, A>(
  model: Model<S, A>,
  itf: ItfTrace,
  options: ReplayOptions = {},
): ReplayResult<S, A> {
  const meta = itf['#meta'];
  const metaChecks: [field: string, expected: string | undefined, recorded: Json | undefined][] = [
    ['model', model.name, meta.model],
    ['scenario', options.scenario, meta.scenario],
    ['variant', options.variant, meta.variant],
  ];
  for (const [field, expected, recorded] of metaChecks) {
    if (expected !== undefined && recorded !== undefined && recorded !== expected) {
      return failure(
        0,
        'meta-mismatch',
        `trace was recorded for ${field} ${formatValue(recorded)}, not ${formatValue(expected)}: it comes from another ${field === 'model' ? 'model' : 'scenario or variant'}`,
        { field, recorded, expected },
      );
    }
  }

  const first = itf.states[0];
  if (!first) return failure(0, 'initial-state-differs', 'trace has no states', {});
  const recordedInitial = recordedVariables(first);
  const initials = model.initialStates();
  const initialIndex = initials.findIndex((candidate) =>
    jsonEqual(model.stateToJson(candidate), recordedInitial),
  );
  if (initialIndex < 0) {
    if (initials.length === 0)
      return failure(0, 'initial-state-differs', 'the model has no initial state', {});
    const change = closestDifference(
      recordedInitial,
      initials.map((s) => model.stateToJson(s)),
    );
    return failure(
      0,
      'initial-state-differs',
      `initial state differs ${describeDifference(change)}`,
      differenceDetails(change),
    );
  }

  const initial = initials[initialIndex] as S;
  const steps: TraceStep<S, A>[] = [];
  let state = initial;
  for (let index = 1; index < itf.states.length; index++) {
    const recorded = itf.states[index]!;
    const wanted: ItfAction = {
      actionTaken: recorded[ITF_ACTION_TAKEN],
      nondetPicks: normalized(recorded[ITF_NONDET_PICKS]) as JsonRecord,
    };
    const recordedState = recordedVariables(recorded);
    const enabled = model.actions(state);
    const matching = enabled.filter((action) => sameAction(itfAction(model, action), wanted));
    if (matching.length === 0) {
      const listed = enabled.slice(0, MAX_LISTED_ACTIONS).map((action) => model.describeAction(action));
      const more =
        enabled.length > MAX_LISTED_ACTIONS ? `, … ${enabled.length - MAX_LISTED_ACTIONS} more` : '';
      return failure(
        index,
        'action-not-enabled',
        `step ${index}: recorded action ${describeItfAction(wanted)} is not enabled here; enabled: ${
          enabled.length === 0 ? '(none)' : listed.join('; ') + more
        }`,
        {
          recorded: { [ITF_ACTION_TAKEN]: wanted.actionTaken, [ITF_NONDET_PICKS]: wanted.nondetPicks },
          enabled: enabled.map((action) => {
            const encoded = itfAction(model, action);
            return { [ITF_ACTION_TAKEN]: encoded.actionTaken, [ITF_NONDET_PICKS]: encoded.nondetPicks };
          }),
        },
      );
    }
    // Prefer the candidate whose successor is the recorded state, should the encoding not tell them apart.
    const outcomes = matching.map((action) => ({ action, next: model.next(state, action) }));
    const fitting = outcomes.find((o) => jsonEqual(model.stateToJson(o.next), recordedState));
    if (!fitting) {
      const chosen = outcomes[0]!;
      const change = diffJson(recordedState, model.stateToJson(chosen.next))[0];
      // The likely cause: the recorded action was edited, and another enabled action explains the state.
      const other = enabled.find(
        (action) =>
          !matching.includes(action) &&
          jsonEqual(model.stateToJson(model.next(state, action)), recordedState),
      );
      const hint =
        other === undefined ? '' : `; the recorded state is what ${model.describeAction(other)} gives`;
      return failure(
        index,
        'state-differs',
        `step ${index} (${model.describeAction(chosen.action)}): resulting state differs ${describeDifference(change)}${hint}`,
        {
          ...differenceDetails(change),
          ...(other === undefined ? {} : { explainedBy: model.describeAction(other) }),
        },
      );
    }
    steps.push({ action: fitting.action, state: fitting.next });
    state = fitting.next;
  }

  const last = itf.states.length - 1;
  const invariant = meta.invariant;
  if (invariant === undefined) {
    const violation = firstViolation(model, state);
    return violation
      ? { ok: true, trace: { initial, steps }, violation }
      : { ok: true, trace: { initial, steps } };
  }
  const confirmed = confirmViolation(model, state, invariant, meta.discovery === 'deadlock', last);
  if (!confirmed.ok) return confirmed;
  return { ok: true, trace: { initial, steps }, violation: confirmed.violation };
}

function confirmViolation<S, A>(
  model: Model<S, A>,
  state: S,
  invariant: string,
  deadlock: boolean,
  last: number,
): { readonly ok: true; readonly violation: Violation } | ReplayFailure {
  if (deadlock) {
    const enabled = model.actions(state).length;
    if (enabled === 0 && !model.isFinal(state)) {
      return {
        ok: true,
        violation: {
          invariant,
          message: 'no step is enabled and the state is not final (deadlock)',
          details: {},
        },
      };
    }
    return failure(
      last,
      'violation-not-reproduced',
      `last state (step ${last}) is not a deadlock: ${enabled > 0 ? `${enabled} actions are enabled` : 'it is final'}; the trace may be truncated`,
      { invariant, enabled },
    );
  }
  const first = firstViolation(model, state);
  if (first?.invariant === invariant) return { ok: true, violation: first };
  const property = model.properties.find((p) => p.name === invariant && p.kind === 'always');
  const named = property?.check(state);
  if (named) return { ok: true, violation: named };
  const why = !property
    ? `the model has no always-property named ${invariant}`
    : first
      ? `last state (step ${last}) violates ${first.invariant}, not ${invariant}`
      : `last state (step ${last}) violates no invariant; the trace may be truncated or the model fixed`;
  return failure(
    last,
    'violation-not-reproduced',
    `recorded violation of ${invariant} not reproduced: ${why}`,
    {
      invariant,
      violated: first?.invariant ?? null,
    },
  );
}

function failure(
  step: number,
  kind: ReplayFailureKind,
  reason: string,
  details: { readonly [key: string]: Json },
): ReplayFailure {
  return { ok: false, step, kind, reason, details };
}

/** A recorded value as the model writes it: `#bigint` forms become numbers (as `parseItf` does). */
function normalized(value: Json): Json {
  const decoded = decodeItfValue(value);
  return decoded.ok ? decoded.value : value;
}

function recordedVariables(state: ItfState): JsonRecord {
  return normalized(itfStateVariables(state)) as JsonRecord;
}

function sameAction(a: ItfAction, b: ItfAction): boolean {
  return a.actionTaken === b.actionTaken && jsonEqual(a.nondetPicks, b.nondetPicks);
}

function describeItfAction(action: ItfAction): string {
  const picks = Object.keys(action.nondetPicks).length === 0 ? '' : ` ${JSON.stringify(action.nondetPicks)}`;
  return `${action.actionTaken}${picks}`;
}

/** The first difference against the candidate with the fewest differences. */
function closestDifference(recorded: JsonRecord, candidates: readonly Json[]): JsonChange | undefined {
  let best: JsonChange[] | undefined;
  for (const candidate of candidates) {
    const changes = diffJson(recorded, candidate);
    if (!best || changes.length < best.length) best = changes;
  }
  return best?.[0];
}

/** "at `path`: expected A, got B", with expected the recorded value and got the model's. */
function describeDifference(change: JsonChange | undefined): string {
  if (!change) return '';
  const value = (json: Json) => truncate(formatValue(json), 80);
  const at = `at ${formatPath(change.path)}`;
  switch (change.kind) {
    case 'set':
      return `${at}: expected ${value(change.before)}, got ${value(change.after)}`;
    case 'add':
      return `${at}: expected no such field, got ${value(change.after)}`;
    case 'remove':
      return `${at}: expected ${value(change.before)}, got no such field`;
    case 'resize':
      return `${at}: expected ${change.beforeLength} items, got ${change.afterLength}`;
  }
}

function differenceDetails(change: JsonChange | undefined): { readonly [key: string]: Json } {
  if (!change) return {};
  const path = formatPath(change.path);
  switch (change.kind) {
    case 'set':
      return { path, expected: change.before, got: change.after };
    case 'add':
      return { path, expected: null, got: change.after };
    case 'remove':
      return { path, expected: change.before, got: null };
    case 'resize':
      return { path, expected: change.beforeLength, got: change.afterLength };
  }
}
