import {
  type Fingerprint,
  fingerprintHex,
  type Model,
  type Trace,
  VmcheckError,
} from '../model/core/index.ts';
import { FingerprintSet } from './fingerprintSet.ts';
import { ParentStore } from './parentStore.ts';
import type { PartialOrderMode } from './partialOrder.ts';
import { replayChecked } from './replay.ts';
import { walkBreadthFirst } from './walk.ts';

/** A state whose trace is wanted: its fingerprint and the BFS level at which it was first reached. */
export interface TraceTarget {
  readonly fingerprint: Fingerprint;
  readonly depth: number;
}

/** What `rerunTraces` gives back. */
export interface RerunTracesResult<S, A> {
  /** Per target, in the order given: its shortest trace, or what stopped it being rebuilt. */
  readonly traces: readonly ({ readonly trace: Trace<S, A> } | { readonly error: unknown })[];
  /** Distinct states the re-exploration stored, a measure of what the rebuild cost. */
  readonly statesExplored: number;
}

/**
 * Rebuild the BFS traces of `targets` without a parent store kept during the run (TLC's approach
 * when it has no trace file): explore breadth-first again from the initial states, down to the
 * deepest target's level only, storing predecessor pointers for that prefix, and stop as soon as
 * every target has been reached; then replay each path forward with `replayChecked`.
 *
 * `checkBfs` discovers states in an order that depends only on the model (never on table layout),
 * so this re-exploration meets each state first from the same predecessor by the same action as the
 * main run did: the trace is the one a parent store would have given, a shortest one. It does a
 * prefix of the main run's work (no property is checked), and holds its own table, parent store and
 * frontier (about 21 bytes a state of the prefix) until it returns.
 *
 * Never throws: a target reached at another level than recorded, or not reached at all, means the
 * model is not a pure function of its state and gives `VmcheckError('nondeterministic-model')`; an
 * error thrown while re-exploring is given for every target not reached before it.
 */
export function rerunTraces<S, A>(
  model: Model<S, A>,
  targets: readonly TraceTarget[],
  /** How the run being rebuilt reduced (its levels are those of its reduced graph). */
  partialOrder: PartialOrderMode = false,
): RerunTracesResult<S, A> {
  const found: number[] = targets.map(() => -1);
  const foundDepth: number[] = targets.map(() => -1);
  const wanted = new FingerprintSet(targets.length);
  let deepest = 0;
  for (const { fingerprint, depth } of targets) {
    wanted.add(fingerprint[0], fingerprint[1]);
    if (depth > deepest) deepest = depth;
  }
  let remaining = targets.length;
  const parents = new ParentStore();
  let failure: { error: unknown } | undefined;

  /** Note the state `index` at `depth` if it is a target; true once every target is found. */
  const reached = (index: number, fingerprint: Fingerprint, depth: number): boolean => {
    if (!wanted.has(fingerprint[0], fingerprint[1])) return false;
    const hi = fingerprint[0] >>> 0;
    const lo = fingerprint[1] >>> 0;
    for (let t = 0; t < targets.length; t++) {
      const target = targets[t]!.fingerprint;
      if (found[t] === -1 && target[0] >>> 0 === hi && target[1] >>> 0 === lo) {
        found[t] = index;
        foundDepth[t] = depth;
        remaining--;
      }
    }
    return remaining === 0;
  };

  if (remaining > 0) {
    try {
      walkBreadthFirst(
        model,
        deepest,
        parents,
        {
          onNew: (_state, index, fingerprint, depth) => reached(index, fingerprint, depth),
        },
        partialOrder,
      );
    } catch (error) {
      failure = { error };
    }
  }

  const traces = targets.map(({ fingerprint, depth }, t) => {
    const index = found[t]!;
    if (index === -1) {
      return (
        failure ?? {
          error: new VmcheckError(
            'nondeterministic-model',
            `re-exploring ${depth} level${depth === 1 ? '' : 's'} did not reach state ${fingerprintHex(fingerprint)} again: model.actions, model.next or model.fingerprint is not a pure function of the state`,
            { depth, state: fingerprintHex(fingerprint) },
          ),
        }
      );
    }
    if (foundDepth[t] !== depth) {
      return {
        error: new VmcheckError(
          'nondeterministic-model',
          `re-exploring reached state ${fingerprintHex(fingerprint)} at depth ${foundDepth[t]}, not ${depth}: model.actions, model.next or model.fingerprint is not a pure function of the state`,
          { depth, reachedAt: foundDepth[t]!, state: fingerprintHex(fingerprint) },
        ),
      };
    }
    try {
      const path = parents.pathTo(index);
      return { trace: replayChecked(model, path.initialIndex, path.actionIndices, fingerprint) };
    } catch (error) {
      return { error };
    }
  });
  return { traces, statesExplored: parents.length };
}
