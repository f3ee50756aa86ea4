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
import type { MachineState } from './state.ts';
import { nextState } from './step.ts';

/** The readable (immer) VMM model of `ctx`'s scenario and variant, checking `properties`. */
export function createVmmModel(
  ctx: VmmContext,
  properties: readonly Property<MachineState>[],
): Model<MachineState, Action> {
  const initial = initialState(ctx);
  return {
    name: `${ctx.scenario.name}/${ctx.variant}`,
    initialStates: () => [initial],
    actions: (state) => enabledActions(ctx, state),
    next: (state, action) => nextState(ctx, state, action),
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
