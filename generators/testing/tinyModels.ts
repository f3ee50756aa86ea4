/**
 * Tiny models whose state spaces are counted by hand, to pin what the explorers report.
 *
 * Each factory documents its reachable-state count and, where the explorers' figures follow from
 * the structure, the figures the tests pin. They use nothing but the core contract.
 */
import {
  type Fingerprint,
  fingerprintInts,
  fingerprintString,
  type Json,
  type Model,
  type Property,
  type Violation,
} from '../../model/core/index.ts';

/** What `tinyModel` needs; everything else has a default. */
interface TinyModelSpec<S, A> {
  readonly name: string;
  readonly initialStates: () => readonly S[];
  readonly actions: (state: S) => readonly A[];
  readonly next: (state: S, action: A) => S;
  readonly fingerprint: (state: S) => Fingerprint;
  readonly actionKinds: readonly string[];
  readonly actionKind: (action: A) => string;
  readonly properties?: readonly Property<S>[];
  readonly isFinal?: (state: S) => boolean;
  readonly stateToJson: (state: S) => Json;
  readonly actionToJson?: (action: A) => Json;
}

/** Fill the parts of `Model` that tiny models do not care about. */
function tinyModel<S, A>(spec: TinyModelSpec<S, A>): Model<S, A> {
  return {
    name: spec.name,
    initialStates: spec.initialStates,
    actions: spec.actions,
    next: spec.next,
    fingerprint: spec.fingerprint,
    properties: spec.properties ?? [],
    actionKinds: spec.actionKinds,
    actionKind: spec.actionKind,
    describeAction: spec.actionKind,
    actionToJson: spec.actionToJson ?? ((action) => spec.actionKind(action)),
    stateToJson: spec.stateToJson,
    isFinal: spec.isFinal ?? (() => true),
  };
}

/** An `always` property from a predicate that holds in good states. */
export function always<S>(
  name: string,
  holds: (state: S) => boolean,
  describe?: (state: S) => string,
): Property<S> {
  return {
    name,
    kind: 'always',
    description: `${name} holds in every reachable state`,
    check: (state) => (holds(state) ? undefined : violation(name, describe?.(state) ?? `${name} is broken`)),
  };
}

/** A `sometimes` property from a predicate that marks a witness state. */
export function sometimes<S>(name: string, witness: (state: S) => boolean): Property<S> {
  return {
    name,
    kind: 'sometimes',
    description: `${name} is reachable`,
    check: (state) => (witness(state) ? violation(name, `${name} witnessed`) : undefined),
  };
}

function violation(invariant: string, message: string): Violation {
  return { invariant, message, details: {} };
}

const INC = ['counter.inc'] as const;

/**
 * A counter modulo `n`: states 0..n-1, one action `counter.inc`.
 *
 * `n` states; BFS and DFS both generate n + 1 (the initial state and n increments) and reach depth
 * n - 1. State 0 has the all-zero fingerprint, which exercises the table's reserved key.
 */
export function counter(
  n: number,
  properties: readonly Property<number>[] = [],
): Model<number, 'counter.inc'> {
  return tinyModel({
    name: `counter-${n}`,
    initialStates: () => [0],
    actions: () => INC,
    next: (state) => (state + 1) % n,
    fingerprint: (state) => [0, state],
    actionKinds: INC,
    actionKind: (action) => action,
    properties,
    stateToJson: (state) => state,
  });
}

/**
 * One root (state 0) with `n` successors 1..n, each final: `n + 1` states, all generated while
 * expanding the root. Shows whether the budgets are watched inside one state's expansion.
 */
export function fanOut(n: number): Model<number, number> {
  const children = Array.from({ length: n }, (_, i) => i + 1);
  return tinyModel({
    name: `fan-out-${n}`,
    initialStates: () => [0],
    actions: (state) => (state === 0 ? children : []),
    next: (_state, action) => action,
    fingerprint: (state) => [1, state],
    actionKinds: ['fan.out'],
    actionKind: () => 'fan.out',
    stateToJson: (state) => state,
  });
}

type TorusAction = 'x.inc' | 'y.inc';
const XY: readonly TorusAction[] = ['x.inc', 'y.inc'];

/**
 * Two independent counters, x modulo `width` and y modulo `height`; state `x * height + y`.
 *
 * `width * height` states, 2 actions each: 1 + 2·width·height generated, BFS depth
 * (width - 1) + (height - 1). The lean model the explorer is benchmarked on: no allocation but the
 * fingerprint tuple.
 */
export function torus(width: number, height: number): Model<number, TorusAction> {
  return tinyModel({
    name: `torus-${width}x${height}`,
    initialStates: () => [0],
    actions: () => XY,
    next: (state, action) => {
      const x = Math.floor(state / height);
      const y = state - x * height;
      return action === 'x.inc' ? ((x + 1) % width) * height + y : x * height + ((y + 1) % height);
    },
    fingerprint: (state) => [Math.floor(state / height), state % height],
    actionKinds: XY,
    actionKind: (action) => action,
    stateToJson: (state) => ({ x: Math.floor(state / height), y: state % height }),
  });
}

/** A point of `grid`. */
export interface Point {
  readonly x: number;
  readonly y: number;
}

const ONLY_X: readonly TorusAction[] = ['x.inc'];
const ONLY_Y: readonly TorusAction[] = ['y.inc'];
const NONE: readonly TorusAction[] = [];

/**
 * Two counters that stop at `width - 1` and `height - 1`: a grid walked right and up (many diamonds).
 *
 * `width * height` states, (width-1)·height + width·(height-1) transitions, one final corner and no
 * deadlock; every maximal path has (width-1)+(height-1) steps, so BFS and DFS reach that depth.
 */
export function grid(width: number, height: number): Model<Point, TorusAction> {
  return tinyModel({
    name: `grid-${width}x${height}`,
    initialStates: () => [{ x: 0, y: 0 }],
    actions: ({ x, y }) => {
      const canX = x < width - 1;
      const canY = y < height - 1;
      return canX ? (canY ? XY : ONLY_X) : canY ? ONLY_Y : NONE;
    },
    next: ({ x, y }, action) => (action === 'x.inc' ? { x: x + 1, y } : { x, y: y + 1 }),
    fingerprint: ({ x, y }) => [x, y],
    actionKinds: XY,
    actionKind: (action) => action,
    isFinal: ({ x, y }) => x === width - 1 && y === height - 1,
    stateToJson: ({ x, y }) => ({ x, y }),
  });
}

/** An edge of `graph`: the action's name and the node it leads to. */
export interface Edge {
  readonly name: string;
  readonly to: string;
}

/** An explicit graph: nodes are strings, actions are named edges in the order given. */
export interface GraphSpec {
  readonly name: string;
  readonly initial: readonly string[];
  readonly edges: { readonly [node: string]: readonly (readonly [name: string, to: string])[] };
  /** Nodes that are proper ends; a node with no edges not listed here is a deadlock. */
  readonly final?: readonly string[];
  readonly properties?: readonly Property<string>[];
}

/** A model of an explicit graph, for shapes that are easiest drawn. */
export function graph(spec: GraphSpec): Model<string, Edge> {
  const edges = new Map<string, Edge[]>(
    Object.entries(spec.edges).map(([node, out]) => [node, out.map(([name, to]) => ({ name, to }))]),
  );
  const kinds = [...new Set([...edges.values()].flat().map((edge) => edge.name))];
  const final = new Set(spec.final ?? []);
  return tinyModel({
    name: spec.name,
    initialStates: () => spec.initial,
    actions: (node) => edges.get(node) ?? [],
    next: (_node, edge) => edge.to,
    fingerprint: fingerprintString,
    actionKinds: kinds,
    actionKind: (edge) => edge.name,
    actionToJson: (edge) => ({ name: edge.name, to: edge.to }),
    properties: spec.properties ?? [],
    isFinal: (node) => final.has(node),
    stateToJson: (node) => node,
  });
}

/**
 * top → left | right → bottom: 4 states, 4 transitions, so 5 generated (1 initial) and one duplicate.
 */
export function diamond(): Model<string, Edge> {
  return graph({
    name: 'diamond',
    initial: ['top'],
    edges: {
      top: [
        ['go.left', 'left'],
        ['go.right', 'right'],
      ],
      left: [['left.down', 'bottom']],
      right: [['right.down', 'bottom']],
    },
    final: ['bottom'],
  });
}

/**
 * start → left → stuck (no action, not final) and start → right (no action, final).
 *
 * BFS: 4 states, 4 generated, deadlock at `stuck` after 2 steps. DFS (left first): stops at `stuck`
 * with 3 states and 3 generated.
 */
export function deadlock(): Model<string, Edge> {
  return graph({
    name: 'deadlock',
    initial: ['start'],
    edges: {
      start: [
        ['go.left', 'left'],
        ['go.right', 'right'],
      ],
      left: [['left.stop', 'stuck']],
    },
    final: ['right'],
  });
}

type RingAction = 'ring.step' | 'ring.skip';
const RING_ACTIONS: readonly RingAction[] = ['ring.step', 'ring.skip'];

/**
 * A ring of `size` nodes walked by `ring.step` (+1) and `ring.skip` (+2); node `bugAt` breaks
 * `neverReachesBug`.
 *
 * For 2 ≤ bugAt < size - 2: BFS finds it at depth ceil(bugAt/2) (skips, and one step first if
 * odd), having found bugAt + 1 states and generated 2·bugAt - 1. DFS (steps first) finds it at
 * depth bugAt, having found bugAt + 1 states and generated bugAt + 1.
 */
export function ringWithBug(size: number, bugAt: number): Model<number, RingAction> {
  return tinyModel({
    name: `ring-${size}-bug-${bugAt}`,
    initialStates: () => [0],
    actions: () => RING_ACTIONS,
    next: (state, action) => (state + (action === 'ring.step' ? 1 : 2)) % size,
    fingerprint: (state) => [state, 0x5eed],
    actionKinds: RING_ACTIONS,
    actionKind: (action) => action,
    properties: [
      always(
        'neverReachesBug',
        (state) => state !== bugAt,
        (state) => `reached node ${state}`,
      ),
    ],
    stateToJson: (state) => state,
  });
}

/** Resource-manager states of `twoPhaseCommit`. */
const WORKING = 0;
const PREPARED = 1;
const COMMITTED = 2;
const ABORTED = 3;
/** Transaction-manager states. */
const TM_INIT = 0;
const TM_COMMITTED = 1;
const TM_ABORTED = 2;

/** A state of `twoPhaseCommit`; bit `i` of a mask stands for resource manager `i`. */
export interface TwoPhaseState {
  readonly rm: readonly number[];
  readonly tm: number;
  readonly tmPrepared: number;
  readonly preparedMsgs: number;
  readonly commitMsg: boolean;
  readonly abortMsg: boolean;
}

/** An action of `twoPhaseCommit`. */
export interface TwoPhaseAction {
  readonly kind:
    | 'tm.rcvPrepared'
    | 'tm.commit'
    | 'tm.abort'
    | 'rm.prepare'
    | 'rm.chooseToAbort'
    | 'rm.rcvCommit'
    | 'rm.rcvAbort';
  readonly rm: number;
}

const TWO_PHASE_KINDS: readonly TwoPhaseAction['kind'][] = [
  'tm.rcvPrepared',
  'tm.commit',
  'tm.abort',
  'rm.prepare',
  'rm.chooseToAbort',
  'rm.rcvCommit',
  'rm.rcvAbort',
];

/**
 * Two-phase commit from Gray and Lamport's "Consensus on Transaction Commit" (the TLA+ `TwoPhase`
 * spec), with `rmCount` resource managers and messages as a set.
 *
 * Reachable states: 288 for 3 managers, 8832 for 5, the figures TLC and Stateright's `2pc` example
 * report, so these pin the explorers against independent checkers. `consistent` always holds; both
 * agreements are reachable.
 */
export function twoPhaseCommit(rmCount: number): Model<TwoPhaseState, TwoPhaseAction> {
  const all = (1 << rmCount) - 1;
  const rms = Array.from({ length: rmCount }, (_, rm) => rm);
  const withRm = (state: TwoPhaseState, rm: number, value: number): readonly number[] =>
    state.rm.map((current, i) => (i === rm ? value : current));
  return tinyModel<TwoPhaseState, TwoPhaseAction>({
    name: `two-phase-commit-${rmCount}`,
    initialStates: () => [
      {
        rm: rms.map(() => WORKING),
        tm: TM_INIT,
        tmPrepared: 0,
        preparedMsgs: 0,
        commitMsg: false,
        abortMsg: false,
      },
    ],
    actions: (state) => {
      const actions: TwoPhaseAction[] = [];
      if (state.tm === TM_INIT && state.tmPrepared === all) actions.push({ kind: 'tm.commit', rm: -1 });
      if (state.tm === TM_INIT) actions.push({ kind: 'tm.abort', rm: -1 });
      for (const rm of rms) {
        if (state.tm === TM_INIT && (state.preparedMsgs >> rm) & 1)
          actions.push({ kind: 'tm.rcvPrepared', rm });
        if (state.rm[rm] === WORKING) {
          actions.push({ kind: 'rm.prepare', rm });
          actions.push({ kind: 'rm.chooseToAbort', rm });
        }
        if (state.commitMsg) actions.push({ kind: 'rm.rcvCommit', rm });
        if (state.abortMsg) actions.push({ kind: 'rm.rcvAbort', rm });
      }
      return actions;
    },
    next: (state, { kind, rm }) => {
      switch (kind) {
        case 'tm.rcvPrepared':
          return { ...state, tmPrepared: state.tmPrepared | (1 << rm) };
        case 'tm.commit':
          return { ...state, tm: TM_COMMITTED, commitMsg: true };
        case 'tm.abort':
          return { ...state, tm: TM_ABORTED, abortMsg: true };
        case 'rm.prepare':
          return { ...state, rm: withRm(state, rm, PREPARED), preparedMsgs: state.preparedMsgs | (1 << rm) };
        case 'rm.chooseToAbort':
        case 'rm.rcvAbort':
          return { ...state, rm: withRm(state, rm, ABORTED) };
        case 'rm.rcvCommit':
          return { ...state, rm: withRm(state, rm, COMMITTED) };
      }
    },
    fingerprint: (state) =>
      fingerprintInts([
        ...state.rm,
        state.tm,
        state.tmPrepared,
        state.preparedMsgs,
        state.commitMsg ? 1 : 0,
        state.abortMsg ? 1 : 0,
      ]),
    actionKinds: TWO_PHASE_KINDS,
    actionKind: (action) => action.kind,
    actionToJson: (action) => ({ kind: action.kind, rm: action.rm }),
    properties: [
      sometimes('abortAgreement', (state) => state.rm.every((s) => s === ABORTED)),
      sometimes('commitAgreement', (state) => state.rm.every((s) => s === COMMITTED)),
      always(
        'consistent',
        (state) => !(state.rm.includes(ABORTED) && state.rm.includes(COMMITTED)),
        () => 'one manager committed while another aborted',
      ),
    ],
    stateToJson: (state) => ({
      rm: [...state.rm],
      tm: state.tm,
      tmPrepared: state.tmPrepared,
      preparedMsgs: state.preparedMsgs,
      commitMsg: state.commitMsg,
      abortMsg: state.abortMsg,
    }),
  });
}

/** `counter(n)` whose `next` throws when it would leave state `failAt`: for `error` results. */
export function throwingCounter(n: number, failAt: number): Model<number, 'counter.inc'> {
  const base = counter(n);
  return {
    ...base,
    name: `throwing-counter-${n}`,
    next: (state, action) => {
      if (state === failAt) throw new TypeError(`cannot leave ${failAt}`);
      return base.next(state, action);
    },
  };
}

type ResizeAction = 'cpu.dispatch' | 'resize.step' | 'pager.takeGrowthRoom';
const RESIZE_KINDS: readonly ResizeAction[] = ['cpu.dispatch', 'resize.step', 'pager.takeGrowthRoom'];

/**
 * A resize of `steps` steps beside a dispatcher that can always switch between two VMs, and (when
 * `canBlock`) a pager that may take the growth room once the resize has begun, after which the
 * resize never finishes. State `(step * 2 + running) * 2 + blocked`; final when the resize is done.
 *
 * Every state has an enabled step (dispatch), so there is no deadlock; with `canBlock` the states
 * with the room taken (steps - 1 resize positions, 1..steps-1, times 2 dispatch states) can never
 * finish: 2·(steps - 1) stuck states, the first reached by `resize.step`, `pager.takeGrowthRoom`.
 * Reachable: 2·(steps + 1) states, plus the stuck ones.
 */
export function stuckResize(steps: number, canBlock: boolean): Model<number, ResizeAction> {
  const decode = (s: number) => ({ step: s >> 2, running: (s >> 1) & 1, blocked: s & 1 });
  const encode = (step: number, running: number, blocked: number) => (step * 2 + running) * 2 + blocked;
  return tinyModel({
    name: `stuck-resize-${steps}${canBlock ? '' : '-ok'}`,
    initialStates: () => [0],
    actions: (s) => {
      const { step, blocked } = decode(s);
      const out: ResizeAction[] = ['cpu.dispatch'];
      if (step < steps && !blocked) out.push('resize.step');
      if (canBlock && step > 0 && step < steps && !blocked) out.push('pager.takeGrowthRoom');
      return out;
    },
    next: (s, a) => {
      const { step, running, blocked } = decode(s);
      if (a === 'cpu.dispatch') return encode(step, 1 - running, blocked);
      if (a === 'resize.step') return encode(step + 1, running, blocked);
      return encode(step, running, 1);
    },
    fingerprint: (s) => [0, s],
    actionKinds: RESIZE_KINDS,
    actionKind: (a) => a,
    isFinal: (s) => decode(s).step === steps,
    stateToJson: (s) => decode(s),
  });
}

/** A 32-bit mix of `a` and `b` (Murmur3's finaliser), for `randomGraph`. */
function mix(a: number, b: number): number {
  let x = Math.imul(a ^ Math.imul(b, 0x9e3779b1), 0x85ebca6b);
  x ^= x >>> 13;
  x = Math.imul(x, 0xc2b2ae35);
  return (x ^ (x >>> 16)) >>> 0;
}

/**
 * A pseudo-random directed graph on states `0..states-1` fixed by `seed`: from state 0, each state
 * has `0..maxOut` edges (action `i` leads to a state picked by a hash), and about one state in
 * `finalEvery` is final. Some states cannot reach a final one, some have no edge (deadlocks when
 * not final): the shapes a progress check must tell apart, in counts only a second algorithm knows.
 */
export function randomGraph(
  states: number,
  seed: number,
  maxOut: number,
  finalEvery: number,
): Model<number, number> {
  return tinyModel({
    name: `random-graph-${states}-${seed}`,
    initialStates: () => [0],
    actions: (s) => Array.from({ length: mix(s, seed) % (maxOut + 1) }, (_, i) => i),
    next: (s, i) => mix(mix(s, seed) + i + 1, seed ^ 0x5bd1e995) % states,
    fingerprint: (s) => [0, s],
    actionKinds: ['edge'],
    actionKind: () => 'edge',
    isFinal: (s) => mix(s, ~seed) % finalEvery === 0,
    stateToJson: (s) => s,
  });
}
