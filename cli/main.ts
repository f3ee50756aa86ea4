/**
 * The `vmcheck` command line: check, simulate, replay, list, summary.
 *
 * Exit codes: 0 every invariant holds over the whole bounded space (or a replay confirmed its
 * violation); 1 a violation was found; 2 bad input or usage; 3 incomplete (a bound was hit).
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import pc from 'picocolors';
import { simulate } from '../generators/index.ts';
import { VmcheckError } from '../model/core/model.ts';
import type { CheckResult } from '../model/core/result.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import {
  parseItfText,
  renderResultText,
  renderRunTable,
  renderTraceText,
  replayItf,
  resultToJson,
} from '../reports/index.ts';
import { ScenarioError } from '../scenario/load.ts';
import { isVariant, VARIANT_DESCRIPTIONS, VARIANTS, type Variant } from '../scenario/variants.ts';
import { progressLine } from './progress.ts';
import { runCheck, writeReports } from './run.ts';
import { loadScenarioArg, shippedScenarioNames } from './scenarios.ts';
import { runSummary } from './summary.ts';
import { registerSweep } from './sweep.ts';

/** Exit codes of every command. */
export const EXIT = { ok: 0, violation: 1, usage: 2, incomplete: 3 } as const;

const color = pc.isColorSupported && process.stdout.isTTY;

function count(name: string) {
  return (value: string): number => {
    if (!/^\d+$/.test(value))
      throw new InvalidArgumentError(`${name} must be a whole number, got "${value}"`);
    return Number(value);
  };
}

function variantArg(value: string): Variant {
  if (!isVariant(value))
    throw new InvalidArgumentError(`unknown variant "${value}"; known: ${VARIANTS.join(', ')}`);
  return value;
}

/** Exit code of a check result: a violation wins over incomplete. */
export function exitCodeOf(result: CheckResult<unknown, unknown>): number {
  switch (result.status) {
    case 'ok':
      return result.sometimes.some((s) => !s.reached) ? EXIT.violation : EXIT.ok;
    case 'violation':
      return EXIT.violation;
    case 'incomplete':
      return EXIT.incomplete;
    case 'error':
      return EXIT.usage;
  }
}

function worst(codes: number[]): number {
  for (const code of [EXIT.usage, EXIT.violation, EXIT.incomplete]) if (codes.includes(code)) return code;
  return EXIT.ok;
}

/** Build the program; `exit` receives the exit code. */
export function buildProgram(exit: (code: number) => void): Command {
  const program = new Command('vmcheck')
    .description(
      'Model-check the relocation and resizing of VM main storage under in-flight channel I/O (JP H06-110715)',
    )
    .showHelpAfterError()
    .exitOverride();

  program
    .command('check')
    .description('explore every interleaving of a scenario (all shipped scenarios when none is named)')
    .argument('[scenario]', 'shipped scenario name or path to a scenario JSON file')
    .addOption(
      new Option('--variant <variant>', "variant to check (default: the scenario's own)").argParser(
        variantArg,
      ),
    )
    .addOption(new Option('--strategy <strategy>', 'search order').choices(['bfs', 'dfs']).default('bfs'))
    .addOption(
      new Option(
        '--engine <engine>',
        'lean: compact fast path (traces replayed on the readable model); readable: the immer model',
      )
        .choices(['lean', 'readable'])
        .default('lean'),
    )
    .option('--max-depth <n>', 'deepest level to explore', count('--max-depth'))
    .option('--max-states <n>', 'most distinct states to store', count('--max-states'))
    .option('--max-memory <mb>', 'memory budget in MiB', count('--max-memory'))
    .option('--timeout <seconds>', 'wall-clock budget in seconds', count('--timeout'))
    .option('--invariant <names>', 'check only these invariants (comma-separated)', (v: string) =>
      v
        .split(',')
        .map((n) => n.trim())
        .filter(Boolean),
    )
    .option('--all', 'keep exploring after the first violation: one counterexample per invariant')
    .option('--witnesses', 'also give the trace to each reached sometimes property')
    .option('--no-progress', 'skip the progress check (every state can still reach the end, 7.11)')
    .option('--out <dir>', 'write each counterexample as ITF JSON, text and HTML into this folder')
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((scenarioArg: string | undefined, opts) => {
      const names = scenarioArg ? [scenarioArg] : shippedScenarioNames();
      const outputs: unknown[] = [];
      const codes: number[] = [];
      for (const name of names) {
        const { scenario } = loadScenarioArg(name);
        const variant: Variant = opts.variant ?? scenario.variant;
        const progress = opts.json
          ? { done: () => {} }
          : progressLine(process.stderr, `${scenario.name}/${variant}`);
        const { model, result } = runCheck(scenario, {
          variant,
          strategy: opts.strategy,
          engine: opts.engine,
          maxDepth: opts.maxDepth,
          maxStates: opts.maxStates,
          maxMemoryBytes: opts.maxMemory !== undefined ? opts.maxMemory * 1024 * 1024 : undefined,
          timeoutMs: opts.timeout !== undefined ? opts.timeout * 1000 : undefined,
          allViolations: Boolean(opts.all),
          witnesses: Boolean(opts.witnesses),
          invariants: opts.invariant,
          progress: opts.progress,
          ...('onProgress' in progress && progress.onProgress ? { onProgress: progress.onProgress } : {}),
        });
        progress.done();
        codes.push(exitCodeOf(result));
        const files = opts.out ? writeReports(opts.out, scenario, variant, model, result) : [];
        if (opts.json)
          outputs.push({
            ...resultToJson(model, result, {
              scenario: scenario.name,
              variant,
              witnessTraces: Boolean(opts.witnesses),
            }),
            files,
          });
        else {
          process.stdout.write(`${renderResultText(model, result, { color })}\n`);
          if (files.length > 0) process.stdout.write(`wrote ${files.join(', ')}\n`);
        }
      }
      if (opts.json) {
        const out = outputs.length === 1 ? outputs[0] : { status: statusOfCode(worst(codes)), runs: outputs };
        process.stdout.write(`${JSON.stringify(out)}\n`);
      }
      exit(worst(codes));
    });

  program
    .command('simulate')
    .description('seeded random walks over the enabled actions; each run replays from its seed')
    .argument('[scenario]', 'shipped scenario name or path', 'fig6-relocation')
    .addOption(new Option('--variant <variant>', 'variant to simulate').argParser(variantArg))
    .option('--runs <n>', 'number of walks', count('--runs'), 100)
    .option('--depth <n>', 'most steps per walk', count('--depth'), 60)
    .option('--seed <n>', 'seed of the first walk', count('--seed'), 0)
    .option('--json', 'print one JSON object on stdout and nothing else')
    .action((scenarioArg: string, opts) => {
      const { scenario } = loadScenarioArg(scenarioArg);
      const variant: Variant = opts.variant ?? scenario.variant;
      const model = createCheckModel(scenario, variant);
      const result = simulate(model, { runs: opts.runs, depth: opts.depth, seed: opts.seed });
      if (opts.json)
        process.stdout.write(
          `${JSON.stringify(resultToJson(model, result, { scenario: scenario.name, variant }))}\n`,
        );
      else process.stdout.write(`${renderResultText(model, result, { color })}\n`);
      exit(result.status === 'violation' ? EXIT.violation : result.status === 'error' ? EXIT.usage : EXIT.ok);
    });

  program
    .command('replay')
    .description('re-run a saved ITF trace on the model and confirm its violation')
    .argument('<trace>', 'ITF JSON file written by check --out or --json')
    .option('--scenario <scenario>', 'scenario to replay on (default: the one recorded in the trace)')
    .action((tracePath: string, opts) => {
      let text: string;
      try {
        text = readFileSync(tracePath, 'utf8');
      } catch (error) {
        throw new VmcheckError(
          'bad-trace',
          `${tracePath}: cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})`,
        );
      }
      const itf = parseItfText(text, tracePath);
      const meta = itf['#meta'];
      const scenarioName = opts.scenario ?? (typeof meta.scenario === 'string' ? meta.scenario : undefined);
      if (!scenarioName)
        throw new VmcheckError('bad-trace', `${tracePath}: #meta.scenario is missing; pass --scenario`);
      const { scenario } = loadScenarioArg(scenarioName);
      const recorded = typeof meta.variant === 'string' ? meta.variant : scenario.variant;
      if (!isVariant(recorded))
        throw new VmcheckError('bad-trace', `${tracePath}: #meta.variant: unknown variant "${recorded}"`);
      const model = createCheckModel(scenario, recorded);
      const replay = replayItf(model, itf, { scenario: scenario.name, variant: recorded });
      if (!replay.ok) {
        process.stderr.write(`vmcheck: ${tracePath}: ${replay.reason}\n`);
        exit(EXIT.usage);
        return;
      }
      process.stdout.write(`${renderTraceText(model, replay.trace, replay.violation, { color })}\n`);
      process.stdout.write(
        replay.violation
          ? `replay confirmed: ${replay.violation.invariant}: ${replay.violation.message}\n`
          : 'replay fits the model; the trace records no violation\n',
      );
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
        process.stdout.write(`${JSON.stringify({ scenarios, variants, invariants: properties })}\n`);
      } else {
        const b = (s: string) => (color ? pc.bold(s) : s);
        process.stdout.write(
          `${b('Scenarios')}\n${scenarios.map((s) => `  ${s.name.padEnd(22)} ${s.description}`).join('\n')}\n\n`,
        );
        process.stdout.write(
          `${b('Variants')}\n${variants.map((v) => `  ${v.name.padEnd(28)} ${v.description}`).join('\n')}\n\n`,
        );
        process.stdout.write(
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
    .option('--json', 'print one JSON object')
    .action((opts) => {
      const summary = runSummary();
      if (opts.json) process.stdout.write(`${JSON.stringify(summary)}\n`);
      else {
        process.stdout.write(`${renderRunTable(summary.rows, { color })}\n\n`);
        for (const line of summary.verdicts) process.stdout.write(`${line}\n`);
      }
      exit(summary.ok ? EXIT.ok : EXIT.violation);
    });
  registerSweep(program, exit);
  return program;
}

function statusOfCode(code: number): string {
  return code === EXIT.ok
    ? 'ok'
    : code === EXIT.violation
      ? 'violation'
      : code === EXIT.incomplete
        ? 'incomplete'
        : 'error';
}

/** Run the command line with `argv` (user arguments only); resolves to the exit code. Never throws. */
export function runCli(argv: readonly string[]): number {
  let code: number = EXIT.ok;
  const program = buildProgram((c) => {
    code = c;
  });
  try {
    program.parse([...argv], { from: 'user' });
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof ScenarioError || error instanceof VmcheckError) {
      process.stderr.write(`vmcheck: ${error.message}\n`);
      return EXIT.usage;
    }
    process.stderr.write(`vmcheck: internal error: ${(error as Error).message}\n`);
    return EXIT.usage;
  }
  return code;
}

if (process.argv[1] && import.meta.url.endsWith(process.argv[1].split('/').pop()!)) {
  process.exitCode = runCli(process.argv.slice(2));
}
