/**
 * Model-based tests of events arriving by the machine's clock: Fig. 8's scenario with a second
 * event, seeded paths of the patent model replayed on the machine (`replayAndDrainOnImpl` with
 * probes). With two times of day, the second arrives by the clock after the first (set to the
 * minute before it, where a poll must start nothing; then to it), and whichever comes second finds
 * its table no longer fitting: the model refuses it (`resize.refuse`), so must the machine, and a
 * poll again at that minute must start nothing (`ModelImplAdapter.pollAgain`). With a failover
 * listed before the time of day, the clock must signal the time's event, not the failover's. Small
 * and seeded, as `modelVsImpl.walks.test.ts` (this set runs under `npm run mutate:mbt` too).
 */
import fc from 'fast-check';
import { describe, expect, it, vi } from 'vitest';
import { createMachine, ManualClock, ManualScheduler } from '../impl/index.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { loadScenarioFile } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { createCheckModel } from './checkModel.ts';
import { replayAndDrainOnImpl, replayOnImpl, withImplementationChoices } from './modelVsImpl.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

const FIG8 = loadScenarioFile(new URL('../scenarios/fig8-resize.json', import.meta.url).pathname);
const TABLE = FIG8.events[0]!.table;

/** Fig. 8's table with VM-2 shrunk to 2 pages at frame 4 instead of 1 at frame 5. */
const OTHER_TABLE = {
  ...TABLE,
  'VM-1': { ...TABLE['VM-1']!, after: { ...TABLE['VM-1']!.after, size: 3 } },
  'VM-2': { ...TABLE['VM-2']!, after: { ...TABLE['VM-2']!.after, size: 2, origin: 4 } },
};

const withEvents = (name: string, events: Scenario['events']): Scenario => ({
  ...FIG8,
  name,
  storage: { ...FIG8.storage, pageSize: 64 },
  events,
});

const SCENARIOS: readonly Scenario[] = [
  withEvents('fig8-two-times', [
    FIG8.events[0]!,
    { trigger: { kind: 'timeOfDay', at: '23:00' }, table: OTHER_TABLE },
  ]),
  withEvents('fig8-failover-then-time', [
    { trigger: { kind: 'failover', partner: 'HOST-B' }, table: OTHER_TABLE },
    FIG8.events[0]!,
  ]),
];

const shared = () => ({ mode: 'shared' as const, cpus: [0, 1] });
const entry = (before: number, size: number, origin: number) => ({
  before: { size: before, cpus: shared() },
  after: { size, origin, cpus: shared() },
});

/**
 * One event each, arriving at rest, whose table the model decides by carrying the moves and
 * growths out in 7020 / 7030's order on the frames as they are then: the machine must decide alike.
 */
const TABLES: readonly { scenario: Scenario; refused: boolean }[] = [
  // VM-2 (moving up first) shrinks to frame 5, then VM-1 would move up to frame 6, still VM-3's
  // (VM-3 moves down to frame 1 only after): refused, though the areas after do not overlap.
  {
    scenario: withEvents('fig8-moves-out-of-order', [
      {
        trigger: { kind: 'timeOfDay', at: '22:00' },
        table: { 'VM-1': entry(1, 1, 6), 'VM-2': entry(4, 1, 5), 'VM-3': entry(1, 1, 1) },
      },
    ]),
    refused: true,
  },
  // VM-1 grows into frame 4 (first: 7030 takes the VMs in order), then VM-2 into frame 2, below
  // VM-1: both fit.
  {
    scenario: {
      ...withEvents('two-growers', [
        {
          trigger: { kind: 'timeOfDay', at: '22:00' },
          table: { 'VM-1': entry(1, 2, 3), 'VM-2': entry(1, 2, 1) },
        },
      ]),
      storage: { ...FIG8.storage, frames: 5, pageSize: 64 },
      vms: [
        { ...FIG8.vms[0]!, origin: 3, cpus: shared() },
        { ...FIG8.vms[1]!, size: 1, origin: 1, cpus: shared() },
      ],
      io: [],
    },
    refused: false,
  },
];

/** Seeded paths of `scenario`'s patent model (restricted to the machine's choices). */
function pathsOf(scenario: Scenario, seed: number) {
  const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
  return { model, traces: fc.sample(weightedTraceArbitrary(model, 60), { seed, numRuns: 4 }) };
}

const SEEDS = [1, 2, 3, 4];

/** What the greedy path prefers, first to last: I/O, then the reconfiguration's steps and its guests. */
const PRIORITY = ['channel.', 'reloc.', 'resize.', 'guest.offline', 'guest.online'];

/**
 * A path of `scenario`'s patent model where each event arrives with the machine at rest: the
 * reconfiguration under way run to its end first (dispatching the VM a resize waits for), then
 * the next event to arrive (the first of the scenario's order, or with `lastFirst` the last).
 */
function eventsAtRest(scenario: Scenario, lastFirst: boolean, variant: Variant = 'patent') {
  const model = withImplementationChoices(createCheckModel(scenario, variant));
  const initial = model.initialStates()[0]!;
  const steps: { action: Action; state: MachineState }[] = [];
  let state = initial;
  for (let i = 0; i < 200; i++) {
    const actions = model.actions(state);
    let chosen = PRIORITY.map((p) => actions.find((a) => a.kind.startsWith(p))).find((a) => a !== undefined);
    const r = state.reconfig;
    if (chosen === undefined && r?.kind === 'resize') {
      const waited = state.vms.findIndex(
        (vm, v) => vm.shrinkRequest !== null || (r.step === 'grow' && r.asked && r.cursor === v),
      );
      chosen = actions.find((a) => a.kind === 'cpu.dispatch' && a.vm === waited);
    }
    if (chosen === undefined && r === null) {
      const arrivals = actions.filter((a) => a.kind === 'event.arrive');
      chosen = lastFirst ? arrivals.at(-1) : arrivals[0];
    }
    if (chosen === undefined) break;
    state = model.next(state, chosen);
    steps.push({ action: chosen, state });
  }
  return { model, trace: { initial, steps } };
}

describe('two events of Fig. 8, paths replayed on the machine', () => {
  it('should reach both arrivals and a refusal on every scenario', () => {
    for (const scenario of SCENARIOS) {
      let both = 0;
      let refused = 0;
      for (const seed of SEEDS)
        for (const trace of pathsOf(scenario, seed).traces) {
          const kinds = trace.steps.map((s) => s.action.kind);
          if (kinds.filter((k) => k === 'event.arrive').length === 2) both++;
          if (kinds.includes('resize.refuse')) refused++;
        }
      expect({ scenario: scenario.name, both: both > 0, refused: refused > 0 }).toEqual({
        scenario: scenario.name,
        both: true,
        refused: true,
      });
    }
  });

  it.each(SCENARIOS.flatMap((s) => [false, true].map((lastFirst) => [s.name, lastFirst, s] as const)))(
    'should agree with the model on %s, each event arriving at rest (the last first: %s)',
    async (_name, lastFirst, scenario) => {
      const { model, trace } = eventsAtRest(scenario, lastFirst);
      const kinds = trace.steps.map((s) => s.action.kind);
      // Both arrive; the second finds its table no longer fitting and the model refuses it.
      expect(kinds.filter((k) => k === 'event.arrive').length).toBe(2);
      expect(kinds.at(-1)).toBe('resize.refuse');
      const result = await replayAndDrainOnImpl(model, trace, { actions: model.actions, probes: true });
      expect(result.mismatch?.error.message ?? null, kinds.join(' ')).toBeNull();
      expect(result.difference).toBeNull();
      expect(result.findings).toEqual([]);
    },
  );

  it.each(TABLES.map((t) => [t.scenario.name, t] as const))(
    'should decide the table as the model does on %s, the event arriving at rest',
    async (_name, { scenario, refused }) => {
      const { model, trace } = eventsAtRest(scenario, false);
      const kinds = trace.steps.map((s) => s.action.kind);
      expect(kinds.includes('resize.refuse')).toBe(refused);
      expect(kinds.includes('resize.reassignCpus')).toBe(!refused);
      const result = await replayAndDrainOnImpl(model, trace, { actions: model.actions, probes: true });
      expect(result.mismatch?.error.message ?? null, kinds.join(' ')).toBeNull();
      expect(result.difference).toBeNull();
      expect(result.findings).toEqual([]);
    },
  );

  it.each(SCENARIOS.flatMap((s) => SEEDS.map((seed) => [s.name, seed, s] as const)))(
    'should agree with the model on %s, paths of seed %i',
    async (_name, seed, scenario) => {
      const { model, traces } = pathsOf(scenario, seed);
      for (const trace of traces) {
        const result = await replayAndDrainOnImpl(model, trace, { actions: model.actions, probes: true });
        const where = `${scenario.name}, path of seed ${seed}: ${trace.steps.map((s) => s.action.kind).join(' ')}`;
        expect(result.mismatch?.error.message ?? null, where).toBeNull();
        expect(result.difference, where).toBeNull();
        expect(result.findings, where).toEqual([]);
      }
    },
  );
});

describe('an event arriving by the watched clock', () => {
  it.each(SCENARIOS.map((s) => [s.name, s] as const))(
    'should begin the resize the model begins on %s, at the first timer tick at its time',
    (_name, scenario) => {
      const model = createCheckModel(scenario, 'patent');
      const initial = model.initialStates()[0]!;
      const e = scenario.events.findIndex((ev) => ev.trigger.kind === 'timeOfDay');
      const trigger = scenario.events[e]!.trigger;
      if (trigger.kind !== 'timeOfDay') throw new Error('no time of day');
      // The model: the event arrives (nothing runs) and its resize begins next.
      const arrive = model.actions(initial).find((a) => a.kind === 'event.arrive' && a.event === e);
      expect(arrive).toBeDefined();
      const after = model.next(initial, arrive!);
      const begins = model.actions(after).some((a) => a.kind === 'resize.begin' && a.event === e);
      const clock = new ManualClock('00:00');
      const machine = createMachine(scenario, { clock, scheduler: new ManualScheduler() });
      // Fake interval timers: the watch polls when the test advances time, never on the wall clock.
      vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
      try {
        const stop = machine.watchClock(1000);
        clock.set(trigger.at);
        vi.advanceTimersByTime(1000);
        const r = machine.reconfiguration;
        expect({ begun: r !== null, description: r?.description ?? null }).toEqual({
          begun: begins,
          description: begins ? `resize on time of day ${trigger.at}` : null,
        });
        stop();
        expect(vi.getTimerCount()).toBe(0);
      } finally {
        vi.useRealTimers();
      }
    },
  );
});

describe('a shared VM keeping its CPUs under fault-dedicated-cpu-shared', () => {
  it('should have the CPUs the model gives it, in order, after 7050', () => {
    // VM-3 runs on CPU 1 before and on CPU 0 after; under the fault it keeps CPU 1 (now VM-1's,
    // dedicated) as well: the model's list is CPUs 0 and 1, ascending.
    const one = { mode: 'shared' as const, cpus: [1] };
    const only = (cpu: number) => ({ mode: 'shared' as const, cpus: [cpu] });
    const scenario: Scenario = {
      ...withEvents('fig8-keeps-cpu', [
        {
          trigger: { kind: 'timeOfDay', at: '22:00' },
          table: {
            'VM-1': {
              before: { size: 1, cpus: shared() },
              after: { size: 4, origin: 1, cpus: { mode: 'dedicated', cpus: [1] } },
            },
            'VM-2': { before: { size: 4, cpus: shared() }, after: { size: 1, origin: 5, cpus: only(0) } },
            'VM-3': { before: { size: 1, cpus: one }, after: { size: 1, origin: 6, cpus: only(0) } },
          },
        },
      ]),
      vms: FIG8.vms.map((vm) => (vm.name === 'VM-3' ? { ...vm, cpus: one } : vm)),
    };
    const { model, trace } = eventsAtRest(scenario, false, 'fault-dedicated-cpu-shared');
    const last = trace.steps.at(-1)!;
    expect(last.action.kind).toBe('resize.reassignCpus');
    expect(last.state.vms[2]!.cpus.cpus).toEqual([0, 1]);
    const result = replayOnImpl(model.ctx, trace, { actions: model.actions });
    expect(result.mismatch?.error.message ?? null).toBeNull();
    expect(result.difference).toBeNull();
  });
});
