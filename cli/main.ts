/**
 * The `vmcheck` command line: check, simulate, replay, list, summary.
 *
 * `runCli(argv, io)` runs it in-process and resolves to the exit code; nothing here calls
 * `process.exit` (commander's `exitOverride` and `configureOutput` route its output and errors).
 * Exit codes (`EXIT`): 0 ok; 1 violation; 2 bad input or usage; 3 incomplete (a bound was hit);
 * 4 vacuous (no violation, but a `sometimes` property that applies was never reached);
 * 5 a model or tool error.
 */
import { readFileSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { performance } from 'node:perf_hooks';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { simulate } from '../generators/index.ts';
import { VmcheckError } from '../model/core/model.ts';
import type { CheckResult } from '../model/core/result.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import {
  renderResultText,
  renderRunTable,
  renderTraceText,
  resultToJson,
  type Verdict,
  verdictOf,
  worstVerdict,
} from '../reports/index.ts';
import { ScenarioError } from '../scenario/load.ts';
import { isVariant, VARIANT_DESCRIPTIONS, VARIANTS, type Variant } from '../scenario/variants.ts';
import type { CliIo } from './io.ts';
import { progressBar, progressLine } from './progress.ts';
import { replayTraceText, runCheckOnWorkers, writeReports } from './run.ts';
import { type LoadedScenario, loadScenarioArg, SCENARIO_DIR, shippedScenarioNames } from './scenarios.ts';
import { runSummary } from './summary.ts';
import { registerSweep } from './sweep.ts';

/** Exit codes of every command, one per verdict plus `usage`. */
export const EXIT = { ok: 0, violation: 1, usage: 2, incomplete: 3, vacuous: 4, error: 5 } as const;

/** The exit code of a verdict. */
export function exitCodeOfVerdict(verdict: Verdict): number {
  return EXIT[verdict];
}

/** Exit code of a check result (see `verdictOf`). */
export function exitCodeOf(result: CheckResult<unknown, unknown>): number {
  return EXIT[verdictOf(result)];
}

function count(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

function seconds(value: string): number {
  const n = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !Number.isFinite(n))
    throw new InvalidArgumentError(`--timeout must be a number of seconds (e.g. 0.5), got "${value}"`);
  return n;
}

function variantArg(value: string): Variant {
  if (!isVariant(value))
    throw new InvalidArgumentError(`unknown variant "${value}"; known: ${VARIANTS.join(', ')}`);
  return value;
}

function variantOrAll(value: string): Variant | 'all' {
  return value === 'all' ? 'all' : variantArg(value);
}

/** A user's scenario file is recorded in traces by path, a shipped one by name. */
function sourceOf(loaded: LoadedScenario): string | undefined {
  return loaded.path.startsWith(SCENARIO_DIR) ? undefined : loaded.path;
}

/** Build the program; `exit` receives the exit code, output goes to `io`. */
export function buildProgram(exit: (code: number) => void, io: CliIo): Command {
  const { stdout, stderr } = io;
  const now = io.now ?? (() => performance.now());
  const color = pc.isColorSupported && stdout.isTTY === true;
  const program = new Command('vmcheck')
    .description(
      'Model-check the relocation and resizing of VM main storage under in-flight channel I/O (JP H06-110715)',
    )
    .configureOutput({
      writeOut: (s) => stdout.write(s),
      writeErr: (s) => stderr.write(s),
    })
    .showHelpAfterError()
    .exitOverride();

  program
    .command('check')
    .description('explore every interleaving of a scenario (all shipped scenarios when none is named)')
    .argument('[scenario]', 'shipped scenario name or path to a scenario JSON file')
    .addOption(
      new Option('--variant <variant>', "variant to check, or all (default: the scenario's own)").argParser(
        variantOrAll,
      ),
    )
    .addOption(new Option('--strategy <strategy>', 'search order').choices(['bfs', 'dfs']).default('bfs'))
    .option(
      '--workers <n>',
      `threads for BFS (default: this machine's ${availableParallelism()} cores; small levels stay on one)`,
      (value: string) => {
        const n = count('--workers')(value);
        if (n < 1) throw new InvalidArgumentError(`--workers must be at least 1, got "${value}"`);
        return n;
      },
    )
    .option('--max-depth <n>', 'deepest level to explore', count('--max-depth'))
    .option('--max-states <n>', 'most distinct states to store', count('--max-states'))
    .option('--max-memory <mb>', 'memory budget in MiB (all the process holds)', count('--max-memory'))
    .option('--timeout <seconds>', 'wall-clock budget in seconds (fractions allowed)', seconds)
    .option('--invariant <names>', 'check only these invariants (comma-separated)', (v: string) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .option('--all', 'keep exploring after the first violation: one counterexample per invariant')
    .option('--witnesses', 'also give the trace to each reached sometimes property (and write it with --out)')
    .option('--no-progress', 'skip the progress check (every state can still reach the end, 7.11)')
    .option('--no-por', 'no partial-order reduction (on by default for BFS without --max-depth)')
    .option(
      '--no-symmetry',
      'no symmetry reduction (on by default where the scenario has interchangeable parts)',
    )
    .option('--out <dir>', 'write each counterexample as ITF JSON, text and HTML into this folder')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action(async (scenarioArg: string | undefined, opts) => {
      const names = scenarioArg ? [scenarioArg] : shippedScenarioNames();
      const outputs: unknown[] = [];
      const verdicts: Verdict[] = [];
      const hints: string[] = [];
      for (const name of names) {
        const loaded = loadScenarioArg(name);
        const { scenario } = loaded;
        const source = sourceOf(loaded);
        const variants: Variant[] =
          opts.variant === 'all' ? [...VARIANTS] : [opts.variant ?? scenario.variant];
        for (const variant of variants) {
          const progress = opts.json
            ? { done: () => {} }
            : progressLine(stderr, `${scenario.name}/${variant}`);
          const { model, result } = await runCheckOnWorkers(scenario, {
            variant,
            workers: opts.workers ?? availableParallelism(),
            strategy: opts.strategy,
            maxDepth: opts.maxDepth,
            maxStates: opts.maxStates,
            maxMemoryBytes: opts.maxMemory !== undefined ? opts.maxMemory * 1024 * 1024 : undefined,
            timeoutMs: opts.timeout !== undefined ? opts.timeout * 1000 : undefined,
            allViolations: Boolean(opts.all),
            witnesses: Boolean(opts.witnesses),
            invariants: opts.invariant,
            progress: opts.progress !== false,
            partialOrder: opts.por !== false,
            symmetry: opts.symmetry !== false,
            now,
            ...('onProgress' in progress && progress.onProgress ? { onProgress: progress.onProgress } : {}),
          });
          progress.done();
          const verdict = verdictOf(result);
          verdicts.push(verdict);
          const files = opts.out
            ? writeReports(opts.out, scenario, variant, model, result, {
                ...(source !== undefined ? { source } : {}),
                witnesses: Boolean(opts.witnesses),
              })
            : [];
          if (opts.json)
            outputs.push({
              ...resultToJson(model, result, {
                scenario: scenario.name,
                variant,
                ...(source !== undefined ? { source } : {}),
                witnessTraces: Boolean(opts.witnesses),
              }),
              files,
            });
          else {
            stdout.write(`${renderResultText(model, result, { color })}\n`);
            if (files.length > 0) stdout.write(`wrote ${files.join(', ')}\n`);
            const target = `${scenarioArg ?? scenario.name} --variant ${variant}`;
            if (verdict === 'violation' && !opts.out)
              hints.push(`vmcheck check ${target} --all --out out/   # write the counterexamples`);
            if (verdict === 'violation' && files.length > 0)
              hints.push(`vmcheck replay ${files[0]}   # confirm the first one`);
            if (verdict === 'incomplete')
              hints.push(`vmcheck check ${target} with a larger bound, or --strategy dfs`);
          }
        }
      }
      const verdict = worstVerdict(verdicts);
      if (opts.json) {
        const out = outputs.length === 1 ? outputs[0] : { status: verdict, runs: outputs };
        stdout.write(`${JSON.stringify(out)}\n`);
      } else if (hints.length > 0) {
        stdout.write(`Next:\n${[...new Set(hints)].map((h) => `  ${h}`).join('\n')}\n`);
      }
      exit(EXIT[verdict]);
    });

  program
    .command('simulate')
    .description('seeded random walks over the enabled actions; each discovery names the seed of its walk')
    .argument('[scenario]', 'shipped scenario name or path', 'fig6-relocation')
    .addOption(new Option('--variant <variant>', 'variant to simulate').argParser(variantArg))
    .option('--runs <n>', 'number of walks (at least 1)', count('--runs'), 100)
    .option('--depth <n>', 'most steps per walk', count('--depth'), 60)
    .option('--seed <n>', 'seed of the first walk', count('--seed'), 0)
    .option('--timeout <seconds>', 'wall-clock budget in seconds (fractions allowed)', seconds)
    .option('--out <dir>', 'write each counterexample as ITF JSON, text and HTML into this folder')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((scenarioArg: string, opts) => {
      if (opts.runs < 1)
        throw new VmcheckError('bad-options', '--runs must be at least 1', { path: '--runs' });
      const loaded = loadScenarioArg(scenarioArg);
      const { scenario } = loaded;
      const source = sourceOf(loaded);
      const variant: Variant = opts.variant ?? scenario.variant;
      const model = createCheckModel(scenario, variant);
      const progress = opts.json ? { done: () => {} } : progressLine(stderr, `${scenario.name}/${variant}`);
      const result = simulate(model, {
        runs: opts.runs,
        depth: opts.depth,
        seed: opts.seed,
        keep: 'shortest',
        now,
        ...(opts.timeout !== undefined ? { timeoutMs: opts.timeout * 1000 } : {}),
        ...('onProgress' in progress && progress.onProgress
          ? { onProgress: progress.onProgress, progressEvery: 2048 }
          : {}),
      });
      progress.done();
      const files = opts.out
        ? writeReports(opts.out, scenario, variant, model, result, source !== undefined ? { source } : {})
        : [];
      const verdict = verdictOf(result);
      if (opts.json)
        stdout.write(
          `${JSON.stringify({
            ...resultToJson(model, result, {
              scenario: scenario.name,
              variant,
              ...(source !== undefined ? { source } : {}),
            }),
            files,
          })}\n`,
        );
      else {
        stdout.write(`${renderResultText(model, result, { color })}\n`);
        if (files.length > 0) stdout.write(`wrote ${files.join(', ')}\n`);
        const found = result.discoveries[0];
        if (found)
          stdout.write(
            `Next:\n  vmcheck simulate ${scenarioArg} --variant ${variant} --runs 1 --seed ${found.seed} --depth ${opts.depth}${opts.out ? '' : ' --out out/'}   # replay the walk\n`,
          );
      }
      exit(EXIT[verdict]);
    });

  program
    .command('replay')
    .description('re-run a saved ITF trace on the model and confirm its violation')
    .argument('<trace>', 'ITF JSON file written by check --out or --json')
    .option('--scenario <scenario>', 'scenario to replay on (default: the one recorded in the trace)')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((tracePath: string, opts) => {
      let text: string;
      try {
        text = readFileSync(tracePath, 'utf8');
      } catch (error) {
        throw new VmcheckError(
          'bad-trace',
          `${tracePath}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
          { path: tracePath },
        );
      }
      const { scenario, variant: recorded, model, replay } = replayTraceText(text, tracePath, opts.scenario);
      if (opts.json) {
        stdout.write(
          `${JSON.stringify({
            status: 'ok',
            scenario: scenario.name,
            variant: recorded,
            steps: replay.trace.steps.length,
            confirmed: replay.violation
              ? { invariant: replay.violation.invariant, message: replay.violation.message }
              : null,
          })}\n`,
        );
      } else {
        stdout.write(`${renderTraceText(model, replay.trace, replay.violation, { color })}\n`);
        stdout.write(
          replay.violation
            ? `replay confirmed: ${replay.violation.invariant}: ${replay.violation.message}\n`
            : 'replay fits the model; the trace records no violation\n',
        );
      }
      exit(EXIT.ok);
    });

  program
    .command('list')
    .description('list the shipped scenarios, the variants and the properties')
    .option('--json', 'print one JSON object')
    .action((opts) => {
      const scenarios = shippedScenarioNames().map((name) => {
        const { scenario } = loadScenarioArg(name);
        return { name, description: scenario.description };
      });
      const model = createCheckModel(loadScenarioArg('fig8-resize').scenario);
      const properties = model.properties
        .filter((p) => p.kind === 'always')
        .map((p) => ({ name: p.name, spec: p.specRef ?? '', description: p.description }));
      properties.push({
        name: 'progress',
        spec: '7.11',
        description: 'No state short of the scenario end has no enabled step (deadlock).',
      });
      const variants = VARIANTS.map((v) => ({ name: v, description: VARIANT_DESCRIPTIONS[v] }));
      if (opts.json) {
        stdout.write(`${JSON.stringify({ scenarios, variants, invariants: properties })}\n`);
      } else {
        const b = (s: string) => (color ? pc.bold(s) : s);
        stdout.write(
          `${b('Scenarios')}\n${scenarios.map((s) => `  ${s.name.padEnd(22)} ${s.description}`).join('\n')}\n\n`,
        );
        stdout.write(
          `${b('Variants')}\n${variants.map((v) => `  ${v.name.padEnd(28)} ${v.description}`).join('\n')}\n\n`,
        );
        stdout.write(
          `${b('Invariants')}\n${properties.map((p) => `  ${p.spec.padEnd(5)} ${p.name.padEnd(26)} ${p.description}`).join('\n')}\n`,
        );
      }
      exit(EXIT.ok);
    });

  program
    .command('summary')
    .description(
      'check every scenario with patent and run every other variant to its counterexample (npm start)',
    )
    .argument('[scenario]', 'only this scenario (shipped name or file), against every variant')
    .option('--json', 'print one JSON object')
    .action(async (scenarioArg: string | undefined, opts) => {
      const names = scenarioArg ? [scenarioArg] : shippedScenarioNames();
      const bar = opts.json
        ? { step: () => {}, done: () => {} }
        : progressBar(stderr, names.length * VARIANTS.length);
      const summary = runSummary({ scenarios: names, onRow: bar.step, now });
      bar.done();
      if (opts.json) stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        stdout.write(`${renderRunTable(summary.rows, { color })}\n\n`);
        for (const line of summary.verdicts) stdout.write(`${line}\n`);
        stdout.write(
          "Next:\n  vmcheck check SCENARIO --variant VARIANT --all --out out/   # write any row's counterexamples\n",
        );
      }
      exit(summary.ok ? EXIT.ok : EXIT.violation);
    });
  registerSweep(program, exit, io);
  return program;
}

/** The error object `--json` prints: a code, the field or option at fault (if known), a message. */
export interface CliErrorJson {
  readonly code: string;
  readonly path: string;
  readonly message: string;
}

function describeCliError(error: unknown): { json: CliErrorJson; exit: number } {
  if (error instanceof ScenarioError) {
    return {
      json: { code: error.code, path: error.issues[0]?.path ?? '', message: error.message },
      exit: EXIT.usage,
    };
  }
  if (error instanceof VmcheckError) {
    const details = (error.details ?? {}) as { path?: unknown };
    const usage = ['bad-trace', 'bad-invariant', 'bad-options', 'bad-scenario'].includes(error.code);
    return {
      json: {
        code: error.code,
        path: typeof details.path === 'string' ? details.path : '',
        message: error.message,
      },
      exit: usage ? EXIT.usage : EXIT.error,
    };
  }
  if (error instanceof CommanderError) {
    const option = /option '([^' ]+)/.exec(error.message)?.[1] ?? /'([^']+)'/.exec(error.message)?.[1] ?? '';
    return {
      json: { code: 'usage', path: option, message: error.message.replace(/^error: /, '') },
      exit: EXIT.usage,
    };
  }
  return {
    json: {
      code: 'internal',
      path: '',
      message: `internal error: ${(error as Error)?.message ?? String(error)}`,
    },
    exit: EXIT.error,
  };
}

const PROCESS_IO: CliIo = { stdout: process.stdout, stderr: process.stderr };

/**
 * Run the command line with `argv` (user arguments only) in-process; resolves to the exit code.
 * Never throws and never calls `process.exit`. With `--json`, every outcome, errors included, is
 * one JSON object on `io.stdout` (`{"status":"error","error":{"code","path","message"}}` for errors).
 */
export async function runCli(argv: readonly string[], io: CliIo = PROCESS_IO): Promise<number> {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  }, io);
  const json = argv.includes('--json');
  try {
    await program.parseAsync([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError && (error.exitCode === 0 || error.code === 'commander.help')) {
      return EXIT.ok;
    }
    const { json: body, exit } = describeCliError(error);
    // Commander has already written its own message to stderr.
    if (!(error instanceof CommanderError)) io.stderr.write(`vmcheck: ${body.message}\n`);
    if (json) io.stdout.write(`${JSON.stringify({ status: 'error', exitCode: exit, error: body })}\n`);
    return exit;
  }
  return code;
}
