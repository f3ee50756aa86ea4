/**
 * The checkable model of a scenario and variant: the VMM model joined with the invariants of
 * SPEC section 7 and the `sometimes` properties.
 */
import type { Model } from '../model/core/model.ts';
import type { Action } from '../model/vmm/actions.ts';
import { buildContext, type VmmContext } from '../model/vmm/context.ts';
import { createVmmModel } from '../model/vmm/model.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { invariants } from './invariants.ts';
import { sometimesProperties } from './sometimes.ts';

/** The model of `scenario` under `variant` (default: the scenario's own), with every property. */
export function createCheckModel(
  scenario: Scenario,
  variant: Variant = scenario.variant,
): Model<MachineState, Action> & { ctx: VmmContext } {
  const ctx = buildContext(scenario, variant);
  return { ...createVmmModel(ctx, [...invariants(ctx), ...sometimesProperties(ctx)]), ctx };
}
