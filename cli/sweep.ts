/**
 * `vmcheck sweep`: check every generated scenario of a scope (`scenario/generate/`) under one
 * variant or all of them, with the same exhaustive BFS `check` runs, and report for each variant
 * the first failing scenario in the scope's order (fewest features, VMs, pages first: among the
 * smallest) with its counterexample, saved as a scenario file plus traces.
 *
 * Deterministic: the same scope, variants and start index give the same scenarios, counts and
 * traces. A time budget can cut a sweep short; it then says the index to restart from (`--from`).
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { type Command, InvalidArgumentError, Option } from 'commander';
import type { CheckResult } from '../model/core/result.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { scopeScenarios } from '../scenario/generate/cached.ts';
import { type GeneratedScenario, SCOPES, type ScopeName } from '../scenario/generate/enumerate.ts';
import { knownGapOf } from '../scenario/generate/knownGaps.ts';
import type { Scenario } from '../scenario/schema.ts';
import { isVariant, VARIANTS, type Variant } from '../scenario/variants.ts';
import type { CliIo } from './io.ts';
import { runCheck, writeReports } from './run.ts';

/** Options of `runSweep`. */
export interface SweepOptions {
  readonly scope: ScopeName;
  readonly variants: readonly Variant[];
  /** First index of the scope's order to check (default 0). */
  readonly from?: number;
  /** Index to stop before (default: the end of the scope). */
  readonly to?: number;
  /** Wall-clock budget for the whole sweep, in milliseconds (none by default). */
  readonly timeBudgetMs?: number;
  /** Also check scenarios of a known model gap (`knownGaps.ts`); skipped by default. */
  readonly includeKnownGaps?: boolean;
  /** Stop a variant at its first failing scenario (default) or check the whole scope. */
  readonly stopAtFirst?: boolean;
  /** Milliseconds since some origin; `performance.now` by default. */
  readonly now?: () => number;
  /** Called after each scenario checked. */
  readonly onScenario?: (variant: Variant, index: number, total: number) => void;
}

/** A failing generated scenario: where, which property, and the check result with its trace. */
export interface SweepFailure {
  readonly index: number;
  readonly scenario: Scenario;
  readonly invariant: string;
  readonly message: string;
  readonly steps: number;
  readonly model: ReturnType<typeof runCheck>['model'];
  readonly result: CheckResult<MachineState, Action>;
}

/** The outcome of one variant over the scope. */
export interface SweepVariantResult {
  readonly variant: Variant;
  /** `failed`: a scenario fails; `passed`: every scenario checked passes; `incomplete`: out of time. */
  readonly status: 'failed' | 'passed' | 'incomplete';
  readonly checked: number;
  /** Scenarios of a known model gap, not checked. */
  readonly skipped: number;
  readonly distinctStates: number;
  readonly elapsedMs: number;
  /** The first failing scenario (stopAtFirst) and how many failed in all. */
  readonly failure?: SweepFailure;
  readonly failures: number;
  /** Where to restart (`--from`) when incomplete. */
  readonly nextIndex?: number;
}

/** The whole sweep. */
export interface SweepResult {
  readonly scope: ScopeName;
  readonly scenarios: number;
  readonly from: number;
  readonly variants: SweepVariantResult[];
  /** Patent passed every scenario checked and every other variant failed on one (SPEC 8). */
  readonly asExpected: boolean;
  readonly incomplete: boolean;
}

/** Sweep `options.variants` over the scope. Deterministic but for where a time budget cuts it. */
export function runSweep(options: SweepOptions): SweepResult {
  const now = options.now ?? (() => performance.now());
  const start = now();
  const all = scopeScenarios(SCOPES[options.scope]);
  const from = options.from ?? 0;
  const results: SweepVariantResult[] = [];
  for (const variant of options.variants) {
    results.push(sweepVariant(all, from, variant, options, now, start));
  }
  const asExpected = results.every((r) =>
    r.variant === 'patent' ? r.status === 'passed' : r.status === 'failed',
  );
  return {
    scope: options.scope,
    scenarios: all.length,
    from,
    variants: results,
    asExpected,
    incomplete: results.some((r) => r.status === 'incomplete'),
  };
}

function sweepVariant(
  all: readonly GeneratedScenario[],
  from: number,
  variant: Variant,
  options: SweepOptions,
  now: () => number,
  sweepStart: number,
): SweepVariantResult {
  const began = now();
  let checked = 0;
  let skipped = 0;
  let distinctStates = 0;
  let failures = 0;
  let failure: SweepFailure | undefined;
  const to = Math.min(options.to ?? all.length, all.length);
  for (let i = from; i < to; i++) {
    if (options.timeBudgetMs !== undefined && now() - sweepStart > options.timeBudgetMs) {
      return {
        variant,
        status: failure ? 'failed' : 'incomplete',
        checked,
        skipped,
        distinctStates,
        elapsedMs: now() - began,
        failures,
        nextIndex: i,
        ...(failure ? { failure } : {}),
      };
    }
    const { scenario } = all[i]!;
    if (!options.includeKnownGaps && knownGapOf(scenario)) {
      skipped++;
      continue;
    }
    const { model, result } = runCheck(scenario, { variant, strategy: 'bfs' });
    checked++;
    distinctStates += result.stats.distinctStates;
    options.onScenario?.(variant, i, all.length);
    // A violation fails the scenario; an unreached `sometimes` does not: a generated scenario need not
    // show every interesting state.
    const d = result.discoveries[0];
    if (result.status !== 'violation' || !d) continue;
    failures++;
    failure ??= {
      index: i,
      scenario,
      invariant: d.violation.invariant,
      message: d.violation.message,
      steps: d.trace.steps.length,
      model,
      result,
    };
    if (options.stopAtFirst !== false) break;
  }
  return {
    variant,
    status: failure ? 'failed' : 'passed',
    checked,
    skipped,
    distinctStates,
    elapsedMs: now() - began,
    failures,
    ...(failure ? { failure } : {}),
  };
}

/** Save each failure as `<dir>/<scenario>.json` plus its traces (ITF JSON, text, HTML). */
export function writeSweepReports(dir: string, sweep: SweepResult): string[] {
  mkdirSync(dir, { recursive: true });
  const files: string[] = [];
  for (const r of sweep.variants) {
    const f = r.failure;
    if (!f) continue;
    const file = join(dir, `${f.scenario.name}.json`);
    writeFileSync(file, `${JSON.stringify(f.scenario, null, 2)}\n`);
    files.push(file, ...writeReports(dir, f.scenario, r.variant, f.model, f.result));
  }
  return files;
}

/** The sweep as plain JSON (no models or traces: those go to `--out`). */
export function sweepToJson(sweep: SweepResult, files: readonly string[]) {
  return {
    status: sweep.incomplete ? 'incomplete' : sweep.asExpected ? 'ok' : 'unexpected',
    scope: sweep.scope,
    scenarios: sweep.scenarios,
    from: sweep.from,
    variants: sweep.variants.map((r) => ({
      variant: r.variant,
      status: r.status,
      checked: r.checked,
      skipped: r.skipped,
      distinctStates: r.distinctStates,
      elapsedMs: Math.round(r.elapsedMs),
      failures: r.failures,
      ...(r.nextIndex !== undefined ? { nextIndex: r.nextIndex } : {}),
      ...(r.failure
        ? {
            failure: {
              index: r.failure.index,
              scenario: r.failure.scenario.name,
              description: r.failure.scenario.description,
              invariant: r.failure.invariant,
              message: r.failure.message,
              steps: r.failure.steps,
            },
          }
        : {}),
    })),
    files,
  };
}

/** One line per variant. */
export function renderSweepText(sweep: SweepResult): string {
  const lines = [`scope ${sweep.scope}: ${sweep.scenarios} scenarios, from index ${sweep.from}`];
  for (const r of sweep.variants) {
    const head = `${r.variant}: ${r.status}, ${r.checked} checked (${r.skipped} known-gap skipped), ${r.distinctStates} states, ${(r.elapsedMs / 1000).toFixed(1)} s`;
    if (r.failure) {
      lines.push(
        `${head}\n  first failing: #${r.failure.index} ${r.failure.scenario.name}: ${r.failure.scenario.description}\n  ${r.failure.invariant} in ${r.failure.steps} steps: ${r.failure.message}`,
      );
    } else lines.push(r.nextIndex !== undefined ? `${head}; restart with --from ${r.nextIndex}` : head);
  }
  lines.push(
    sweep.incomplete
      ? 'INCOMPLETE: the time budget ran out'
      : sweep.asExpected
        ? 'OK: patent passes every scenario checked; every other variant fails one'
        : 'UNEXPECTED: see above',
  );
  return lines.join('\n');
}

function whole(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

/**
 * Register `sweep` on `program`; `exit` receives the exit code (0 as SPEC 8 expects, 1 not, 3 out
 * of time); output goes to `io`.
 */
export function registerSweep(program: Command, exit: (code: number) => void, io: CliIo): void {
  const { stdout, stderr } = io;
  const clock = io.now ?? (() => performance.now());
  program
    .command('sweep')
    .description('check every generated scenario of a small scope under a variant (or all)')
    .addOption(
      new Option('--scope <scope>', 'which generated scope').choices(Object.keys(SCOPES)).default('small'),
    )
    .option(
      '--variant <variant>',
      'a variant, or all',
      (v: string) => {
        if (v !== 'all' && !isVariant(v))
          throw new InvalidArgumentError(`unknown variant "${v}"; known: all, ${VARIANTS.join(', ')}`);
        return v;
      },
      'all',
    )
    .option(
      '--time-budget <seconds>',
      'stop after this many seconds (restart with --from)',
      whole('--time-budget'),
    )
    .option('--from <index>', 'first scenario index to check', whole('--from'), 0)
    .option('--include-known-gaps', 'also check the scenarios of known model gaps')
    .option('--all-failures', 'count every failing scenario instead of stopping at the first')
    .option('--out <dir>', 'save each first failing scenario and its traces in this folder')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((opts) => {
      const variants: Variant[] = opts.variant === 'all' ? [...VARIANTS] : [opts.variant];
      const tty = !opts.json && stderr.isTTY === true;
      let last = 0;
      const sweep = runSweep({
        scope: opts.scope,
        variants,
        from: opts.from,
        includeKnownGaps: Boolean(opts.includeKnownGaps),
        stopAtFirst: !opts.allFailures,
        ...(opts.timeBudget !== undefined ? { timeBudgetMs: opts.timeBudget * 1000 } : {}),
        ...(tty
          ? {
              onScenario: (variant: Variant, index: number, total: number) => {
                const t = clock();
                if (t - last < 200) return;
                last = t;
                stderr.write(`\r\x1b[2Ksweep ${variant}: scenario ${index + 1}/${total}`);
              },
            }
          : {}),
      });
      if (tty) stderr.write('\r\x1b[2K');
      const files = opts.out ? writeSweepReports(opts.out, sweep) : [];
      if (opts.json) stdout.write(`${JSON.stringify(sweepToJson(sweep, files))}\n`);
      else {
        stdout.write(`${renderSweepText(sweep)}\n`);
        if (files.length > 0) stdout.write(`wrote ${files.join(', ')}\n`);
      }
      exit(sweep.incomplete ? 3 : sweep.asExpected ? 0 : 1);
    });
}
