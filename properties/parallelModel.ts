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

/**
 * The spec of the fast model of `scenario` under `variant`, with only the properties named in
 * `properties` when given.
 */
export function vmmModelSpec(
  scenario: Scenario,
  variant: Variant = scenario.variant,
  properties?: readonly string[],
  options: VmmModelOptions = {},
): ModelSpec {
  return {
    module: import.meta.url,
    export: 'vmmModelOfJson',
    args: [
      scenario as unknown as Json,
      variant,
      properties ? [...properties] : null,
      ...(options.symmetry ? [{ symmetry: true }] : []),
    ],
  };
}

/** What a `vmmModelSpec` may ask of the model besides its scenario, variant and properties. */
export interface VmmModelOptions {
  /** Symmetry reduction (`createLeanModel`'s `symmetry`); default false. */
  readonly symmetry?: boolean;
}

/** The fast model of a scenario given as JSON (what `vmmModelSpec` names), its properties kept to `properties`. */
export function vmmModelOfJson(
  scenario: Json,
  variant: Variant,
  properties?: readonly string[] | null,
  options: VmmModelOptions = {},
): LeanCheckModel {
  const model = createLeanModel(parseScenario(scenario, 'scenario'), variant, {
    symmetry: options.symmetry === true,
  });
  if (properties === undefined || properties === null) return model;
  return { ...model, properties: model.properties.filter((p) => properties.includes(p.name)) };
}
