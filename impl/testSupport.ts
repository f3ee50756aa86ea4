/**
 * Helpers shared by the impl tests: scenarios, machines on a manual scheduler, byte patterns,
 * and driving a reconfiguration to its end. Not part of the public API.
 */
import { fileURLToPath } from 'node:url';
import { loadScenarioFile, parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import type { Clock } from './clock.ts';
import { createMachine, type Machine } from './machine.ts';
import type { Reconfiguration, StepReport } from './reconfiguration.ts';
import { ManualScheduler } from './scheduler.ts';

/** A scenario of scenarios/ by name, e.g. `fig6-relocation`. */
export function namedScenario(name: string): Scenario {
  return loadScenarioFile(fileURLToPath(new URL(`../scenarios/${name}.json`, import.meta.url)));
}

/** Path of a scenario file of scenarios/. */
export function scenarioPath(name: string): string {
  return fileURLToPath(new URL(`../scenarios/${name}.json`, import.meta.url));
}

/** A validated scenario from a plain object (defaults filled in). */
export function scenarioOf(raw: unknown): Scenario {
  return parseScenario(raw, 'test');
}

/** A machine on a manual scheduler, and that scheduler. */
export function manualMachine(
  scenario: Scenario,
  variant: Variant = 'patent',
  clock?: Clock,
): { machine: Machine; scheduler: ManualScheduler } {
  const scheduler = new ManualScheduler();
  const machine = createMachine(scenario, { variant, scheduler, ...(clock ? { clock } : {}) });
  return { machine, scheduler };
}

/** `length` bytes all equal to `byte`. */
export function filled(length: number, byte: number): Uint8Array {
  return new Uint8Array(length).fill(byte);
}

/** Deterministic bytes from `seed` (a small xorshift), for contents that differ everywhere. */
export function pattern(length: number, seed: number): Uint8Array {
  const out = new Uint8Array(length);
  let x = (seed * 2654435761) >>> 0 || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x >>>= 0;
    x ^= x >>> 17;
    x ^= x << 5;
    x >>>= 0;
    out[i] = x & 0xff;
  }
  return out;
}

/**
 * Step `r` to its end on a manual scheduler: whenever it waits, run one unit of the lowest ready
 * channel. Returns the reports of the steps that did something. Throws if it waits with no
 * channel ready (that would be a deadlock).
 */
export function stepToEnd(r: Reconfiguration, scheduler: ManualScheduler, maxPages = 1): StepReport[] {
  const reports: StepReport[] = [];
  for (let i = 0; i < 100_000; i++) {
    const result = r.step({ maxPages });
    if (result.status === 'done') {
      if (result.report) reports.push(result.report);
      return reports;
    }
    if (result.status === 'progress') reports.push(result.report);
    else {
      const ready = scheduler.ready();
      if (ready.length === 0) throw new Error(`stuck: ${JSON.stringify(result.report)}`);
      scheduler.runOne(ready[0]!);
    }
  }
  throw new Error('did not finish in 100000 steps');
}

/** Action names of `reports`, in order. */
export function actions(reports: readonly StepReport[]): string[] {
  return reports.map((r) => r.action);
}

/** Run every channel unit until the channels are idle. */
export function drain(machine: Machine, scheduler: ManualScheduler): void {
  scheduler.runAll();
  if (machine.channelStatus().some((c) => c.busy && !c.program?.suspended))
    throw new Error('channels did not drain');
}

/**
 * `promise`, or a rejection naming `what` if it has not settled after `ms` of real time: a bound
 * on waiting for an event-loop event, so a hang fails with a clear message instead of at the
 * project's test timeout. The bound is generous (it only matters when something hangs).
 */
export async function within<T>(promise: Promise<T>, what: string, ms = 20_000): Promise<T> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} did not happen within ${ms} ms`)), ms);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}

/**
 * `n` fast-check runs, or a tenth of them under mutation testing (`VMCHECK_MUTATION=1`, set by
 * `stryker/inProcessRunner.js`), where a property runs again for every mutant it reaches.
 */
export function mutationRuns(n: number): number {
  return process.env.VMCHECK_MUTATION === '1' ? Math.ceil(n / 10) : n;
}
