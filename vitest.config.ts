/**
 * Test projects and their time budgets. Every budget is stated here on purpose, sized for a machine
 * ten times slower than a quiet 2-core developer box (CI runs on shared, loaded runners); no test
 * inherits vitest's 5 s default.
 *
 * - `unit`: everything not listed below (new test files land here by default). The slowest unit
 *   test takes about 2 s on a quiet machine.
 * - `exhaustive`: the pinned scenario x variant tables (packed and JSON view), model-vs-implementation,
 *   command-line smoke tests (real processes) and the random-interleaving suites. Single tests take
 *   up to about 25 s on a quiet machine; shared fixtures built in `beforeAll` take longer.
 *
 * `npm test` runs both; `npm run test:unit` / `npm run test:exhaustive` run one. fast-check is
 * seeded for every project by `tests/setup/seed.ts` (`VMCHECK_SEED` overrides the seed).
 */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';
import { LongestFirstSequencer } from './tests/setup/sequencer.ts';

/** Test files of the `exhaustive` project; everything else is `unit`. */
export const EXHAUSTIVE = [
  'properties/checkModel*.test.ts',
  'properties/modelVsImpl*.test.ts',
  'model/vmm/model.test.ts',
  'cli/cli.test.ts',
  'cli/*smoke*.test.ts',
  'impl/*nterleavings*.test.ts',
];

const SECOND = 1000;
const EXCLUDE = ['**/node_modules/**', '.stryker-tmp/**', 'out/**', 'dist/**'];

export default defineConfig({
  test: {
    // Separate processes, one per core: a loaded 2-core box gets no more workers than cores, and a
    // worker that crashes or leaks memory takes only its own file down.
    pool: 'forks',
    maxWorkers: Math.max(1, Math.min(availableParallelism(), 4)),
    // One module graph per worker, not per file: each file would otherwise load and transform the
    // model, the machine and the scenarios again (measured on impl/, reports/ and scenario/, 25
    // files: 31.5 s of CPU isolated, 18.1 s not). Tests restore what they patch (a spy, fake
    // timers, the action table) in `finally`, so no state crosses files.
    isolate: false,
    setupFiles: ['tests/setup/seed.ts'],
    // Longest files first (tests/setup/durations.json), so both workers end together.
    sequence: { sequencer: LongestFirstSequencer },
    teardownTimeout: 60 * SECOND,
    projects: [
      {
        extends: true,
        test: {
          name: 'unit',
          include: ['**/*.test.ts'],
          exclude: [...EXCLUDE, ...EXHAUSTIVE],
          testTimeout: 30 * SECOND,
          hookTimeout: 60 * SECOND,
        },
      },
      {
        extends: true,
        test: {
          name: 'exhaustive',
          include: EXHAUSTIVE,
          exclude: EXCLUDE,
          testTimeout: 300 * SECOND,
          hookTimeout: 600 * SECOND,
        },
      },
    ],
  },
});
