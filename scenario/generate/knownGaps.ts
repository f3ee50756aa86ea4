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

/**
 * The gaps, each with the shape that shows it. None is known: the four the sweep found
 * (terminate-half-started-io, shrink-half-started-io, page-in-into-destination,
 * page-fixed-no-spare-frame) are fixed in the model, each pinned by a test in
 * `model/vmm/specRules.test.ts`.
 */
export const KNOWN_GAPS: readonly KnownGap[] = [];

/** The first known gap `s` has the shape of, or undefined. */
export function knownGapOf(s: Scenario): KnownGap | undefined {
  return KNOWN_GAPS.find((g) => g.matches(s));
}
