/**
 * The order vitest hands test files to its workers: the longest first, by the checked-in figures
 * of `durations.json` (milliseconds of test time per file), so the two workers finish together
 * instead of one running a long file alone at the end. Files not in the list (new ones) go first:
 * they may be long. Files under a second keep vitest's grouping by project after the long ones, so
 * a worker's module graph is reused across them (a worker serves one project at a time).
 *
 * Refresh the figures after a change that moves them a lot:
 * `npx vitest run --reporter=json --outputFile=/tmp/vitest.json && node tests/setup/durations.mjs /tmp/vitest.json`.
 */
import { readFileSync } from 'node:fs';
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const DURATIONS: Readonly<Record<string, number>> = JSON.parse(
  readFileSync(new URL('./durations.json', import.meta.url), 'utf8'),
);

/** Below this many milliseconds a file is short: grouped by project, after the long ones. */
const SHORT_MS = 1000;

/** Longest files first (unknown ones before them), then the short ones by project and length. */
export class LongestFirstSequencer extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const root = this.ctx.config.root;
    const ms = (f: TestSpecification) => DURATIONS[relative(root, f.moduleId)] ?? Number.POSITIVE_INFINITY;
    const short = (f: TestSpecification) => ms(f) < SHORT_MS;
    return [...files].sort((a, b) => {
      if (short(a) !== short(b)) return short(a) ? 1 : -1;
      if (short(a) && a.project.name !== b.project.name) return a.project.name < b.project.name ? -1 : 1;
      return ms(b) - ms(a) || (a.moduleId < b.moduleId ? -1 : 1);
    });
  }
}
