/**
 * Test helpers: drive a model step by step with actions written by hand, failing with the enabled
 * actions listed when a step does not apply. Independent of properties/ (the checkable model of a
 * shipped scenario is `scenarioModel` in properties/testing/scenarioModel.ts).
 */
import { isDeepStrictEqual } from 'node:util';
import type { Model } from '../../core/model.ts';
import type { Action } from '../actions.ts';
import type { MachineState } from '../state.ts';

/** Apply `actions` in order from the initial state; throws naming the step and the enabled actions if one does not apply. */
export function drive(model: Model<MachineState, Action>, actions: readonly Action[]): MachineState[] {
  let state = model.initialStates()[0]!;
  const states = [state];
  actions.forEach((action, i) => {
    const enabled = model.actions(state);
    if (!enabled.some((a) => isDeepStrictEqual(a, action))) {
      throw new Error(
        `step ${i + 1}: ${JSON.stringify(action)} is not enabled; enabled: ${enabled.map((a) => JSON.stringify(a)).join(' ')}`,
      );
    }
    state = model.next(state, action);
    states.push(state);
  });
  return states;
}

/** Names of the `always` properties violated in `state`. */
export function violated(model: Model<MachineState, Action>, state: MachineState): string[] {
  return model.properties
    .filter((p) => p.kind === 'always' && p.check(state) !== undefined)
    .map((p) => p.name);
}

/** Every reachable state of a small model, by breadth-first search over JSON keys (test oracle, independent of generators/). */
export function reachableStates(model: Model<MachineState, Action>, limit = 200_000): MachineState[] {
  const seen = new Map<string, MachineState>();
  let frontier = [...model.initialStates()];
  for (const s of frontier) seen.set(JSON.stringify(s), s);
  while (frontier.length > 0) {
    const next: MachineState[] = [];
    for (const s of frontier) {
      for (const a of model.actions(s)) {
        const n = model.next(s, a);
        const key = JSON.stringify(n);
        if (!seen.has(key)) {
          seen.set(key, n);
          next.push(n);
        }
      }
    }
    if (seen.size > limit) throw new Error(`more than ${limit} states`);
    frontier = next;
  }
  return [...seen.values()];
}
