/**
 * The scale benchmark: a family of scenarios scaled up from fig6-relocation (bench/scenarios:
 * fig6-scaled-small ~2·10^5, fig6-scaled ~1.8·10^6 and fig6-scaled-xl ~1.4·10^7 distinct states
 * under `patent`; fig6-scaled-large, ~7·10^6, on request), each explored to completion by plain
 * BFS on one core and by the parallel explorer on 1 and on every worker thread, each with and
 * without partial-order reduction, and as `vmcheck check` runs it by default (every core, the
 * progress check, POR), and by Spin on its Promela mirror (bench/spin) when `spin` and `gcc` are
 * installed (skipped, saying so, when not). Each run is a process of its own, so its peak RSS is
 * its own; figures are medians of `runs` runs, measured one after the other in one go. With
 * `--bounds MB,MB,...` each scenario is also run under each `--max-memory` bound by checkBfs, one
 * worker and the default, to see where it stops and its peak RSS against the bound.
 *
 * `npx tsx bench/scale.bench.ts [--runs N] [--scenarios a,b] [--variant V] [--bounds 200,500]`
 * prints JSON; `npm run bench scale` saves it as bench/results/scale.json.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const DEFAULT_SCENARIOS = ['fig6-scaled-small', 'fig6-scaled', 'fig6-scaled-xl'];

/** Options of `runScaleBench`. */
export interface ScaleBenchOptions {
  readonly scenarios?: readonly string[];
  readonly variant?: string;
  /** Timed runs of each configuration (default 3; 1 for fig6-scaled-large and -xl). */
  readonly runs?: number;
  /** `--max-memory` bounds in MiB to run each scenario under (default none). */
  readonly boundsMB?: readonly number[];
}

interface Run {
  readonly status: string;
  readonly incompleteReason?: string;
  readonly distinct: number;
  readonly generated: number;
  readonly ms: number;
  readonly statesPerSecond: number;
  readonly bytesPerState?: number;
  readonly peakRssBytes: number;
  readonly violations?: readonly string[];
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** Median figures of `runs` runs. */
function summarise(runs: Run[]) {
  return {
    status: runs[0]!.status,
    ...(runs[0]!.incompleteReason === undefined ? {} : { incompleteReason: runs[0]!.incompleteReason }),
    distinct: runs[0]!.distinct,
    generated: runs[0]!.generated,
    seconds: Math.round(median(runs.map((r) => r.ms))) / 1000,
    statesPerSecond: median(runs.map((r) => r.statesPerSecond)),
    bytesPerState: runs[0]!.bytesPerState,
    peakRssMB: Math.round(median(runs.map((r) => r.peakRssBytes)) / 2 ** 20),
    runs: runs.length,
    allSeconds: runs.map((r) => Math.round(r.ms) / 1000),
  };
}

function vmcheckRun(
  path: string,
  variant: string,
  engine: string,
  workers: number,
  reduction: '' | 'por' = '',
  boundMB?: number,
): Run {
  const out = execFileSync(
    process.execPath,
    [
      '--import',
      'tsx',
      join(here, 'scaleRun.ts'),
      path,
      variant,
      engine,
      String(workers),
      boundMB === undefined ? '-' : String(boundMB),
      reduction,
    ],
    { encoding: 'utf8', maxBuffer: 1 << 24 },
  );
  return JSON.parse(out.trim().split('\n').at(-1)!) as Run;
}

function hasSpin(): boolean {
  return ['spin', 'gcc'].every((tool) => spawnSync('sh', ['-c', `command -v ${tool}`]).status === 0);
}

/** Build Spin's verifier for the scenario (-O2 -DSAFETY -DNOREDUCE), or say why not. */
function buildSpin(
  path: string,
  variant: string,
): { dir: string; compileSeconds: number } | { skipped: string } {
  if (variant !== 'patent' && variant !== 'prior-art') return { skipped: `the mirror has no ${variant}` };
  const dir = mkdtempSync(join(tmpdir(), 'vmcheck-spin-'));
  const flags = variant === 'prior-art' ? ['-DPRIOR_ART'] : [];
  const start = performance.now();
  const built = spawnSync('bash', [join(here, 'spin', 'build.sh'), path, dir, ...flags], {
    encoding: 'utf8',
  });
  if (built.status !== 0)
    return { skipped: `build failed: ${(built.stderr || built.stdout).trim().slice(0, 300)}` };
  return { dir, compileSeconds: Math.round(performance.now() - start) / 1000 };
}

function spinRun(dir: string): Run {
  const timed = spawnSync('/usr/bin/time', ['-v', join(dir, 'pan'), '-m100000'], {
    encoding: 'utf8',
    cwd: dir,
  });
  const out = timed.stdout;
  const stored = Number(/(\d+) states, stored/.exec(out)?.[1]);
  const transitions = Number(/(\d+) transitions/.exec(out)?.[1]);
  const seconds = Number(/elapsed time ([\d.]+) seconds/.exec(out)?.[1]);
  const rssKb = Number(/Maximum resident set size \(kbytes\): (\d+)/.exec(timed.stderr)?.[1]);
  return {
    status: /errors: 0/.test(out) ? 'ok' : 'violation',
    distinct: stored,
    generated: transitions,
    ms: seconds * 1000,
    statesPerSecond: Math.round(stored / seconds),
    peakRssBytes: rssKb * 1024,
  };
}

/** Run the scale benchmark; see the module comment. */
export async function runScaleBench(options: ScaleBenchOptions = {}) {
  const variant = options.variant ?? 'patent';
  const cores = availableParallelism();
  const results = [];
  for (const name of options.scenarios ?? DEFAULT_SCENARIOS) {
    const path = join(here, 'scenarios', `${name}.json`);
    if (!existsSync(path)) throw new Error(`no bench scenario ${name}`);
    const runs = options.runs ?? (name.endsWith('-large') || name.endsWith('-xl') ? 1 : 3);
    const repeat = (f: () => Run) => summarise(Array.from({ length: runs }, f));
    process.stderr.write(`scale ${name}: ${runs} run(s) of each configuration\n`);
    const engines: [string, string, number][] = [
      ['checkBfs, 1 core', 'bfs', 1],
      ['parallel, 1 worker', 'parallel', 1],
      [`parallel, ${cores} workers`, 'parallel', cores],
      [`parallel, ${cores} workers, progress`, 'parallel+progress', cores],
    ];
    const configurations: Record<string, unknown> = {};
    for (const [label, engine, workers] of engines) {
      for (const reduction of ['', 'por'] as const) {
        const key = reduction === '' ? label : `${label}, POR`;
        process.stderr.write(`  ${key}\n`);
        configurations[key] = repeat(() => vmcheckRun(path, variant, engine, workers, reduction));
      }
    }
    // `parallel, N workers, progress, POR` is what `vmcheck check` runs by default.
    const memoryBound: Record<string, unknown> = {};
    for (const boundMB of options.boundsMB ?? []) {
      for (const [label, engine, workers] of [engines[0]!, engines[1]!, engines[3]!]) {
        const key = `${label}, POR, --max-memory ${boundMB}`;
        process.stderr.write(`  ${key}\n`);
        const run = vmcheckRun(path, variant, engine, workers, 'por', boundMB);
        memoryBound[key] = {
          ...summarise([run]),
          boundMB,
          peakOverBound: Math.round((run.peakRssBytes / (boundMB * 2 ** 20)) * 1000) / 1000,
        };
      }
    }
    if (!hasSpin()) {
      configurations.spin = { skipped: 'spin or gcc not installed (apt-get install spin gcc)' };
    } else {
      const built = buildSpin(path, variant);
      configurations['spin -DNOREDUCE'] =
        'skipped' in built
          ? built
          : {
              ...summarise(Array.from({ length: runs }, () => spinRun(built.dir))),
              compileSeconds: built.compileSeconds,
            };
    }
    results.push({
      scenario: name,
      variant,
      description: JSON.parse(readFileSync(path, 'utf8')).description,
      configurations,
      ...(options.boundsMB === undefined ? {} : { memoryBound }),
    });
  }
  return { cores, results };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const value = (flag: string) => {
    const i = args.indexOf(flag);
    return i < 0 ? undefined : args[i + 1];
  };
  const result = await runScaleBench({
    ...(value('--runs') ? { runs: Number(value('--runs')) } : {}),
    ...(value('--scenarios') ? { scenarios: value('--scenarios')!.split(',') } : {}),
    ...(value('--variant') ? { variant: value('--variant')! } : {}),
    ...(value('--bounds') ? { boundsMB: value('--bounds')!.split(',').map(Number) } : {}),
  });
  process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
}
