/**
 * Model throughput: breadth-first exploration of fig6-relocation and fig8-resize under `patent` to
 * completion with the packed (`Int32Array`) model and through its JSON view (the same model
 * decoded at every step), both driven by the project's explorer `checkBfs` (fingerprint set,
 * parent store, every property checked on every state). Reports the median distinct states per
 * second of each, and packed/view.
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
  /** Untimed runs before measuring (default 10). */
  readonly warmups?: number;
  /** Timed runs of the lean model (default 41). */
  readonly repetitions?: number;
  /** Timed runs through the JSON view (default 5: it is much slower). */
  readonly viewRepetitions?: number;
}

interface Sample {
  readonly distinct: number;
  readonly generated: number;
  readonly ms: number;
  readonly bytesPerState: number | undefined;
  readonly status: string;
}

/** `checkBfs` as `vmcheck check` runs it: every property checked, witness traces not rebuilt. */
function runOnce<S, A>(model: Model<S, A>): Sample {
  return runBfs(model, false);
}

/** `checkBfs` also rebuilding the trace to each `sometimes` witness (`vmcheck check --witnesses`). */
function runWithWitnessTraces<S, A>(model: Model<S, A>): Sample {
  return runBfs(model, true);
}

function runBfs<S, A>(model: Model<S, A>, witnessTraces: boolean): Sample {
  const start = performance.now();
  const result = checkBfs(model, { stopAtFirst: false, witnessTraces });
  const ms = performance.now() - start;
  return {
    distinct: result.stats.distinctStates,
    generated: result.stats.statesGenerated,
    ms,
    bytesPerState: result.stats.bytesPerState,
    status: result.status,
  };
}

/**
 * The model's own cost: a minimal BFS with a `Set` of fingerprint keys, checking every property on
 * every distinct state and `isFinal` where nothing is enabled, with no parent store or traces.
 */
function runMinimal<S, A>(model: Model<S, A>): Sample {
  const start = performance.now();
  const key = (s: S) => {
    const [hi, lo] = model.fingerprint(s);
    return hi * 0x200000 + (lo >>> 11) + (lo & 0x7ff) / 0x800; // all 64 bits in one double
  };
  const seen = new Set<number>();
  let frontier = [...model.initialStates()];
  for (const s of frontier) seen.add(key(s));
  let generated = frontier.length;
  while (frontier.length > 0) {
    const next: S[] = [];
    for (const s of frontier) {
      for (const p of model.properties) p.check(s);
      const actions = model.actions(s);
      if (actions.length === 0) model.isFinal(s);
      for (const a of actions) {
        const n = model.next(s, a);
        generated++;
        const k = key(n);
        if (!seen.has(k)) {
          seen.add(k);
          next.push(n);
        }
      }
    }
    frontier = next;
  }
  return {
    distinct: seen.size,
    generated,
    ms: performance.now() - start,
    bytesPerState: undefined,
    status: 'ok',
  };
}

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function measure<S, A>(
  make: () => Model<S, A>,
  warmups: number,
  repetitions: number,
  run: (model: Model<S, A>) => Sample = runOnce,
) {
  for (let i = 0; i < warmups; i++) run(make());
  const samples = Array.from({ length: repetitions }, () => run(make()));
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

/** Explore each scenario under `patent` packed and through its view; JSON-safe result. */
export async function runModelBench(options: ModelBenchOptions = {}): Promise<object> {
  const scenarios = options.scenarios ?? ['fig6-relocation', 'fig8-resize'];
  const warmups = options.warmups ?? 10;
  const repetitions = options.repetitions ?? 41;
  const viewRepetitions = options.viewRepetitions ?? 5;
  const results = scenarios.map((name) => {
    const scenario = loadScenarioFile(new URL(`../scenarios/${name}.json`, import.meta.url).pathname);
    const view = measure(() => createCheckModel(scenario, 'patent'), warmups, viewRepetitions);
    const lean = measure(() => createLeanModel(scenario, 'patent'), warmups, repetitions);
    const leanWithWitnessTraces = measure(
      () => createLeanModel(scenario, 'patent'),
      warmups,
      repetitions,
      runWithWitnessTraces,
    );
    const viewMinimal = measure(
      () => createCheckModel(scenario, 'patent'),
      warmups,
      viewRepetitions,
      runMinimal,
    );
    const leanMinimal = measure(() => createLeanModel(scenario, 'patent'), warmups, repetitions, runMinimal);
    const ratio = (x: number, y: number) => Math.round((x / y) * 10) / 10;
    return {
      scenario: name,
      variant: 'patent',
      view,
      lean,
      leanWithWitnessTraces,
      ratio: ratio(lean.medianStatesPerSecond, view.medianStatesPerSecond),
      minimalBfs: {
        view: viewMinimal.medianStatesPerSecond,
        lean: leanMinimal.medianStatesPerSecond,
        ratio: ratio(leanMinimal.medianStatesPerSecond, viewMinimal.medianStatesPerSecond),
      },
    };
  });
  return {
    name: 'model',
    explorer:
      'checkBfs (generators/), stopAtFirst: false, every invariant and sometimes property checked, witness traces not rebuilt (as vmcheck check runs it); leanWithWitnessTraces also rebuilds them',
    minimalBfs: 'Set of fingerprint keys, all properties checked, no parent store (model cost alone)',
    node: process.version,
    results,
  };
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  console.log(JSON.stringify(await runModelBench(), null, 2));
}
