/**
 * Whose turn it is: a resize queued behind a prior-art relocation or a conversion starts when that
 * ends; a reconfiguration step wakes the machine's waiters; an event trigger matches by its kind
 * first. Seen through `reconfiguration`, `queuedReconfigurations`, `changed()` and the refusals.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { UnknownEventError } from './errors.ts';
import type { EventTrigger, Machine } from './machine.ts';
import type { ConfigurationTable } from './resize.ts';
import type { ManualScheduler } from './scheduler.ts';
import { manualMachine, namedScenario, scenarioOf, stepToEnd } from './testSupport.ts';

/** A resize of pageable-conversion's VM-1 that changes nothing but its CPUs' mode. */
const KEEP: ConfigurationTable = {
  'VM-1': {
    before: { size: 3, cpus: { mode: 'shared', cpus: [0] } },
    after: { size: 3, origin: 3, cpus: { mode: 'dedicated', cpus: [0] } },
  },
};

/** Queue a resize behind the running reconfiguration, finish that, and return the resize. */
function queueBehind(machine: Machine, scheduler: ManualScheduler, running = machine.reconfiguration!) {
  const resize = machine.resize(KEEP);
  expect(resize.status).toBe('queued');
  expect(machine.queuedReconfigurations).toEqual([resize]);
  stepToEnd(running, scheduler);
  expect(machine.queuedReconfigurations).toEqual([]);
  expect(resize.status).not.toBe('queued');
  return resize;
}

describe('a resize queued behind another reconfiguration', () => {
  it('should start when a prior-art relocation ends', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), 'prior-art');
    machine.relocate('VM-3', 6);
    const resize = machine.resize(machine.scenario.events[0]!.table);
    expect(machine.queuedReconfigurations).toEqual([resize]);
    stepToEnd(machine.reconfiguration!, scheduler);
    expect(machine.queuedReconfigurations).toEqual([]);
    expect(machine.reconfiguration).toBe(resize);
    expect(resize.status).toBe('running');
  });

  it('should start when a conversion to pageable ends (and fail there: the VM is pageable now)', () => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
    machine.toPageable('VM-1', 1);
    const resize = queueBehind(machine, scheduler);
    expect(resize.status).toBe('failed');
    expect(machine.reconfiguration).toBeNull();
  });

  it('should start when a conversion to page-fixed ends', () => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
    stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    machine.toPageFixed('VM-1', 3);
    const resize = queueBehind(machine, scheduler);
    expect(resize.status).toBe('running');
    expect(machine.reconfiguration).toBe(resize);
  });
});

describe('reconfigurations side by side under fault-interleaved-reconfiguration', () => {
  it('should run a newer request beside the older one and hand the turn back as they end', () => {
    const CPU0 = { mode: 'shared', cpus: [0] } as const;
    const { machine, scheduler } = manualMachine(
      scenarioOf({
        name: 'side-by-side',
        storage: { frames: 12, vmmFrames: 1, pageSize: 16, pagesPerSegment: 4 },
        channels: 1,
        cpus: 1,
        vms: [
          { name: 'A', size: 2, origin: 1, cpus: CPU0 },
          { name: 'B', size: 2, origin: 3, cpus: CPU0 },
        ],
      }),
      'fault-interleaved-reconfiguration',
    );
    expect(machine.runningReconfigurations).toEqual([]);
    const first = machine.relocate('A', 6);
    const second = machine.relocate('B', 9);
    expect(machine.runningReconfigurations).toEqual([first, second]);
    expect(machine.reconfiguration).toBe(second);
    // The older one ends first: the newer keeps the turn.
    stepToEnd(first, scheduler);
    expect(machine.runningReconfigurations).toEqual([second]);
    expect(machine.reconfiguration).toBe(second);
    // A resize arriving now starts beside it instead of waiting.
    const resize = machine.resize({
      A: {
        before: { size: 2, cpus: { ...CPU0, cpus: [0] } },
        after: { size: 2, origin: 6, cpus: { ...CPU0, cpus: [0] } },
      },
    });
    expect(resize.status).toBe('running');
    expect(machine.queuedReconfigurations).toEqual([]);
    expect(machine.runningReconfigurations).toEqual([second, resize]);
    // The newest ends first: the turn goes back to the one it started beside.
    stepToEnd(resize, scheduler);
    expect(machine.reconfiguration).toBe(second);
    expect(machine.runningReconfigurations).toEqual([second]);
    stepToEnd(second, scheduler);
    expect(machine.reconfiguration).toBeNull();
    expect(machine.runningReconfigurations).toEqual([]);
  });
});

describe('a prior-art relocation as plain data', () => {
  it('should name its VM and phase while it runs', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'), 'prior-art');
    const r = machine.relocate('VM-3', 6);
    expect(r.snapshot()).toMatchObject({ kind: 'relocate', vm: 'VM-3', status: 'running', phase: 'suspend' });
    r.step();
    expect(r.snapshot()).toMatchObject({ vm: 'VM-3', phase: 'copy', steps: 1 });
  });
});

describe('waking the machine’s waiters', () => {
  it('should settle changed() at a reconfiguration step that touches no channel', async () => {
    const { machine } = manualMachine(namedScenario('pageable-conversion'));
    const r = machine.toPageable('VM-1', 1);
    let woken = false;
    void machine.changed().then(() => {
      woken = true;
    });
    await Promise.resolve();
    expect(woken).toBe(false);
    expect(r.step().report?.action).toBe('reloc.clearDirect');
    await Promise.resolve();
    expect(woken).toBe(true);
  });
});

/** Two failover events (partners P and Q) and a time-of-day event at 22:00, on one VM. */
function threeEvents() {
  const table = (size: number): ConfigurationTable => ({
    A: {
      before: { size: 2, cpus: { mode: 'shared', cpus: [0] } },
      after: { size, origin: 1, cpus: { mode: 'shared', cpus: [0] } },
    },
  });
  return manualMachine(
    scenarioOf({
      name: 'events',
      storage: { frames: 8, vmmFrames: 1, pageSize: 16, pagesPerSegment: 4 },
      channels: 1,
      cpus: 1,
      vms: [{ name: 'A', size: 2, origin: 1, cpus: { mode: 'shared', cpus: [0] } }],
      events: [
        { trigger: { kind: 'failover', partner: 'P' }, table: table(1) },
        { trigger: { kind: 'failover', partner: 'Q' }, table: table(3) },
        { trigger: { kind: 'timeOfDay', at: '22:00' }, table: table(2) },
      ],
    }),
  ).machine;
}

describe('matching an event trigger', () => {
  it('should match a failover by its partner among several', () => {
    const machine = threeEvents();
    expect(machine.signalEvent({ kind: 'failover', partner: 'Q' }).description).toBe(
      'resize on failover of Q',
    );
    expect(machine.reconfiguration?.description).toBe('resize on failover of Q');
  });

  it('should not match a time-of-day trigger to a failover event, whatever else it carries', () => {
    const machine = threeEvents();
    const trigger = { kind: 'timeOfDay', at: '21:00', partner: 'P' } as const;
    const t: EventTrigger = trigger;
    expect(() => machine.signalEvent(t)).toThrow(UnknownEventError);
    expect(machine.reconfiguration).toBeNull();
  });

  it('should list every known event, comma-separated, when none matches', () => {
    expect(() => threeEvents().signalEvent({ kind: 'failover', partner: 'R' })).toThrow(
      'no event of this scenario matches {"kind":"failover","partner":"R"} (known: failover P, failover Q, time 22:00)',
    );
  });
  it('should leave failover events to signalEvent when polling the clock', () => {
    const clock = new ManualClock('21:00');
    const { machine } = manualMachine(namedScenario('fig1-failover'), 'patent', clock);
    clock.advance(120);
    expect(machine.pollClock()).toEqual([]);
    expect(machine.reconfiguration).toBeNull();
  });
});

describe('a queued resize that cannot start when its turn comes', () => {
  it('should end as failed and hand the turn to the next one only, the rest staying queued', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'));
    machine.relocate('VM-3', 6);
    const table = machine.scenario.events[0]!.table;
    const [first] = Object.keys(table);
    const entry = table[first!]!;
    const wrong: ConfigurationTable = {
      ...table,
      [first!]: { ...entry, before: { ...entry.before, size: entry.before.size + 1 } },
    };
    const failing = machine.resize(wrong);
    const next = machine.resize(table);
    const last = machine.resize(table);
    expect(machine.queuedReconfigurations).toEqual([failing, next, last]);
    stepToEnd(machine.reconfiguration!, scheduler);
    expect(failing.status).toBe('failed');
    expect(machine.reconfiguration).toBe(next);
    expect(next.status).toBe('running');
    expect(machine.queuedReconfigurations).toEqual([last]);
    expect(last.status).toBe('queued');
  });
});
