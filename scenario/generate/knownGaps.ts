/**
 * Scenarios the sweep found the model getting wrong under `patent`,
 * in shapes the model does not handle yet. They are skipped by default (counted, and named in the
 * sweep's output) so a sweep of the patent tells new failures from known ones; `--include-known-gaps`
 * checks them too. Each gap is a model bug, written down in README "Sweep" with a trace; remove its
 * predicate here when the model handles it.
 */
import type { Scenario } from '../schema.ts';

/** A known model gap: a name and whether a scenario has its shape. */
export interface KnownGap {
  readonly name: string;
  readonly description: string;
  readonly matches: (s: Scenario) => boolean;
}

const vmOf = (s: Scenario, name: string) => s.vms.find((vm) => vm.name === name)!;
const intercepted = (s: Scenario, name: string) => !vmOf(s, name).direct;

/** The gaps, each with the shape that shows it. */
export const KNOWN_GAPS: readonly KnownGap[] = [
  {
    name: 'shrink-half-started-io',
    description:
      'an intercepted start-I/O requested before 7010 takes its page offline can never be translated nor refused (deadlock; SPEC 7.6 wants an addressing exception)',
    matches: (s) =>
      s.events.some((e) =>
        s.io.some(
          (io) =>
            intercepted(s, io.vm) &&
            io.program.some((t) => t.page + t.length > (e.table[io.vm]?.after.size ?? Infinity)),
        ),
      ),
  },
];

/** The first known gap `s` has the shape of, or undefined. */
export function knownGapOf(s: Scenario): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => g.matches(s));
}
