/**
 * Model throughput: breadth-first exploration of fig6-relocation and fig8-resize under `patent` to
 * completion with the readable (immer) model and the lean (`Int32Array`) model, both driven by the
 * project's explorer `checkBfs` (fingerprint set, parent store, every property checked on every
 * state). Reports the median distinct states per second of each, and lean/readable.
 *
 * Run directly (`npx tsx bench/lean.bench.ts`) to print JSON, or import `runModelBench`.
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { checkBfs } from '../generators/index.ts';
import type { Model } from '../model/core/model.ts';
import { createCheckModel } from '../properties/checkModel.ts';
import { createLeanModel } from '../properties/leanCheckModel.ts';
import { loadScenarioFile } from '../scenario/load.ts';

/** Options of `runModelBench`. */
export interface ModelBenchOptions {
  readonly scenarios?: readonly string[];
  /** Untimed runs before measuring (default 3). */
  readonly warmups?: number;
  /** Timed runs of the lean model (default 15). */
  readonly repetitions?: number;
  /** Timed runs of the readable model (default 5: it is ~50x slower). */
  readonly readableRepetitions?: number;
}

interface Sample {
  readonly distinct: number;
  readonly generated: number;
  readonly ms: number;
  readonly bytesPerState: number | undefined;
  readonly status: string;
}

function runOnce<S, A>(model: Model<S, A>): Sample {
  const start = performance.now();
  const result = checkBfs(model, { stopAtFirst: false });
  const ms = performance.now() - start;
  return {
    distinct: result.stats.distinctStates,
    generated: result.stats.statesGenerated,
    ms,
    bytesPerState: result.stats.bytesPerState,
    status: result.status,
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure<S, A>(make: () => Model<S, A>, warmups: number, repetitions: number) {
  for (let i = 0; i < warmups; i++) runOnce(make());
  const samples = Array.from({ length: repetitions }, () => runOnce(make()));
  const rates = samples.map((x) => (x.distinct / x.ms) * 1000);
  return {
    distinctStates: samples[0]!.distinct,
    statesGenerated: samples[0]!.generated,
    status: samples[0]!.status,
    runs: repetitions,
    medianMs: Math.round(median(samples.map((x) => x.ms)) * 100) / 100,
    medianStatesPerSecond: Math.round(median(rates)),
    bytesPerState: samples[0]!.bytesPerState,
  };
}

/** Explore each scenario under `patent` with both models; JSON-safe result. */
export async function runModelBench(options: ModelBenchOptions = {}): Promise<object> {
  const scenarios = options.scenarios ?? ['fig6-relocation', 'fig8-resize'];
  const warmups = options.warmups ?? 3;
  const repetitions = options.repetitions ?? 15;
  const readableRepetitions = options.readableRepetitions ?? 5;
  const results = scenarios.map((name) => {
    const scenario = loadScenarioFile(new URL(`../scenarios/${name}.json`, import.meta.url).pathname);
    const readable = measure(() => createCheckModel(scenario, 'patent'), warmups, readableRepetitions);
    const lean = measure(() => createLeanModel(scenario, 'patent'), warmups, repetitions);
    return {
      scenario: name,
      variant: 'patent',
      readable,
      lean,
      ratio: Math.round((lean.medianStatesPerSecond / readable.medianStatesPerSecond) * 10) / 10,
    };
  });
  return {
    name: 'model',
    explorer: 'checkBfs (generators/), stopAtFirst: false, all properties checked',
    node: process.version,
    results,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runModelBench(), null, 2));
}
