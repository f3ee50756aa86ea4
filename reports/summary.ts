/**
 * A `CheckResult` as text for people, as one JSON object for `--json`, and a table of many runs.
 */
import type { CheckResult, CheckStats, Json, Model, Trace } from '../model/core/index.ts';
import { type ItfTrace, traceToItf } from './itf.ts';
import { renderTraceText, stateLines, textColors } from './text.ts';
import { type Verdict, verdictOf } from './verdict.ts';

/** Options for `renderResultText`. */
export interface ResultTextOptions {
  /** ANSI colors; off by default. */
  readonly color?: boolean;
  /** Print each discovery's trace (default true). */
  readonly traces?: boolean;
  /** Line width for traces; default 100. */
  readonly width?: number;
}

/** `12345` as `12,345`: fixed separators, independent of the locale. */
export function formatCount(n: number): string {
  const [whole, fraction] = String(Math.round(n * 10) / 10).split('.');
  return whole!.replace(/\B(?=(\d{3})+(?!\d))/g, ',') + (fraction ? `.${fraction}` : '');
}

/** A duration for people: `850 ms`, `12.3 s`, `4 min 05 s`. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${Math.round(ms)} ms`;
  if (ms < 59_950) return `${(ms / 1000).toFixed(1)} s`;
  const seconds = Math.round(ms / 1000);
  return `${Math.floor(seconds / 60)} min ${String(seconds % 60).padStart(2, '0')} s`;
}

function colorStatus(status: Verdict, c: ReturnType<typeof textColors>): string {
  switch (status) {
    case 'ok':
      return c.green(status);
    case 'violation':
      return c.red(status);
    case 'incomplete':
    case 'vacuous':
      return c.yellow(status);
    case 'error':
      return c.magenta(status);
  }
}

/** The seed of the walk that found a discovery, when a simulation found it. */
function seedOfDiscovery(discovery: object): number | undefined {
  const seed = (discovery as { seed?: unknown }).seed;
  return typeof seed === 'number' ? seed : undefined;
}

/**
 * A result as text: status, statistics, action coverage (with the kinds that never fired), each
 * discovery with its trace, and which `sometimes` properties were reached and which were NOT.
 */
export function renderResultText<S, A>(
  model: Model<S, A>,
  result: CheckResult<S, A>,
  options: ResultTextOptions = {},
): string {
  const c = textColors(options.color);
  const lines: string[] = [];
  const verdict = verdictOf(result);
  const seed = result.seed !== undefined ? `, first seed ${result.seed}` : '';
  lines.push(`${c.bold(result.model)}: ${colorStatus(verdict, c)} (${result.strategy}${seed})`);
  if (result.status === 'incomplete') {
    lines.push(c.yellow(`  stopped by ${result.incompleteReason ?? 'a bound'}: the space was not exhausted`));
  } else if (result.incompleteReason !== undefined) {
    lines.push(
      c.yellow(
        `  after the violation the search was cut by ${result.incompleteReason}: other properties may break in the part not explored`,
      ),
    );
  }
  if (verdict === 'vacuous') {
    lines.push(
      c.yellow(
        `  vacuous: no violation, but never reached ${result.sometimes
          .filter((s) => !s.reached)
          .map((s) => s.property)
          .join(', ')}`,
      ),
    );
  }
  if (result.error) lines.push(c.magenta(`  error ${result.error.code}: ${result.error.message}`));

  lines.push(c.bold('Statistics'));
  lines.push(...table(statRows(result.stats)).map((line) => `  ${line}`));

  lines.push(c.bold('Action coverage'));
  const kinds = Object.keys(result.stats.actionCoverage);
  const known = [...model.actionKinds, ...kinds.filter((k) => !model.actionKinds.includes(k))];
  const coverage = known.map((kind) => {
    const fired = result.stats.actionCoverage[kind] ?? 0;
    return [kind, formatCount(fired), fired === 0 ? c.yellow('never fired') : ''];
  });
  lines.push(...table(coverage, [false, true, false]).map((line) => `  ${line}`));
  const never = result.stats.neverFired;
  lines.push(
    never.length === 0
      ? '  every action kind fired'
      : c.yellow(`  never fired (${never.length}): ${never.join(', ')}`),
  );

  lines.push(c.bold(`Discoveries (${result.discoveries.length})`));
  if (result.discoveries.length === 0) lines.push('  none');
  // The initial state is printed once for the run, not once per counterexample: each distinct one
  // (scenarios usually have one) before the traces that start there.
  const initials: string[] = [];
  const initialOf = (trace: Trace<S, A>) => {
    const json = JSON.stringify(model.stateToJson(trace.initial));
    let index = initials.indexOf(json);
    if (index < 0) index = initials.push(json) - 1;
    return index;
  };
  const traced = options.traces === false ? [] : result.discoveries.map((d) => initialOf(d.trace));
  const name = (index: number) => (initials.length === 1 ? 'Initial state' : `Initial state ${index + 1}`);
  initials.forEach((json, index) => {
    const starting = traced.flatMap((t, i) => (t === index ? [i + 1] : []));
    const which = `trace${starting.length === 1 ? '' : 's'} ${starting.join(', ')}`;
    lines.push(`  ${c.bold(`${name(index)} (${which} start${starting.length === 1 ? 's' : ''} here)`)}`);
    for (const line of stateLines(JSON.parse(json) as Json, (options.width ?? 100) - 5))
      lines.push(`     ${line}`);
  });
  result.discoveries.forEach((discovery, i) => {
    const { violation, trace } = discovery;
    const walkSeed = seedOfDiscovery(discovery);
    const depth = `${trace.steps.length} ${trace.steps.length === 1 ? 'step' : 'steps'}${
      walkSeed !== undefined ? `, walk seed ${walkSeed}: --runs 1 --seed ${walkSeed} replays it` : ''
    }`;
    lines.push(
      c.red(`  ${i + 1}. ${discovery.kind} ${violation.invariant}: ${violation.message} (${depth})`),
    );
    if (options.traces !== false) {
      lines.push(
        renderTraceText(model, trace, violation, {
          color: options.color,
          width: options.width,
          indent: 5,
          initialAs: initials.length === 1 ? 'as above' : `${name(traced[i]!).toLowerCase()}, above`,
        }),
      );
    }
  });

  lines.push(c.bold('Sometimes properties'));
  if (result.sometimes.length === 0) lines.push('  none');
  for (const outcome of result.sometimes) {
    const depth = outcome.trace ? ` (depth ${outcome.trace.steps.length})` : '';
    lines.push(
      outcome.reached
        ? `  ${c.green('reached')}      ${outcome.property}${depth}`
        : `  ${c.yellow('NOT reached')}  ${outcome.property}`,
    );
  }
  return lines.join('\n');
}

function statRows(stats: CheckStats): string[][] {
  const rows = [
    ['states generated', formatCount(stats.statesGenerated)],
    ['distinct states', formatCount(stats.distinctStates)],
    ['max depth', formatCount(stats.maxDepth)],
    ['time', formatDuration(stats.elapsedMs)],
    ['states/s', formatCount(stats.statesPerSecond)],
  ];
  if (stats.bytesPerState !== undefined) rows.push(['bytes/state', formatCount(stats.bytesPerState)]);
  if (stats.workers !== undefined) rows.push(['threads', formatCount(stats.workers)]);
  if (stats.progressEdges !== undefined) {
    rows.push(['progress check', `AG EF final over ${formatCount(stats.progressEdges)} edges`]);
  }
  if (stats.partialOrder !== undefined) {
    const { reducedStates, skippedActions } = stats.partialOrder;
    rows.push([
      'partial order',
      `on: ${formatCount(reducedStates)} states expanded with a reduced set, ${formatCount(skippedActions)} actions left out`,
    ]);
  }
  if (stats.symmetry !== undefined) {
    const { groupSize, classes } = stats.symmetry;
    rows.push([
      'symmetry',
      `on: group of ${formatCount(groupSize)} (${classes.join('; ')}), distinct states are orbits`,
    ]);
  }
  return rows;
}

/** Visible width of `text`, ignoring ANSI color codes. */
function visibleLength(text: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what is stripped.
  return text.replace(/\u001b\[[0-9;]*m/g, '').length;
}

/**
 * Rows of cells as aligned columns separated by two spaces; `rightAligned[i]` right-aligns column i.
 * Widths ignore ANSI colors; trailing spaces are trimmed.
 */
export function table(rows: readonly (readonly string[])[], rightAligned: readonly boolean[] = []): string[] {
  const widths: number[] = [];
  for (const row of rows)
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleLength(cell));
    });
  return rows.map((row) =>
    row
      .map((cell, i) => {
        const pad = ' '.repeat((widths[i] ?? 0) - visibleLength(cell));
        return rightAligned[i] ? pad + cell : cell + pad;
      })
      .join('  ')
      .trimEnd(),
  );
}

/** Options for `resultToJson`: what the ITF traces record in `#meta`. */
export interface ResultJsonOptions {
  readonly scenario?: string;
  readonly variant?: string;
  /** The scenario file, recorded as the traces' `#meta.source` so `replay` finds it. */
  readonly source?: string;
  /** Also give the witness trace of each reached `sometimes` property in ITF (default false). */
  readonly witnessTraces?: boolean;
}

/** One violation in `--json` output, with its trace in ITF. */
export type ViolationJson = {
  readonly kind: 'always' | 'deadlock';
  readonly invariant: string;
  readonly message: string;
  readonly details: { readonly [key: string]: Json };
  readonly steps: number;
  /** Seed of the simulation walk that found it: `--runs 1 --seed <seed>` walks it again. */
  readonly seed?: number;
  readonly trace: ItfTrace;
};

/** One `sometimes` outcome in `--json` output. */
export type SometimesJson = {
  readonly property: string;
  readonly reached: boolean;
  readonly steps?: number;
  readonly trace?: ItfTrace;
};

/** The one JSON object `--json` prints for a run. */
export type ResultJson = {
  readonly model: string;
  readonly scenario?: string;
  readonly variant?: string;
  /** The verdict (see `verdictOf`): `ok`, `violation`, `incomplete`, `vacuous` or `error`. */
  readonly status: Verdict;
  readonly strategy: 'bfs' | 'dfs' | 'simulation';
  readonly seed?: number;
  readonly incompleteReason?: string;
  readonly error?: { readonly code: string; readonly message: string; readonly details?: Json };
  readonly stats: CheckStats;
  readonly violations: readonly ViolationJson[];
  readonly sometimes: readonly SometimesJson[];
};

/**
 * A result as one JSON-safe object for `--json`: status, statistics, every violation with its
 * invariant, message, details and trace in ITF, and the `sometimes` outcomes.
 * Throws `VmcheckError('itf-unencodable')` if a state has no ITF form (see `traceToItf`).
 */
export function resultToJson<S, A>(
  model: Model<S, A>,
  result: CheckResult<S, A>,
  options: ResultJsonOptions = {},
): ResultJson {
  const where = {
    ...(options.scenario !== undefined ? { scenario: options.scenario } : {}),
    ...(options.variant !== undefined ? { variant: options.variant } : {}),
  };
  const seed = result.seed !== undefined ? { seed: result.seed } : {};
  return {
    model: result.model,
    ...where,
    status: verdictOf(result),
    strategy: result.strategy,
    ...seed,
    ...(result.incompleteReason !== undefined ? { incompleteReason: result.incompleteReason } : {}),
    ...(result.error !== undefined ? { error: result.error } : {}),
    stats: result.stats,
    violations: result.discoveries.map((d) => {
      const walk = seedOfDiscovery(d);
      const own = walk !== undefined ? { seed: walk } : seed;
      return {
        kind: d.kind,
        invariant: d.violation.invariant,
        message: d.violation.message,
        details: d.violation.details,
        steps: d.trace.steps.length,
        ...own,
        trace: traceToItf(model, d.trace, {
          ...where,
          ...(options.source !== undefined ? { source: options.source } : {}),
          ...own,
          violation: d.violation,
          discovery: d.kind,
        }),
      };
    }),
    sometimes: result.sometimes.map((s) => ({
      property: s.property,
      reached: s.reached,
      ...(s.trace ? { steps: s.trace.steps.length } : {}),
      ...(s.trace && options.witnessTraces
        ? {
            trace: traceToItf(model, s.trace, { ...where, ...seed, description: `witness of ${s.property}` }),
          }
        : {}),
    })),
  };
}

/** One row of the multi-run summary table. */
export interface RunSummaryRow {
  readonly scenario: string;
  readonly variant: string;
  readonly status: Verdict;
  readonly distinctStates: number;
  readonly maxDepth: number;
  readonly elapsedMs: number;
  /** Invariants violated (and `deadlock` for a stuck state), in discovery order. */
  readonly violated: readonly string[];
}

/** The summary row of one run. */
export function runSummaryRow(
  scenario: string,
  variant: string,
  result: CheckResult<unknown, unknown>,
): RunSummaryRow {
  return {
    scenario,
    variant,
    status: verdictOf(result),
    distinctStates: result.stats.distinctStates,
    maxDepth: result.stats.maxDepth,
    elapsedMs: result.stats.elapsedMs,
    violated: result.discoveries.map((d) =>
      d.kind === 'deadlock' ? `deadlock (${d.violation.invariant})` : d.violation.invariant,
    ),
  };
}

/**
 * Many runs as an aligned table (scenario, variant, status, distinct states, depth, time, violated
 * invariants), one row per run in the given order, for `npm start`.
 */
export function renderRunTable(
  rows: readonly RunSummaryRow[],
  options: { readonly color?: boolean } = {},
): string {
  const c = textColors(options.color);
  const header = ['scenario', 'variant', 'status', 'distinct', 'depth', 'time', 'violated'].map((h) =>
    c.bold(h),
  );
  const body = rows.map((row) => [
    row.scenario,
    row.variant,
    colorStatus(row.status, c),
    formatCount(row.distinctStates),
    formatCount(row.maxDepth),
    formatDuration(row.elapsedMs),
    row.violated.length === 0 ? '-' : row.violated.join(', '),
  ]);
  return table([header, ...body], [false, false, false, true, true, true, false]).join('\n');
}
