/**
 * A scope's scenarios enumerated once per process: a sweep runs several passes over the same scope,
 * and test files of one worker share them (enumerating the tiny scope costs over a second).
 */
import type { ScenarioScope } from './build.ts';
import { enumerateScenarios, type GeneratedScenario } from './enumerate.ts';

const enumerated = new WeakMap<ScenarioScope, readonly GeneratedScenario[]>();

/** `enumerateScenarios(scope)`, computed on the first call for `scope` (by identity) and kept. */
export function scopeScenarios(scope: ScenarioScope): readonly GeneratedScenario[] {
  let all = enumerated.get(scope);
  if (all === undefined) {
    all = enumerateScenarios(scope);
    enumerated.set(scope, all);
  }
  return all;
}
