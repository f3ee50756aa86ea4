import fc from 'fast-check';
import type { Model, Trace } from '../model/core/index.ts';
import { type ActionPath, pathFromChoices } from './actionPath.ts';

/**
 * fast-check arbitrary of valid paths of at most `maxLength` steps through `model`.
 *
 * For model-based tests: generated from free integer choices read modulo the options at each point
 * (see `pathFromChoices`), so every value is a valid path and shrinking (fewer steps, earlier
 * actions) keeps it valid. A path is shorter than its choices where the walk meets a state with no
 * enabled action. Replay a path with `replayIndices(model, path.initialIndex, path.actionIndices)`.
 */
export function pathArbitrary<S, A>(model: Model<S, A>, maxLength: number): fc.Arbitrary<ActionPath> {
  return choicesArbitrary(maxLength).map(
    ([initial, choices]) => pathFromChoices(model, initial, choices).path,
  );
}

/**
 * fast-check arbitrary of traces of at most `maxLength` steps through `model`: `pathArbitrary`'s
 * paths with the states they pass through, for tests that need the states themselves.
 */
export function traceArbitrary<S, A>(model: Model<S, A>, maxLength: number): fc.Arbitrary<Trace<S, A>> {
  return choicesArbitrary(maxLength).map(
    ([initial, choices]) => pathFromChoices(model, initial, choices).trace,
  );
}

function choicesArbitrary(maxLength: number): fc.Arbitrary<[number, number[]]> {
  return fc.tuple(fc.nat(), fc.array(fc.nat(), { maxLength }));
}
