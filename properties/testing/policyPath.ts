/**
 * A deterministic model path for hand-made scenarios: from the initial state, take the first
 * enabled action of the kinds a policy prefers (kind prefixes, first match first).
 */
import type { Model } from '../../model/core/model.ts';
import type { Trace, TraceStep } from '../../model/core/trace.ts';
import type { Action } from '../../model/vmm/actions.ts';
import type { MachineState } from '../../model/vmm/state.ts';

/** The model's path from its initial state taking the first enabled action of the preferred kinds. */
export function policyPath(
  model: Model<MachineState, Action>,
  prefer: readonly string[],
  maxLength = 40,
): Trace<MachineState, Action> {
  const initial = model.initialStates()[0]!;
  const steps: TraceStep<MachineState, Action>[] = [];
  let state = initial;
  for (let i = 0; i < maxLength; i++) {
    const actions = model.actions(state);
    let chosen: Action | undefined;
    for (const prefix of prefer) {
      chosen = actions.find((a) => a.kind.startsWith(prefix));
      if (chosen) break;
    }
    if (chosen === undefined) break;
    state = model.next(state, chosen);
    steps.push({ action: chosen, state });
  }
  return { initial, steps };
}
