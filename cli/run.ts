/**
 * Running checks for the command line: build the model, pick the explorer, and write reports.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkBfs, checkDfs, type Progress, withProgressCheck } from '../generators/index.ts';
import { type Model, VmcheckError } from '../model/core/model.ts';
import type { CheckResult } from '../model/core/result.ts';
import type { Trace } from '../model/core/trace.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { storageView } from '../model/vmm/view.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import { createLeanModel, readableTrace } from '../properties/leanCheckModel.ts';
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
  /** Rebuild the trace to each `sometimes` witness (BFS; DFS keeps them anyway). */
  readonly witnesses?: boolean;
  /** `lean` (default): the compact fast path; `readable`: the immer model itself. */
  readonly engine?: 'lean' | 'readable';
  /** Check only these invariants (all when absent); `sometimes` properties are always kept. */
  readonly invariants?: readonly string[];
  readonly onProgress?: (p: Progress) => void;
  /** Also check that the end stays reachable from every state (AG EF final, 7.11); default true. */
  readonly progress?: boolean;
}

/**
 * Check `scenario` under a variant with the chosen explorer. The `lean` engine (default) explores the
 * compact model, kept equivalent to the readable one by tests; its counterexamples and witnesses are
 * replayed on the readable model, so every trace and message is the readable model's own.
 */
export function runCheck(scenario: Scenario, options: CheckRunOptions) {
  const model = focus(createCheckModel(scenario, options.variant), options.invariants);
  const explore = options.strategy === 'dfs' ? checkDfs : checkBfs;
  const exploreOptions = {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    stopAtFirst: !options.allViolations,
    witnessTraces: Boolean(options.witnesses),
    now: () => performance.now(),
    ...(options.onProgress ? { onProgress: options.onProgress, progressEvery: 20_000 } : {}),
  };
  const progress = <S, A>(m: Model<S, A>, r: CheckResult<S, A>) =>
    options.progress === false
      ? r
      : withProgressCheck(m, r, { alongsideViolations: Boolean(options.allViolations) });
  if (options.engine === 'readable')
    return { model, result: progress(model, explore(model, exploreOptions)) };
  const lean = createLeanModel(scenario, options.variant);
  const kept = new Set(model.properties.map((p) => p.name));
  const focused = { ...lean, properties: lean.properties.filter((p) => kept.has(p.name)) };
  return {
    model,
    result: toReadableResult(focused, model, progress(focused, explore(focused, exploreOptions))),
  };
}

/** Replay a lean trace's actions on the readable model. */
function readableTraceOf(
  lean: Model<Int32Array, number>,
  readable: Model<MachineState, Action>,
  trace: Trace<Int32Array, number>,
) {
  const indices: number[] = [];
  let state = trace.initial;
  for (const step of trace.steps) {
    indices.push(lean.actions(state).indexOf(step.action));
    state = step.state;
  }
  const initialIndex = lean.initialStates().findIndex((s) => s.every((w, i) => w === trace.initial[i]));
  return readableTrace(readable, Math.max(0, initialIndex), indices);
}

/** A lean result with every trace and violation message taken from the readable model. */
export function toReadableResult(
  lean: Model<Int32Array, number>,
  readable: Model<MachineState, Action>,
  result: CheckResult<Int32Array, number>,
): CheckResult<MachineState, Action> {
  const discoveries = result.discoveries.map((d) => {
    const trace = readableTraceOf(lean, readable, d.trace);
    const last = trace.steps.at(-1)?.state ?? trace.initial;
    const property = readable.properties.find((p) => p.name === d.violation.invariant);
    const violation = (d.kind === 'always' && property?.check(last)) || d.violation;
    return { ...d, trace, violation };
  });
  const sometimes = result.sometimes.map((s) =>
    s.trace
      ? { ...s, trace: readableTraceOf(lean, readable, s.trace) }
      : { property: s.property, reached: s.reached },
  );
  return { ...result, model: readable.name, discoveries, sometimes };
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
