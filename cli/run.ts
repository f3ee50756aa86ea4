/**
 * Running checks for the command line: build the model, pick the explorer, and write reports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkBfs, checkDfs, type Progress } from '../generators/index.ts';
import { VmcheckError } from '../model/core/model.ts';
import type { CheckResult } from '../model/core/result.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { storageView } from '../model/vmm/view.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import { renderTraceHtml, renderTraceText, traceToItf } from '../reports/index.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';

/** Options of `vmcheck check`. */
export interface CheckRunOptions {
  readonly variant: Variant;
  readonly strategy: 'bfs' | 'dfs';
  readonly maxDepth?: number;
  readonly maxStates?: number;
  readonly maxMemoryBytes?: number;
  readonly timeoutMs?: number;
  /** Keep exploring after the first violation, for one counterexample per invariant. */
  readonly allViolations?: boolean;
  /** Check only these invariants (all when absent); `sometimes` properties are always kept. */
  readonly invariants?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
}

/** Check `scenario` under a variant with the chosen explorer. */
export function runCheck(scenario: Scenario, options: CheckRunOptions) {
  const model = focus(createCheckModel(scenario, options.variant), options.invariants);
  const explore = options.strategy === 'dfs' ? checkDfs : checkBfs;
  const result = explore(model, {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    stopAtFirst: !options.allViolations,
    now: () => performance.now(),
    ...(options.onProgress ? { onProgress: options.onProgress, progressEvery: 20_000 } : {}),
  });
  return { model, result };
}

/**
 * The model with only the named invariants (and every `sometimes` property). Throws
 * `VmcheckError('bad-invariant')` for a name the model does not have.
 */
export function focus(model: ReturnType<typeof createCheckModel>, names: readonly string[] | undefined) {
  if (!names || names.length === 0) return model;
  const known = model.properties.filter((p) => p.kind === 'always').map((p) => p.name);
  const unknown = names.filter((n) => !known.includes(n));
  if (unknown.length > 0) {
    throw new VmcheckError(
      'bad-invariant',
      `unknown invariant ${unknown.join(', ')}; known: ${known.join(', ')}`,
    );
  }
  return {
    ...model,
    properties: model.properties.filter((p) => p.kind === 'sometimes' || names.includes(p.name)),
  };
}

/** Write each discovery of `result` as ITF JSON, text and HTML into `dir`; returns the files written. */
export function writeReports(
  dir: string,
  scenario: Scenario,
  variant: Variant,
  model: ReturnType<typeof createCheckModel>,
  result: CheckResult<MachineState, Action>,
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  for (const d of result.discoveries) {
    const base = join(dir, `${scenario.name}.${variant}.${d.violation.invariant}`);
    const itf = traceToItf(model, d.trace, {
      scenario: scenario.name,
      variant,
      violation: d.violation,
      discovery: d.kind,
      description: `${d.violation.invariant}: ${d.violation.message}`,
    });
    writeFileSync(`${base}.itf.json`, `${JSON.stringify(itf, null, 2)}\n`);
    writeFileSync(`${base}.txt`, `${renderTraceText(model, d.trace, d.violation)}\n`);
    writeFileSync(
      `${base}.html`,
      renderTraceHtml(model, d.trace, {
        title: `${scenario.name} / ${variant}: ${d.violation.invariant}`,
        violation: d.violation,
        storageView: (state) => storageView(model.ctx, state),
      }),
    );
    written.push(`${base}.itf.json`, `${base}.txt`, `${base}.html`);
  }
  return written;
}
