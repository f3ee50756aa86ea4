import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { fingerprintWords } from '../model/vmm/lean/fingerprint.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { VARIANTS } from '../scenario/variants.ts';
import { createLeanModel } from './leanCheckModel.ts';

const DIR = new URL('../scenarios/', import.meta.url).pathname;
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/** Steps checked: every enabled action of the first `limit` states reached breadth-first. */
function checkSteps(scenario: Scenario, variant: (typeof VARIANTS)[number], limit: number): number {
  const model = createLeanModel(scenario, variant);
  const seen = new Set<string>();
  const queue = [...model.initialStates()];
  for (const s of queue) seen.add(model.fingerprint(s).join(':'));
  let steps = 0;
  for (let i = 0; i < queue.length && i < limit; i++) {
    for (const code of model.actions(queue[i]!)) {
      const n = model.next(queue[i]!, code);
      const fp = model.fingerprint(n);
      expect(fp, `${model.actionKind(code)} from state ${i}`).toEqual(fingerprintWords(n));
      steps++;
      const key = fp.join(':');
      if (!seen.has(key)) {
        seen.add(key);
        queue.push(n);
      }
    }
  }
  return steps;
}

describe("the lean model's incremental fingerprint", () => {
  it.each(FILES.flatMap((f) => VARIANTS.map((v) => [f, v] as const)))(
    'should equal the full fingerprint on every step of %s under %s',
    (file, variant) => {
      expect(checkSteps(loadScenarioFile(`${DIR}${file}`), variant, 1500)).toBeGreaterThan(1000);
    },
  );

  it.each(FILES)('should equal it with channel errors on (%s)', (file) => {
    const scenario = loadScenarioFile(`${DIR}${file}`);
    const errors = { ...scenario, bounds: { ...scenario.bounds, channelErrors: true } };
    expect(checkSteps(errors, 'patent', 1500)).toBeGreaterThan(1000);
  });
});
