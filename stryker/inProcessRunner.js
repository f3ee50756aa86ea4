/**
 * A Stryker test runner (`"testRunner": "vmcheck-in-process"`) that loads the mutation test set
 * once per worker process and runs the tests a mutant needs in that process, switching mutants at
 * run time (Stryker's instrumented code reads `globalThis.__stryker__.activeMutant` on every call).
 *
 * Why: Stryker's vitest runner starts a fresh vitest worker for every mutant and evaluates the
 * whole module graph of the test files again (fast-check, the model, impl/, the scenario
 * generator): about 0.4 s a mutant on a quiet 2-core machine and 1-2 s under load, whatever the
 * tests take, so 2,500 mutants cannot finish in minutes. Here a mutant costs what its tests cost.
 *
 * The test files keep their vitest syntax: `import ... from 'vitest'` is mapped to
 * `stryker/vitestShim.js` (describe / it / each / hooks, vitest's own `expect`, `vi.spyOn` / `fn`,
 * fake `setInterval`), TypeScript is loaded with tsx. Test ids are vitest's (`file#suite test`).
 * Static mutants (active only while a module loads) need a fresh process: the runner says it
 * cannot reload (`reloadEnvironment: false`), so Stryker starts a new one for them, and the files
 * are loaded on the first run, with the mutant already active.
 *
 * Options (`vmcheck` in the Stryker config): `testFiles`, a list of paths or `dir/*.test.ts`
 * patterns, relative to the project (in run order); `excludeFiles`, paths left out of those;
 * `excludeTests`, regular expressions on full test names left out; `setupFiles`, loaded first
 * (the suite's seeding); `asyncTimeoutMs`, how long a test's promise may stay pending in a mutant
 * run before the mutant counts as a timeout (default 2000; Stryker's own timeout still applies).
 */
import { readdirSync } from 'node:fs';
import { register } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { commonTokens, declareClassPlugin, PluginKind } from '@stryker-mutator/api/plugin';
import {
  DryRunStatus,
  determineHitLimitReached,
  TestStatus,
  toMutantRunResult,
} from '@stryker-mutator/api/test-runner';

const NAMESPACE = '__stryker__';

/** `patterns` (paths, or `dir/*suffix`) expanded against the working directory, in order. */
function expand(patterns) {
  const out = [];
  for (const p of patterns) {
    const star = p.indexOf('*');
    if (star < 0) {
      out.push(p);
      continue;
    }
    const dir = path.dirname(p);
    const prefix = path.basename(p).slice(0, path.basename(p).indexOf('*'));
    const suffix = p.slice(star + 1);
    for (const f of readdirSync(dir).sort())
      if (f.startsWith(prefix) && f.endsWith(suffix)) out.push(path.join(dir, f));
  }
  return [...new Set(out)];
}

class InProcessTestRunner {
  static inject = [commonTokens.options];

  constructor(options) {
    this.options = options.vmcheck ?? {};
    this.shim = null;
    this.tests = null;
  }

  capabilities() {
    return { reloadEnvironment: false };
  }

  async init() {
    process.env.NODE_ENV = 'test';
    process.env.VMCHECK_MUTATION = '1'; // fewer fast-check runs in impl/'s long properties (`mutationRuns`)
    const { register: registerTsx } = await import('tsx/esm/api');
    registerTsx();
    register(new URL('./loaderHooks.js', import.meta.url));
  }

  /** Load the setup and test files (once), so a static mutant set before is active while they load. */
  async load() {
    if (this.tests) return this.tests;
    this.shim = await import(new URL('./vitestShim.js', import.meta.url).href);
    for (const f of this.options.setupFiles ?? []) await import(pathToFileURL(path.resolve(f)).href);
    const skipFiles = new Set((this.options.excludeFiles ?? []).map((f) => path.resolve(f)));
    for (const f of expand(this.options.testFiles ?? [])) {
      if (skipFiles.has(path.resolve(f))) continue;
      const file = path.resolve(f);
      await this.shim.collect(file, () => import(pathToFileURL(file).href));
    }
    const excluded = (this.options.excludeTests ?? []).map((t) => new RegExp(t));
    this.tests = this.shim.allTests().filter((t) => !excluded.some((re) => re.test(t.name)));
    return this.tests;
  }

  get ns() {
    globalThis[NAMESPACE] ??= {};
    return globalThis[NAMESPACE];
  }

  async dryRun() {
    const ns = this.ns;
    ns.activeMutant = undefined;
    ns.hitCount = undefined;
    ns.hitLimit = undefined;
    try {
      const tests = await this.load();
      const results = await this.shim.runTests(tests, {
        bail: false,
        before: (test) => {
          ns.currentTestId = test.id;
        },
      });
      ns.currentTestId = undefined;
      return {
        status: DryRunStatus.Complete,
        tests: results.map(toTestResult),
        mutantCoverage: ns.mutantCoverage,
      };
    } catch (error) {
      return { status: DryRunStatus.Error, errorMessage: String(error?.stack ?? error) };
    }
  }

  async mutantRun(options) {
    const ns = this.ns;
    ns.activeMutant = options.activeMutant.id;
    ns.currentTestId = undefined;
    ns.hitLimit = options.hitLimit;
    ns.hitCount = options.hitLimit === undefined ? undefined : 0;
    try {
      const all = await this.load();
      const filter = options.testFilter ? new Set(options.testFilter) : null;
      const tests = filter ? all.filter((t) => filter.has(t.id)) : all;
      const results = await this.shim.runTests(tests, {
        bail: !options.disableBail,
        timeoutMs: this.options.asyncTimeoutMs ?? 2000,
      });
      const hung = results.find((r) => r.timedOut);
      const timeout =
        determineHitLimitReached(ns.hitCount, ns.hitLimit) ??
        (hung
          ? {
              status: DryRunStatus.Timeout,
              reason: `${hung.name}: still waiting after ${this.options.asyncTimeoutMs ?? 2000} ms`,
            }
          : undefined);
      return toMutantRunResult(
        timeout ?? { status: DryRunStatus.Complete, tests: results.map(toTestResult) },
      );
    } catch (error) {
      return toMutantRunResult({ status: DryRunStatus.Error, errorMessage: String(error?.stack ?? error) });
    } finally {
      ns.activeMutant = undefined;
      ns.hitCount = undefined;
    }
  }

  async dispose() {}
}

function toTestResult(r) {
  const base = { id: r.id, name: r.name, timeSpentMs: Math.round(r.ms), fileName: r.id.split('#')[0] };
  return r.failure === null
    ? { ...base, status: TestStatus.Success }
    : { ...base, status: TestStatus.Failed, failureMessage: r.failure };
}

export const strykerPlugins = [
  declareClassPlugin(PluginKind.TestRunner, 'vmcheck-in-process', InProcessTestRunner),
];
