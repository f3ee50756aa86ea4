/**
 * Small pure helpers over the core's `Json` values: equality, paths and compact one-line rendering.
 * Shared by the ITF, replay, text and HTML reports so they all name a field the same way.
 */
import type { Json } from '../model/core/index.ts';

/** A JSON record (an object that is not an array). */
export type JsonRecord = { readonly [key: string]: Json };

/** One step into a JSON tree: a record key or an array index. */
export type JsonPathSegment = string | number;

/** True when `value` is a record: a non-null object that is not an array. */
export function isJsonRecord(value: unknown): value is JsonRecord {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Deep equality of two JSON values. Record key order does not matter; array order does.
 */
export function jsonEqual(a: Json, b: Json): boolean {
  if (a === b) return true;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!jsonEqual(a[i]!, b[i]!)) return false;
    return true;
  }
  if (isJsonRecord(a)) {
    if (!isJsonRecord(b)) return false;
    const keys = Object.keys(a);
    if (keys.length !== Object.keys(b).length) return false;
    for (const key of keys) {
      if (!Object.hasOwn(b, key) || !jsonEqual(a[key]!, b[key]!)) return false;
    }
    return true;
  }
  return false;
}

const IDENTIFIER = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/**
 * A readable path such as `vms[1].hostSt[0][1]`. Keys that are not identifiers are quoted, as in
 * `states[3]."mbt::actionTaken"`; the empty path is `(root)`.
 */
export function formatPath(path: readonly JsonPathSegment[]): string {
  if (path.length === 0) return '(root)';
  let text = '';
  for (const segment of path) {
    if (typeof segment === 'number') text += `[${segment}]`;
    else {
      const key = IDENTIFIER.test(segment) ? segment : JSON.stringify(segment);
      text += text === '' ? key : `.${key}`;
    }
  }
  return text;
}

/** Strings that would read as another JSON value, or run into the surrounding text, unquoted. */
const NEEDS_QUOTES = /^$|^(?:null|true|false)$|^[-+]?(?:\d|\.\d)|\s|^["[{(]|->|,/;

/**
 * A JSON value on one line for people: strings without quotes when that is unambiguous
 * (`VM-2.p1.v0`, not `"VM-2.p1.v0"`), everything else as compact JSON.
 */
export function formatValue(value: Json): string {
  if (typeof value === 'string') return NEEDS_QUOTES.test(value) ? JSON.stringify(value) : value;
  return JSON.stringify(value);
}

/** `text` cut to `max` characters, with an ellipsis when cut. */
export function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, Math.max(0, max - 1))}…`;
}

/**
 * A JSON value as lines of `path: value`, expanding records and arrays one level at a time until
 * each line fits in `width` characters. A value that cannot be expanded further (a long string, an
 * empty record) is kept whole on a longer line: no value is ever cut. Used for the initial state.
 */
export function compactLines(value: Json, width = 100, path: readonly JsonPathSegment[] = []): string[] {
  const prefix = path.length === 0 ? '' : `${formatPath(path)}: `;
  const whole = prefix + formatValue(value);
  if (whole.length <= width || !(Array.isArray(value) || isJsonRecord(value))) return [whole];
  const entries: [JsonPathSegment, Json][] = Array.isArray(value)
    ? value.map((item, index) => [index, item])
    : Object.entries(value);
  if (entries.length === 0) return [whole];
  return entries.flatMap(([segment, item]) => compactLines(item, width, [...path, segment]));
}
