/**
 * A structural diff of two JSON values, for "what did this step change" in text and HTML traces.
 */
import type { Json } from '../model/core/index.ts';
import { formatPath, formatValue, isJsonRecord, type JsonPathSegment, jsonEqual } from './json.ts';

/**
 * One difference between two JSON values, at `path` (segments from the root).
 * - `set`: the value at `path` was replaced (a scalar changed, or the kind of value changed).
 * - `add` / `remove`: a record key appeared or disappeared.
 * - `resize`: an array changed length; `added` are the new trailing items, `removed` the dropped
 *   ones. Items at indices both arrays have are diffed separately.
 */
export type JsonChange =
  | {
      readonly kind: 'set';
      readonly path: readonly JsonPathSegment[];
      readonly before: Json;
      readonly after: Json;
    }
  | { readonly kind: 'add'; readonly path: readonly JsonPathSegment[]; readonly after: Json }
  | { readonly kind: 'remove'; readonly path: readonly JsonPathSegment[]; readonly before: Json }
  | {
      readonly kind: 'resize';
      readonly path: readonly JsonPathSegment[];
      readonly beforeLength: number;
      readonly afterLength: number;
      readonly added: readonly Json[];
      readonly removed: readonly Json[];
    };

/**
 * The differences that turn `before` into `after`, depth first in a deterministic order (keys of
 * `before` in its order, then new keys of `after`; array items by index, then the length change).
 *
 * Empty exactly when the two values are deep-equal (`jsonEqual`); `applyJsonDiff(before, diff)`
 * rebuilds `after`.
 */
export function diffJson(before: Json, after: Json): JsonChange[] {
  const changes: JsonChange[] = [];
  collect(before, after, [], changes);
  return changes;
}

function collect(a: Json, b: Json, path: JsonPathSegment[], out: JsonChange[]): void {
  if (jsonEqual(a, b)) return;
  if (Array.isArray(a) && Array.isArray(b)) {
    const common = Math.min(a.length, b.length);
    for (let i = 0; i < common; i++) collect(a[i]!, b[i]!, [...path, i], out);
    if (a.length !== b.length) {
      out.push({
        kind: 'resize',
        path,
        beforeLength: a.length,
        afterLength: b.length,
        added: b.slice(common),
        removed: a.slice(common),
      });
    }
    return;
  }
  if (isJsonRecord(a) && isJsonRecord(b)) {
    for (const key of Object.keys(a)) {
      if (Object.hasOwn(b, key)) collect(a[key]!, b[key]!, [...path, key], out);
      else out.push({ kind: 'remove', path: [...path, key], before: a[key]! });
    }
    for (const key of Object.keys(b)) {
      if (!Object.hasOwn(a, key)) out.push({ kind: 'add', path: [...path, key], after: b[key]! });
    }
    return;
  }
  out.push({ kind: 'set', path, before: a, after: b });
}

type Mutable = Json[] | { [key: string]: Json };

/**
 * `value` with `changes` (from `diffJson(value, x)`) applied: returns `x`. `value` is left untouched.
 * Throws `TypeError` if a change does not fit the value's shape (a diff taken against another value).
 */
export function applyJsonDiff(value: Json, changes: readonly JsonChange[]): Json {
  let root = clone(value);
  for (const change of changes) {
    if (change.path.length === 0) {
      if (change.kind === 'set') root = clone(change.after);
      else if (change.kind === 'resize') resize(root, change);
      else throw new TypeError('a record key change needs a non-empty path');
      continue;
    }
    const parent = locate(root, change.path.slice(0, -1));
    const last = change.path[change.path.length - 1]!;
    switch (change.kind) {
      case 'set':
      case 'add':
        put(parent, last, clone(change.after));
        break;
      case 'remove':
        if (Array.isArray(parent)) throw new TypeError(`cannot remove key ${String(last)} from an array`);
        delete (parent as { [key: string]: Json })[String(last)];
        break;
      case 'resize':
        resize(get(parent, last), change);
        break;
    }
  }
  return root;
}

function clone(value: Json): Json {
  if (Array.isArray(value)) return value.map(clone);
  if (isJsonRecord(value)) {
    const copy: { [key: string]: Json } = {};
    for (const [key, item] of Object.entries(value)) put(copy, key, clone(item));
    return copy;
  }
  return value;
}

function locate(root: Json, path: readonly JsonPathSegment[]): Mutable {
  let node: Json = root;
  for (const segment of path) node = get(node as Mutable, segment);
  if (typeof node !== 'object' || node === null)
    throw new TypeError(`${formatPath(path)} is not a container`);
  return node as Mutable;
}

function get(container: Mutable, segment: JsonPathSegment): Json {
  if (typeof container !== 'object' || container === null) throw new TypeError('not a container');
  const value = Array.isArray(container) ? container[Number(segment)] : container[String(segment)];
  if (value === undefined) throw new TypeError(`no item ${String(segment)}`);
  return value;
}

function put(container: Mutable, segment: JsonPathSegment, value: Json): void {
  if (Array.isArray(container)) container[Number(segment)] = value;
  // defineProperty, so that a key such as `__proto__` stays a plain own property.
  else
    Object.defineProperty(container, String(segment), {
      value,
      enumerable: true,
      writable: true,
      configurable: true,
    });
}

function resize(target: Json, change: Extract<JsonChange, { kind: 'resize' }>): void {
  if (!Array.isArray(target)) throw new TypeError(`${formatPath(change.path)} is not an array`);
  const items = target as Json[];
  items.length = Math.min(items.length, change.afterLength);
  for (const item of change.added) items.push(clone(item));
}

/** Options for `formatChange`. */
export interface FormatChangeOptions {
  /** Wrap the parts of the line, e.g. to color them; identity by default. */
  readonly style?: {
    readonly path?: (text: string) => string;
    readonly before?: (text: string) => string;
    readonly after?: (text: string) => string;
  };
}

/**
 * One change as a line for people: `frames[5]: null -> VM-2.p1.v0`, `vms[0].hostSt: (none) -> [[3]]`,
 * `incidents: 0 -> 1 items, added [0] {"kind":"staleWrite"}`.
 */
export function formatChange(change: JsonChange, options: FormatChangeOptions = {}): string {
  const id = (text: string) => text;
  const path = options.style?.path ?? id;
  const before = options.style?.before ?? id;
  const after = options.style?.after ?? id;
  // Values are shown whole, never cut: a trace must show what changed, not a prefix of it.
  const value = (json: Json) => formatValue(json);
  const where = path(formatPath(change.path));
  switch (change.kind) {
    case 'set':
      return `${where}: ${before(value(change.before))} -> ${after(value(change.after))}`;
    case 'add':
      return `${where}: ${before('(none)')} -> ${after(value(change.after))}`;
    case 'remove':
      return `${where}: ${before(value(change.before))} -> ${after('(none)')}`;
    case 'resize': {
      const items = (list: readonly Json[], from: number) =>
        list.map((item, i) => `[${from + i}] ${value(item)}`).join(', ');
      const common = Math.min(change.beforeLength, change.afterLength);
      const what =
        change.added.length > 0
          ? `added ${after(items(change.added, common))}`
          : `removed ${before(items(change.removed, common))}`;
      return `${where}: ${before(String(change.beforeLength))} -> ${after(String(change.afterLength))} items, ${what}`;
    }
  }
}
