import { afterAll, describe, expect, it } from 'vitest';
import { VmcheckError } from '../../model/core/index.ts';
import { checkBfs } from '../bfs.ts';
import { packedSpec, packedTinyModel } from '../testing/packedModels.ts';
import { checkParallel, WorkerPool } from './checkParallel.ts';
import { SharedFingerprintTable } from './sharedTable.ts';

// Starting threads (and loading the model in each) is the slow part: one pool serves the file.
const pool = new WorkerPool(2);
afterAll(() => pool.close(), 60_000);
/** Options that put every level on both threads. */
const threads = { pool, parallelFromStates: 0 } as const;

/** What must agree between explorers: verdict, counts, and every discovery's property and length. */
function outline(result: Awaited<ReturnType<typeof checkParallel>> | ReturnType<typeof checkBfs>) {
  return {
    status: result.status,
    incompleteReason: result.incompleteReason,
    distinct: result.stats.distinctStates,
    maxDepth: result.stats.maxDepth,
    discoveries: result.discoveries.map((d) => [d.kind, d.violation.invariant, d.trace.steps.length]),
    sometimes: result.sometimes.map((s) => [s.property, s.reached, s.trace?.steps.length]),
    error: result.error?.code,
  };
}

function tracesOf(result: Awaited<ReturnType<typeof checkParallel>> | ReturnType<typeof checkBfs>) {
  return result.discoveries.map((d) => d.trace.steps.map((s) => s.action));
}

describe('SharedFingerprintTable', () => {
  it('should number new fingerprints in order of addition and refuse duplicates', () => {
    const table = SharedFingerprintTable.create(16);
    expect(table.add(1, 2)).toBe(1);
    expect(table.add(1, 3)).toBe(2);
    expect(table.add(1, 2)).toBe(0);
    expect(table.add(0, 0)).toBe(3);
    expect(table.add(0, 0)).toBe(0);
    expect(table.add(-1, -1)).toBe(4);
    expect([table.has(1, 2), table.has(0, 0), table.has(-1, -1), table.has(2, 1)]).toEqual([
      true,
      true,
      true,
      false,
    ]);
    expect(table.size).toBe(4);
  });

  it('should tell apart fingerprints that share either half or most of one', () => {
    const table = SharedFingerprintTable.create(1024);
    const keys: [number, number][] = [
      [7, 0x100],
      [7, 0x200],
      [7, 0x10100],
      [8, 0x100],
      [0x10007, 0x100],
      [7 | 0x80000000, 0x100],
    ];
    expect(keys.map(([hi, lo]) => table.add(hi, lo))).toEqual(keys.map((_, i) => i + 1));
    for (const [hi, lo] of keys) expect([table.has(hi, lo), table.add(hi, lo)]).toEqual([true, 0]);
    expect(table.has(7, 0x300)).toBe(false);
    // Crowded with keys alike in all but a few bits, so probe chains run through look-alikes.
    const crowded = SharedFingerprintTable.create(1024);
    for (let i = 1; i <= 700; i++) expect(crowded.add(7, i << 8)).toBe(i);
    for (let i = 1; i <= 700; i++) expect(crowded.has(7, i << 8)).toBe(true);
    expect(crowded.has(7, 701 << 8)).toBe(false);
  });

  it('should keep every fingerprint when copied into a larger table', () => {
    const table = SharedFingerprintTable.create(1024);
    for (let i = 0; i < 700; i++) table.add(i * 7919, i);
    expect(table.isCrowded(0.5)).toBe(true);
    const grown = table.grownCopy(4096);
    expect([grown.size, grown.capacity, grown.isCrowded(0.5)]).toEqual([700, 4096, false]);
    for (let i = 0; i < 700; i++) expect(grown.add(i * 7919, i)).toBe(0);
    expect(grown.add(1, 700)).toBe(701);
  });

  it('should keep each position in an indexed table, through look-alikes and a larger copy', () => {
    const table = SharedFingerprintTable.create(1024, true);
    expect([table.addIndexed(1, 2), table.addIndexed(0, 0), table.addIndexed(1, 2)]).toEqual([1, 2, -1]);
    // Keys alike in all but a few bits: probe chains run through look-alikes.
    for (let i = 1; i <= 600; i++) expect(table.addIndexed(7, i << 8)).toBe(i + 2);
    for (let i = 1; i <= 600; i++) {
      expect([
        table.addIndexed(7, i << 8),
        table.positionOf(7, i << 8),
        table.storedPosition(7, i << 8),
      ]).toEqual([-(i + 2), i + 2, i + 2]);
    }
    expect([table.positionOf(7, 601 << 8), table.storedPosition(0, 0), table.has(7, 601 << 8)]).toEqual([
      0,
      2,
      false,
    ]);
    const seen = new Map<number, number>();
    table.forEachIndexed((_hi, lo, position) => seen.set(position, lo));
    expect([seen.size, seen.get(3), seen.get(602)]).toEqual([602, 1 << 8, 600 << 8]);
    const grown = table.grownCopy(4096);
    expect([grown.size, grown.capacity, grown.bytes]).toEqual([602, 4096, 4096 * 12]);
    for (let i = 1; i <= 600; i++) expect(grown.addIndexed(7, i << 8)).toBe(-(i + 2));
    expect([grown.addIndexed(1, 2), grown.addIndexed(9, 9)]).toEqual([-1, 603]);
  });

  it('should say table-full when no slot is left', () => {
    const table = SharedFingerprintTable.create(1024);
    for (let i = 0; i < 1024; i++) table.add(i, i + 1);
    expect(() => table.add(5000, 1)).toThrow(VmcheckError);
  });
});

// Each case explores up to 90,000 states on two threads: ~1 s here, budgeted for a machine 30x slower.
describe('checkParallel', { timeout: 60_000 }, () => {
  const tiny: [string, string, number[], number][] = [
    // name, model, args, hand-computed distinct states
    ['a torus that grows the table mid-level', 'torus', [300, 300], 90_000],
    ['two-phase commit with 5 managers (TLC: 8,832 states)', 'twoPhaseCommit', [5], 8832],
    ['a ring with a bug at node 37 (BFS depth 19)', 'ringWithBug', [100, 37], 38],
    ['a grid with a deadlock at (3, 4)', 'trapGrid', [10, 10, 3, 4, 99], 100],
    ['a grid whose invariant breaks at x - y = 5', 'trapGrid', [10, 10, 9, 9, 5], 100],
    // Broken first at (2, 0), depth 2, which checkBfs meets just before the witness (1, 1).
    ['a grid broken in the level of its witness, just before it', 'trapGrid', [6, 6, 5, 5, 2], 36],
  ];

  it.each(tiny)('should agree with checkBfs on %s', async (_, name, args, states) => {
    const model = packedTinyModel(name, ...args);
    for (const [stopAtFirst, witnessTraces] of [
      [true, true],
      [false, true],
      [true, false],
    ]) {
      const options = { stopAtFirst, witnessTraces };
      const parallel = await checkParallel(packedSpec(name, ...args), { ...threads, ...options });
      const plain = checkBfs(model, options);
      expect(parallel.memory.workers).toBe(2);
      // checkBfs's own result: counts (also where it stops at a discovery), order and traces.
      expect(outline(parallel)).toEqual(outline(plain));
      expect(parallel.stats.statesGenerated).toBe(plain.stats.statesGenerated);
      expect(parallel.stats.actionCoverage).toEqual(plain.stats.actionCoverage);
      expect(tracesOf(parallel)).toEqual(tracesOf(plain));
      if (plain.status === 'ok') expect(parallel.stats.distinctStates).toBe(states);
    }
  });

  it('should report the two-phase witnesses and the ring bug at their hand-computed depths', async () => {
    const ring = await checkParallel(packedSpec('ringWithBug', 100, 37), threads);
    expect(outline(ring).discoveries).toEqual([['always', 'neverReachesBug', 19]]);
    const grid = await checkParallel(packedSpec('trapGrid', 10, 10, 3, 4, 99), threads);
    expect(outline(grid).discoveries).toEqual([['deadlock', 'progress', 7]]);
    expect(outline(grid).sometimes).toEqual([['diagonal', true, 2]]);
  });

  it('should give the same counts and traces on every run and for any number of threads', async () => {
    const spec = packedSpec('trapGrid', 40, 40, 39, 39, 7);
    const runs = [
      await checkParallel(spec, { ...threads, stopAtFirst: false }),
      await checkParallel(spec, { ...threads, stopAtFirst: false }),
      await checkParallel(spec, { workers: 1, stopAtFirst: false }),
    ];
    expect(runs.map(outline)).toEqual([outline(runs[0]!), outline(runs[0]!), outline(runs[0]!)]);
    expect(runs.map(tracesOf)).toEqual([tracesOf(runs[0]!), tracesOf(runs[0]!), tracesOf(runs[0]!)]);
  });

  it('should stop exactly at maxStates and at maxDepth, saying incomplete', async () => {
    const states = await checkParallel(packedSpec('torus', 100, 100), { ...threads, maxStates: 5000 });
    expect([states.status, states.incompleteReason, states.stats.distinctStates]).toEqual([
      'incomplete',
      'max-states',
      5000,
    ]);
    const depth = await checkParallel(packedSpec('torus', 100, 100), { ...threads, maxDepth: 10 });
    const plain = checkBfs(packedTinyModel('torus', 100, 100), { maxDepth: 10 });
    expect(outline(depth)).toEqual(outline(plain));
    expect(depth.incompleteReason).toBe('max-depth');
  });

  it('should stop on its clock and memory bounds, keeping what it found', async () => {
    let tick = 0;
    const timed = await checkParallel(packedSpec('torus', 300, 300), {
      ...threads,
      timeoutMs: 1000,
      now: () => (tick++ < 3 ? 0 : 10_000),
    });
    expect([timed.status, timed.incompleteReason]).toEqual(['incomplete', 'timeout']);
    expect(timed.stats.distinctStates).toBeLessThan(90_000);
    const full = await checkParallel(packedSpec('ringWithBug', 100, 37), {
      ...threads,
      maxMemoryBytes: 1000,
      rss: () => 2000,
    });
    expect([full.status, full.incompleteReason]).toEqual(['incomplete', 'max-memory']);
  });

  it('should stop before a growth of the table that would pass maxMemoryBytes', async () => {
    // The first table is 2^16 slots (512 KiB, here all the process holds); it would double past 70%
    // full (45,875 states), holding 1.5 MiB, over a bound of 1 MiB: the run stops there.
    for (const options of [threads, { workers: 1 }]) {
      const result = await checkParallel(packedSpec('torus', 300, 300), {
        ...options,
        maxMemoryBytes: 2 ** 20,
        rss: () => 2 ** 19,
      });
      expect([result.status, result.incompleteReason]).toEqual(['incomplete', 'max-memory']);
      expect(result.memory.visitedBytes).toBe(2 ** 19);
      expect(result.stats.distinctStates).toBeGreaterThan(45_875);
      expect(result.stats.distinctStates).toBeLessThan(50_000);
    }
    // With room for the growth, the run is whole.
    const roomy = await checkParallel(packedSpec('torus', 300, 300), {
      ...threads,
      maxMemoryBytes: 2 ** 21,
      rss: () => 2 ** 19,
    });
    expect([roomy.status, roomy.stats.distinctStates]).toEqual(['ok', 90_000]);
  });

  it('should report a model that throws in a thread as an error, not crash', async () => {
    const result = await checkParallel(packedSpec('throwingCounter', 2000, 1000), threads);
    expect(result.status).toBe('error');
    expect(result.error?.message).toContain('cannot leave 1000');
  });
});
