/**
 * Symmetry reduction on the VMM model (model/vmm/lean/symmetry.ts): where it applies, the same
 * verdicts as without it, counts that Burnside's lemma predicts, real counterexamples, and the
 * rules that matter.
 */
import { readdirSync } from 'node:fs';
import { afterAll, describe, expect, it } from 'vitest';
import { checkBfs, checkDfs } from '../generators/index.ts';
import { checkParallel, WorkerPool } from '../generators/parallel/checkParallel.ts';
import { applyPermutation, type CheckResult, fingerprintHex } from '../model/core/index.ts';
import { fingerprintWords } from '../model/vmm/lean/fingerprint.ts';
import {
  leanSymmetry,
  type SymmetryFaults,
  scenarioSymmetry,
  statePermutation,
} from '../model/vmm/lean/symmetry.ts';
import { replayChoices, SCOPES } from '../scenario/generate/enumerate.ts';
import { loadScenarioFile, parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { VARIANTS, type Variant } from '../scenario/variants.ts';
import { createLeanModel } from './leanCheckModel.ts';
import { vmmModelSpec } from './parallelModel.ts';
import { reductionVerdict } from './testing/reductionVerdict.ts';

const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);

const load = (dir: string) => {
  const url = new URL(dir, import.meta.url);
  return readdirSync(url)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => loadScenarioFile(new URL(f, url).pathname));
};
const shipped = load('../scenarios/');
const bench = load('../bench/scenarios/');

const small = (choices: readonly number[], name: string) => replayChoices(SCOPES.small, choices, name);

/** A generated scenario with a copy of its program: on its channel (`same`), or on a new one (`new`). */
function withCopiedProgram(s: Scenario, how: 'same' | 'new'): Scenario {
  const io = s.io[0]!;
  const copy = how === 'same' ? { ...io } : { ...io, channel: s.channels };
  return parseScenario(
    { ...s, name: `${s.name}-${how}`, channels: s.channels + (how === 'new' ? 1 : 0), io: [...s.io, copy] },
    'derived',
  );
}

/**
 * Generated scenarios of the `small` scope with one program and a reconfiguration or event (7 of
 * 19,348, by their choices), each with its program copied on its channel and on a new channel;
 * and the distinct states of each under `patent`, without and with symmetry.
 */
const COPIED: readonly [choices: number[], how: 'same' | 'new', full: number, reduced: number][] = [
  [[0, 0, 0, 0, 1, 1, 0, 0], 'same', 16, 10],
  [[0, 0, 0, 0, 1, 1, 0, 0], 'new', 20, 13],
  [[1, 0, 0, 0, 0, 1, 2, 0, 9, 1, 1, 0], 'same', 72, 42],
  [[1, 0, 0, 0, 0, 1, 2, 0, 9, 1, 1, 0], 'new', 96, 60],
  [[1, 0, 0, 1, 1, 1, 0, 5, 1, 0, 0], 'same', 96, 56],
  [[1, 0, 0, 1, 1, 1, 0, 5, 1, 0, 0], 'new', 128, 80],
  [[1, 0, 1, 0, 2, 1, 0, 2, 1, 1, 0], 'same', 64, 36],
  [[1, 0, 1, 0, 2, 1, 0, 2, 1, 1, 0], 'new', 72, 42],
  [[1, 1, 1, 0, 0, 2, 0, 9, 1, 0, 0], 'same', 160, 90],
  [[1, 1, 1, 0, 0, 2, 0, 9, 1, 0, 0], 'new', 180, 105],
  [[2, 0, 0, 0, 1, 0, 0, 2, 3, 0, 5, 1, 1, 0], 'same', 240, 140],
  [[2, 0, 0, 0, 1, 0, 0, 2, 3, 0, 5, 1, 1, 0], 'new', 320, 200],
  [[2, 0, 1, 0, 0, 0, 0, 1, 1, 8, 1, 0, 0], 'same', 160, 90],
  [[2, 0, 1, 0, 0, 0, 0, 1, 1, 8, 1, 0, 0], 'new', 180, 105],
];
const copied = COPIED.map(([choices, how, full, reduced], i) => ({
  scenario: withCopiedProgram(small(choices, `small-copied-${i >> 1}`), how),
  full,
  reduced,
}));

/** Generated scenarios with one CPU access and a reconfiguration or event, the access made twice. */
const TWICE: readonly [choices: number[], full: number, reduced: number][] = [
  [[0, 0, 1, 2, 0, 4, 0, 3], 20, 15],
  [[0, 1, 0, 1, 0, 3, 0, 1], 44, 33],
  [[0, 2, 0, 1, 0, 0, 4, 0, 5], 56, 42],
  [[0, 2, 0, 2, 0, 2, 0, 0, 3], 36, 27],
];
const twice = TWICE.map(([choices, full, reduced], i) => {
  const s = small(choices, `small-twice-${i}`);
  return {
    scenario: parseScenario({ ...s, cpuAccess: [s.cpuAccess[0], s.cpuAccess[0]] }, 'derived'),
    full,
    reduced,
  };
});
const symmetric = [...copied, ...twice];

/** What must be the same with and without the reduction. */
const verdict = reductionVerdict;

const OPTIONS = { stopAtFirst: false, progress: true, witnessTraces: true } as const;

/** Check with and without symmetry, as `check` does (progress on), every discovery kept. */
function bothWays(scenario: Scenario, variant: Variant, faults?: SymmetryFaults) {
  const full = checkBfs(createLeanModel(scenario, variant), OPTIONS);
  const reduced = checkBfs(
    createLeanModel(scenario, variant, { symmetry: true, ...(faults ? { symmetryFaults: faults } : {}) }),
    OPTIONS,
  );
  return { full, reduced };
}

/** Every counterexample and witness trace of `r` replays on the unreduced model, state by state. */
function expectReplays(scenario: Scenario, variant: Variant, r: CheckResult<Int32Array, number>) {
  const model = createLeanModel(scenario, variant);
  const traces = [
    ...r.discoveries.map((d) => d.trace),
    ...r.sometimes.flatMap((s) => (s.trace ? [s.trace] : [])),
  ];
  for (const trace of traces) {
    let state = model.initialStates()[0]!;
    expect(trace.initial).toEqual(state);
    for (const step of trace.steps) {
      expect(model.actions(state)).toContain(step.action);
      state = model.next(state, step.action);
      expect(step.state).toEqual(state);
    }
  }
}

/** Every reachable state of the unreduced model of `scenario` (small scenarios only). */
function reachable(scenario: Scenario): { states: Int32Array[]; model: ReturnType<typeof createLeanModel> } {
  const model = createLeanModel(scenario, 'patent');
  const seen = new Set<string>();
  const states: Int32Array[] = [];
  let frontier = [...model.initialStates()];
  while (frontier.length > 0) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      const key = fingerprintHex(model.fingerprint(s));
      if (seen.has(key)) continue;
      seen.add(key);
      states.push(s);
      for (const code of model.actions(s)) next.push(model.next(s, code));
    }
    frontier = next;
  }
  return { states, model };
}

describe('the symmetry group of a scenario', () => {
  it.each([...shipped, ...bench].map((s) => [s.name, s] as const))(
    'should be trivial on %s (nothing interchangeable: nothing to reduce)',
    (_, scenario) => {
      for (const variant of VARIANTS)
        expect(createLeanModel(scenario, variant, { symmetry: true }).symmetry).toBeUndefined();
    },
  );

  it('should name what it permutes', () => {
    expect(scenarioSymmetry(createLeanModel(copied[0]!.scenario).ctx).info).toEqual({
      groupSize: 2,
      classes: ['io 0,1'],
    });
    expect(scenarioSymmetry(createLeanModel(copied[1]!.scenario).ctx).info).toEqual({
      groupSize: 2,
      classes: ['io 0,1', 'channel 0,1'],
    });
    expect(scenarioSymmetry(createLeanModel(twice[0]!.scenario).ctx).info).toEqual({
      groupSize: 2,
      classes: ['access 0,1'],
    });
    // Two copies of a program and two of an access: 2 x 2.
    const both = parseScenario(
      {
        ...copied[0]!.scenario,
        cpuAccess: [twice[0]!.scenario.cpuAccess[0]!, twice[0]!.scenario.cpuAccess[0]!],
      },
      'x',
    );
    expect(scenarioSymmetry(createLeanModel(both).ctx).info.groupSize).toBe(4);
  });

  it('should leave programs that differ, or that run on channels carrying other programs, apart', () => {
    const base = copied[0]!.scenario;
    const io = base.io[0]!;
    const otherPage = {
      ...io,
      program: [{ ...io.program[0]!, op: io.program[0]!.op === 'read' ? 'write' : 'read' }],
    } as typeof io;
    expect(scenarioSymmetry(createLeanModel({ ...base, io: [io, otherPage] }).ctx).elements).toEqual([]);
    // Copy on a new channel, plus a second program on the old channel only: the channels differ.
    const s = copied[1]!.scenario;
    expect(scenarioSymmetry(createLeanModel({ ...s, io: [...s.io, otherPage] }).ctx).elements).toEqual([]);
  });
});

describe('the fingerprint up to symmetry', () => {
  it.each(symmetric.slice(10, 16).map((c) => [c.scenario.name, c.scenario] as const))(
    'should be the full fingerprint of the canonical form, after every step and for every image, on %s',
    (_, scenario) => {
      const { states } = reachable(scenario);
      const model = createLeanModel(scenario, 'patent', { symmetry: true });
      const sym = leanSymmetry(model.kit.L)!;
      const swap = statePermutation(model.kit.L, scenarioSymmetry(model.ctx).elements[0]!);
      let images = 0;
      for (const s of states) {
        const expected = fingerprintWords(Int32Array.from(sym.canonical(s)));
        // Taken in full, and incrementally right after the step that made it.
        expect(model.fingerprint(s)).toEqual(expected);
        const swapped = applyPermutation(swap, s, new Int32Array(s.length));
        expect(model.fingerprint(swapped)).toEqual(expected);
        if (swapped.some((w, i) => w !== s[i])) images++;
        for (const code of model.actions(s)) {
          const n = model.next(s, code);
          expect(model.fingerprint(n)).toEqual(fingerprintWords(Int32Array.from(sym.canonical(n))));
        }
      }
      expect(images).toBeGreaterThan(0);
    },
  );
});

describe('symmetry reduction on the VMM model', { timeout: 120_000 }, () => {
  it.each(symmetric.map((c) => [c.scenario.name, c] as const))(
    'should give the pinned counts on %s, as Burnside predicts: (states + states fixed by the swap) / 2',
    (_, { scenario, full, reduced }) => {
      const { states, model } = reachable(scenario);
      const group = scenarioSymmetry(model.ctx);
      expect(group.elements).toHaveLength(1);
      const swap = statePermutation(model.kit.L, group.elements[0]!);
      const image = new Int32Array(model.kit.L.length);
      const fixed = states.filter((s) => applyPermutation(swap, s, image).every((w, i) => w === s[i])).length;
      expect(states.length).toBe(full);
      expect((full + fixed) / 2).toBe(reduced);
      const r = bothWays(scenario, 'patent');
      expect([r.full.stats.distinctStates, r.reduced.stats.distinctStates]).toEqual([full, reduced]);
      expect(r.reduced.stats.symmetry?.groupSize).toBe(2);
      expect(r.full.stats.symmetry).toBeUndefined();
    },
  );

  it.each(symmetric.flatMap((c) => VARIANTS.map((v) => [c.scenario.name, v, c.scenario] as const)))(
    'should give the same verdicts with and without it on %s under %s, every trace replaying unreduced',
    (_, variant, scenario) => {
      const { full, reduced } = bothWays(scenario, variant);
      expect(verdict(reduced)).toEqual(verdict(full));
      expect(reduced.stats.distinctStates).toBeLessThan(full.stats.distinctStates);
      // BFS counterexamples stay shortest: the quotient keeps each orbit's depth.
      const lengths = (r: typeof full) =>
        r.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length]);
      expect(lengths(reduced)).toEqual(lengths(full));
      expectReplays(scenario, variant, reduced);
      // DFS too, under two variants (one that passes, one caught), to keep the suite cheap.
      if (variant === 'patent' || variant === 'fault-move-targeted-page') {
        const dfs = checkDfs(createLeanModel(scenario, variant, { symmetry: true }), { stopAtFirst: false });
        expect(verdict(dfs).violated).toEqual(verdict(full).violated);
        expectReplays(scenario, variant, dfs);
      }
    },
  );

  it.each(copied.slice(10, 12).map((c) => [c.scenario.name, c.scenario] as const))(
    'should give checkBfs results on one and two threads on %s',
    async (_, scenario) => {
      for (const variant of ['patent', 'fault-move-targeted-page'] as const) {
        const options = { stopAtFirst: true, progress: true } as const;
        const bfs = checkBfs(createLeanModel(scenario, variant, { symmetry: true }), options);
        for (const threads of [{ workers: 1 }, { pool, parallelFromStates: 0 }]) {
          const spec = vmmModelSpec(scenario, variant, undefined, { symmetry: true });
          const parallel = await checkParallel(spec, { ...options, ...threads });
          expect(verdict(parallel)).toEqual(verdict(bfs));
          expect(parallel.stats.distinctStates).toBe(bfs.stats.distinctStates);
          expect(parallel.stats.symmetry).toEqual(bfs.stats.symmetry);
          expect(parallel.discoveries.map((d) => d.trace.steps.map((s) => s.action))).toEqual(
            bfs.discoveries.map((d) => d.trace.steps.map((s) => s.action)),
          );
          expectReplays(scenario, variant, parallel);
        }
      }
    },
  );
});

describe('each rule of the symmetry reduction matters', { timeout: 120_000 }, () => {
  it('should lose a violation with programs that differ taken as interchangeable (a wrong group)', () => {
    // small scope, choices [0,1,0,1,0,0,2,1,0,0], with a program reading page 0 put first: the
    // wrong group merges states where either program runs, and under fault-forget-direct-io
    // noFrameLeaked is no longer reached (the equal-verdict check catches it).
    const base = small([0, 1, 0, 1, 0, 0, 2, 1, 0, 0], 'small-wrong-group');
    const io = base.io[0]!;
    const scenario = parseScenario(
      {
        ...base,
        io: [{ vm: io.vm, channel: io.channel, program: [{ op: 'read', page: 0, length: 1 }] }, io],
      },
      'derived',
    );
    expect(createLeanModel(scenario, 'patent', { symmetry: true }).symmetry).toBeUndefined();
    const { full, reduced } = bothWays(scenario, 'fault-forget-direct-io', { ignoreTransfers: true });
    expect(reduced.stats.symmetry?.groupSize).toBe(2);
    expect(verdict(full).violated).toContain('noFrameLeaked');
    expect(verdict(reduced).violated).not.toContain('noFrameLeaked');
  });

  it.each<[string, SymmetryFaults]>([
    ['channels not renamed', { forgetRename: 'channels' }],
    ['channels not moved', { forgetMove: 'channels' }],
    ['io.status not moved', { forgetMove: 'io.status' }],
    ['io.mode not moved', { forgetMove: 'io.mode' }],
  ])('should miss the pinned counts with %s (images that are no states of the model)', (_, faults) => {
    const { scenario, reduced } = copied[11]!;
    const wrong = checkBfs(
      createLeanModel(scenario, 'patent', { symmetry: true, symmetryFaults: faults }),
      OPTIONS,
    ).stats.distinctStates;
    expect(wrong).not.toBe(reduced);
  });
});
