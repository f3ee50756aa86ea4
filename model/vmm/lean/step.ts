/**
 * The next state: copy the `Int32Array`, then apply the action's effect (model/vmm/machine.ts) to
 * the copy. Effects read the state before the step from `s` and the state being built from `n`.
 */
import { ACTION_KINDS, ACTION_TABLE, type ActionSpec } from '../machine.ts';
import { fieldAt, type LeanLayout } from './layout.ts';
import type { IncidentFact, LeanKit } from './queries.ts';
import * as Q from './queries.ts';

const { allocState } = Q;

/** Each kind's effect, indexed by its numeric kind (`kind[code]`, its position in `ACTION_KINDS`). */
const EFFECTS: readonly ActionSpec['effect'][] = ACTION_KINDS.map((kind) => ACTION_TABLE[kind].effect);

/** The state after action `code` (one of `leanActions(s)`); `s` is left untouched. */
export function leanNext(k: LeanKit, s: Int32Array, code: number): Int32Array {
  const n = allocState(k);
  n.set(s);
  EFFECTS[k.T.kind[code]!]!(k, s, n, code);
  return n;
}

/**
 * Per numeric kind, the offsets of every word of layout `L` in a field the kind's effect may change
 * (its table entry's `writes`): where a step's result can differ from its parent, for the
 * incremental fingerprint (lean/fingerprint.ts `updateSums`).
 */
export function writtenOffsets(L: LeanLayout): readonly Int32Array[] {
  // The offsets follow from the layout's block positions alone, so scenarios of one shape (a sweep
  // checks thousands) share them; the cache is read-only and bounded.
  const key = [
    L.frames,
    L.vms,
    L.vmStride,
    L.maxPages,
    L.channels,
    L.io,
    L.ioStride,
    L.access,
    L.running,
    L.events,
    L.length,
  ].join();
  const cached = WRITTEN_BY_SHAPE.get(key);
  if (cached !== undefined) return cached;
  if (WRITTEN_BY_SHAPE.size >= 256) WRITTEN_BY_SHAPE.clear();
  const offsets = computeWrittenOffsets(L);
  WRITTEN_BY_SHAPE.set(key, offsets);
  return offsets;
}

const WRITTEN_BY_SHAPE = new Map<string, readonly Int32Array[]>();

function computeWrittenOffsets(L: LeanLayout): readonly Int32Array[] {
  // One pass over the layout groups its offsets by field; each kind then takes its fields' groups.
  const byField = new Map<string, number[]>();
  for (let offset = 0; offset < L.length; offset++) {
    const { field } = fieldAt(L, offset);
    let offsets = byField.get(field);
    if (offsets === undefined) byField.set(field, (offsets = []));
    offsets.push(offset);
  }
  return ACTION_KINDS.map((kind) => {
    const writes = ACTION_TABLE[kind].writes;
    const offsets = writes.flatMap((field) => byField.get(field) ?? []);
    return Int32Array.from(offsets.sort((a, b) => a - b));
  });
}

/**
 * Apply action `code` to `n`, a copy of `s` (the state before the step), in place. Exported for the
 * read/write check of the action table (model/vmm/footprint.test.ts); `leanNext` is the entry point.
 */
export function leanApply(k: LeanKit, s: Int32Array, n: Int32Array, code: number): void {
  EFFECTS[k.T.kind[code]!]!(k, s, n, code);
}

/**
 * The facts of the incidents that action `code` raises from state `s`, by running its effect once
 * more with a recorder (report time only: the state keeps incident kinds, never their details).
 */
export function incidentFacts(k: LeanKit, s: Int32Array, code: number): IncidentFact[] {
  const facts: IncidentFact[] = [];
  k.onIncident = (f) => facts.push(f);
  try {
    leanNext(k, s, code);
  } finally {
    k.onIncident = null;
  }
  return facts;
}
