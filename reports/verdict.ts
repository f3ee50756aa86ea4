/**
 * One rule for what a run's outcome is called, shared by the text and JSON reports and the exit
 * codes of the command line.
 */
import type { CheckResult } from '../model/core/index.ts';

/**
 * What a run shows:
 * - `ok`: no violation over the whole bounded space, and every `sometimes` property that applies
 *   to the scenario was reached;
 * - `violation`: an invariant broke (or a deadlock);
 * - `incomplete`: a bound stopped the run first, nothing was violated so far;
 * - `vacuous`: no violation, but a `sometimes` property that applies was never reached, so the
 *   checked space may not contain the behaviour that matters;
 * - `error`: the model or the tool failed.
 */
export type Verdict = 'ok' | 'violation' | 'incomplete' | 'vacuous' | 'error';

/** The verdict of a result (see `Verdict`). */
export function verdictOf(result: CheckResult<unknown, unknown>): Verdict {
  if (result.status !== 'ok') return result.status;
  return result.sometimes.some((s) => !s.reached) ? 'vacuous' : 'ok';
}

/** Precedence when many runs are summed up: the first in this list that occurs wins. */
const PRECEDENCE: readonly Verdict[] = ['error', 'violation', 'incomplete', 'vacuous', 'ok'];

/** The verdict of many runs: the most serious one (`ok` for none). */
export function worstVerdict(verdicts: readonly Verdict[]): Verdict {
  return PRECEDENCE.find((v) => verdicts.includes(v)) ?? 'ok';
}
