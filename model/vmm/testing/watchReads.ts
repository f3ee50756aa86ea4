/**
 * A packed state that tells which words are read: for the tests that check declared reads (of the
 * action table's guards and effects, of the properties) on every reachable state.
 */

import { forgetCached, type LeanLayout } from '../lean/layout.ts';

/** A stand-in for packed states; `watch(s)` points it at `s` (its reads go to `s`), for reuse. */
export interface ReadWatcher {
  readonly state: Int32Array;
  watch(s: Int32Array): Int32Array;
}

/**
 * A read-only proxy of a state of `length` words that calls `undeclared(i)` on each read of a word
 * `i` with `declared[i] === 0`. One proxy serves every state (`watch`): a proxy and a copy per state
 * and check cost more than the checks. Writes throw: what is watched only reads. Since the proxy
 * keeps its identity from state to state, `watch` first forgets what the layout derived and keyed
 * by the state object (`holdersOf`, `targetsOf` and their spares), so nothing of the state watched before is reused.
 */
export function readWatcher(
  L: LeanLayout,
  declared: Uint8Array,
  undeclared: (word: number) => void,
): ReadWatcher {
  const { length } = L;
  let current: Int32Array = new Int32Array(length);
  // Indexed by the property key as is: `declared['12']` is word 12's flag; a name (`length`, a
  // method) or a symbol is never 0, so only word reads are tested.
  const flags = declared as unknown as Record<string | symbol, unknown>;
  const state = new Proxy(new Int32Array(length), {
    get(_, key) {
      if (flags[key] === 0) undeclared(Number(key));
      return (current as unknown as Record<string | symbol, unknown>)[key];
    },
    set() {
      throw new Error('a watched state is read-only');
    },
  });
  return {
    state,
    watch(s) {
      forgetCached(L, null);
      current = s;
      return state;
    },
  };
}
