import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import { DoesNotFitError, InvalidRequestError, UnknownEventError } from './errors.ts';
import { createMachineFromFile } from './machine.ts';
import type { ConfigurationTable } from './resize.ts';
import { actions, filled, manualMachine, namedScenario, scenarioPath, stepToEnd } from './testSupport.ts';

const PS = 4096;

/** fig8: VM-1 at 1 (1 page), VM-2 at 2..5, VM-3 at 6; VM-2's pages filled with 0x20 + page. */
function fig8(variant: Parameters<typeof manualMachine>[1] = 'patent') {
  const clock = new ManualClock('21:58');
  const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), variant, clock);
  machine.write('VM-1', 0, filled(PS, 0x10));
  for (let p = 0; p < 4; p++) machine.write('VM-2', p * PS, filled(PS, 0x20 + p));
  machine.write('VM-3', 0, filled(PS, 0x30));
  return { machine, scheduler, clock };
}

/** A configuration table to edit in place. */
type Table = {
  [vm: string]: {
    before: { size: number; cpus: unknown };
    after: { size: number; origin: number; cpus: unknown };
  };
};

describe('resize on a time-of-day event (Fig. 8-9)', () => {
  it('should fire when the injected clock passes 22:00 and follow steps 7000-7050', () => {
    const { machine, scheduler, clock } = fig8();
    expect(machine.pollClock()).toEqual([]);
    clock.set('21:59');
    expect(machine.pollClock()).toEqual([]);
    clock.set('22:00');
    const [resize] = machine.pollClock();
    expect(resize).toBeDefined();
    expect(machine.reconfiguration).toBe(resize);
    const reports = stepToEnd(resize!, scheduler);
    expect(actions(reports)).toEqual([
      'resize.askShrink',
      'guest.offline',
      'resize.relocate',
      'reloc.clearDirect',
      'reloc.buildSpace',
      'reloc.copyAll',
      'reloc.setOrigin',
      'reloc.setPageFixed',
      'reloc.setDirect',
      'reloc.dispatch',
      'resize.askGrow',
      'guest.online',
      'resize.reassignCpus',
    ]);
    expect(machine.vm('VM-1')).toMatchObject({
      size: 4,
      onlineSize: 4,
      controlBlock: { origin: 1, end: 4, pageFixed: true },
    });
    expect(machine.vm('VM-2')).toMatchObject({
      size: 1,
      onlineSize: 1,
      controlBlock: { origin: 5, end: 5, pageFixed: true, direct: true },
    });
    expect(machine.vm('VM-3')).toMatchObject({ size: 1, controlBlock: { origin: 6 } });
    // Content: VM-1 keeps page 0, its new pages are zeroed; VM-2 keeps its online page 0.
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0x10));
    expect(machine.read('VM-1', PS, 3 * PS)).toEqual(filled(3 * PS, 0));
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x20));
    expect(machine.read('VM-3', 0, PS)).toEqual(filled(PS, 0x30));
    expect(() => machine.read('VM-2', PS, 1)).toThrow(/past end/);
    // CPUs per the table: CPU 0 dedicated to VM-1, CPU 1 shared by VM-2 and VM-3.
    expect(machine.cpuStatus()).toEqual([
      { cpu: 0, assigned: ['VM-1'], dedicatedTo: 'VM-1', running: null },
      { cpu: 1, assigned: ['VM-2', 'VM-3'], dedicatedTo: null, running: null },
    ]);
    for (let i = 0; i < 3; i++) expect(machine.dispatch(0)).toBe('VM-1');
    expect([machine.dispatch(1), machine.dispatch(1)].sort()).toEqual(['VM-2', 'VM-3']);
    clock.advance(60);
    expect(machine.pollClock()).toEqual([]);
  });

  it('should let the guest offline only storage no transfer targets (7010 waits)', () => {
    const { machine, scheduler } = fig8();
    machine.device(0).write(0, filled(PS, 0x99));
    // io[1] of the scenario: a direct write into VM-2's page 3, which VM-2 will take offline.
    machine.startIo('VM-2', 0, [{ op: 'write', address: 3 * PS, length: PS }]);
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    expect(resize.step().report).toMatchObject({ action: 'resize.askShrink', vm: 'VM-2' });
    expect(() => machine.startIo('VM-2', 0, [{ op: 'read', address: 2 * PS, length: 1 }])).toThrow(
      /taken offline|busy/,
    );
    expect(resize.step()).toMatchObject({ status: 'waiting', report: { action: 'resize.wait', pages: [3] } });
    expect(machine.vm('VM-2').onlineSize).toBe(4);
    scheduler.runAll();
    expect(resize.step().report).toMatchObject({ action: 'guest.offline', pages: [1, 2, 3] });
    // Offline pages hold no live data; their frames stay VM-2's until the relocation gives them back.
    expect(machine.vm('VM-2')).toMatchObject({ size: 4, onlineSize: 1, pageTable: [2, null, null, null] });
    expect(machine.frameOwners().slice(3, 6)).toEqual(
      new Array(3).fill({ owner: 'vm', vm: 'VM-2', page: null }),
    );
    expect(() => machine.read('VM-2', PS, 1)).toThrow(/offline/);
    stepToEnd(resize, scheduler);
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x20));
  });

  it('should run from a scenario file with the event-loop scheduler and run()', async () => {
    const machine = createMachineFromFile(scenarioPath('fig8-resize'), { clock: new ManualClock('22:00') });
    machine.write('VM-2', 0, filled(PS, 0x42));
    const io = machine.startIo('VM-2', 0, [{ op: 'write', address: 0, length: 10 }]);
    const result = await machine.signalEvent({ kind: 'timeOfDay', at: '22:00' }).run();
    expect(result).toMatchObject({ status: 'done', kind: 'resize' });
    expect((await io.done).status).toBe('ok');
    expect(machine.read('VM-2', 10, PS - 10)).toEqual(filled(PS - 10, 0x42));
    expect(machine.vm('VM-1').size).toBe(4);
  });
});

describe('resize on a partner failover (Fig. 1)', () => {
  it('should grow the hot-standby VM and dedicate it a CPU when CPC-B fails', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig1-failover'));
    machine.write('VM-2', 0, filled(PS, 0x52));
    expect(() => machine.signalEvent({ kind: 'failover', partner: 'CPC-Z' })).toThrow(UnknownEventError);
    const resize = machine.signalEvent({ kind: 'failover', partner: 'CPC-B' });
    stepToEnd(resize, scheduler);
    expect(machine.vm('VM-1')).toMatchObject({ size: 3, onlineSize: 3, controlBlock: { origin: 1, end: 3 } });
    expect(machine.vm('VM-2')).toMatchObject({ size: 1, controlBlock: { origin: 5, end: 5 } });
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x52));
    expect(machine.vm('VM-1').cpus).toEqual({ mode: 'dedicated', cpus: [0] });
    expect(machine.vm('VM-2').cpus).toEqual({ mode: 'shared', cpus: [1] });
    expect(() => machine.signalEvent({ kind: 'failover', partner: 'CPC-B' })).toThrow(InvalidRequestError);
  });
});

describe('one reconfiguration at a time', () => {
  it('should queue an event that arrives during a relocation and start it when the relocation ends', () => {
    const { machine, scheduler } = fig8();
    const relocation = machine.relocate('VM-3', 6);
    relocation.step();
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    expect(resize.status).toBe('queued');
    expect(resize.step()).toMatchObject({ status: 'waiting', report: { action: 'reconfig.queued' } });
    expect(machine.snapshot().queued).toHaveLength(1);
    stepToEnd(relocation, scheduler);
    expect(machine.reconfiguration).toBe(resize);
    expect(resize.status).toBe('running');
    stepToEnd(resize, scheduler);
    expect(machine.reconfiguration).toBeNull();
    expect(machine.vm('VM-1').size).toBe(4);
  });

  it('should end a queued resize as failed when it no longer fits once its turn comes', async () => {
    const { machine, scheduler } = fig8();
    const relocation = machine.relocate('VM-3', 6);
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    stepToEnd(relocation, scheduler);
    // It fitted and started; now a second resize with the stale "before" sizes is queued behind it.
    const stale = machine.resize(machine.scenario.events[0]!.table);
    stepToEnd(resize, scheduler);
    expect(await stale.done).toMatchObject({ status: 'failed', error: { code: 'invalid-request' } });
    expect(machine.reconfiguration).toBeNull();
  });

  it('should refuse a table that does not fit and leave the machine as it was', () => {
    const { machine } = fig8();
    const before = machine.snapshot();
    const table = structuredClone(machine.scenario.events[0]!.table);
    table['VM-1']!.after.size = 5;
    expect(() => machine.resize(table)).toThrow(DoesNotFitError);
    const swap = structuredClone(machine.scenario.events[0]!.table);
    swap['VM-3']!.after.origin = 2;
    expect(() => machine.resize(swap)).toThrow(DoesNotFitError);
    expect(machine.snapshot()).toEqual(before);
    expect(machine.reconfiguration).toBeNull();
  });

  it.each([
    [
      'an empty table',
      (t: Table): void => {
        for (const vm of Object.keys(t)) delete t[vm];
      },
      InvalidRequestError,
      /the configuration table is empty/,
    ],
    [
      'a wrong size before',
      (t: Table): void => {
        t['VM-2']!.before.size = 3;
      },
      InvalidRequestError,
      /the table expects VM-2 to have 3 pages before, it has 4/,
    ],
    [
      'a size after of zero',
      (t: Table): void => {
        t['VM-3']!.after.size = 0;
      },
      InvalidRequestError,
      /VM-3: the size after must be a positive number of pages/,
    ],
    [
      'a CPU dedicated twice',
      (t: Table): void => {
        t['VM-3']!.after.cpus = { mode: 'dedicated', cpus: [0] };
      },
      InvalidRequestError,
      /CPU assignment after the event: .*CPU 0/,
    ],
    [
      'a move into the VMM',
      (t: Table): void => {
        t['VM-3']!.after.origin = 0;
      },
      DoesNotFitError,
      /the table does not fit: VM-3 cannot move to frame 0$/,
    ],
    [
      'a move past main storage',
      (t: Table): void => {
        t['VM-2']!.after.origin = 7;
      },
      DoesNotFitError,
      /the table does not fit: VM-2 cannot move to frame 7$/,
    ],
    [
      'a move onto another VM',
      (t: Table): void => {
        t['VM-2']!.after.origin = 1;
      },
      DoesNotFitError,
      /VM-2 cannot move to frame 1, frame 1 is still VM-1's then/,
    ],
    [
      'a growth past main storage',
      (t: Table): void => {
        t['VM-3']!.after.size = 2;
        t['VM-3']!.after.origin = 6;
      },
      DoesNotFitError,
      /VM-3 cannot grow to 2 pages at frame 6: past main storage/,
    ],
  ] as const)(
    'should refuse %s with a message naming the problem and change nothing',
    (_, edit, type, message) => {
      const { machine } = fig8();
      const before = machine.snapshot();
      const table = structuredClone(machine.scenario.events[0]!.table) as unknown as Table;
      edit(table);
      let caught: unknown;
      try {
        machine.resize(table as unknown as ConfigurationTable);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(type);
      expect((caught as Error).message).toMatch(message);
      if (Object.keys(table).length > 0)
        expect(Object.keys((caught as DoesNotFitError).details).length).toBeGreaterThan(0);
      expect(machine.snapshot()).toEqual(before);
      expect(machine.reconfiguration).toBeNull();
    },
  );
});
