import { isDeepStrictEqual } from 'node:util';
import { describe, expect, it } from 'vitest';
import { scenarioModel } from '../../properties/testing/scenarioModel.ts';
import { fingerprintHex } from '../core/fingerprint.ts';
import { reachableStates, violated } from './testing/drive.ts';

const SCENARIOS = ['fig6-relocation', 'fig8-resize', 'fig1-failover', 'pageable-conversion'] as const;

/** Reachable-state counts under `patent` through the JSON view, by an independent JSON-keyed search. */
const PATENT_STATE_COUNTS: Record<(typeof SCENARIOS)[number], number> = {
  'fig6-relocation': 2400,
  'fig8-resize': 3676,
  'fig1-failover': 3964,
  'pageable-conversion': 1378,
};

describe.each(SCENARIOS)('the model of %s obeys the model laws', (name) => {
  const model = scenarioModel(name);
  const states = reachableStates(model);

  it('should reach the pinned number of states under patent', () => {
    expect(states.length).toBe(PATENT_STATE_COUNTS[name]);
  });

  it('should give equal fingerprints exactly to equal states', () => {
    const byFingerprint = new Map<string, string>();
    for (const s of states) {
      const fp = fingerprintHex(model.fingerprint(s));
      const json = JSON.stringify(s);
      expect(byFingerprint.get(fp) ?? json).toBe(json);
      byFingerprint.set(fp, json);
      expect(model.fingerprint(structuredClone(s))).toEqual(model.fingerprint(s));
    }
    expect(byFingerprint.size).toBe(states.length);
  });

  it('should list the same actions in the same order every time, and leave the state untouched by next', () => {
    for (const s of states.slice(0, 400)) {
      const before = structuredClone(s);
      const actions = model.actions(s);
      expect(model.actions(structuredClone(s))).toEqual(actions);
      const successors = actions.map((a) => model.next(s, a));
      expect(actions.map((a) => model.next(s, a))).toEqual(successors);
      expect(isDeepStrictEqual(s, before)).toBe(true);
      for (const a of actions) expect(model.actionKinds).toContain(model.actionKind(a));
    }
  });

  it('should hold every invariant in the initial state and in every reachable state', () => {
    expect(violated(model, model.initialStates()[0]!)).toEqual([]);
    const bad = states.map((s) => violated(model, s)).filter((v) => v.length > 0);
    expect(bad).toEqual([]);
  });

  it('should reach every sometimes property', () => {
    for (const p of model.properties.filter((q) => q.kind === 'sometimes')) {
      expect(
        states.some((s) => p.check(s) !== undefined),
        p.name,
      ).toBe(true);
    }
  });

  it('should end only in final states (no deadlock)', () => {
    const stuck = states.filter((s) => model.actions(s).length === 0 && !model.isFinal(s));
    expect(stuck).toEqual([]);
  });
});
