/**
 * The VMM's stubborn sets (model/core/partialOrder.ts) from the action table's declared footprints
 * (model/vmm/machine.ts: `guardReads`, `reads`, `writes` of each kind, checked on every reachable
 * state by footprint.test.ts), at the granularity of layout fields: `frames` is one field, and so
 * is each VM field across every VM.
 */
import { type PartialOrderFaults, StubbornSets } from '../../core/partialOrder.ts';
import { ACTION_KINDS, ACTION_TABLE } from '../machine.ts';
import type { LayoutField } from './layout.ts';
import type { LeanKit } from './queries.ts';

/**
 * The ample-set function of the packed model: `visible` are the fields its properties and final
 * predicate read (properties/visibility.ts). The kind of each code is `k.T.kind[code]`.
 */
export function leanAmple(
  k: LeanKit,
  visible: readonly LayoutField[],
  faults: PartialOrderFaults = {},
): (state: Int32Array, codes: readonly number[]) => readonly number[] | undefined {
  const sets = stubbornSets(visible, faults);
  // Every kind visible (the shipped properties read every field an action writes): nothing to do.
  if (sets.reducesNothing) return () => undefined;
  const kinds: number[] = [];
  return (_state, codes) => {
    kinds.length = codes.length;
    for (let i = 0; i < codes.length; i++) kinds[i] = k.T.kind[codes[i]!]!;
    const chosen = sets.choose(kinds);
    return chosen?.map((i) => codes[i]!);
  };
}

/**
 * The stubborn sets of the action table for `visible`: one instance per list of visible fields
 * (the footprints are the same for every scenario, and a model checker builds thousands of
 * models), a new one with faults. An instance serves one thread's models in turn.
 */
function stubbornSets(visible: readonly LayoutField[], faults: PartialOrderFaults): StubbornSets {
  const faulted = faults.ignoreVisibility === true || faults.ignoreEnabling === true;
  const known = faulted ? undefined : SHARED.get(visible);
  if (known !== undefined) return known;
  const sets = new StubbornSets(
    { footprints: ACTION_KINDS.map((kind) => ACTION_TABLE[kind]), visible },
    faults,
  );
  if (!faulted) SHARED.set(visible, sets);
  return sets;
}

const SHARED = new WeakMap<readonly LayoutField[], StubbornSets>();
