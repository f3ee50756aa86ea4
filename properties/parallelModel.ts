/**
 * The VMM model as a `ModelSpec`, so `checkParallel`'s worker threads can each build it: the
 * scenario travels as its JSON and is validated again in every thread.
 */

import type { ModelSpec } from '../generators/parallel/checkParallel.ts';
import type { Json } from '../model/core/index.ts';
import { parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { createLeanModel, type LeanCheckModel } from './leanCheckModel.ts';

/** The spec of the fast model of `scenario` under `variant`. */
export function vmmModelSpec(scenario: Scenario, variant: Variant = scenario.variant): ModelSpec {
  return {
    module: import.meta.url,
    export: 'vmmModelOfJson',
    args: [scenario as unknown as Json, variant],
  };
}

/** The fast model of a scenario given as JSON (what `vmmModelSpec` names). */
export function vmmModelOfJson(scenario: Json, variant: Variant): LeanCheckModel {
  return createLeanModel(parseScenario(scenario, 'scenario'), variant);
}
