/** Finding scenarios: a shipped name (`fig6-relocation`) or a path to a JSON file. */
import { existsSync, readdirSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, ScenarioError } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

/** The folder of shipped scenarios. */
export const SCENARIO_DIR = join(dirname(fileURLToPath(import.meta.url)), '..', 'scenarios');

/** Names of the shipped scenarios, sorted. */
export function shippedScenarioNames(): string[] {
  return readdirSync(SCENARIO_DIR)
    .filter((f) => f.endsWith('.json'))
    .map((f) => basename(f, '.json'))
    .sort();
}

/** A loaded scenario and where it came from. */
export interface LoadedScenario {
  readonly scenario: Scenario;
  readonly path: string;
}

/** Load a scenario by shipped name or by path. Throws `ScenarioError` for a missing or bad file. */
export function loadScenarioArg(arg: string): LoadedScenario {
  const looksLikeName = !arg.includes('/') && !arg.endsWith('.json');
  if (looksLikeName) {
    const shipped = join(SCENARIO_DIR, `${arg}.json`);
    if (!existsSync(shipped)) {
      throw new ScenarioError(arg, [
        {
          path: '',
          message: `no shipped scenario of that name (shipped: ${shippedScenarioNames().join(', ')}); give a path to a JSON file for your own`,
        },
      ]);
    }
    return { scenario: loadScenarioFile(shipped), path: shipped };
  }
  const path = resolve(arg);
  return { scenario: loadScenarioFile(path), path };
}
