/**
 * Symmetry reduction, domain-free: a model whose states are word arrays and whose symmetry group
 * is given as a list of word permutations is explored with the fingerprint of the lexicographically
 * least image of each state over the group (its orbit's canonical form) in place of its own.
 *
 * Why this is sound. Each element g of the group maps states to states such that the enabled
 * actions, the successors (`next(g(s), g(a)) = g(next(s, a))`), every property and `isFinal` are
 * the same up to g (the model's job: see model/vmm/lean/symmetry.ts for the VMM). States of one
 * orbit then have the same verdicts and their successors lie in the same orbits, so exploring one
 * state per orbit (the first reached) visits every reachable orbit at the depth of its nearest
 * member: invariant violations, deadlocks, `sometimes` witnesses and the progress verdict (AG EF
 * final on the quotient graph, which is bisimilar to the full one) are all kept.
 *
 * Only the fingerprint changes: the explorer still holds, expands and records the state it
 * actually reached, so every trace is a path of the unreduced model (each step an actual
 * successor), and a trace rebuilt by re-exploration (generators/rerunTraces.ts) or replayed from a
 * parent store matches on the canonical fingerprints and outputs the actual states.
 */
import type { Fingerprint, Model } from './model.ts';

/**
 * One element of a symmetry group on states of `source.length` words: the image `t` of a state `s`
 * has `t[i] = rename(s[source[i]])`, where `rename` is `renamings[renaming[i] - 1]` (value v to
 * `table[v]`; negative values, which stand for none, stay) or the identity when `renaming[i]` is 0.
 */
export interface WordPermutation {
  readonly source: Int32Array;
  readonly renaming: Uint8Array;
  readonly renamings: readonly Int32Array[];
}

/** What a symmetry reduction reports (`stats.symmetry`): the group and what it permutes. */
export interface SymmetryInfo {
  /** Elements of the group, identity included (1 would be no reduction: never reported). */
  readonly groupSize: number;
  /** Each class of interchangeable parts, e.g. `io 0,2` (named by the model). */
  readonly classes: readonly string[];
}

/** The image of `s` under `p`, into `out`. */
export function applyPermutation(p: WordPermutation, s: Int32Array, out: Int32Array): Int32Array {
  const { source, renaming, renamings } = p;
  for (let i = 0; i < source.length; i++) {
    const v = s[source[i]!]!;
    const r = renaming[i]!;
    out[i] = r === 0 || v < 0 ? v : renamings[r - 1]![v]!;
  }
  return out;
}

/** The words some element of `elements` moves or renames, in increasing order: the others are the same in every image. */
export function movedWords(elements: readonly WordPermutation[], length: number): Int32Array {
  const moved: number[] = [];
  for (let i = 0; i < length; i++)
    if (elements.some((p) => p.source[i] !== i || p.renaming[i] !== 0)) moved.push(i);
  return Int32Array.from(moved);
}

/**
 * The canonical form of states under a group (`elements`, identity left out): the least image in
 * lexicographic order of words. `canonical(s)` returns `s` itself when no image is smaller, else a
 * scratch array it owns (valid until the next call). Images are compared over the moved words
 * only (`movedWords`; the others are equal in all of them), each dropped at its first larger
 * word, so most cost a few words.
 */
export function canonicaliser(
  elements: readonly WordPermutation[],
  length: number,
): (s: Int32Array) => Int32Array {
  const moved = movedWords(elements, length);
  const count = moved.length;
  const a = new Int32Array(length);
  const b = new Int32Array(length);
  return (s) => {
    let best = s;
    for (let e = 0; e < elements.length; e++) {
      const { source, renaming, renamings } = elements[e]!;
      let j = 0;
      let v = 0;
      let i = 0;
      for (; j < count; j++) {
        i = moved[j]!;
        const w = s[source[i]!]!;
        const r = renaming[i]!;
        v = r === 0 || w < 0 ? w : renamings[r - 1]![w]!;
        if (v !== best[i]) break;
      }
      if (j === count || v > best[i]!) continue;
      // Smaller: build the whole image, which becomes the best.
      const out = best === a ? b : a;
      out.set(s);
      for (let k = 0; k < count; k++) {
        const o = moved[k]!;
        const w = s[source[o]!]!;
        const r = renaming[o]!;
        out[o] = r === 0 || w < 0 ? w : renamings[r - 1]![w]!;
      }
      best = out;
    }
    return best;
  };
}

/**
 * `model` explored up to symmetry: its fingerprint is that of each state's canonical form under
 * the group `elements` (the identity left out). Everything else is `model`'s own, so its
 * scratch step stays on. With an empty group, `model` itself.
 */
export function withSymmetry<A, M extends Model<Int32Array, A>>(
  model: M,
  elements: readonly WordPermutation[],
  info: SymmetryInfo,
  length: number,
): M {
  if (elements.length === 0) return model;
  const canonical = canonicaliser(elements, length);
  const inner = model.fingerprint;
  // `inner` of the state itself keeps its incremental fingerprint; of the scratch image, a full one.
  const fingerprint = (s: Int32Array): Fingerprint => inner(canonical(s));
  return { ...model, fingerprint, symmetry: info };
}
