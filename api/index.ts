/**
 * The `vmcheck` library entry point (`import … from 'vmcheck'`): load a scenario, check it
 * exhaustively or by seeded random walks, replay a saved trace, and render results and traces as
 * text, JSON, ITF and HTML. The storage manager itself is the other entry point, `vmcheck/impl`.
 *
 * A thin facade over what the command line runs (cli/run.ts, scenario/, reports/), so a run here
 * and `vmcheck check` give the same counts, traces and verdicts. Everything else in the package is
 * internal and may change between versions.
 */

import { EXIT, runCli } from '../cli/main.ts';
import { type CheckRunOptions, replayTraceText, runCheckOnWorkers, writeReports } from '../cli/run.ts';
import { loadScenarioArg, SCENARIO_DIR, shippedScenarioNames } from '../cli/scenarios.ts';
import { simulate as simulateModel } from '../generators/simulate.ts';
import type { Violation } from '../model/core/index.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import {
  type ItfTrace,
  type ResultTextOptions,
  renderResultText,
  renderTraceHtml,
  renderTraceText,
  resultToJson,
  traceToItf,
  type Verdict,
  verdictOf,
} from '../reports/index.ts';
import { storageMapOf } from '../reports/vmm/storageMap.ts';
import { parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';

export { CapturedStream, type CliIo, type CliStream } from '../cli/io.ts';
export { VmcheckError } from '../model/core/model.ts';
export type { ItfTrace, Verdict } from '../reports/index.ts';
export { parseScenarioText, ScenarioError, type ScenarioIssue } from '../scenario/load.ts';
export type { Scenario } from '../scenario/schema.ts';
export { isVariant, VARIANT_DESCRIPTIONS, VARIANTS, type Variant } from '../scenario/variants.ts';
export { EXIT, runCli, shippedScenarioNames };

/**
 * A scenario: a shipped one by name (`fig6-relocation`, see `shippedScenarioNames`), a scenario
 * file by path (anything with a `/` or ending in `.json`), or a scenario object (validated here).
 * Throws `ScenarioError` naming the field for a bad scenario.
 */
export function loadScenario(scenario: string | object): Scenario {
  return loaded(scenario).scenario;
}

/** The scenario and, for a user's own file, its path (recorded in traces so `replay` finds it). */
function loaded(scenario: string | object): { scenario: Scenario; source?: string } {
  if (typeof scenario !== 'string') return { scenario: parseScenario(scenario) };
  const { scenario: loaded, path } = loadScenarioArg(scenario);
  return path.startsWith(SCENARIO_DIR) ? { scenario: loaded } : { scenario: loaded, source: path };
}

/** Options of `check`: the command line's `check` flags. */
export interface CheckOptions {
  /** Variant to check (default: the scenario's own). */
  readonly variant?: Variant;
  /** `bfs` (default: shortest counterexamples) or `dfs`. */
  readonly strategy?: 'bfs' | 'dfs';
  readonly maxDepth?: number;
  readonly maxStates?: number;
  /** Memory budget in bytes (all the process holds). */
  readonly maxMemoryBytes?: number;
  readonly timeoutMs?: number;
  /** Go on after the first violation: one counterexample per invariant (`--all`). */
  readonly all?: boolean;
  /** Keep the trace to each reached `sometimes` property (`--witnesses`). */
  readonly witnesses?: boolean;
  /** Check only these invariants (`sometimes` properties are always kept). */
  readonly invariants?: readonly string[];
  /** Worker threads for BFS; default 1 (this thread). */
  readonly workers?: number;
  /** Also check that the end stays reachable from every state (7.11); default true. */
  readonly progress?: boolean;
  /** Partial-order reduction for BFS without `maxDepth` (README, reductions); default true (`--no-por`: false). */
  readonly partialOrder?: boolean;
  /** Symmetry reduction where the scenario has interchangeable parts (README, reductions); default true (`--no-symmetry`: false). */
  readonly symmetry?: boolean;
}

/** Options of `simulate`: the command line's `simulate` flags. */
export interface SimulateOptions {
  readonly variant?: Variant;
  /** Number of walks; default 100. */
  readonly runs?: number;
  /** Most steps per walk; default 60. */
  readonly depth?: number;
  /** Seed of the first walk; default 0. */
  readonly seed?: number;
  readonly timeoutMs?: number;
}

/** The model a run was made on (what the renderers need). */
export type CheckModel = ReturnType<typeof createCheckModel>;
/** The raw result of a run: status, statistics, discoveries with their traces, `sometimes` outcomes. */
export type CheckResult = Awaited<ReturnType<typeof runCheckOnWorkers>>['result'];
/** One counterexample of a run; from `simulate`, with the seed and position of the walk that found it. */
export type Discovery = CheckResult['discoveries'][number] & {
  /** `simulate` only: `simulate(scenario, { runs: 1, seed })` walks it again. */
  readonly seed?: number;
  /** `simulate` only: the walk's position in the run (0-based). */
  readonly run?: number;
};

/** The outcome of `check` or `simulate`, ready to render. */
export interface Run {
  readonly scenario: Scenario;
  readonly variant: Variant;
  /** The scenario file, when the scenario was given as a path to a user's own file. */
  readonly source?: string;
  readonly model: CheckModel;
  readonly result: CheckResult;
  /** `ok`, `violation`, `incomplete`, `vacuous` or `error` (README, "Exit codes and statuses"). */
  readonly verdict: Verdict;
  /** The exit code `vmcheck` gives this verdict. */
  readonly exitCode: number;
  /** The counterexamples (at most one per property; BFS ones are shortest). */
  readonly discoveries: readonly Discovery[];
}

function toRun(
  from: { scenario: Scenario; source?: string },
  variant: Variant,
  model: CheckModel,
  result: CheckResult,
): Run {
  const verdict = verdictOf(result);
  return {
    ...from,
    variant,
    model,
    result,
    verdict,
    exitCode: EXIT[verdict],
    discoveries: result.discoveries,
  };
}

/** Explore every interleaving of `scenario` within the bounds, as `vmcheck check` does. */
export async function check(scenario: string | object, options: CheckOptions = {}): Promise<Run> {
  const from = loaded(scenario);
  const variant = options.variant ?? from.scenario.variant;
  const run: CheckRunOptions = {
    variant,
    strategy: options.strategy ?? 'bfs',
    ...(options.maxDepth !== undefined ? { maxDepth: options.maxDepth } : {}),
    ...(options.maxStates !== undefined ? { maxStates: options.maxStates } : {}),
    ...(options.maxMemoryBytes !== undefined ? { maxMemoryBytes: options.maxMemoryBytes } : {}),
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
    ...(options.invariants !== undefined ? { invariants: options.invariants } : {}),
    allViolations: Boolean(options.all),
    witnesses: Boolean(options.witnesses),
    workers: options.workers ?? 1,
    progress: options.progress !== false,
    partialOrder: options.partialOrder !== false,
    symmetry: options.symmetry !== false,
  };
  const { model, result } = await runCheckOnWorkers(from.scenario, run);
  return toRun(from, variant, model, result);
}

/**
 * Seeded random walks over `scenario`, as `vmcheck simulate` does: every walk is made and, per
 * property, the shortest violating walk is kept, with its own seed (`{ runs: 1, seed }` replays it).
 */
export async function simulate(scenario: string | object, options: SimulateOptions = {}): Promise<Run> {
  const from = loaded(scenario);
  const variant = options.variant ?? from.scenario.variant;
  const model = createCheckModel(from.scenario, variant);
  const result = simulateModel(model, {
    runs: options.runs ?? 100,
    depth: options.depth ?? 60,
    seed: options.seed ?? 0,
    keep: 'shortest',
    ...(options.timeoutMs !== undefined ? { timeoutMs: options.timeoutMs } : {}),
  });
  return toRun(from, variant, model, result);
}

/** A confirmed replay: the rebuilt trace and the violation its last state shows, if any. */
export interface Replayed {
  readonly scenario: Scenario;
  readonly variant: Variant;
  readonly model: CheckModel;
  readonly trace: Discovery['trace'];
  readonly violation?: Violation;
}

/**
 * Re-run a saved ITF trace (the JSON text, or the parsed object) on the model, as `vmcheck replay`
 * does: on `options.scenario` if given, else the scenario file or shipped scenario its `#meta` names.
 * Throws `VmcheckError('bad-trace')` saying which step does not fit and why.
 */
export function replay(itf: string | object, options: { readonly scenario?: string } = {}): Replayed {
  const text = typeof itf === 'string' ? itf : JSON.stringify(itf);
  const { scenario, variant, model, replay } = replayTraceText(text, 'trace', options.scenario);
  if (!replay.ok) throw new Error('unreachable: replayTraceText throws for a failed replay');
  return {
    scenario,
    variant,
    model,
    trace: replay.trace,
    ...(replay.violation !== undefined ? { violation: replay.violation } : {}),
  };
}

/** A run as the command line prints it: verdict, statistics, coverage, each counterexample's trace. */
export function renderRunText(run: Run, options: ResultTextOptions = {}): string {
  return renderResultText(run.model, run.result, options);
}

/** A run as the one JSON object `vmcheck check --json` prints (traces as ITF). */
export function renderRunJson(run: Run) {
  return resultToJson(run.model, run.result, {
    scenario: run.scenario.name,
    variant: run.variant,
    ...(run.source !== undefined ? { source: run.source } : {}),
  });
}

/** What a trace is rendered from: a run (or replay) and one of its traces, with its violation if any. */
type TraceOf = Pick<Run, 'model'> & Partial<Pick<Run, 'scenario' | 'variant' | 'source'>>;

/** A trace as numbered steps, each with only what it changed, ending with the violation. */
export function renderTrace(
  run: TraceOf,
  trace: Discovery['trace'],
  violation?: Violation,
  options: { readonly color?: boolean; readonly width?: number } = {},
): string {
  return renderTraceText(run.model, trace, violation, options);
}

/** A trace as one self-contained HTML page with the storage map of every step. */
export function renderTraceHtmlPage(run: TraceOf, trace: Discovery['trace'], violation?: Violation): string {
  const title = `${run.scenario?.name ?? run.model.name}${run.variant ? ` / ${run.variant}` : ''}${
    violation ? `: ${violation.invariant}` : ''
  }`;
  return renderTraceHtml(run.model, trace, {
    title,
    ...(violation ? { violation } : {}),
    storageView: (state) => storageMapOf(run.model.ctx, state),
  });
}

/** A trace as ITF JSON (what `check --out` writes and `replay` reads). */
export function renderTraceItf(run: TraceOf, trace: Discovery['trace'], violation?: Violation): ItfTrace {
  return traceToItf(run.model, trace, {
    ...(run.scenario ? { scenario: run.scenario.name } : {}),
    ...(run.variant ? { variant: run.variant } : {}),
    ...(run.source !== undefined ? { source: run.source } : {}),
    ...(violation ? { violation, description: `${violation.invariant}: ${violation.message}` } : {}),
  });
}

/** Write each counterexample of `run` as ITF JSON, text and HTML into `dir`; returns the files. */
export function writeRunReports(
  run: Run,
  dir: string,
  options: { readonly witnesses?: boolean } = {},
): string[] {
  return writeReports(dir, run.scenario, run.variant, run.model, run.result, {
    ...options,
    ...(run.source !== undefined ? { source: run.source } : {}),
  });
}
