/**
 * The model's interpretations side by side, in one run: `checkBfs` (as `vmcheck check` runs it)
 * over every shipped scenario under `patent` through the JSON view (the same model decoded at every
 * step, as replay and the reports see it), and the packed model with the `not-enabled` check (the
 * default) and without it; and the packed model on bench/scenarios/fig6-scaled.json (1,808,592
 * distinct states).
 * Distinct states per second (median of `repetitions` runs) and bytes per visited state.
 *
 * Run: `npm run bench -- engines` (writes bench/results/engines.json) or
 * `npx tsx bench/engines.bench.ts`.
 */
import { readdirSync } from 'node:fs';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { checkBfs } from '../generators/index.ts';
import type { Model } from '../model/core/model.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import { createLeanModel } from '../properties/leanCheckModel.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

/** Options of `runEnginesBench`. */
export interface EnginesBenchOptions {
  /** Timed runs per shipped scenario and interpretation (default 5; 1 warm-up before). */
  readonly repetitions?: number;
  /** Timed runs on the large scenario (default 1). */
  readonly largeRepetitions?: number;
  /** Skip the large scenario. */
  readonly skipLarge?: boolean;
}

interface Row {
  readonly distinctStates: number;
  readonly status: string;
  readonly runs: number;
  readonly medianMs: number;
  readonly medianStatesPerSecond: number;
  readonly bytesPerState: number | undefined;
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure<S, A>(make: () => Model<S, A>, warmups: number, repetitions: number): Row {
  const runs: { ms: number; distinct: number; status: string; bytes: number | undefined }[] = [];
  for (let i = 0; i < warmups + repetitions; i++) {
    const model = make();
    const start = performance.now();
    const result = checkBfs(model, { stopAtFirst: false, witnessTraces: false });
    const ms = performance.now() - start;
    if (i >= warmups)
      runs.push({
        ms,
        distinct: result.stats.distinctStates,
        status: result.status,
        bytes: result.stats.bytesPerState,
      });
  }
  return {
    distinctStates: runs[0]!.distinct,
    status: runs[0]!.status,
    runs: repetitions,
    medianMs: Math.round(median(runs.map((r) => r.ms))),
    medianStatesPerSecond: Math.round(median(runs.map((r) => (r.distinct / r.ms) * 1000))),
    bytesPerState: runs[0]!.bytes === undefined ? undefined : Math.round(runs[0]!.bytes * 10) / 10,
  };
}

const shipped = (): string[] =>
  readdirSync(new URL('../scenarios/', import.meta.url))
    .filter((f) => f.endsWith('.json'))
    .map((f) => f.replace(/\.json$/, ''))
    .sort();

/** Run the engines benchmark; JSON-safe result. */
export async function runEnginesBench(options: EnginesBenchOptions = {}): Promise<object> {
  const repetitions = options.repetitions ?? 5;
  const load = (url: URL): Scenario => loadScenarioFile(url.pathname);
  const rows = shipped().map((name) => {
    const scenario = load(new URL(`../scenarios/${name}.json`, import.meta.url));
    return {
      scenario: name,
      variant: 'patent',
      view: measure(() => createCheckModel(scenario, 'patent'), 1, Math.min(3, repetitions)),
      leanChecked: measure(() => createLeanModel(scenario, 'patent'), 1, repetitions),
      leanUnchecked: measure(
        () => createLeanModel(scenario, 'patent', { checkEnabled: false }),
        1,
        repetitions,
      ),
    };
  });
  const large = options.skipLarge
    ? []
    : [
        (() => {
          const scenario = load(new URL('./scenarios/fig6-scaled.json', import.meta.url));
          const n = options.largeRepetitions ?? 1;
          return {
            scenario: 'fig6-scaled',
            variant: 'patent',
            leanChecked: measure(() => createLeanModel(scenario, 'patent'), 0, n),
            leanUnchecked: measure(() => createLeanModel(scenario, 'patent', { checkEnabled: false }), 0, n),
          };
        })(),
      ];
  return {
    name: 'engines',
    explorer: 'checkBfs (generators/), stopAtFirst: false, every property checked, no witness traces',
    node: process.version,
    results: [...rows, ...large],
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runEnginesBench(), null, 2));
}
