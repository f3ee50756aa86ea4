/**
 * The VMM model as a core `Model`: initial state, enabled actions, next state, fingerprints and
 * descriptions. Properties are supplied by the caller (properties/), so the model stays the pure
 * specification of behaviour.
 */
import { fingerprintString } from '../core/fingerprint.ts';
import type { Fingerprint, Json, Model, Property } from '../core/model.ts';
import { ACTION_KINDS, type Action, describeAction } from './actions.ts';
import type { VmmContext } from './context.ts';
import { enabledActions } from './enabled.ts';
import { initialState } from './initial.ts';
import { notEnabledError, sameAction } from './notEnabled.ts';
import type { MachineState } from './state.ts';
import { nextState } from './step.ts';

/**
 * The readable (immer) VMM model of `ctx`'s scenario and variant, checking `properties`. `next`
 * raises `VmcheckError('not-enabled')` for an action not enabled in the state.
 */
export function createVmmModel(
  ctx: VmmContext,
  properties: readonly Property<MachineState>[],
): Model<MachineState, Action> {
  const initial = initialState(ctx);
  // One-entry cache: explorers ask for a state's actions, then apply each, so the check is free.
  let last: MachineState | null = null;
  let lastActions: Action[] = [];
  const actions = (state: MachineState): Action[] => {
    if (state !== last) {
      lastActions = enabledActions(ctx, state);
      last = state;
    }
    return lastActions;
  };
  return {
    name: `${ctx.scenario.name}/${ctx.variant}`,
    initialStates: () => [initial],
    actions: (state) => [...actions(state)],
    next: (state, action) => {
      const enabled = actions(state);
      if (!enabled.some((a) => sameAction(a, action))) throw notEnabledError(ctx, action, enabled, state);
      return nextState(ctx, state, action);
    },
    properties,
    fingerprint: (state): Fingerprint => fingerprintString(JSON.stringify(state)),
    describeAction: (action) => describeAction(ctx, action),
    actionKind: (action) => action.kind,
    actionKinds: ACTION_KINDS,
    actionToJson: (action) => action as unknown as Json,
    stateToJson: (state) => state as unknown as Json,
    isFinal: (state) => isFinal(ctx, state),
  };
}

/** A proper end of the scenario: nothing under way, every request and event handled, no I/O in flight. */
export function isFinal(ctx: VmmContext, state: MachineState): boolean {
  return (
    state.reconfig === null &&
    state.nextRequest === ctx.requests.length &&
    state.events.every((e) => e === 'done') &&
    state.io.every((io) => io.status === 'idle' || io.status === 'done' || io.status === 'failed')
  );
}
