/**
 * Traces in the Informal Trace Format (ITF) of Apalache and Quint (ADR-015,
 * https://apalache-mc.org/docs/adr/015adr-trace.html), with the action of each step recorded the
 * way Quint's model-based testing does: `mbt::actionTaken` and `mbt::nondetPicks`.
 *
 * Encoding decisions (ITF leaves them to the writer):
 * - Integers are written `{"#bigint": "…"}` (the ADR-015 revision Quint reads). Reading accepts that
 *   and plain JSON numbers (the older form) and decodes to a number; a `#bigint` a number cannot hold
 *   exactly is rejected.
 * - Non-integer numbers have no ITF form: writing one is an error naming its path.
 * - `null` (a free frame, an idle VMM) is written as the option variant `None`
 *   (`{"tag": "None", "value": {"#tup": []}}`); ITF has no null. Reading accepts `None`, `Some`
 *   (`{"tag": "Some", "value": x}` is x) and plain `null` (the older form).
 * - Records stay plain JSON objects; record keys must not start with `#` (ITF reserves them).
 *   `#set`, `#map`, `#tup` and `#unserializable` are never written, and rejected when read:
 *   vmcheck states are plain JSON trees.
 */
import { type Json, type Model, type Trace, type Violation, VmcheckError } from '../model/core/index.ts';
import { formatPath, isJsonRecord, type JsonPathSegment, type JsonRecord } from './json.ts';

/** The state field holding the name of the action that led to the state (`init` for the first). */
export const ITF_ACTION_TAKEN = 'mbt::actionTaken';
/** The state field holding the action's parameters (its "nondeterministic picks"). */
export const ITF_NONDET_PICKS = 'mbt::nondetPicks';
/** `mbt::actionTaken` of the initial state, as Quint writes it. */
export const ITF_INIT_ACTION = 'init';
/** Where the format is described, for `#meta.format-description`. */
export const ITF_FORMAT_DESCRIPTION = 'https://apalache-mc.org/docs/adr/015adr-trace.html';

/**
 * Trace-level metadata. vmcheck always writes `format`, `format-description`, `source`,
 * `generator` and `model`; everything is optional when read.
 */
export type ItfMeta = {
  readonly format?: string;
  readonly 'format-description'?: string;
  /** The scenario file (or model name) the trace comes from. */
  readonly source?: string;
  readonly generator?: string;
  /** `Model.name` of the model that produced the trace. */
  readonly model?: string;
  readonly scenario?: string;
  readonly variant?: string;
  /** The property the last state violates, if the trace is a counterexample. */
  readonly invariant?: string;
  /** `always` for a broken invariant, `deadlock` for a stuck state. */
  readonly discovery?: 'always' | 'deadlock';
  /** The violation's message, for readers of the file. */
  readonly message?: string;
  readonly description?: string;
  /** Seed of the simulation run that found the trace. */
  readonly seed?: number;
  readonly [key: string]: Json | undefined;
};

/** One state of an ITF trace: the model's variables plus the action that led to it. */
export type ItfState = {
  readonly '#meta': { readonly index: number };
  readonly [ITF_ACTION_TAKEN]: string;
  readonly [ITF_NONDET_PICKS]: JsonRecord;
  readonly [variable: string]: Json;
};

/** An ITF trace (ADR-015) as vmcheck writes and reads it. */
export type ItfTrace = {
  readonly '#meta': ItfMeta;
  /** The model's state variables, then `mbt::actionTaken` and `mbt::nondetPicks` (as Quint lists them). */
  readonly vars: readonly string[];
  readonly states: readonly ItfState[];
};

/** What `traceToItf` records in `#meta` beyond what it knows from the model. */
export interface ItfMetaOptions {
  /** The scenario file or name; also `source`, unless `source` is given. */
  readonly scenario?: string;
  readonly variant?: string;
  readonly source?: string;
  /** The violation the last state shows: records `invariant` and `message`. */
  readonly violation?: Violation;
  /** Kind of discovery, when `violation` is given; `always` by default. */
  readonly discovery?: 'always' | 'deadlock';
  readonly description?: string;
  readonly seed?: number;
  /** Further JSON-safe fields, e.g. the strategy or bounds of the run. */
  readonly extra?: JsonRecord;
}

/** An action as ITF records it: its kind and its parameters. */
export interface ItfAction {
  readonly actionTaken: string;
  readonly nondetPicks: JsonRecord;
}

/**
 * The ITF record of `action`: `actionTaken` is `model.actionKind(action)`; `nondetPicks` is
 * `model.actionToJson(action)` without the field that holds the kind (e.g. `{kind: 'inc', field: 'x'}`
 * gives `{field: 'x'}`). A non-record action JSON is kept whole as `{value: …}`.
 *
 * Replay matches actions by this record, so it must tell the enabled actions of a state apart.
 */
export function itfAction<S, A>(model: Model<S, A>, action: A): ItfAction {
  const actionTaken = model.actionKind(action);
  const json = model.actionToJson(action);
  if (isJsonRecord(json)) {
    const nondetPicks: { [key: string]: Json } = {};
    for (const [key, value] of Object.entries(json)) {
      if (value !== actionTaken) nondetPicks[key] = value;
    }
    return { actionTaken, nondetPicks };
  }
  return { actionTaken, nondetPicks: json === actionTaken ? {} : { value: json } };
}

/**
 * A trace as ITF: one state per trace state, each with the model's variables (the keys of
 * `model.stateToJson`), the action taken and its picks.
 *
 * Throws `VmcheckError('itf-unencodable')` naming the path when a state is not a record, its keys
 * change between states, or a value has no ITF form (a non-integer number, a key starting with `#`).
 */
export function traceToItf<S, A>(
  model: Model<S, A>,
  trace: Trace<S, A>,
  options: ItfMetaOptions = {},
): ItfTrace {
  const meta: { [key: string]: Json } = {
    format: 'ITF',
    'format-description': ITF_FORMAT_DESCRIPTION,
    source: options.source ?? options.scenario ?? model.name,
    generator: 'vmcheck',
    model: model.name,
  };
  if (options.scenario !== undefined) meta.scenario = options.scenario;
  if (options.variant !== undefined) meta.variant = options.variant;
  if (options.violation) {
    meta.invariant = options.violation.invariant;
    meta.discovery = options.discovery ?? 'always';
    meta.message = options.violation.message;
  }
  if (options.description !== undefined) meta.description = options.description;
  if (options.seed !== undefined) meta.seed = options.seed;
  for (const [key, value] of Object.entries(options.extra ?? {})) {
    if (!Object.hasOwn(meta, key))
      Object.defineProperty(meta, key, { value, enumerable: true, writable: true });
  }

  const initial = stateRecord(model, trace.initial, 0);
  const vars = Object.keys(initial);
  const states: ItfState[] = [itfState(0, initial, vars, { actionTaken: ITF_INIT_ACTION, nondetPicks: {} })];
  trace.steps.forEach((step, i) => {
    const index = i + 1;
    const record = stateRecord(model, step.state, index);
    states.push(itfState(index, record, vars, itfAction(model, step.action)));
  });
  return { '#meta': meta as ItfMeta, vars: [...vars, ITF_ACTION_TAKEN, ITF_NONDET_PICKS], states };
}

function stateRecord<S, A>(model: Model<S, A>, state: S, index: number): JsonRecord {
  const json = model.stateToJson(state);
  if (!isJsonRecord(json)) {
    throw new VmcheckError(
      'itf-unencodable',
      `states[${index}]: stateToJson must return a record of variables`,
      {
        index,
      },
    );
  }
  return json;
}

function itfState(index: number, record: JsonRecord, vars: readonly string[], action: ItfAction): ItfState {
  const keys = Object.keys(record);
  const extra = keys.find((key) => !vars.includes(key));
  const missing = vars.find((key) => !Object.hasOwn(record, key));
  if (extra !== undefined || missing !== undefined) {
    const which = extra !== undefined ? `${JSON.stringify(extra)} is not` : `${JSON.stringify(missing)} is`;
    throw new VmcheckError(
      'itf-unencodable',
      `states[${index}]: ${which} a variable of the initial state; ITF needs the same variables in every state`,
      { index },
    );
  }
  const state: { [key: string]: Json } = { '#meta': { index } };
  for (const key of vars) {
    if (key.startsWith('#') || key.startsWith('mbt::')) {
      throw new VmcheckError('itf-unencodable', `states[${index}]: variable name ${key} is reserved by ITF`, {
        index,
      });
    }
    state[key] = encodeItfValue(record[key]!, [`states`, index, key]);
  }
  state[ITF_ACTION_TAKEN] = action.actionTaken;
  state[ITF_NONDET_PICKS] = encodeItfValue(action.nondetPicks, ['states', index, ITF_NONDET_PICKS]);
  return state as ItfState;
}

/** `null` (no value: a free frame, an idle VMM) as strict ITF writes it: the variant `None`. */
export const ITF_NONE: Json = { tag: 'None', value: { '#tup': [] } };

/**
 * `value` in strict ITF form (ADR-015 as Quint reads it): every integer as `{"#bigint": "…"}`,
 * `null` as the variant `{"tag": "None", "value": {"#tup": []}}`, everything else as is.
 * Throws `VmcheckError('itf-unencodable')` naming the path for a non-integer number or a `#` key.
 */
export function encodeItfValue(value: Json, path: readonly JsonPathSegment[] = []): Json {
  if (value === null) return ITF_NONE;
  if (typeof value === 'number') {
    if (!Number.isInteger(value)) {
      throw new VmcheckError(
        'itf-unencodable',
        `${formatPath(path)}: ${value} is not an integer; ITF has integers only`,
        { path: formatPath(path) },
      );
    }
    return { '#bigint': BigInt(value).toString() };
  }
  if (Array.isArray(value)) return value.map((item, i) => encodeItfValue(item, [...path, i]));
  if (isJsonRecord(value)) {
    const out: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) {
      if (key.startsWith('#')) {
        throw new VmcheckError(
          'itf-unencodable',
          `${formatPath([...path, key])}: record keys starting with # are reserved by ITF`,
          { path: formatPath([...path, key]) },
        );
      }
      Object.defineProperty(out, key, {
        value: encodeItfValue(item, [...path, key]),
        enumerable: true,
        writable: true,
      });
    }
    return out;
  }
  return value;
}

/**
 * `value` read from ITF: `{"#bigint": …}` becomes a number. Returns a problem (path and message)
 * instead when the value has no vmcheck form: a non-integer number, a `#bigint` out of a number's
 * exact range, or a `#set`, `#map`, `#tup` or other `#` form.
 */
export function decodeItfValue(
  value: unknown,
  path: readonly JsonPathSegment[] = [],
):
  | { readonly ok: true; readonly value: Json }
  | { readonly ok: false; readonly path: string; readonly message: string } {
  const fail = (where: readonly JsonPathSegment[], message: string) =>
    ({ ok: false, path: formatPath(where), message }) as const;
  if (value === null || typeof value === 'boolean' || typeof value === 'string') return { ok: true, value };
  if (typeof value === 'number') {
    return Number.isInteger(value) ? { ok: true, value } : fail(path, `${value} is not an integer`);
  }
  if (Array.isArray(value)) {
    const items: Json[] = [];
    for (let i = 0; i < value.length; i++) {
      const item = decodeItfValue(value[i], [...path, i]);
      if (!item.ok) return item;
      items.push(item.value);
    }
    return { ok: true, value: items };
  }
  if (isJsonRecord(value)) {
    const keys = Object.keys(value);
    if (keys.length === 2 && keys.includes('tag') && keys.includes('value')) {
      const v = value as { tag: unknown; value: unknown };
      if (v.tag === 'None') return { ok: true, value: null };
      if (v.tag === 'Some') return decodeItfValue(v.value, [...path, 'value']);
    }
    if (keys.includes('#bigint')) {
      const digits = (value as { '#bigint': unknown })['#bigint'];
      if (keys.length !== 1 || typeof digits !== 'string' || !/^-?[0-9]+$/.test(digits)) {
        return fail(path, 'a #bigint must be {"#bigint": "<digits>"}');
      }
      const number = Number(digits);
      if (BigInt(number) !== BigInt(digits)) return fail(path, `${digits} is too large to hold exactly`);
      return { ok: true, value: number };
    }
    const out: { [key: string]: Json } = {};
    for (const key of keys) {
      if (key.startsWith('#')) return fail([...path, key], `${key} values are not used by vmcheck traces`);
      const item = decodeItfValue(value[key], [...path, key]);
      if (!item.ok) return item;
      Object.defineProperty(out, key, { value: item.value, enumerable: true, writable: true });
    }
    return { ok: true, value: out };
  }
  return fail(path, `${typeof value} is not a JSON value`);
}

const META_STRINGS = [
  'format',
  'format-description',
  'source',
  'generator',
  'model',
  'scenario',
  'variant',
  'invariant',
  'message',
  'description',
] as const;

/**
 * Validate parsed JSON as an ITF trace and decode its values (`#bigint` to numbers).
 *
 * `source` (a file name) starts every error message. A malformed trace raises
 * `VmcheckError('bad-trace')` whose message names the field, e.g.
 * `trace.itf.json: states[3]."mbt::actionTaken": missing`; `details.path` holds the field.
 * Requirements beyond ADR-015: at least one state; every state has exactly the declared `vars`
 * (the `mbt::` fields may be left out of `vars`) and both `mbt::` fields.
 */
export function parseItf(json: unknown, source: string): ItfTrace {
  const bad = (path: readonly JsonPathSegment[], message: string): never => {
    const where = formatPath(path);
    throw new VmcheckError('bad-trace', `${source}: ${path.length === 0 ? '' : `${where}: `}${message}`, {
      source,
      path: where,
    });
  };
  if (!isJsonRecord(json))
    return bad([], 'not an ITF trace: expected a JSON object with "vars" and "states"');

  const rawMeta = json['#meta'];
  if (rawMeta !== undefined && !isJsonRecord(rawMeta)) bad(['#meta'], 'expected an object');
  const meta = (rawMeta ?? {}) as JsonRecord;
  for (const key of META_STRINGS) {
    if (meta[key] !== undefined && typeof meta[key] !== 'string') bad(['#meta', key], 'expected a string');
  }
  if (meta.seed !== undefined && !Number.isInteger(meta.seed)) bad(['#meta', 'seed'], 'expected an integer');
  if (meta.discovery !== undefined && meta.discovery !== 'always' && meta.discovery !== 'deadlock') {
    bad(['#meta', 'discovery'], 'expected "always" or "deadlock"');
  }

  const rawVars = json.vars;
  if (rawVars === undefined) bad(['vars'], 'missing');
  if (!Array.isArray(rawVars)) return bad(['vars'], 'expected an array of variable names');
  rawVars.forEach((name, i) => {
    if (typeof name !== 'string') bad(['vars', i], 'expected a string');
  });
  const vars = rawVars as string[];
  const variables = [
    ...new Set(vars.filter((name) => name !== ITF_ACTION_TAKEN && name !== ITF_NONDET_PICKS)),
  ];

  const rawStates = json.states;
  if (rawStates === undefined) bad(['states'], 'missing');
  if (!Array.isArray(rawStates)) return bad(['states'], 'expected an array of states');
  if (rawStates.length === 0) bad(['states'], 'empty: a trace needs at least its initial state');

  const states = rawStates.map((raw, index): ItfState => {
    const at = ['states', index] as const;
    if (!isJsonRecord(raw)) return bad(at, 'expected an object');
    const stateMeta = raw['#meta'];
    if (stateMeta !== undefined) {
      if (!isJsonRecord(stateMeta)) bad([...at, '#meta'], 'expected an object');
      const recorded = (stateMeta as JsonRecord).index;
      if (recorded !== undefined && recorded !== index) {
        bad([...at, '#meta', 'index'], `${JSON.stringify(recorded)}, expected ${index}`);
      }
    }
    const taken = raw[ITF_ACTION_TAKEN];
    if (taken === undefined) bad([...at, ITF_ACTION_TAKEN], 'missing');
    if (typeof taken !== 'string') bad([...at, ITF_ACTION_TAKEN], 'expected a string');
    const picks = raw[ITF_NONDET_PICKS];
    if (picks === undefined) bad([...at, ITF_NONDET_PICKS], 'missing');
    if (!isJsonRecord(picks)) bad([...at, ITF_NONDET_PICKS], 'expected an object');

    const state: { [key: string]: Json } = { '#meta': { index } };
    for (const name of variables) {
      if (!Object.hasOwn(raw, name)) bad([...at, name], 'missing (declared in vars)');
      state[name] = decoded(raw[name], [...at, name]);
    }
    for (const key of Object.keys(raw)) {
      if (
        key !== '#meta' &&
        key !== ITF_ACTION_TAKEN &&
        key !== ITF_NONDET_PICKS &&
        !variables.includes(key)
      ) {
        bad([...at, key], 'not declared in vars');
      }
    }
    state[ITF_ACTION_TAKEN] = taken as string;
    state[ITF_NONDET_PICKS] = decoded(picks, [...at, ITF_NONDET_PICKS]);
    return state as ItfState;
  });

  function decoded(value: unknown, path: readonly JsonPathSegment[]): Json {
    const result = decodeItfValue(value, path);
    if (!result.ok) {
      throw new VmcheckError('bad-trace', `${source}: ${result.path}: ${result.message}`, {
        source,
        path: result.path,
      });
    }
    return result.value;
  }

  return { '#meta': meta as ItfMeta, vars: [...variables, ITF_ACTION_TAKEN, ITF_NONDET_PICKS], states };
}

/**
 * Parse ITF text (`JSON.parse` then `parseItf`); invalid JSON also raises `VmcheckError('bad-trace')`.
 */
export function parseItfText(text: string, source: string): ItfTrace {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new VmcheckError('bad-trace', `${source}: not valid JSON (${(error as Error).message})`, {
      source,
    });
  }
  return parseItf(json, source);
}

/** The model variables of an ITF state, without `#meta` and the `mbt::` fields. */
export function itfStateVariables(state: ItfState): JsonRecord {
  const out: { [key: string]: Json } = {};
  for (const [key, value] of Object.entries(state)) {
    if (key !== '#meta' && key !== ITF_ACTION_TAKEN && key !== ITF_NONDET_PICKS) {
      Object.defineProperty(out, key, { value, enumerable: true, writable: true });
    }
  }
  return out;
}
