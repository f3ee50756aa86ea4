/**
 * The enabled actions of a state: each kind's guard (model/vmm/machine.ts) in `ACTION_KINDS`
 * order, each listing its codes in parameter order. Action indices (positions in this list) are
 * what traces and BFS parent pointers record, so the order is part of the model.
 */
import { ACTION_KINDS } from '../actions.ts';
import { ACTION_TABLE, type ActionSpec } from '../machine.ts';
import type { LeanKit } from './queries.ts';

/** Each kind's guard, in `ACTION_KINDS` order. */
const GUARDS: readonly ActionSpec['enabled'][] = ACTION_KINDS.map((kind) => ACTION_TABLE[kind].enabled);

/** The enabled action codes of `s` (indices into `k.T.actions`). */
export function leanActions(k: LeanKit, s: Int32Array): number[] {
  const out: number[] = [];
  for (let g = 0; g < GUARDS.length; g++) GUARDS[g]!(k, s, out);
  return out;
}
