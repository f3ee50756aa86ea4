/**
 * The enabled actions of a state: each kind's guard (model/vmm/machine.ts) in `ACTION_KINDS`
 * order, each listing its codes in parameter order. Action indices (positions in this list) are
 * what traces and BFS parent pointers record, so the order is part of the model.
 */
import { ACTION_KINDS, ACTION_TABLE, type ActionSpec } from '../machine.ts';
import type { LeanKit } from './queries.ts';

type Guard = ActionSpec['enabled'];

/** Each kind's guard, in `ACTION_KINDS` order. */
const GUARDS: readonly Guard[] = ACTION_KINDS.map((kind) => ACTION_TABLE[kind].enabled);

/**
 * Call every guard of `guards` in order, one call site each: generated once from the table, so
 * each site calls one function (V8 can then inline it) where a loop over the guards would make one
 * megamorphic site of 35 functions.
 */
function unrolled(guards: readonly Guard[]): (k: LeanKit, s: Int32Array, out: number[]) => void {
  const body = guards.map((_, g) => `g[${g}](k, s, out, first[${g}]);`).join('\n');
  const make = new Function(
    'g',
    `'use strict';\nreturn function allGuards(k, s, out) {\nconst first = k.T.first;\n${body}\n};`,
  );
  return make(guards) as (k: LeanKit, s: Int32Array, out: number[]) => void;
}

const allGuards = unrolled(GUARDS);

/** The enabled action codes of `s` (indices into `k.T.actions`). */
export function leanActions(k: LeanKit, s: Int32Array): number[] {
  const out: number[] = [];
  allGuards(k, s, out);
  return out;
}
