/**
 * The main job (`npm start`): every scenario under `patent`, exhaustively, with the progress check
 * (every state can still reach the end), and every other variant on every scenario until each of its
 * violated invariants has a shortest counterexample, as one table with a verdict. Runs on the lean
 * (fast) model.
 */
import { performance } from 'node:perf_hooks';
import { checkBfs, checkProgress } from '../generators/index.ts';

import { createLeanModel } from '../properties/leanCheckModel.ts';
import { type RunSummaryRow, runSummaryRow } from '../reports/index.ts';
import { VARIANTS } from '../scenario/variants.ts';
import { loadScenarioArg, shippedScenarioNames } from './scenarios.ts';

/** Rows of the table, one line per verdict, and whether all is as the spec demands. */
export interface SummaryResult {
  readonly rows: RunSummaryRow[];
  readonly verdicts: string[];
  readonly ok: boolean;
}

/** Options of `runSummary`. */
export interface SummaryOptions {
  /** Scenario names or files (default: every shipped scenario). */
  readonly scenarios?: readonly string[];
  /** Called after each row with the rows done and the row's label, for a progress bar. */
  readonly onRow?: (done: number, label: string) => void;
  readonly now?: () => number;
}

/** Run the summary. Deterministic: the same code gives the same rows (times aside). */
export function runSummary(options: SummaryOptions = {}): SummaryResult {
  const rows: RunSummaryRow[] = [];
  const verdicts: string[] = [];
  let ok = true;
  const now = options.now ?? (() => performance.now());
  const scenarios = (options.scenarios ?? shippedScenarioNames()).map(
    (name) => loadScenarioArg(name).scenario,
  );
  for (const variant of VARIANTS) {
    const caughtOn: string[] = [];
    for (const scenario of scenarios) {
      const model = createLeanModel(scenario, variant);
      const result = checkBfs(model, {
        now,
        stopAtFirst: false,
        witnessTraces: false,
      });
      rows.push(runSummaryRow(scenario.name, variant, result));
      options.onRow?.(rows.length, `${scenario.name}/${variant}`);
      if (variant === 'patent') {
        const unreached = result.sometimes.filter((s) => !s.reached).map((s) => s.property);
        if (result.status !== 'ok' || unreached.length > 0) {
          ok = false;
          verdicts.push(
            `FAIL patent on ${scenario.name}: ${result.status}${unreached.length ? `, never reached ${unreached.join(', ')}` : ''}`,
          );
        }
        const progress = checkProgress(model);
        if (progress.status !== 'ok') {
          ok = false;
          verdicts.push(
            `FAIL patent on ${scenario.name}: ${progress.stuckStates} states can never reach the end (7.11)`,
          );
        }
      } else if (result.status === 'violation') caughtOn.push(scenario.name);
    }
    if (variant !== 'patent') {
      if (caughtOn.length === 0) {
        ok = false;
        verdicts.push(`FAIL ${variant}: no scenario shows its violation`);
      } else verdicts.push(`caught ${variant} on ${caughtOn.join(', ')}`);
    }
  }
  if (ok) {
    verdicts.unshift(
      'OK: patent holds every invariant on every scenario and can always reach its end; every other variant is caught.',
    );
  }
  return { rows, verdicts, ok };
}
