/**
 * The test set Stryker runs per mutant (`npm run mutate`, stryker.conf.json): the tests of impl/
 * and the model-based tests (properties/modelVsImpl*.test.ts), seeded like the suite, without the
 * model-only tables (they never execute impl/). One project, so per-test coverage ids are plain.
 */
import { availableParallelism } from 'node:os';
import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['impl/**/*.test.ts', 'properties/modelVsImpl*.test.ts'],
    exclude: ['**/node_modules/**', '.stryker-tmp/**'],
    setupFiles: ['tests/setup/seed.ts'],
    pool: 'forks',
    maxWorkers: Math.max(1, Math.min(availableParallelism(), 4)),
    // A mutant can make a test loop; Stryker's own timeoutMS ends it first.
    testTimeout: 300_000,
    hookTimeout: 600_000,
  },
});
