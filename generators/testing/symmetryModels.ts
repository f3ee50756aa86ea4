/**
 * Hand-made models with interchangeable parts, for the symmetry reduction's tests: states are
 * `Int32Array`s, the group is given as word permutations (model/core/symmetry.ts), and
 * `checkParallel` runs them too through `symmetrySpec`. Each model's full and reduced state counts
 * are worked out by hand beside it (pinned in symmetry.test.ts).
 */
import {
  fingerprintInts,
  type Model,
  type Property,
  type WordPermutation,
  withSymmetry,
} from '../../model/core/index.ts';
import type { ModelSpec } from '../parallel/checkParallel.ts';

/** Every permutation of `0..n-1`, the identity first. */
function permutationsOf(n: number): number[][] {
  if (n === 0) return [[]];
  const out: number[][] = [];
  for (const rest of permutationsOf(n - 1))
    for (let at = rest.length; at >= 0; at--) out.push([...rest.slice(0, at), n - 1, ...rest.slice(at)]);
  return out;
}

/** The symmetric group on `n` slots starting at word `first` of `length`-word states, identity left out; `rename` words hold a slot index. */
function slotGroup(
  n: number,
  first: number,
  length: number,
  rename: readonly number[] = [],
): WordPermutation[] {
  return permutationsOf(n)
    .filter((p) => p.some((x, i) => x !== i))
    .map((p) => {
      const inverse = new Int32Array(n);
      p.forEach((to, from) => {
        inverse[to] = from;
      });
      const source = Int32Array.from({ length }, (_, o) =>
        o >= first && o < first + n ? first + inverse[o - first]! : o,
      );
      const renaming = Uint8Array.from({ length }, (_, o) => (rename.includes(o) ? 1 : 0));
      return { source, renaming, renamings: [Int32Array.from(p)] };
    });
}

/** A model over `Int32Array` states with one action kind per action, fingerprinted in full. */
function build(
  name: string,
  initial: readonly number[],
  actions: readonly { name: string; guard: (s: Int32Array) => boolean; effect: (n: Int32Array) => void }[],
  properties: readonly Property<Int32Array>[],
  isFinal: (s: Int32Array) => boolean,
): Model<Int32Array, number> {
  return {
    name,
    initialStates: () => [Int32Array.from(initial)],
    actions: (s) => actions.flatMap((a, code) => (a.guard(s) ? [code] : [])),
    next: (s, code) => {
      const n = Int32Array.from(s);
      actions[code]!.effect(n);
      return n;
    },
    properties,
    fingerprint: (s) => fingerprintInts(s),
    describeAction: (code) => actions[code]!.name,
    actionKind: (code) => actions[code]!.name,
    actionKinds: actions.map((a) => a.name),
    actionToJson: (code) => code,
    stateToJson: (s) => Array.from(s),
    isFinal,
  };
}

/**
 * `n` counters counting to `k`, each by its own action; the claim that the sum never reaches
 * `n * k` (broken where every counter is full, at depth `n * k`). Unreduced: (k+1)^n states; up
 * to the symmetric group of the counters (n! elements), a state is the multiset of its values:
 * C(n+k, k) orbits (3 counters to 2: 27 and 10; 4 to 2: 81 and 15).
 */
export function symmetricCounters(n: number, k: number, symmetry: boolean): Model<Int32Array, number> {
  const model = build(
    `counters-${n}-${k}`,
    new Array(n).fill(0),
    Array.from({ length: n }, (_, i) => ({
      name: `inc${i}`,
      guard: (s: Int32Array) => s[i]! < k,
      effect: (s: Int32Array) => {
        s[i]!++;
      },
    })),
    [
      {
        name: 'notAllFull',
        kind: 'always',
        description: 'The counters never all reach k.',
        check: (s) =>
          s.reduce((a, b) => a + b, 0) === n * k
            ? { invariant: 'notAllFull', message: 'every counter is full', details: {} }
            : undefined,
      },
    ],
    (s) => s.every((x) => x === k),
  );
  return symmetry
    ? withSymmetry(model, slotGroup(n, 0, n), { groupSize: factorial(n), classes: [`counter 0-${n - 1}`] }, n)
    : model;
}

/**
 * `n` processes sharing a lock: word 0 is the lock (the holder's index, -1 free), word 1+i process
 * i's phase: 0 idle, 1 waiting, 2 critical (entered by taking the free lock, left by freeing it).
 * Mutual exclusion holds. Unreduced: 2^n states with the lock free plus n * 2^(n-1) with it held
 * (3 processes: 8 + 12 = 20). Up to permuting the processes (and renaming the lock's holder): with
 * the lock free, how many wait (n + 1); held, how many others wait (n): 2n + 1 orbits (7 for 3).
 * With `forgetRename` the permutation moves the processes but leaves the lock naming the old
 * index: not the group of the model (its images are not states of it), and the count is 10.
 */
export function lockedProcesses(
  n: number,
  symmetry: boolean,
  forgetRename = false,
): Model<Int32Array, number> {
  const model = build(
    `lock-${n}`,
    [-1, ...new Array(n).fill(0)],
    Array.from({ length: n }, (_, i) => [
      {
        name: `wait${i}`,
        guard: (s: Int32Array) => s[1 + i] === 0,
        effect: (s: Int32Array) => void (s[1 + i] = 1),
      },
      {
        name: `enter${i}`,
        guard: (s: Int32Array) => s[1 + i] === 1 && s[0] === -1,
        effect: (s: Int32Array) => {
          s[1 + i] = 2;
          s[0] = i;
        },
      },
      {
        name: `leave${i}`,
        guard: (s: Int32Array) => s[1 + i] === 2,
        effect: (s: Int32Array) => {
          s[1 + i] = 0;
          s[0] = -1;
        },
      },
    ]).flat(),
    [
      {
        name: 'holderIsCritical',
        kind: 'always',
        description: 'The process in its critical phase is the one the lock names, and only it.',
        check: (s) => {
          for (let i = 0; i < n; i++)
            if ((s[1 + i] === 2) !== (s[0] === i))
              return {
                invariant: 'holderIsCritical',
                message: `process ${i} and the lock disagree`,
                details: {},
              };
          return undefined;
        },
      },
    ],
    (s) => s[0] === -1,
  );
  if (!symmetry) return model;
  return withSymmetry(
    model,
    slotGroup(n, 1, n + 1, forgetRename ? [] : [0]),
    { groupSize: factorial(n), classes: [`process 0-${n - 1}`] },
    n + 1,
  );
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));

/** A model above by name and numeric arguments (1 for true), for `symmetrySpec`. */
export function symmetryModel(name: string, ...args: number[]): Model<Int32Array, number> {
  switch (name) {
    case 'counters':
      return symmetricCounters(args[0]!, args[1]!, args[2] === 1);
    case 'lock':
      return lockedProcesses(args[0]!, args[1] === 1, args[2] === 1);
    default:
      throw new Error(`no symmetry model ${name}`);
  }
}

/** The `ModelSpec` of `symmetryModel(name, ...args)`, for `checkParallel`. */
export function symmetrySpec(name: string, ...args: number[]): ModelSpec {
  return { module: import.meta.url, export: 'symmetryModel', args: [name, ...args] };
}
