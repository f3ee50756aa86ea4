/** Test helper: the checkable model of a shipped scenario as JSON views (`createCheckModel`), with every property. */
import { loadScenarioFile } from '../../scenario/load.ts';
import type { Variant } from '../../scenario/variants.ts';
import { createCheckModel } from '../checkModel.ts';

/** The checkable model of `scenarios/NAME.json` under `variant`. */
export function scenarioModel(name: string, variant: Variant = 'patent') {
  return createCheckModel(
    loadScenarioFile(new URL(`../../scenarios/${name}.json`, import.meta.url).pathname),
    variant,
  );
}
