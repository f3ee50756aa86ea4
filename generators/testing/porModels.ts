/**
 * Hand-made models with declared footprints, for the partial-order reduction's tests: states are
 * `Int32Array`s of named fields (so `checkParallel` runs them too, through `porSpec`), one action
 * kind an action, and `ample` from `StubbornSets` over the declared footprints. Each model's full
 * and reduced state counts are worked out by hand beside it (pinned in partialOrder.test.ts).
 */
import {
  fingerprintInts,
  type KindFootprint,
  type Model,
  type PartialOrderFaults,
  type Property,
  StubbornSets,
} from '../../model/core/index.ts';
import type { ModelSpec } from '../parallel/checkParallel.ts';

/** One action: its name (also its kind), guard, effect and declared footprint. */
interface Step {
  readonly name: string;
  readonly guard: (s: Int32Array) => boolean;
  readonly effect: (n: Int32Array) => void;
  readonly footprint: KindFootprint;
}

/** A model of `fields` (initially `initial`) and `steps`; `visible` are the fields its properties and `isFinal` read. */
function build(
  name: string,
  initial: readonly number[],
  steps: readonly Step[],
  properties: readonly Property<Int32Array>[],
  isFinal: (s: Int32Array) => boolean,
  visible: readonly string[],
  faults: PartialOrderFaults,
): Model<Int32Array, number> {
  const sets = new StubbornSets({ footprints: steps.map((s) => s.footprint), visible }, faults);
  return {
    name,
    initialStates: () => [Int32Array.from(initial)],
    actions: (s) => steps.flatMap((step, code) => (step.guard(s) ? [code] : [])),
    next: (s, code) => {
      const n = Int32Array.from(s);
      steps[code]!.effect(n);
      return n;
    },
    properties,
    fingerprint: (s) => fingerprintInts(s),
    describeAction: (code) => steps[code]!.name,
    actionKind: (code) => steps[code]!.name,
    actionKinds: steps.map((s) => s.name),
    actionToJson: (code) => code,
    stateToJson: (s) => Array.from(s),
    isFinal,
    // Kind = code: one action a kind.
    ample: (_s, actions) => sets.choose(actions)?.map((i) => actions[i]!),
  };
}

/** `x<i>` += 1 while below `k`: reads and writes its own field only. */
const inc = (i: number, k: number): Step => ({
  name: `inc${i}`,
  guard: (s) => s[i]! < k,
  effect: (n) => {
    n[i]!++;
  },
  footprint: { guardReads: [`x${i}`], reads: [`x${i}`], writes: [`x${i}`] },
});

const always = (name: string, holds: (s: Int32Array) => boolean): Property<Int32Array> => ({
  name,
  kind: 'always',
  description: name,
  check: (s) => (holds(s) ? undefined : { invariant: name, message: `${name} is broken`, details: {} }),
});

/**
 * `n` independent counters `x0..` from 0 to `k`, no property; every state final unless `deadlock`
 * (then the last state, all at `k`, is a deadlock). Full: (k+1)^n states. Reduced: one counter at
 * a time, in order: n*k + 1 states.
 */
export function counters(n: number, k: number, deadlock = false, faults: PartialOrderFaults = {}) {
  return build(
    `counters-${n}x${k}`,
    new Array(n).fill(0),
    Array.from({ length: n }, (_, i) => inc(i, k)),
    [],
    (s) => !deadlock || s.some((x) => x < k),
    [],
    faults,
  );
}

/**
 * Three counters to `k` = 2 and the invariant "not (x0 = 0 and x1 = 1)" (reads x0 and x1: inc0 and
 * inc1 are visible). Full: 27 states, broken first at depth 1 (x1 = 1). Reduced: inc2 alone runs
 * first (0,0,0) -> (0,0,1) -> (0,0,2), then with x2 at 2 every state is fully expanded: 2 + 9 = 11
 * states, broken at (0,1,2), depth 3. Without C2 (`ignoreVisibility`) inc0 runs alone first, then
 * inc1, then inc2: 7 states, and x0 is never 0 when x1 is 1: the violation is missed.
 */
export function watchedCounters(faults: PartialOrderFaults = {}) {
  return build(
    'watched-counters',
    [0, 0, 0],
    [inc(0, 2), inc(1, 2), inc(2, 2)],
    [always('notX0ZeroX1One', (s) => !(s[0] === 0 && s[1] === 1))],
    () => true,
    ['x0', 'x1'],
    faults,
  );
}

/**
 * The ignoring problem (C3): `flip` toggles a forever (invisible), `setB` sets b once (visible),
 * and the invariant "b = 0". Full: 4 states, broken at depth 1. With the proviso: (0,0) is reduced
 * to flip, (1,0) flips back to a state of level 0 so it is fully expanded: 4 states, broken.
 * Without the proviso: (0,0) and (1,0) forever flipping, 2 states, and the violation is missed.
 */
export function flipper(faults: PartialOrderFaults = {}) {
  return build(
    'flipper',
    [0, 0],
    [
      {
        name: 'flip',
        guard: () => true,
        effect: (n) => {
          n[0] = 1 - n[0]!;
        },
        footprint: { guardReads: [], reads: ['a'], writes: ['a'] },
      },
      {
        name: 'setB',
        guard: (s) => s[1] === 0,
        effect: (n) => {
          n[1] = 1;
        },
        footprint: { guardReads: ['b'], reads: [], writes: ['b'] },
      },
    ],
    [always('bIsZero', (s) => s[1] === 0)],
    () => true,
    ['b'],
    faults,
  );
}

/**
 * A dependency (C1): `setX` sets x from 0 to 1 (invisible), `copy` sets y (initially -1) to x once
 * (visible), and the invariant "y != 0": broken only when copy runs before setX. Full: 5 states.
 * With copy's read of x declared, setX depends on the visible copy, so nothing is reduced: 5
 * states, broken. With the read left out of the declaration (`dropRead`), setX alone is expanded
 * first: 3 states, and the violation is missed.
 */
export function copier(dropRead = false) {
  return build(
    'copier',
    [0, -1],
    [
      {
        name: 'setX',
        guard: (s) => s[0] === 0,
        effect: (n) => {
          n[0] = 1;
        },
        footprint: { guardReads: ['x'], reads: [], writes: ['x'] },
      },
      {
        name: 'copy',
        guard: (s) => s[1] === -1,
        effect: (n) => {
          n[1] = n[0]!;
        },
        footprint: { guardReads: ['y'], reads: dropRead ? [] : ['x'], writes: ['y'] },
      },
    ],
    [always('yIsNotZero', (s) => s[1] !== 0)],
    () => true,
    ['y'],
    {},
  );
}

/**
 * The progress check (AG EF final): two counters to 2, and `f`: `finish` (0 -> 1, final) and, with
 * `trap`, `trap` (0 -> 2) into a livelock 2 <-> 3 (`spin`) that never finishes. `isFinal` reads f
 * only, so the counters are invisible. Full: 9 x 4 = 36 states with the trap (stuck: the 18 with
 * f >= 2), 9 x 2 = 18 without. Reduced: the counters run in order to (2,2,0), then f: 8 states
 * with the trap (stuck: 2), 6 without; the same verdicts.
 */
export function finisher(trap: boolean) {
  const setF = (name: string, from: number, to: number): Step => ({
    name,
    guard: (s) => s[2] === from,
    effect: (n) => {
      n[2] = to;
    },
    footprint: { guardReads: ['f'], reads: [], writes: ['f'] },
  });
  return build(
    trap ? 'finisher-trap' : 'finisher',
    [0, 0, 0],
    [
      inc(0, 2),
      inc(1, 2),
      setF('finish', 0, 1),
      ...(trap ? [setF('trap', 0, 2), setF('spin', 2, 3), setF('spinBack', 3, 2)] : []),
    ],
    [],
    (s) => s[2] === 1,
    ['f'],
    {},
  );
}

/** A model above by name and numeric arguments (1 for true), for `porSpec`. */
export function porModel(name: string, ...args: number[]): Model<Int32Array, number> {
  switch (name) {
    case 'counters':
      return counters(args[0]!, args[1]!, args[2] === 1);
    case 'watchedCounters':
      return watchedCounters({ ignoreVisibility: args[0] === 1 });
    case 'flipper':
      return flipper();
    case 'copier':
      return copier(args[0] === 1);
    case 'finisher':
      return finisher(args[0] === 1);
    default:
      throw new Error(`no hand-made model ${name}`);
  }
}

/** The `ModelSpec` of `porModel(name, ...args)`, for `checkParallel`. */
export function porSpec(name: string, ...args: number[]): ModelSpec {
  return { module: import.meta.url, export: 'porModel', args: [name, ...args] };
}
