import { describe, expect, it } from 'vitest';
import { checkBfs, checkDfs, checkProgress } from '../generators/index.ts';

import { loadScenarioFile } from '../scenario/load.ts';
import type { Variant } from '../scenario/variants.ts';
import { createCheckModel } from './checkModel.ts';
import { createLeanModel } from './leanCheckModel.ts';

const load = (name: string) =>
  loadScenarioFile(new URL(`../scenarios/${name}.json`, import.meta.url).pathname);

/**
 * Every scenario under every variant, explored exhaustively by BFS until each invariant has its
 * shortest counterexample: status, distinct states and the length of each shortest
 * counterexample, one count per row: the packed model (which `vmcheck check` and `npm start` run)
 * and its JSON view (traces, reports, replay) are one definition and must agree exactly. A change
 * of the state space or of a counterexample shows here.
 */
const PINNED: [string, Variant, 'ok' | 'violation', number, Record<string, number>][] = [
  ['fig1-failover', 'patent', 'ok', 3964, {}],
  ['fig1-failover', 'prior-art', 'ok', 1684, {}],
  [
    'fig1-failover',
    'fault-move-targeted-page',
    'violation',
    8160,
    { noChannelTouchesMovedPage: 11, noStaleWrite: 12, contentIsPreserved: 12, noFrameLeaked: 13 },
  ],
  [
    'fig1-failover',
    'fault-forget-direct-io',
    'violation',
    5204,
    { noChannelTouchesMovedPage: 10, noStaleWrite: 11, contentIsPreserved: 11, noFrameLeaked: 11 },
  ],
  [
    'fig1-failover',
    'fault-direct-before-fixed',
    'violation',
    4516,
    {
      modeIsConsistent: 10,
      noStaleWrite: 12,
      noChannelTouchesMovedPage: 12,
      contentIsPreserved: 12,
      noFrameLeaked: 12,
    },
  ],
  ['fig1-failover', 'fault-overlap-copy', 'ok', 3964, {}],
  ['fig1-failover', 'fault-page-out-pinned', 'ok', 3964, {}],
  ['fig1-failover', 'fault-limit-off-by-one', 'ok', 3964, {}],
  ['fig1-failover', 'fault-offline-under-io', 'ok', 3964, {}],
  ['fig1-failover', 'fault-dedicated-cpu-shared', 'violation', 4012, { cpusAndSizesFollowTable: 17 }],
  ['fig1-failover', 'fault-interleaved-reconfiguration', 'ok', 3964, {}],
  ['fig6-relocation', 'patent', 'ok', 2400, {}],
  [
    'fig6-relocation',
    'prior-art',
    'violation',
    1738,
    { noChannelTouchesMovedPage: 6, noStaleWrite: 9, contentIsPreserved: 9, noFrameLeaked: 9 },
  ],
  [
    'fig6-relocation',
    'fault-move-targeted-page',
    'violation',
    6782,
    { noChannelTouchesMovedPage: 8, noStaleWrite: 10, contentIsPreserved: 10, noFrameLeaked: 11 },
  ],
  ['fig6-relocation', 'fault-forget-direct-io', 'ok', 2400, {}],
  ['fig6-relocation', 'fault-direct-before-fixed', 'ok', 2400, {}],
  [
    'fig6-relocation',
    'fault-overlap-copy',
    'violation',
    4126,
    { framesAreIsolated: 8, contentIsPreserved: 8 },
  ],
  ['fig6-relocation', 'fault-page-out-pinned', 'ok', 2400, {}],
  [
    'fig6-relocation',
    'fault-limit-off-by-one',
    'violation',
    3755,
    { contentIsPreserved: 1, accessesStayInBounds: 1, noFrameLeaked: 6 },
  ],
  ['fig6-relocation', 'fault-offline-under-io', 'ok', 2400, {}],
  ['fig6-relocation', 'fault-dedicated-cpu-shared', 'ok', 2400, {}],
  ['fig6-relocation', 'fault-interleaved-reconfiguration', 'ok', 2400, {}],
  ['fig8-resize', 'patent', 'ok', 3676, {}],
  ['fig8-resize', 'prior-art', 'ok', 1660, {}],
  [
    'fig8-resize',
    'fault-move-targeted-page',
    'violation',
    7420,
    { noChannelTouchesMovedPage: 11, noStaleWrite: 12, contentIsPreserved: 12, noFrameLeaked: 13 },
  ],
  [
    'fig8-resize',
    'fault-forget-direct-io',
    'violation',
    4954,
    { noChannelTouchesMovedPage: 10, noStaleWrite: 11, contentIsPreserved: 11, noFrameLeaked: 11 },
  ],
  [
    'fig8-resize',
    'fault-direct-before-fixed',
    'violation',
    4252,
    {
      modeIsConsistent: 10,
      noStaleWrite: 12,
      noChannelTouchesMovedPage: 12,
      contentIsPreserved: 12,
      noFrameLeaked: 12,
    },
  ],
  ['fig8-resize', 'fault-overlap-copy', 'ok', 3676, {}],
  ['fig8-resize', 'fault-page-out-pinned', 'ok', 3676, {}],
  ['fig8-resize', 'fault-limit-off-by-one', 'ok', 3676, {}],
  [
    'fig8-resize',
    'fault-offline-under-io',
    'violation',
    7624,
    {
      offlineStorageIsQuiet: 6,
      noStaleWrite: 7,
      noChannelTouchesMovedPage: 7,
      noFrameLeaked: 10,
      contentIsPreserved: 12,
    },
  ],
  ['fig8-resize', 'fault-dedicated-cpu-shared', 'violation', 3772, { cpusAndSizesFollowTable: 17 }],
  ['fig8-resize', 'fault-interleaved-reconfiguration', 'ok', 3676, {}],
  ['pageable-conversion', 'patent', 'ok', 1378, {}],
  ['pageable-conversion', 'prior-art', 'ok', 1378, {}],
  [
    'pageable-conversion',
    'fault-move-targeted-page',
    'violation',
    2192,
    { noChannelTouchesMovedPage: 10, noStaleWrite: 12, contentIsPreserved: 12, noFrameLeaked: 13 },
  ],
  [
    'pageable-conversion',
    'fault-forget-direct-io',
    'violation',
    1802,
    { noChannelTouchesMovedPage: 9, noStaleWrite: 10, contentIsPreserved: 10, noFrameLeaked: 11 },
  ],
  [
    'pageable-conversion',
    'fault-direct-before-fixed',
    'violation',
    1400,
    {
      modeIsConsistent: 12,
      noStaleWrite: 14,
      noChannelTouchesMovedPage: 14,
      contentIsPreserved: 14,
      noFrameLeaked: 14,
    },
  ],
  [
    'pageable-conversion',
    'fault-overlap-copy',
    'violation',
    1927,
    { framesAreIsolated: 8, contentIsPreserved: 8, noStaleWrite: 9 },
  ],
  [
    'pageable-conversion',
    'fault-page-out-pinned',
    'violation',
    2138,
    {
      pinnedPagesStayResident: 6,
      noStaleWrite: 8,
      noChannelTouchesMovedPage: 8,
      contentIsPreserved: 8,
      noFrameLeaked: 8,
    },
  ],
  ['pageable-conversion', 'fault-limit-off-by-one', 'ok', 1378, {}],
  ['pageable-conversion', 'fault-offline-under-io', 'ok', 1378, {}],
  ['pageable-conversion', 'fault-dedicated-cpu-shared', 'ok', 1378, {}],
  [
    'pageable-conversion',
    'fault-interleaved-reconfiguration',
    'violation',
    2658,
    { oneReconfigurationAtATime: 4, modeIsConsistent: 14, progress: 18 },
  ],
];

/** Each exploration runs once per file, shared by every test below (BFS, every violation). */
const cache = new Map<string, unknown>();
function once<T>(key: string, run: () => T): T {
  if (!cache.has(key)) cache.set(key, run());
  return cache.get(key) as T;
}
const scenarioOf = (name: string) => once(`scenario:${name}`, () => load(name));
const leanOf = (name: string, variant: Variant) =>
  once(`lean:${name}:${variant}`, () => createLeanModel(scenarioOf(name), variant));
const leanBfs = (name: string, variant: Variant) =>
  once(`lean-bfs:${name}:${variant}`, () => checkBfs(leanOf(name, variant), { stopAtFirst: false }));
const shortestOf = (result: {
  discoveries: readonly { violation: { invariant: string }; trace: { steps: readonly unknown[] } }[];
}) => Object.fromEntries(result.discoveries.map((d) => [d.violation.invariant, d.trace.steps.length]));

describe('checking every scenario under every variant', () => {
  it.each(PINNED)(
    'should give %s under %s: %s with %i distinct states and these shortest counterexamples',
    (name, variant, status, distinct, shortest) => {
      const lean = leanOf(name, variant);
      const result = leanBfs(name, variant);
      expect(result.status).toBe(status);
      expect(result.stats.distinctStates).toBe(distinct);
      expect(shortestOf(result)).toEqual(shortest);
      for (const d of result.discoveries) {
        const last = d.trace.steps.at(-1)?.state ?? d.trace.initial;
        // A deadlock (`progress`) is the explorer's: no action is enabled at its last state.
        if (d.violation.invariant === 'progress') expect(lean.actions(last)).toEqual([]);
        else
          expect(lean.properties.find((p) => p.name === d.violation.invariant)?.check(last)).toEqual(
            d.violation,
          );
      }
    },
  );

  it.each(PINNED)(
    'should find the same states and counterexamples through the JSON view on %s under %s, each incident explained',
    (name, variant, status, distinct, shortest) => {
      const model = createCheckModel(scenarioOf(name), variant);
      const result = checkBfs(model, { stopAtFirst: false });
      expect(result.status).toBe(status);
      expect(result.stats.distinctStates).toBe(distinct);
      expect(shortestOf(result)).toEqual(shortest);
      for (const d of result.discoveries) {
        const last = d.trace.steps.at(-1)?.state ?? d.trace.initial;
        if (d.violation.invariant === 'progress') expect(model.actions(last)).toEqual([]);
        else
          expect(model.properties.find((p) => p.name === d.violation.invariant)?.check(last)).toEqual(
            d.violation,
          );
        // Incidents are explained from the step that raised them, never left as a bare kind.
        expect(d.violation.message).not.toMatch(/^incident /);
        expect(d.violation.message).not.toMatch(/ is violated$/);
      }
    },
  );

  it.each(['fig1-failover', 'fig6-relocation', 'fig8-resize', 'pageable-conversion'])(
    'should find the same states by DFS as by BFS, reach every sometimes property and always be able to finish on %s under patent',
    (name) => {
      const model = leanOf(name, 'patent');
      const bfs = leanBfs(name, 'patent');
      const dfs = checkDfs(model, { stopAtFirst: false });
      expect(dfs.status).toBe('ok');
      expect(dfs.stats.distinctStates).toBe(bfs.stats.distinctStates);
      expect(bfs.sometimes.length).toBeGreaterThan(0);
      expect(bfs.sometimes.filter((s) => !s.reached)).toEqual([]);
      const progress = checkProgress(model);
      expect([progress.status, progress.distinctStates, progress.stuckStates]).toEqual([
        'ok',
        bfs.stats.distinctStates,
        0,
      ]);
    },
  );

  it('should catch every variant but the patent on some scenario', () => {
    const caught = new Set(PINNED.filter((row) => row[2] === 'violation').map((row) => row[1]));
    expect([...caught].sort()).toEqual(
      [...new Set(PINNED.map((row) => row[1]))].filter((v) => v !== 'patent').sort(),
    );
  });
});
