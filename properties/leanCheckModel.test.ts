import { readdirSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fingerprintHex } from '../model/core/fingerprint.ts';
import type { Model } from '../model/core/model.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { Incident, MachineState } from '../model/vmm/state.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import { VARIANTS, type Variant } from '../scenario/variants.ts';
import { createCheckModel } from './checkModel.ts';
import { createLeanModel, type LeanCheckModel, readableTrace } from './leanCheckModel.ts';

const SCENARIO_DIR = new URL('../scenarios/', import.meta.url).pathname;
const SCENARIOS = readdirSync(SCENARIO_DIR)
  .filter((f) => f.endsWith('.json'))
  .map((f) => f.replace(/\.json$/, ''))
  .sort();

/** Reachable-state counts under `patent`, pinned in model/vmm/model.test.ts for the readable model. */
const PATENT_STATE_COUNTS: Record<string, number> = {
  'fig6-relocation': 2400,
  'fig8-resize': 2644,
  'fig1-failover': 3964,
  'pageable-conversion': 966,
};

/** States compared per scenario and variant (BFS order); `patent` is walked completely. */
const CAP = 1500;

function models(name: string, variant: Variant) {
  const scenario = loadScenarioFile(`${SCENARIO_DIR}${name}.json`);
  return { readable: createCheckModel(scenario, variant), lean: createLeanModel(scenario, variant) };
}

/** The readable state with incident details dropped: one incident per kind, in kind order (what the lean state keeps). */
function withoutIncidentDetails(state: MachineState, lean: LeanCheckModel): MachineState {
  return lean.decode(lean.encode(state)).incidents.length === 0 && state.incidents.length === 0
    ? state
    : { ...state, incidents: lean.decode(lean.encode(state)).incidents as Incident[] };
}

function violatedNames<S>(model: Model<S, unknown>, state: S, kind: 'always' | 'sometimes'): string[] {
  return model.properties.filter((p) => p.kind === kind && p.check(state) !== undefined).map((p) => p.name);
}

/** Compare one readable state with its encoding: round trip, actions, successors, verdicts. Returns the successors. */
function compareAt(
  readable: Model<MachineState, Action>,
  lean: LeanCheckModel,
  state: MachineState,
): MachineState[] {
  const enc = lean.encode(state);
  expect(lean.decode(enc)).toEqual(withoutIncidentDetails(state, lean));
  const actions = readable.actions(state);
  const codes = lean.actions(enc);
  expect(codes.map((c) => lean.action(c))).toEqual(actions);
  expect(codes.map((c) => lean.describeAction(c))).toEqual(actions.map((a) => readable.describeAction(a)));
  expect(violatedNames(lean, enc, 'always')).toEqual(violatedNames(readable, state, 'always'));
  expect(violatedNames(lean, enc, 'sometimes')).toEqual(violatedNames(readable, state, 'sometimes'));
  expect(lean.isFinal(enc)).toBe(readable.isFinal(state));
  const successors = actions.map((a) => readable.next(state, a));
  codes.forEach((code, i) => {
    const next = lean.next(enc, code);
    // Exact encodings: equal readable states must give equal lean states, or counts would differ.
    expect(Array.from(next)).toEqual(Array.from(lean.encode(successors[i]!)));
  });
  expect(Array.from(enc)).toEqual(Array.from(lean.encode(state))); // next left its input untouched
  return successors;
}

/** Walk the readable model breadth-first (JSON keys), comparing every state; returns how many were reached, and whether the walk completed. */
function walk(readable: Model<MachineState, Action>, lean: LeanCheckModel, cap: number) {
  const seen = new Set<string>();
  const leanSeen = new Set<string>();
  let frontier = [...readable.initialStates()];
  for (const s of frontier) seen.add(JSON.stringify(s));
  let compared = 0;
  while (frontier.length > 0 && compared < cap) {
    const next: MachineState[] = [];
    for (const s of frontier) {
      if (compared >= cap) break;
      compared++;
      leanSeen.add(fingerprintHex(lean.fingerprint(lean.encode(s))));
      for (const n of compareAt(readable, lean, s)) {
        const key = JSON.stringify(n);
        if (!seen.has(key)) {
          seen.add(key);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return { distinct: seen.size, leanDistinct: leanSeen.size, complete: frontier.length === 0 };
}

/** Distinct states of a model by BFS over fingerprints. */
function leanDistinct(lean: LeanCheckModel): number {
  const seen = new Set<string>();
  let frontier = [...lean.initialStates()];
  for (const s of frontier) seen.add(fingerprintHex(lean.fingerprint(s)));
  while (frontier.length > 0) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      for (const code of lean.actions(s)) {
        const n = lean.next(s, code);
        const key = fingerprintHex(lean.fingerprint(n));
        if (!seen.has(key)) {
          seen.add(key);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return seen.size;
}

/** Lean BFS to the first state violating an `always` property: that state and the action indices leading to it. */
function firstLeanViolation(lean: LeanCheckModel): { state: Int32Array; path: number[] } | undefined {
  const seen = new Set<string>();
  const parent = new Map<Int32Array, { from: Int32Array; index: number }>();
  let frontier = [...lean.initialStates()];
  for (const s of frontier) seen.add(fingerprintHex(lean.fingerprint(s)));
  while (frontier.length > 0) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      if (violatedNames(lean, s, 'always').length > 0) {
        const path: number[] = [];
        for (let at = parent.get(s); at; at = parent.get(at.from)) path.unshift(at.index);
        return { state: s, path };
      }
      lean.actions(s).forEach((code, index) => {
        const n = lean.next(s, code);
        const key = fingerprintHex(lean.fingerprint(n));
        if (!seen.has(key)) {
          seen.add(key);
          parent.set(n, { from: s, index });
          next.push(n);
        }
      });
    }
    frontier = next;
  }
  return undefined;
}

describe.each(SCENARIOS)('the lean model of %s', (name) => {
  it.each(VARIANTS.filter((v) => v !== 'patent'))(
    'should find under %s the violations the readable model finds on the replayed path',
    (variant) => {
      const { readable, lean } = models(name, variant);
      const found = firstLeanViolation(lean);
      if (!found) return;
      const trace = readableTrace(readable, 0, found.path);
      const last = trace.steps.at(-1)?.state ?? trace.initial;
      expect(Array.from(lean.encode(last))).toEqual(Array.from(found.state));
      expect(violatedNames(readable, last, 'always')).toEqual(violatedNames(lean, found.state, 'always'));
    },
  );

  it('should agree with the readable model on every reachable state under patent, and reach the pinned count', () => {
    const { readable, lean } = models(name, 'patent');
    const run = walk(readable, lean, Number.POSITIVE_INFINITY);
    expect(run.complete).toBe(true);
    expect(run.leanDistinct).toBe(run.distinct);
    if (PATENT_STATE_COUNTS[name] !== undefined) expect(run.distinct).toBe(PATENT_STATE_COUNTS[name]);
    expect(leanDistinct(lean)).toBe(run.distinct);
  }, 120_000); // a whole walk of the readable model: seconds on a busy machine

  it.each(VARIANTS.filter((v) => v !== 'patent'))(
    'should agree with the readable model under %s on the first states reached',
    (variant) => {
      const { readable, lean } = models(name, variant);
      walk(readable, lean, CAP);
    },
  );

  it('should agree along random action paths in every variant', () => {
    const variants = VARIANTS.map((v) => ({ v, ...models(name, v) }));
    fc.assert(
      fc.property(
        fc.constantFrom(...variants),
        fc.array(fc.nat(), { minLength: 1, maxLength: 60 }),
        ({ readable, lean }, choices) => {
          let state = readable.initialStates()[0]!;
          let enc = lean.initialStates()[0]!;
          const path: number[] = [];
          for (const choice of choices) {
            const actions = readable.actions(state);
            const codes = lean.actions(enc);
            expect(codes.map((c) => lean.action(c))).toEqual(actions);
            if (actions.length === 0) break;
            const i = choice % actions.length;
            path.push(i);
            state = readable.next(state, actions[i]!);
            enc = lean.next(enc, codes[i]!);
            expect(Array.from(enc)).toEqual(Array.from(lean.encode(state)));
            expect(violatedNames(lean, enc, 'always')).toEqual(violatedNames(readable, state, 'always'));
          }
          expect(readableTrace(readable, 0, path).steps.at(-1)?.state ?? readable.initialStates()[0]).toEqual(
            state,
          );
        },
      ),
      { numRuns: 200, seed: 7 },
    );
  });
});
