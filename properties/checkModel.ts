/**
 * The JSON view of the checkable VMM model: the same model as `createLeanModel` (one definition:
 * the same guards, effects and invariants run on the packed state), seen through `decode`. States
 * are `MachineState` objects and actions `Action` objects, for traces, ITF, the text and HTML
 * reports, `replay`, the model-based tests of impl/ (modelVsImpl.ts) and tests that build states by
 * hand. Every view state remembers its packed state, and the step that led to it, so an incident
 * invariant's violation is explained from the step that raised it (`explainIncidents`).
 */
import type { Fingerprint, Json, Model, Property, Violation } from '../model/core/model.ts';
import type { Trace, TraceStep } from '../model/core/trace.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { G_INCIDENTS } from '../model/vmm/lean/layout.ts';
import { notEnabledError } from '../model/vmm/notEnabled.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { explainIncidents } from './invariants.ts';
import { createLeanModel, type LeanCheckModel } from './leanCheckModel.ts';

/** The model through its JSON view, with the packed model it decodes. */
export interface VmmViewModel extends Model<MachineState, Action> {
  readonly ctx: VmmContext;
  readonly lean: LeanCheckModel;
  /** The packed state of a view (encoded when the view was built by hand). */
  packed(state: MachineState): Int32Array;
  /** The view of a trace of the packed model (its actions are codes of the same scenario). */
  viewTrace(trace: Trace<Int32Array, number>): Trace<MachineState, Action>;
}

/** The model of `scenario` under `variant` (default: the scenario's own), with every property, as JSON views. */
export function createCheckModel(scenario: Scenario, variant: Variant = scenario.variant): VmmViewModel {
  const lean = createLeanModel(scenario, variant);
  const { ctx, kit } = lean;
  const packedOf = new WeakMap<MachineState, Int32Array>();
  const cameFrom = new WeakMap<MachineState, { readonly before: MachineState; readonly code: number }>();
  const view = (s: Int32Array, before?: MachineState, code?: number): MachineState => {
    const state = lean.decode(s);
    packedOf.set(state, s);
    if (before !== undefined && code !== undefined) cameFrom.set(state, { before, code });
    return state;
  };
  const packed = (state: MachineState): Int32Array => {
    let s = packedOf.get(state);
    if (s === undefined) {
      s = lean.encode(state);
      packedOf.set(state, s);
    }
    return s;
  };
  const initial = view(lean.initialStates()[0]!);
  const next = (state: MachineState, action: Action): MachineState => {
    const code = lean.code(action);
    const s = packed(state);
    if (code < 0) throw notEnabledError(ctx, action, lean.actions(s).map(lean.action), state);
    return view(lean.next(s, code), state, code);
  };
  /** An incident invariant's violation explained from the step of the path that raised it, when known. */
  const explain = (name: string, bits: number, state: MachineState): Violation | undefined => {
    const raised = packed(state)[G_INCIDENTS]! & bits;
    let step = cameFrom.get(state);
    while (step !== undefined && (packed(step.before)[G_INCIDENTS]! & raised) !== 0)
      step = cameFrom.get(step.before);
    return step && explainIncidents(kit, name, raised, packed(step.before), step.code);
  };
  const properties = lean.properties.map(
    (p): Property<MachineState> => ({
      name: p.name,
      kind: p.kind,
      ...(p.specRef !== undefined ? { specRef: p.specRef } : {}),
      description: p.description,
      check: (state) => {
        const found = p.check(packed(state));
        if (found === undefined || p.incidents === 0 || (packed(state)[G_INCIDENTS]! & p.incidents) === 0)
          return found;
        return explain(p.name, p.incidents, state) ?? found;
      },
    }),
  );
  return {
    name: lean.name,
    ctx,
    lean,
    packed,
    viewTrace: (trace) => {
      let state = initial;
      const steps: TraceStep<MachineState, Action>[] = [];
      for (const step of trace.steps) {
        state = next(state, lean.action(step.action));
        steps.push({ action: lean.action(step.action), state });
      }
      return { initial, steps };
    },
    initialStates: () => [initial],
    actions: (state) => lean.actions(packed(state)).map(lean.action),
    next,
    properties,
    fingerprint: (state): Fingerprint => lean.fingerprint(packed(state)),
    describeAction: (action) => lean.describeAction(lean.code(action)),
    actionKind: (action) => action.kind,
    actionKinds: lean.actionKinds,
    actionToJson: (action) => action as unknown as Json,
    stateToJson: (state) => state as unknown as Json,
    isFinal: (state) => lean.isFinal(packed(state)),
  };
}
