/**
 * Observing the machine as a user does: I/O interrupts and their listeners, waiting for idle
 * channels on the event-loop scheduler (and its turn-taking), and `inspect` across pages.
 */
import { describe, expect, it } from 'vitest';
import type { IoCompletion } from './channel.ts';
import { createMachine } from './machine.ts';
import { EventLoopScheduler } from './scheduler.ts';
import {
  drain,
  filled,
  manualMachine,
  namedScenario,
  pattern,
  scenarioOf,
  stepToEnd,
  within,
} from './testSupport.ts';

const PS = 64;

/** Two page-fixed VMs (A direct at 1..3, B intercepted at 4..5) and two channels; 64-byte pages. */
const twoChannels = () =>
  scenarioOf({
    name: 'two-channels',
    storage: { frames: 8, vmmFrames: 1, pageSize: PS, pagesPerSegment: 2 },
    channels: 2,
    cpus: 1,
    vms: [
      { name: 'A', size: 3, origin: 1, pageFixed: true, direct: true, cpus: { mode: 'shared', cpus: [0] } },
      { name: 'B', size: 2, origin: 4, pageFixed: true, direct: false, cpus: { mode: 'shared', cpus: [0] } },
    ],
  });

describe('I/O interrupts on the event-loop scheduler', () => {
  it.each([
    [undefined, ['A', 'B']],
    [1, ['A', 'B']],
    [0, ['A', 'B']],
    [8, ['B', 'A']],
  ])(
    'with %s units per turn should end the programs in turn order %j and then be idle',
    async (units, order) => {
      const scheduler = new EventLoopScheduler(units === undefined ? {} : { unitsPerTurn: units });
      const machine = createMachine(twoChannels(), { scheduler });
      machine.device(1).write(0, pattern(3 * PS, 5));
      const ended: string[] = [];
      machine.onIoInterrupt((c) => ended.push(c.vm));
      // B's program has three pieces; A's one: A ends first when each channel runs one unit a turn.
      const b = machine.startIo('B', 1, [
        { op: 'write', address: 0, length: 2 * PS },
        { op: 'read', address: 0, length: 1 },
      ]);
      const a = machine.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]);
      expect(machine.channelStatus().map((c) => c.busy)).toEqual([true, true]);
      await within(machine.whenIdle(), 'idle channels');
      expect(machine.channelStatus().map((c) => c.busy)).toEqual([false, false]);
      expect(ended).toEqual(order);
      expect((await a.done).status).toBe('ok');
      expect((await b.done).bytesTransferred).toBe(2 * PS + 1);
      expect(machine.read('B', 0, 2 * PS)).toEqual(pattern(3 * PS, 5).subarray(0, 2 * PS));
    },
  );

  it('should stop calling a listener once it is removed, and raise no interrupt for a halted program', () => {
    const { machine, scheduler } = manualMachine(twoChannels());
    const first: IoCompletion[] = [];
    const second: IoCompletion[] = [];
    const stop = machine.onIoInterrupt((c) => first.push(c));
    machine.onIoInterrupt((c) => second.push(c));
    machine.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]);
    drain(machine, scheduler);
    stop();
    machine.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]);
    drain(machine, scheduler);
    machine.startIo('B', 1, [{ op: 'read', address: 0, length: 1 }]);
    machine.terminate('B');
    expect(scheduler.ready()).toEqual([]);
    expect(first.map((c) => [c.vm, c.program])).toEqual([['A', 1]]);
    expect(second.map((c) => [c.vm, c.program])).toEqual([
      ['A', 1],
      ['A', 2],
    ]);
  });
});

describe('inspect', () => {
  it('should read across pages from any offset of a page-fixed VM', () => {
    const { machine } = manualMachine(twoChannels());
    const data = pattern(3 * PS, 7);
    machine.write('A', 0, data);
    expect(machine.inspect('A', 5, 2 * PS)).toEqual(data.subarray(5, 5 + 2 * PS));
    expect(machine.inspect('A', PS - 1, 2)).toEqual(data.subarray(PS - 1, PS + 1));
    expect(machine.inspect('A', 0, 0)).toEqual(new Uint8Array(0));
  });

  it('should read paged-out pages from the paging store and untouched ones as zeros, without paging in', () => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
    const ps = 4096;
    const data = pattern(3 * ps, 9);
    machine.write('VM-1', 0, data);
    stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    expect(machine.pageTable('VM-1')).toEqual([null, null, 3]);
    expect(machine.inspect('VM-1', 7, 3 * ps - 7)).toEqual(data.subarray(7));
    expect(machine.inspect('VM-1', ps + 3, 2)).toEqual(data.subarray(ps + 3, ps + 5));
    expect(machine.pageTable('VM-1')).toEqual([null, null, 3]);
    // A page never written and never paged out reads as zeros.
    const { machine: fresh } = manualMachine(
      scenarioOf({
        name: 'fresh',
        storage: { frames: 4, vmmFrames: 1, pageSize: PS, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          {
            name: 'P',
            size: 2,
            pageFixed: false,
            direct: false,
            frames: [2, null],
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    fresh.write('P', 0, filled(PS, 3));
    expect(fresh.inspect('P', PS - 2, 4)).toEqual(Uint8Array.of(3, 3, 0, 0));
    expect(fresh.pageTable('P')).toEqual([2, null]);
  });
});

describe('the prior art suspends the channel', () => {
  it('should hold a program while its VM is suspended and let it go on when resumed (manual scheduler)', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'), 'prior-art');
    machine.terminate('VM-3');
    machine.startIo('VM-2', 0, [{ op: 'read', address: 0, length: 1 }]);
    const r = machine.relocate('VM-2', 4);
    expect(r.step().report?.action).toBe('prior.suspend');
    expect(scheduler.ready()).toEqual([]);
    expect(machine.channelStatus()[0]!.program?.suspended).toBe(true);
    expect(r.step().report?.action).toBe('prior.copy');
    expect(r.step().report?.action).toBe('prior.resume');
    expect(scheduler.ready()).toEqual([0]);
    expect(machine.channelStatus()[0]!.program?.suspended).toBe(false);
  });

  it('should wake the event-loop scheduler when the VM is resumed', async () => {
    const machine = createMachine(namedScenario('fig6-relocation'), { variant: 'prior-art' });
    machine.terminate('VM-3');
    const io = machine.startIo('VM-2', 0, [{ op: 'read', address: 0, length: 1 }]);
    const r = machine.relocate('VM-2', 4);
    r.step();
    // The channel's turn comes while the VM is suspended: nothing runs, nothing is rescheduled.
    await new Promise<void>((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(machine.channelStatus()[0]!.busy).toBe(true);
    r.step();
    r.step();
    expect((await within(io.done, 'the resumed program', 5000)).status).toBe('ok');
  });
});

describe('snapshots', () => {
  it('should show a pageable page held in frame 0 (no VMM frames) as resident, and read it there', () => {
    const { machine } = manualMachine(
      scenarioOf({
        name: 'frame-zero',
        storage: { frames: 3, vmmFrames: 0, pageSize: PS, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          {
            name: 'P',
            size: 2,
            pageFixed: false,
            direct: false,
            frames: [0, null],
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    machine.write('P', 0, filled(PS, 4));
    expect(machine.vm('P')).toMatchObject({ pageTable: [0, null], pagedOut: [1] });
    expect(machine.inspect('P', PS - 1, 2)).toEqual(Uint8Array.of(4, 0));
    expect(machine.frameOwners()[0]).toEqual({ owner: 'vm', vm: 'P', page: 0 });
  });

  it('should not count the offline pages of a page-fixed VM as paged out', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'));
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    resize.step();
    resize.step();
    expect(machine.vm('VM-2')).toMatchObject({
      onlineSize: 1,
      pageTable: [2, null, null, null],
      pagedOut: [],
    });
    stepToEnd(resize, scheduler);
    expect(machine.vm('VM-2')).toMatchObject({ size: 1, pageTable: [5], pagedOut: [] });
  });
});

describe('frames after a prior-art relocation', () => {
  const owners = (m: ReturnType<typeof manualMachine>['machine']) =>
    m.frameOwners().map((f) => (f.owner === 'vm' ? `${f.vm}:${f.page}` : f.owner));
  it.each([
    ['VM-2', 4, ['vmm', 'VM-1:0', 'VM-1:1', 'free', 'VM-2:0', 'VM-2:1', 'free']],
    ['VM-2', 5, ['vmm', 'VM-1:0', 'VM-1:1', 'free', 'free', 'VM-2:0', 'VM-2:1']],
    ['VM-1', 5, ['vmm', 'free', 'free', 'VM-2:0', 'VM-2:1', 'VM-1:0', 'VM-1:1']],
  ] as const)('should give %s frames from %i and free the old ones', (vm, to, expected) => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'), 'prior-art');
    machine.terminate('VM-3');
    const data = pattern(2 * 4096, 3);
    machine.write(vm, 0, data);
    stepToEnd(machine.relocate(vm, to), scheduler);
    expect(owners(machine)).toEqual(expected);
    expect(machine.read(vm, 0, 2 * 4096)).toEqual(data);
  });
});

describe('changed()', () => {
  it.each([
    [
      'a reconfiguration step',
      (m: ReturnType<typeof manualMachine>['machine']) => m.relocate('VM-2', 4).step(),
    ],
    ['starting a reconfiguration', (m: ReturnType<typeof manualMachine>['machine']) => m.relocate('VM-2', 4)],
    ['a guest write', (m: ReturnType<typeof manualMachine>['machine']) => m.write('VM-1', 0, [1])],
    ['a dispatch', (m: ReturnType<typeof manualMachine>['machine']) => m.dispatch(0)],
    ['a named dispatch', (m: ReturnType<typeof manualMachine>['machine']) => m.dispatch(0, 'VM-2')],
    [
      'a CPU assignment',
      (m: ReturnType<typeof manualMachine>['machine']) => m.assignCpus('VM-1', { mode: 'shared', cpus: [0] }),
    ],
    [
      'a queued resize',
      (m: ReturnType<typeof manualMachine>['machine']) =>
        m.resize({
          'VM-1': {
            before: { size: 2, cpus: { mode: 'shared', cpus: [0] } },
            after: { size: 2, origin: 1, cpus: { mode: 'shared', cpus: [0] } },
          },
        }),
    ],
  ])('should settle after %s', async (what, change) => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    machine.terminate('VM-3');
    if (what === 'a queued resize') machine.relocate('VM-2', 4);
    let settled = false;
    void machine.changed().then(() => {
      settled = true;
    });
    await Promise.resolve();
    expect(settled).toBe(false);
    change(machine);
    await Promise.resolve();
    await Promise.resolve();
    expect(settled).toBe(true);
  });
});
