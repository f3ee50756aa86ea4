import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { checkBfs } from '../generators/index.ts';
import { fingerprintHex } from '../model/core/index.ts';
import { fieldAt, type LayoutField } from '../model/vmm/lean/layout.ts';
import { allSpecScenarios } from '../model/vmm/testing/specScenarios.ts';
import { readWatcher } from '../model/vmm/testing/watchReads.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { VARIANTS, type Variant } from '../scenario/variants.ts';
import { createLeanModel, leanIsFinal } from './leanCheckModel.ts';
import { PROPERTY_FIELD_READS, PROPERTY_READS } from './visibility.ts';

const dir = new URL('../scenarios/', import.meta.url);
const shipped = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => loadScenarioFile(new URL(f, dir).pathname));

/**
 * Check every property and the final predicate (`leanIsFinal`) on every reachable state (BFS)
 * wrapped so that each word it reads is recorded; returns the states and, per property, the fields
 * it read that `declared` leaves out (`isFinal reads ...` for the final predicate's reads outside
 * `finalDeclared`). With each property's reads within its list and each list within
 * `PROPERTY_READS` (the first test), every field a property or `isFinal` reads is in `PROPERTY_READS`,
 * the visible fields of the partial-order reduction.
 */
function undeclaredReads(
  scenario: Scenario,
  variant: Variant,
  declared: { readonly [name: string]: readonly LayoutField[] },
  finalDeclared: readonly LayoutField[] = PROPERTY_READS,
) {
  const model = createLeanModel(scenario, variant);
  const L = model.kit.L;
  const fieldOf = Array.from({ length: L.length }, (_, i) => fieldAt(L, i).field);
  // Per property, per word of the state: 1 when its field is among the property's declared reads.
  const declaredWords = model.properties.map((p) =>
    Uint8Array.from(fieldOf, (f) => ((declared[p.name] ?? []).includes(f) ? 1 : 0)),
  );
  const undeclared = new Set<string>();
  const names = new Set(model.properties.map((p) => p.name));
  const watchers = model.properties.map((p, i) =>
    readWatcher(L, declaredWords[i]!, (word) => undeclared.add(`${p.name} reads ${fieldOf[word]!}`)),
  );
  const final = readWatcher(
    L,
    Uint8Array.from(fieldOf, (f) => (finalDeclared.includes(f) ? 1 : 0)),
    (word) => undeclared.add(`isFinal reads ${fieldOf[word]!}`),
  );
  const seen = new Set<string>();
  let frontier = [...model.initialStates()];
  for (const s of frontier) seen.add(fingerprintHex(model.fingerprint(s)));
  while (frontier.length > 0) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      for (let i = 0; i < model.properties.length; i++) model.properties[i]!.check(watchers[i]!.watch(s));
      leanIsFinal(model.kit, final.watch(s));
      for (const code of model.actions(s)) {
        const n = model.next(s, code);
        const key = fingerprintHex(model.fingerprint(n));
        if (!seen.has(key)) {
          seen.add(key);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return { states: seen.size, names, undeclared: [...undeclared] };
}

/** What a run decides: verdicts, counts and every discovery's and witness's trace length. */
function outcome(scenario: Scenario, variant: Variant, skip: boolean) {
  const model = createLeanModel(scenario, variant);
  const r = checkBfs(skip ? model : { ...model, stepClass: undefined }, { stopAtFirst: false });
  return {
    status: r.status,
    distinct: r.stats.distinctStates,
    generated: r.stats.statesGenerated,
    discoveries: r.discoveries.map((d) => [d.kind, d.violation.invariant, d.trace.steps.length]),
    sometimes: r.sometimes.map((s) => [s.property, s.reached, s.trace?.steps.length]),
  };
}

describe("each property's declared reads (PROPERTY_FIELD_READS, what lets explorers skip it; PROPERTY_READS, what the partial-order reduction sees)", () => {
  it('should declare reads for every property, each within PROPERTY_READS', () => {
    const names = new Set(
      [...shipped.flatMap((s) => VARIANTS.map((v) => createLeanModel(s, v)))].flatMap((m) =>
        m.properties.map((p) => p.name),
      ),
    );
    expect([...names].filter((n) => PROPERTY_FIELD_READS[n] === undefined)).toEqual([]);
    for (const [name, reads] of Object.entries(PROPERTY_FIELD_READS))
      expect({ name, outside: reads.filter((f) => !PROPERTY_READS.includes(f)) }).toEqual({
        name,
        outside: [],
      });
  });

  it.each(shipped.flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should cover every field each property (and isFinal) reads on every reachable state of %s under %s',
    (_, variant, scenario) => {
      const r = undeclaredReads(scenario, variant, PROPERTY_FIELD_READS);
      expect(r.states).toBeGreaterThan(100);
      expect(r.undeclared).toEqual([]);
    },
  );

  it.each(allSpecScenarios().flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should cover every field each property (and isFinal) reads on every reachable state of the SPEC rule scenario %s under %s',
    (_, variant, scenario) => {
      const r = undeclaredReads(scenario, variant, PROPERTY_FIELD_READS);
      expect(r.states).toBeGreaterThan(3);
      expect(r.undeclared).toEqual([]);
    },
  );

  it('should catch a field left out (the check can fail)', () => {
    const fewer = {
      ...PROPERTY_FIELD_READS,
      contentIsPreserved: PROPERTY_FIELD_READS.contentIsPreserved!.filter((f) => f !== 'frames'),
    };
    expect(undeclaredReads(shipped[0]!, 'patent', fewer).undeclared).toEqual([
      'contentIsPreserved reads frames',
    ]);
  });

  it('should catch a field the final predicate reads left out (the check can fail)', () => {
    const fewer = PROPERTY_READS.filter((f) => f !== 'events');
    expect(undeclaredReads(shipped[0]!, 'patent', PROPERTY_FIELD_READS, fewer).undeclared).toEqual([
      'isFinal reads events',
    ]);
  });

  it('should skip checks (the skip is on: fewer checks with it than without)', () => {
    const checks = (skip: boolean) => {
      const model = createLeanModel(shipped[0]!, 'patent');
      let calls = 0;
      const properties = model.properties.map((p) => ({
        ...p,
        check: (s: Int32Array) => {
          calls++;
          return p.check(s);
        },
      }));
      checkBfs({ ...model, properties, ...(skip ? {} : { stepClass: undefined }) }, { stopAtFirst: false });
      return calls;
    };
    const without = checks(false);
    expect(checks(true)).toBeLessThan(without * 0.8);
  });

  it.each(shipped.flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should give the same verdicts, counts and trace lengths with the skip as without on %s under %s',
    (_, variant, scenario) => {
      expect(outcome(scenario, variant, true)).toEqual(outcome(scenario, variant, false));
    },
  );
});
