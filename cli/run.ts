/**
 * Running checks for the command line: build the model, pick the explorer, and write reports.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { checkBfs, checkDfs, type Progress, withProgressCheck } from '../generators/index.ts';
import { checkParallel } from '../generators/parallel/checkParallel.ts';
import { type Json, type Model, VmcheckError } from '../model/core/model.ts';
import type { CheckResult } from '../model/core/result.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { createCheckModel, type VmmViewModel } from '../properties/checkModel.ts';
import { vmmModelOfJson, vmmModelSpec } from '../properties/parallelModel.ts';
import { parseItfText, renderTraceHtml, renderTraceText, replayItf, traceToItf } from '../reports/index.ts';
import { storageMapOf } from '../reports/vmm/storageMap.ts';
import { ScenarioError } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { isVariant, type Variant } from '../scenario/variants.ts';
import { type LoadedScenario, loadScenarioArg } from './scenarios.ts';

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
  /** Check only these invariants (all when absent); `sometimes` properties are always kept. */
  readonly invariants?: readonly string[];
  /**
   * Worker threads for BFS (`checkParallel`); 1 explores in this thread. Small
   * levels are expanded here whatever the count, so small scenarios never start a thread.
   */
  readonly workers?: number;
  readonly onProgress?: (p: Progress) => void;
  /** Clock in milliseconds; `performance.now` by default. */
  readonly now?: () => number;
  /** Also check that the end stays reachable from every state (AG EF final, 7.11); default true. */
  readonly progress?: boolean;
  /**
   * Partial-order reduction (generators/partialOrder.ts) for BFS, on one thread or several; off
   * by default here (`vmcheck check` turns it on unless `--no-por`), never under `maxDepth`.
   */
  readonly partialOrder?: boolean;
  /**
   * Symmetry reduction (model/vmm/lean/symmetry.ts) for BFS and DFS, where the scenario has
   * interchangeable parts; off by default here (`vmcheck check` turns it on unless `--no-symmetry`).
   */
  readonly symmetry?: boolean;
}

/**
 * Check `scenario` under a variant with the chosen explorer, in this thread. The explorer runs the
 * packed model; its counterexamples and witnesses are shown through the JSON view of the same model
 * (`toViewResult`), where incident messages are made from the step that raised them.
 */
export function runCheck(scenario: Scenario, options: CheckRunOptions) {
  const { model, focused, exploreOptions, explore, withProgress } = prepareCheck(scenario, options);
  return {
    model,
    result: toViewResult(focused, model, withProgress(focused, explore(focused, exploreOptions))),
  };
}

/**
 * `runCheck`, on `options.workers` threads for BFS (`checkParallel`, whose results equal
 * `checkBfs`'s); otherwise as `runCheck`.
 */
export async function runCheckOnWorkers(scenario: Scenario, options: CheckRunOptions) {
  const workers = options.workers ?? 1;
  if (options.strategy !== 'bfs') {
    return runCheck(scenario, options);
  }
  const { model, focused, kept, exploreOptions } = prepareCheck(scenario, options);
  const result = await checkParallel(vmmModelSpec(scenario, options.variant, kept, symmetryOf(options)), {
    ...exploreOptions,
    workers,
  });
  return { model, result: toViewResult(focused, model, result) };
}

/** The models and explorer options of a check. */
function prepareCheck(scenario: Scenario, options: CheckRunOptions) {
  const model = focus(createCheckModel(scenario, options.variant), options.invariants);
  const explore = options.strategy === 'dfs' ? checkDfs : checkBfs;
  const exploreOptions = {
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    stopAtFirst: !options.allViolations,
    witnessTraces: Boolean(options.witnesses),
    now: options.now ?? (() => performance.now()),
    ...(options.onProgress ? { onProgress: options.onProgress, progressEvery: 2048 } : {}),
    // BFS checks progress as it explores (it records the graph); DFS gets `withProgress` after.
    ...(options.strategy === 'bfs' ? { progress: options.progress !== false } : {}),
    ...(options.strategy === 'bfs' && options.partialOrder ? { partialOrder: true } : {}),
  };
  const kept = model.properties.map((p) => p.name);
  // The view's own packed model, unless symmetry asks for one built with the permutation: building
  // a model twice cost a third of a check on the tiny scenarios of a sweep.
  const focused = options.symmetry
    ? vmmModelOfJson(scenario as unknown as Json, options.variant, kept, symmetryOf(options))
    : { ...model.lean, properties: model.lean.properties.filter((p) => kept.includes(p.name)) };
  /** The result with the progress check (AG EF final) added, unless turned off. */
  const withProgress = <S, A>(m: Model<S, A>, r: CheckResult<S, A>) =>
    options.progress === false || options.strategy === 'bfs'
      ? r
      : withProgressCheck(m, r, { alongsideViolations: Boolean(options.allViolations) });
  return { model, focused, kept, exploreOptions, explore, withProgress };
}

/** The model options a check's `symmetry` asks for. */
function symmetryOf(options: CheckRunOptions) {
  return { symmetry: options.symmetry === true };
}

/**
 * A result of the packed model seen through the JSON view: each trace replayed action by action on
 * `view` (same action codes), and each violation asked again of the view's property, which explains
 * an incident from the step that raised it.
 */
export function toViewResult(
  packed: Model<Int32Array, number>,
  view: VmmViewModel,
  result: CheckResult<Int32Array, number>,
): CheckResult<MachineState, Action> {
  const discoveries = result.discoveries.map((d) => {
    const trace = view.viewTrace(d.trace);
    const last = trace.steps.at(-1)?.state ?? trace.initial;
    const property = view.properties.find((p) => p.name === d.violation.invariant);
    const violation = (d.kind === 'always' && property?.check(last)) || d.violation;
    return { ...d, trace, violation };
  });
  const sometimes = result.sometimes.map((s) =>
    s.trace ? { ...s, trace: view.viewTrace(s.trace) } : { property: s.property, reached: s.reached },
  );
  return { ...result, model: packed.name, discoveries, sometimes };
}

/**
 * The model with only the named invariants (and every `sometimes` property). Throws
 * `VmcheckError('bad-invariant')` for a name the model does not have.
 */
export function focus(model: VmmViewModel, names: readonly string[] | undefined): VmmViewModel {
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
  model: VmmViewModel,
  result: CheckResult<MachineState, Action>,
  options: { readonly source?: string; readonly witnesses?: boolean } = {},
): string[] {
  mkdirSync(dir, { recursive: true });
  const written: string[] = [];
  const source = options.source !== undefined ? { source: options.source } : {};
  for (const d of result.discoveries) {
    const base = join(dir, `${scenario.name}.${variant}.${d.violation.invariant}`);
    const seed = (d as { seed?: unknown }).seed;
    const itf = traceToItf(model, d.trace, {
      scenario: scenario.name,
      variant,
      ...source,
      ...(typeof seed === 'number' ? { seed } : {}),
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
        storageView: (state) => storageMapOf(model.ctx, state),
      }),
    );
    written.push(`${base}.itf.json`, `${base}.txt`, `${base}.html`);
  }
  if (options.witnesses) {
    for (const w of result.sometimes) {
      if (!w.trace) continue;
      const base = join(dir, `${scenario.name}.${variant}.${w.property}.witness`);
      const itf = traceToItf(model, w.trace, {
        scenario: scenario.name,
        variant,
        ...source,
        description: `witness of ${w.property}`,
      });
      writeFileSync(`${base}.itf.json`, `${JSON.stringify(itf, null, 2)}\n`);
      writeFileSync(`${base}.txt`, `${renderTraceText(model, w.trace)}\n`);
      written.push(`${base}.itf.json`, `${base}.txt`);
    }
  }
  return written;
}

/**
 * Replay an ITF trace (the text of a file written by `check --out`) on the scenario it was recorded
 * on: `scenario` (a shipped name or a file) when given, else the file `#meta.source` names if it
 * exists, else the shipped scenario `#meta.scenario` names. Throws `VmcheckError('bad-trace')` (with
 * the step and why) for a trace the model does not produce, `ScenarioError` for a scenario that cannot
 * be loaded; `source` names the trace in messages.
 */
export function replayTraceText(text: string, source: string, scenario?: string) {
  const itf = parseItfText(text, source);
  const meta = itf['#meta'];
  const recordedFile =
    typeof meta.source === 'string' && meta.source.endsWith('.json') && existsSync(meta.source)
      ? meta.source
      : undefined;
  const scenarioName =
    scenario ?? recordedFile ?? (typeof meta.scenario === 'string' ? meta.scenario : undefined);
  if (!scenarioName)
    throw new VmcheckError(
      'bad-trace',
      `${source}: #meta names no scenario file or shipped scenario; pass --scenario FILE`,
      { path: '#meta.scenario' },
    );
  let loaded: LoadedScenario;
  try {
    loaded = loadScenarioArg(scenarioName);
  } catch (error) {
    if (error instanceof ScenarioError && scenario === undefined)
      throw new ScenarioError(error.source, [
        ...error.issues,
        { path: '', message: 'the trace was recorded on another scenario file: pass --scenario FILE' },
      ]);
    throw error;
  }
  const recorded = typeof meta.variant === 'string' ? meta.variant : loaded.scenario.variant;
  if (!isVariant(recorded))
    throw new VmcheckError('bad-trace', `${source}: #meta.variant: unknown variant "${recorded}"`, {
      path: '#meta.variant',
    });
  const model = createCheckModel(loaded.scenario, recorded);
  const replay = replayItf(model, itf, { scenario: loaded.scenario.name, variant: recorded });
  if (!replay.ok) {
    throw new VmcheckError('bad-trace', `${source}: ${replay.reason}`, {
      path: `states[${replay.step}]`,
      kind: replay.kind,
    });
  }
  return { scenario: loaded.scenario, variant: recorded, model, replay };
}
