/**
 * Tiny models with states packed as `Int32Array`s, for `checkParallel` (whose worker threads build
 * the model from a `ModelSpec` naming `packedTinyModel` and its arguments). Each packs a model of
 * tinyModels.ts, so its counts are the ones pinned there, or is counted by hand below.
 */
import { fingerprintInts, type Json, type Model } from '../../model/core/index.ts';
import type { ModelSpec } from '../parallel/checkParallel.ts';
import {
  always,
  counter,
  randomGraph,
  ringWithBug,
  sometimes,
  stuckResize,
  type TwoPhaseState,
  throwingCounter,
  torus,
  twoPhaseCommit,
} from './tinyModels.ts';

/** `model` with each state packed by `encode` and read back by `decode`. */
export function packed<S, A>(
  model: Model<S, A>,
  encode: (state: S) => Int32Array,
  decode: (words: Int32Array) => S,
): Model<Int32Array, A> {
  return {
    ...model,
    initialStates: () => model.initialStates().map(encode),
    actions: (words) => model.actions(decode(words)),
    next: (words, action) => encode(model.next(decode(words), action)),
    scratch: undefined,
    stepClass: undefined,
    fingerprint: (words) => model.fingerprint(decode(words)),
    properties: model.properties.map((p) => ({ ...p, check: (words: Int32Array) => p.check(decode(words)) })),
    stateToJson: (words) => model.stateToJson(decode(words)),
    isFinal: (words) => model.isFinal(decode(words)),
    ample: model.ample === undefined ? undefined : (words, actions) => model.ample!(decode(words), actions),
  };
}

const one = (n: number) => Int32Array.of(n);
const first = (words: Int32Array) => words[0]!;

/**
 * A `width` x `height` grid walked by `x.inc` and `y.inc` (no wrap), where point (`trapX`, `trapY`)
 * has no step and is not final: a deadlock at depth trapX + trapY. Final: the far corner.
 * `diagonal` witnesses x = y = 1; `offDiagonal` is broken where x - y = `gap`, first at depth `gap`.
 *
 * Without the trap: width·height states, BFS depth (width - 1) + (height - 1). The trap cuts the
 * points only reachable through it: none, when it is not on the border.
 */
function trapGrid(width: number, height: number, trapX: number, trapY: number, gap: number) {
  type Step = 'x.inc' | 'y.inc';
  const steps: readonly Step[] = ['x.inc', 'y.inc'];
  const trapped = (w: Int32Array) => w[0] === trapX && w[1] === trapY;
  return {
    name: `trap-grid-${width}x${height}`,
    initialStates: () => [Int32Array.of(0, 0)],
    actions: (w: Int32Array): Step[] =>
      trapped(w) ? [] : steps.filter((s) => (s === 'x.inc' ? w[0]! < width - 1 : w[1]! < height - 1)),
    next: (w: Int32Array, step: Step) =>
      step === 'x.inc' ? Int32Array.of(w[0]! + 1, w[1]!) : Int32Array.of(w[0]!, w[1]! + 1),
    fingerprint: (w: Int32Array) => fingerprintInts(w),
    properties: [
      sometimes<Int32Array>('diagonal', (w) => w[0] === 1 && w[1] === 1),
      always<Int32Array>('offDiagonal', (w) => w[0]! - w[1]! !== gap),
    ],
    actionKinds: steps,
    actionKind: (step: Step) => step,
    describeAction: (step: Step) => step,
    actionToJson: (step: Step) => step,
    stateToJson: (w: Int32Array) => ({ x: w[0]!, y: w[1]! }),
    isFinal: (w: Int32Array) => w[0] === width - 1 && w[1] === height - 1,
  } satisfies Model<Int32Array, Step>;
}

function encodeTwoPhase(s: TwoPhaseState): Int32Array {
  return Int32Array.of(s.tm, s.tmPrepared, s.preparedMsgs, s.commitMsg ? 1 : 0, s.abortMsg ? 1 : 0, ...s.rm);
}

function decodeTwoPhase(w: Int32Array): TwoPhaseState {
  return {
    tm: w[0]!,
    tmPrepared: w[1]!,
    preparedMsgs: w[2]!,
    commitMsg: w[3] === 1,
    abortMsg: w[4] === 1,
    rm: Array.from(w.subarray(5)),
  };
}

/** The packed tiny model `name` with `args` (the factory `packedSpec` names). */
export function packedTinyModel(name: string, ...args: number[]): Model<Int32Array, unknown> {
  const [a = 0, b = 0, c = 0, d = 0, e = 0] = args;
  switch (name) {
    case 'counter':
      return packed(counter(a), one, first) as Model<Int32Array, unknown>;
    case 'torus':
      return packed(torus(a, b), one, first) as Model<Int32Array, unknown>;
    case 'ringWithBug':
      return packed(ringWithBug(a, b), one, first) as Model<Int32Array, unknown>;
    case 'throwingCounter':
      return packed(throwingCounter(a, b), one, first) as Model<Int32Array, unknown>;
    case 'twoPhaseCommit':
      return packed(twoPhaseCommit(a), encodeTwoPhase, decodeTwoPhase) as Model<Int32Array, unknown>;
    case 'randomGraph':
      return packed(randomGraph(a, b, c, d), one, first) as Model<Int32Array, unknown>;
    case 'stuckResize':
      return packed(stuckResize(a, b === 1), one, first) as Model<Int32Array, unknown>;
    case 'trapGrid':
      return trapGrid(a, b, c, d, e) as Model<Int32Array, unknown>;
    default:
      throw new Error(`no packed tiny model ${name}`);
  }
}

/** The `ModelSpec` of `packedTinyModel(name, ...args)`. */
export function packedSpec(name: string, ...args: number[]): ModelSpec {
  return { module: import.meta.url, export: 'packedTinyModel', args: [name, ...args] as Json[] };
}
