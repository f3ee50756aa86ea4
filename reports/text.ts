/**
 * Counterexample traces as plain text: the initial state once, then each step with only what it
 * changed, then the violation. Values are never cut; long ones make long lines.
 */
import pc from 'picocolors';
import type { Json, Model, Trace, Violation } from '../model/core/index.ts';
import { diffJson, formatChange } from './diff.ts';
import { compactLines, isJsonRecord } from './json.ts';

/** Options for `renderTraceText`. */
export interface TraceTextOptions {
  /** ANSI colors (via picocolors); off by default. Turn on only for a TTY. */
  readonly color?: boolean;
  /** Line width the initial state is folded to (values are never cut); default 100. */
  readonly width?: number;
  /** Spaces put before every line, to nest the trace in a larger report; default 0. */
  readonly indent?: number;
  /**
   * Where the initial state is printed instead, when a larger report prints it once for many
   * traces: the trace then starts with `Initial state: <initialAs>` rather than the whole state.
   */
  readonly initialAs?: string;
}

/** The picocolors functions the reports use, all identity when colors are off. */
export function textColors(color: boolean | undefined) {
  return pc.createColors(color === true);
}

/**
 * A trace as numbered steps: `Step 3: <describeAction>` then one line per changed field
 * (`frames[5]: null -> VM-2.p1.v0`), after the initial state in compact form, ending with the
 * violated invariant, its message and details when `violation` is given.
 *
 * Deterministic: the same trace gives the same text, so it can be pinned in snapshots.
 */
export function renderTraceText<S, A>(
  model: Model<S, A>,
  trace: Trace<S, A>,
  violation?: Violation,
  options: TraceTextOptions = {},
): string {
  const c = textColors(options.color);
  const width = options.width ?? 100;
  const lines: string[] = [];
  const count = trace.steps.length;
  lines.push(c.bold(`Trace of ${model.name}: ${count} ${count === 1 ? 'step' : 'steps'}`));

  let previous = model.stateToJson(trace.initial);
  if (options.initialAs !== undefined) lines.push(c.bold(`Initial state: ${options.initialAs}`));
  else {
    lines.push(c.bold('Initial state'));
    for (const line of stateLines(previous, width - 2)) lines.push(`  ${line}`);
  }

  const style = { path: c.cyan, before: c.red, after: c.green };
  trace.steps.forEach((step, i) => {
    lines.push(c.bold(`Step ${i + 1}: ${model.describeAction(step.action)}`));
    const current = model.stateToJson(step.state);
    const changes = diffJson(previous, current);
    if (changes.length === 0) lines.push(c.dim('  (no change)'));
    for (const change of changes) lines.push(`  ${formatChange(change, { style })}`);
    previous = current;
  });

  if (violation) lines.push(...violationLines(violation, c, width));
  const pad = ' '.repeat(options.indent ?? 0);
  return lines.map((line) => pad + line).join('\n');
}

/** The state's top-level fields, each folded to fit `width` (see `compactLines`). */
export function stateLines(state: Json, width = 100): string[] {
  if (!isJsonRecord(state)) return compactLines(state, width);
  return Object.entries(state).flatMap(([key, value]) => compactLines(value, width, [key]));
}

function violationLines(violation: Violation, c: ReturnType<typeof textColors>, width: number): string[] {
  const lines = [c.red(c.bold(`Violated: ${violation.invariant}`)), `  ${violation.message}`];
  const entries = Object.entries(violation.details);
  if (entries.length > 0) {
    lines.push('  details:');
    for (const [key, value] of entries) {
      for (const line of compactLines(value, width - 4, [key])) lines.push(`    ${line}`);
    }
  }
  return lines;
}
