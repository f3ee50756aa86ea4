/**
 * What a reduction (partial order, symmetry) must leave unchanged in a run's result: its status,
 * the invariants it violates, whether it deadlocks or livelocks, and which `sometimes` properties it
 * reaches. Shared by the reductions' equal-verdict tests.
 */
import type { CheckResult } from '../../model/core/index.ts';

/** The verdict of `r`, comparable with `toEqual` across a reduced and an unreduced run. */
export function reductionVerdict(r: CheckResult<Int32Array, number>) {
  return {
    status: r.status,
    error: r.error?.code,
    violated: r.discoveries
      .filter((d) => d.kind === 'always')
      .map((d) => d.violation.invariant)
      .sort(),
    deadlock: r.discoveries.some((d) => d.kind === 'deadlock' && !('livelock' in d.violation.details)),
    livelock: r.discoveries.some((d) => d.kind === 'deadlock' && 'livelock' in d.violation.details),
    sometimes: r.sometimes.map((s) => [s.property, s.reached]),
  };
}
