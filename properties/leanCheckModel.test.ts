import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { leanActions } from '../model/vmm/lean/enabled.ts';
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

  it.each(FILES)(
    'should equal it through the scratch step, from states `keep` made, with their stored sums and actions (%s)',
    (file) => {
      const model = createLeanModel(loadScenarioFile(`${DIR}${file}`), 'patent');
      const scratch = model.scratch!;
      const queue = [...model.initialStates()];
      const seen = new Set(queue.map((q) => model.fingerprint(q).join(':')));
      let steps = 0;
      for (let i = 0; i < queue.length && i < 1500; i++) {
        const p = queue[i]!;
        for (const a of model.actions(p)) {
          const n = scratch.into(p, a);
          const fp = model.fingerprint(n);
          expect(fp, `${model.actionKind(a)} from state ${i}`).toEqual(fingerprintWords(n));
          steps++;
          const key = fp.join(':');
          if (!seen.has(key)) {
            seen.add(key);
            // Every other state is kept with its enabled actions worked out at once (`expand`).
            const kept = scratch.keep(n, queue.length % 2 === 0);
            expect(model.fingerprint(kept)).toEqual(fp);
            expect([...model.actions(kept)]).toEqual(leanActions(model.kit, kept));
            queue.push(kept);
          }
        }
      }
      expect(steps).toBeGreaterThan(1000);
    },
  );

  it.each(FILES)(
    'should carry the stored sums and actions through a packed frontier, as the parallel explorer does (%s)',
    (file) => {
      const model = createLeanModel(loadScenarioFile(`${DIR}${file}`), 'patent');
      const scratch = model.scratch!;
      const carry = scratch.carry!;
      const initial = model.initialStates()[0]!;
      const seen = new Set([model.fingerprint(initial).join(':')]);
      let level = [initial];
      let steps = 0;
      let restored = 0;
      while (level.length > 0 && restored < 1500) {
        // The next level packed one byte a word where every word fits (else four), with the
        // carried words beside each state, as `LevelExpander` stores it.
        const packed: (Int8Array | Int32Array)[] = [];
        const carried: number[] = [];
        const side = new Int32Array(carry.words);
        for (const p of level) {
          for (const a of model.actions(p)) {
            const n = scratch.into(p, a);
            const fp = model.fingerprint(n);
            expect(fp, `${model.actionKind(a)}`).toEqual(fingerprintWords(n));
            steps++;
            const key = fp.join(':');
            if (seen.has(key)) continue;
            seen.add(key);
            carry.save(n, side, 0);
            carried.push(...side);
            packed.push(n.every((w) => w >= -128 && w <= 127) ? Int8Array.from(n) : Int32Array.from(n));
          }
        }
        const all = Int32Array.from(carried);
        level = packed.map((words, j) => {
          const back = carry.restore(words, all, j * carry.words);
          expect([...back]).toEqual([...words]);
          expect(model.fingerprint(back)).toEqual(fingerprintWords(back));
          expect([...model.actions(back)]).toEqual(leanActions(model.kit, back));
          return back;
        });
        restored += level.length;
      }
      expect(steps).toBeGreaterThan(1000);
      expect(restored).toBeGreaterThan(500);
    },
  );

  it("should give next's states through the scratch step, also stepping from the scratch itself", () => {
    const model = createLeanModel(loadScenarioFile(`${DIR}fig6-relocation.json`), 'patent');
    const scratch = model.scratch!;
    expect(scratch.next).toBe(model.next);
    const queue = [...model.initialStates()];
    const seen = new Set(queue.map((q) => model.fingerprint(q).join(':')));
    let checked = 0;
    for (let i = 0; i < queue.length && i < 300; i++) {
      const p = queue[i]!;
      for (const a of model.actions(p)) {
        const child = model.next(p, a);
        expect([...scratch.into(p, a)]).toEqual([...child]);
        const key = model.fingerprint(child).join(':');
        if (!seen.has(key)) {
          seen.add(key);
          queue.push(scratch.keep(child));
        }
        for (const c of model.actions(child)) {
          // The scratch holds `child` again, and steps from itself.
          const from = scratch.into(p, a);
          const grandchild = model.next(child, c);
          const stepped = scratch.into(from, c);
          expect([...stepped]).toEqual([...grandchild]);
          expect(model.fingerprint(stepped)).toEqual(fingerprintWords(grandchild));
          checked++;
        }
      }
    }
    expect(checked).toBeGreaterThan(1000);
  });
});
