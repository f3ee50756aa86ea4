/**
 * fast-check arbitrary of valid generated scenarios: random choice sequences fed to the same
 * builder the enumerator walks, so every value is a scenario of the scope and shrinking (fewer,
 * smaller choices) moves towards the scope's simplest scenarios: fewer VMs, pages and features.
 */
import fc from 'fast-check';
import type { Scenario } from '../schema.ts';
import { buildScenario, type ScenarioScope } from './build.ts';

/** Scenarios of `scope`, named `<scope>-random`. */
export function scenarioArbitrary(scope: ScenarioScope): fc.Arbitrary<Scenario> {
  return fc
    .array(fc.nat({ max: 1023 }), { maxLength: 40 })
    .map((choices) => {
      let i = 0;
      return buildScenario(scope, (n) => (choices[i++] ?? 0) % n, `${scope.name}-random`);
    })
    .filter((s): s is Scenario => s !== null);
}
