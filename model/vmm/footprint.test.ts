import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/schema.ts';
import { VARIANTS } from '../../scenario/variants.ts';
import { buildContext } from './context.ts';
import { ACTION_TABLE } from './footprint.ts';
import { initialState } from './initial.ts';
import { encode } from './lean/codec.ts';
import { leanActions } from './lean/enabled.ts';
import { fieldAt, type LayoutField } from './lean/layout.ts';
import { createKit } from './lean/queries.ts';
import { leanApply } from './lean/step.ts';
import { ACTION_KINDS } from './machine.ts';
import { allSpecScenarios } from './testing/specScenarios.ts';
import { readWatcher } from './testing/watchReads.ts';

const DIR = new URL('../../scenarios/', import.meta.url).pathname;
const FILES = readdirSync(DIR)
  .filter((f) => f.endsWith('.json'))
  .sort();

/**
 * Apply every enabled action in every reachable state (BFS), with the state before the step and the
 * state being built wrapped so that each word the effect reads is recorded (a word of the new state
 * counts only before the effect wrote it). Returns per kind the fields read, and the fields written
 * that the table does not declare.
 */
function observe(file: string | Scenario, variant: (typeof VARIANTS)[number]) {
  const scenario = typeof file === 'string' ? loadScenarioFile(`${DIR}${file}`) : file;
  const ctx = buildContext(scenario, variant);
  const kit = createKit(ctx);
  const L = kit.L;
  const undeclaredReads: string[] = [];
  const undeclaredWrites: string[] = [];
  const undeclaredGuardReads: string[] = [];
  // Per word of the state: its field; per kind, per word: 1 when its guard may read it.
  const fieldOf = Array.from({ length: L.length }, (_, i) => fieldAt(L, i).field);
  const declaredWords = (fields: (kind: (typeof ACTION_KINDS)[number]) => readonly LayoutField[]) =>
    ACTION_KINDS.map((kind) => Uint8Array.from(fieldOf, (f) => (fields(kind).includes(f) ? 1 : 0)));
  const guardDeclared = declaredWords((kind) => ACTION_TABLE[kind].guardReads);
  const readDeclared = declaredWords((kind) => ACTION_TABLE[kind].reads);
  const writeDeclared = declaredWords((kind) => ACTION_TABLE[kind].writes);
  const applied = new Set<string>();
  const seen = new Set<string>();
  // One watched state per guard and one per effect's state before, pointed at each state in turn.
  const guardWatchers = ACTION_KINDS.map((kind, g) =>
    readWatcher(L, guardDeclared[g]!, (word) =>
      undeclaredGuardReads.push(`${kind} guard reads ${fieldOf[word]}`),
    ),
  );
  const beforeWatchers = ACTION_KINDS.map((kind, g) =>
    readWatcher(L, readDeclared[g]!, (word) => undeclaredReads.push(`${kind} reads ${fieldOf[word]}`)),
  );
  // The state being built: a word read counts until the effect has written it (`writtenAt[i] === step`).
  let n: Int32Array = new Int32Array(L.length);
  let kind: (typeof ACTION_KINDS)[number] = ACTION_KINDS[0]!;
  let reads = readDeclared[0]! as unknown as Record<string | symbol, unknown>;
  const writtenAt = new Int32Array(L.length);
  let step = 0;
  const building = new Proxy(new Int32Array(L.length), {
    get(_, key) {
      if (reads[key] === 0 && writtenAt[Number(key)] !== step)
        undeclaredReads.push(`${kind} reads ${fieldOf[Number(key)]}`);
      return (n as unknown as Record<string | symbol, unknown>)[key];
    },
    set(_, key, value) {
      if (typeof key === 'string') {
        const i = Number(key);
        if (i >= 0) writtenAt[i] = step;
      }
      return Reflect.set(n, key, value);
    },
  });
  let frontier = [encode(L, initialState(ctx))];
  seen.add(frontier[0]!.join(','));
  while (frontier.length > 0) {
    const next: Int32Array[] = [];
    for (const s of frontier) {
      // Every guard, enabled or not, on the state watched so that each word it reads is recorded.
      for (let g = 0; g < ACTION_KINDS.length; g++)
        ACTION_TABLE[ACTION_KINDS[g]!].enabled(kit, guardWatchers[g]!.watch(s), [], kit.T.first[g]!);
      for (const code of leanActions(kit, s)) {
        kind = kit.T.kindName[code] as (typeof ACTION_KINDS)[number];
        const g = kit.T.kind[code]!;
        reads = readDeclared[g]! as unknown as Record<string | symbol, unknown>;
        const writes = writeDeclared[g]!;
        applied.add(kind);
        n = Int32Array.from(s);
        step++;
        const before = beforeWatchers[g]!.watch(s);
        leanApply(kit, before, building, code);
        for (let i = 0; i < n.length; i++)
          if (n[i] !== s[i] && writes[i] === 0) undeclaredWrites.push(`${kind} writes ${fieldOf[i]}`);
        const key = n.join(',');
        if (!seen.has(key)) {
          seen.add(key);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return {
    states: seen.size,
    applied,
    undeclaredReads: [...new Set(undeclaredReads)],
    undeclaredWrites: [...new Set(undeclaredWrites)],
    undeclaredGuardReads: [...new Set(undeclaredGuardReads)],
  };
}

describe("the action table's reads and writes (the guards' and the effects')", () => {
  const applied = new Set<string>();
  it.each(FILES.flatMap((f) => VARIANTS.map((v) => [f, v] as const)))(
    'should cover every read and write of every action on every reachable state of %s under %s',
    (file, variant) => {
      const r = observe(file, variant);
      expect(r.states).toBeGreaterThan(100);
      expect(r.undeclaredReads).toEqual([]);
      expect(r.undeclaredWrites).toEqual([]);
      expect(r.undeclaredGuardReads).toEqual([]);
      for (const k of r.applied) applied.add(k);
    },
  );

  it.each(allSpecScenarios().flatMap((s) => VARIANTS.map((v) => [s.name, v, s] as const)))(
    'should cover every read and write of every action on every reachable state of the SPEC rule scenario %s under %s',
    (_name, variant, scenario) => {
      const r = observe(scenario, variant);
      expect(r.states).toBeGreaterThan(3);
      expect(r.undeclaredReads).toEqual([]);
      expect(r.undeclaredWrites).toEqual([]);
      for (const k of r.applied) applied.add(k);
    },
  );

  it('should have applied every action kind but channel.error and cpu.dispatch (off in the shipped and SPEC rule scenarios)', () => {
    expect(ACTION_KINDS.filter((k) => !applied.has(k))).toEqual(
      ACTION_KINDS.filter((k) => k === 'channel.error' || k === 'cpu.dispatch').filter(
        (k) => !applied.has(k),
      ),
    );
  });

  it('should describe every action kind, in ACTION_KINDS order, and declare every write it could make', () => {
    expect(Object.keys(ACTION_TABLE)).toEqual([...ACTION_KINDS]);
    for (const spec of Object.values(ACTION_TABLE)) expect(spec.writes.length).toBeGreaterThan(0);
  });

  it('should catch an undeclared write (the check can fail)', () => {
    const spec = ACTION_TABLE['channel.transfer'];
    const saved = spec.writes;
    (spec as { writes: readonly LayoutField[] }).writes = saved.filter((f) => f !== 'io.done');
    try {
      expect(observe(FILES[0]!, 'patent').undeclaredWrites).toContain('channel.transfer writes io.done');
    } finally {
      (spec as { writes: readonly LayoutField[] }).writes = saved;
    }
  });

  it('should catch an undeclared guard read (the check can fail)', () => {
    const spec = ACTION_TABLE['channel.transfer'];
    const saved = spec.guardReads;
    (spec as { guardReads: readonly LayoutField[] }).guardReads = saved.filter((f) => f !== 'io.done');
    try {
      expect(observe(FILES[0]!, 'patent').undeclaredGuardReads).toContain(
        'channel.transfer guard reads io.done',
      );
    } finally {
      (spec as { guardReads: readonly LayoutField[] }).guardReads = saved;
    }
  });
});
