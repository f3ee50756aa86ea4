/**
 * Refusals as a user sees them: for each bad request, the error class, its `code`, its whole
 * message and its `details`, and that the machine is unchanged. errors.test.ts checks the kinds;
 * this file pins the texts and the boundaries (the first value refused and the last accepted).
 */
import { describe, expect, it } from 'vitest';
import { ScenarioError } from '../scenario/load.ts';
import { ManualClock } from './clock.ts';
import { MachineError } from './errors.ts';
import { createMachine, type Machine } from './machine.ts';
import { EventLoopScheduler, ManualScheduler } from './scheduler.ts';
import { manualMachine, namedScenario, scenarioOf, stepToEnd } from './testSupport.ts';

/** What a user reads of the error `call` throws (class name, code, message, details). */
function refusal(call: () => unknown): { name: string; code: string; message: string; details: unknown } {
  try {
    call();
  } catch (error) {
    if (!(error instanceof MachineError)) throw error;
    return { name: error.name, code: error.code, message: error.message, details: { ...error.details } };
  }
  throw new Error('the call was not refused');
}

/** `call` refused as `expected`, leaving the machine's snapshot and bytes as they were. */
function expectRefused(
  machine: Machine,
  call: (m: Machine) => unknown,
  expected: ReturnType<typeof refusal>,
) {
  const before = machine.snapshot();
  const bytes = machine.storage.bytes.slice();
  expect(refusal(() => call(machine))).toEqual(expected);
  expect(machine.snapshot()).toEqual(before);
  expect(Buffer.compare(machine.storage.bytes, bytes)).toBe(0);
}

const W = (address: number, length: number) => ({ op: 'write' as const, address, length });

const fig6 = () => manualMachine(namedScenario('fig6-relocation')).machine;
const fig8 = (clock?: ManualClock) => manualMachine(namedScenario('fig8-resize'), 'patent', clock).machine;

describe('channel numbers', () => {
  const unknown = (channel: number) => ({
    name: 'UnknownChannelError',
    code: 'unknown-channel',
    message: `channel ${channel} does not exist (1 channels: 0..0)`,
    details: { channel, count: 1 },
  });
  it.each([-1, 1, 0.5])('should refuse channel %s for start-I/O, device and injected errors', (channel) => {
    const m = fig6();
    expectRefused(m, (x) => x.startIo('VM-1', channel, [W(0, 1)]), unknown(channel));
    expectRefused(m, (x) => x.device(channel), unknown(channel));
    expectRefused(m, (x) => x.injectChannelError(channel), unknown(channel));
  });
  it('should accept the last channel', () => {
    const m = fig6();
    expect(m.device(0).capacity).toBe(0);
    expect(m.startIo('VM-1', 0, [W(0, 1)]).channel).toBe(0);
  });
});

describe('channel programs', () => {
  it.each([
    ['an empty program', [], undefined, 'a channel program needs at least one transfer', {}],
    [
      'a negative device offset',
      [W(0, 1)],
      -1,
      'device offset -1 must be a non-negative integer',
      { deviceOffset: -1 },
    ],
    [
      'a fractional device offset',
      [W(0, 1)],
      1.5,
      'device offset 1.5 must be a non-negative integer',
      { deviceOffset: 1.5 },
    ],
    [
      'an unknown op',
      [W(0, 1), { op: 'erase', address: 0, length: 1 }],
      undefined,
      "transfer 1: op must be 'write' or 'read'",
      { transfer: 1 },
    ],
    [
      'a zero length',
      [W(0, 1), W(0, 0)],
      undefined,
      'transfer 1: length 0 must be a positive integer',
      { transfer: 1 },
    ],
    [
      'a fractional length',
      [{ op: 'read', address: 0, length: 0.5 }],
      undefined,
      'transfer 0: length 0.5 must be a positive integer',
      { transfer: 0 },
    ],
  ])('should refuse %s', (_, transfers, deviceOffset, message, details) => {
    const m = fig6();
    const program = deviceOffset === undefined ? transfers : { transfers, deviceOffset };
    // biome-ignore lint/suspicious/noExplicitAny: bad input on purpose
    expectRefused(m, (x) => x.startIo('VM-1', 0, program as any), {
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message,
      details,
    });
  });

  it('should accept device offset 0 and a read', () => {
    const m = fig6();
    const io = m.startIo('VM-1', 0, { transfers: [{ op: 'read', address: 0, length: 1 }], deviceOffset: 0 });
    expect(io.mode).toBe('direct');
  });

  it('should refuse storage past the guest with the page and area named', () => {
    expectRefused(fig6(), (x) => x.startIo('VM-1', 0, [W(2 * 4096 - 1, 2)]), {
      name: 'AddressingException',
      code: 'addressing',
      message: 'addressing exception for VM-1 at guest address 8192: host frame 3 is past end 2 (area 1..2)',
      details: { vm: 'VM-1', address: 8192, reason: 'past-end' },
    });
  });

  it('should refuse a bad address with both values named', () => {
    expectRefused(fig6(), (x) => x.read('VM-1', -1, 1), {
      name: 'AddressingException',
      code: 'addressing',
      message:
        'addressing exception for VM-1 at guest address -1: address -1 / length 1 must be non-negative integers',
      details: { vm: 'VM-1', address: -1, reason: 'bad-address' },
    });
  });

  it('should refuse a negative length, and accept an empty access anywhere', () => {
    expectRefused(fig6(), (x) => x.read('VM-1', 0, -1), {
      name: 'AddressingException',
      code: 'addressing',
      message:
        'addressing exception for VM-1 at guest address 0: address 0 / length -1 must be non-negative integers',
      details: { vm: 'VM-1', address: 0, reason: 'bad-address' },
    });
    // VM-1 has 2 pages: an empty read past them (inside page 5) transfers nothing and is no error.
    expect(fig6().read('VM-1', 5 * 4096 + 7, 0)).toEqual(new Uint8Array(0));
  });
});

describe('VM names', () => {
  it('should name the live VMs when a terminated one is used as a guest', () => {
    const m = fig6();
    m.terminate('VM-3');
    expectRefused(m, (x) => x.read('VM-3', 0, 1), {
      name: 'UnknownVmError',
      code: 'unknown-vm',
      message: 'unknown VM "VM-3" (known: VM-1, VM-2)',
      details: { vm: 'VM-3', known: ['VM-1', 'VM-2'] },
    });
  });
  it('should refuse inspect of a terminated VM, naming every VM', () => {
    const m = fig6();
    m.terminate('VM-3');
    expectRefused(m, (x) => x.inspect('VM-3', 0, 1), {
      name: 'UnknownVmError',
      code: 'unknown-vm',
      message: 'unknown VM "VM-3" (known: VM-1, VM-2, VM-3)',
      details: { vm: 'VM-3', known: ['VM-1', 'VM-2', 'VM-3'] },
    });
    expect(m.vm('VM-3').state).toBe('terminated');
  });
  it('should refuse observation of a VM that never existed', () => {
    expectRefused(fig6(), (x) => x.vm('VM-9'), {
      name: 'UnknownVmError',
      code: 'unknown-vm',
      message: 'unknown VM "VM-9" (known: VM-1, VM-2, VM-3)',
      details: { vm: 'VM-9', known: ['VM-1', 'VM-2', 'VM-3'] },
    });
  });
});

describe('one reconfiguration at a time (SPEC 7.13)', () => {
  const running = 'relocate VM-2 to frame 4';
  it.each([
    ['relocate VM-1', (m: Machine) => m.relocate('VM-1', 5)],
    ['toPageable VM-1', (m: Machine) => m.toPageable('VM-1', 1)],
    ['toPageFixed VM-1', (m: Machine) => m.toPageFixed('VM-1', 5)],
    ['terminate VM-1', (m: Machine) => m.terminate('VM-1')],
  ])('should refuse %s while a relocation runs, naming both', (requested, call) => {
    const m = fig6();
    m.terminate('VM-3');
    m.relocate('VM-2', 4);
    expectRefused(m, call, {
      name: 'ReconfigurationInProgressError',
      code: 'reconfiguration-in-progress',
      message: `${requested} refused: ${running} is still running (one reconfiguration at a time, SPEC 7.13)`,
      details: { requested, active: running },
    });
  });
});

describe('CPUs', () => {
  const noCpu = (cpu: number) => ({
    name: 'InvalidRequestError',
    code: 'invalid-request',
    message: `CPU ${cpu} does not exist (2 CPUs)`,
    details: { cpu },
  });
  it.each([-1, 2, 0.5])('should refuse to dispatch on CPU %s', (cpu) => {
    expectRefused(fig8(), (x) => x.dispatch(cpu), noCpu(cpu));
    expectRefused(fig8(), (x) => x.dispatch(cpu, 'VM-1'), noCpu(cpu));
  });
  it('should dispatch on the last CPU', () => {
    expect(fig8().dispatch(1, 'VM-2')).toBe('VM-2');
  });
  it('should refuse to dispatch a VM on a CPU it is not assigned', () => {
    const m = fig8();
    m.assignCpus('VM-1', { mode: 'shared', cpus: [0] });
    expectRefused(m, (x) => x.dispatch(1, 'VM-1'), {
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message: 'VM-1 is not assigned CPU 1',
      details: { vm: 'VM-1', cpu: 1 },
    });
  });
  it('should refuse an inconsistent assignment with every problem listed', () => {
    expectRefused(fig8(), (x) => x.assignCpus('VM-1', { mode: 'dedicated', cpus: [0, 0, 2] }), {
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message:
        'CPU assignment refused: VM-1: CPU 2 does not exist (2 CPUs); VM-1 lists a CPU twice; ' +
        'CPU 0 is dedicated to VM-1 but also assigned to VM-2; CPU 0 is dedicated to VM-1 but also assigned to VM-3; ' +
        'CPU 0 is dedicated to VM-1 but also assigned to VM-2; CPU 0 is dedicated to VM-1 but also assigned to VM-3',
      details: {
        problems: [
          'VM-1: CPU 2 does not exist (2 CPUs)',
          'VM-1 lists a CPU twice',
          'CPU 0 is dedicated to VM-1 but also assigned to VM-2',
          'CPU 0 is dedicated to VM-1 but also assigned to VM-3',
          'CPU 0 is dedicated to VM-1 but also assigned to VM-2',
          'CPU 0 is dedicated to VM-1 but also assigned to VM-3',
        ],
      },
    });
  });
  it('should refuse an empty assignment and a negative or fractional CPU', () => {
    expect(refusal(() => fig8().assignCpus('VM-3', { mode: 'shared', cpus: [] })).details).toEqual({
      problems: ['VM-3 would have no CPU'],
    });
    expect(refusal(() => fig8().assignCpus('VM-3', { mode: 'shared', cpus: [-1, 0.5] })).details).toEqual({
      problems: ['VM-3: CPU -1 does not exist (2 CPUs)', 'VM-3: CPU 0.5 does not exist (2 CPUs)'],
    });
  });
});

describe('events', () => {
  it.each([
    ['fig8-resize', { kind: 'failover', partner: 'CPC-B' }, 'time 22:00'],
    ['fig8-resize', { kind: 'timeOfDay', at: '21:00' }, 'time 22:00'],
    ['fig1-failover', { kind: 'failover', partner: 'CPC-Z' }, 'failover CPC-B'],
    ['fig1-failover', { kind: 'timeOfDay', at: '22:00' }, 'failover CPC-B'],
    ['fig6-relocation', { kind: 'timeOfDay', at: '22:00' }, ''],
  ] as const)('should refuse in %s an event %j matching none, naming those known', (name, trigger, known) => {
    const { machine } = manualMachine(namedScenario(name));
    expectRefused(machine, (x) => x.signalEvent(trigger), {
      name: 'UnknownEventError',
      code: 'unknown-event',
      message: `no event of this scenario matches ${JSON.stringify(trigger)} (known: ${known || 'none'})`,
      details: { known: known === '' ? [] : [known] },
    });
  });

  it('should match a time of day by its value and refuse the same event twice', () => {
    const m = fig8();
    const r = m.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    expect(r.description).toBe('resize on time of day 22:00');
    expectRefused(m, (x) => x.signalEvent({ kind: 'timeOfDay', at: '22:00' }), {
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message: 'event 0 has already been handled',
      details: { event: 0 },
    });
  });

  it('should name a failover resize by its partner', () => {
    const { machine } = manualMachine(namedScenario('fig1-failover'));
    expect(machine.signalEvent({ kind: 'failover', partner: 'CPC-B' }).description).toBe(
      'resize on failover of CPC-B',
    );
  });

  it('should refuse a time of day that is not HH:MM', () => {
    expectRefused(fig8(), (x) => x.signalEvent({ kind: 'timeOfDay', at: '24:00' }), {
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message: 'time of day "24:00" is not HH:MM',
      details: { text: '24:00' },
    });
  });

  it('should fire a time-of-day event once, when the clock passes it, not at the time the machine starts', () => {
    const clock = new ManualClock('22:00');
    const m = fig8(clock);
    expect(m.pollClock()).toEqual([]);
    clock.advance(1439);
    expect(m.pollClock()).toEqual([]);
    clock.advance(1);
    const started = m.pollClock();
    expect(started.map((r) => r.description)).toEqual(['resize on time of day 22:00']);
    clock.advance(1440 - 1);
    expect(m.pollClock()).toEqual([]);
    clock.advance(1);
    expect(m.pollClock()).toEqual([]);
  });

  it('should not fire on the clock an event already signalled', () => {
    const clock = new ManualClock('21:00');
    const m = fig8(clock);
    m.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    clock.set('23:00');
    expect(m.pollClock()).toEqual([]);
  });
});

describe('scenarios', () => {
  it('should refuse an inconsistent scenario object given to createMachine directly', () => {
    const s = namedScenario('fig6-relocation');
    const bad = { ...s, vms: s.vms.map((v) => (v.name === 'VM-2' ? { ...v, origin: 2 } : v)) };
    expect(() => createMachine(bad)).toThrow(ScenarioError);
    expect(() => createMachine(bad)).toThrow(
      /^fig6-relocation: vms\[1\]\.origin: area frames 2..3 overlaps VM-1 at frame 2$/,
    );
  });
  it('should refuse a scheduler given to a second machine', () => {
    const { scheduler } = manualMachine(namedScenario('fig6-relocation'));
    expect(refusal(() => createMachine(namedScenario('fig6-relocation'), { scheduler }))).toEqual({
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message: 'this scheduler already serves a machine; create one per machine',
      details: {},
    });
  });
  it('scenarioOf is the validated path', () => {
    expect(scenarioOf(namedScenario('fig6-relocation')).vms.length).toBe(3);
  });
});

describe('addressing exceptions, by reason', () => {
  const addressing = (vm: string, address: number, reason: string, why: string) => ({
    name: 'AddressingException',
    code: 'addressing',
    message: `addressing exception for ${vm} at guest address ${address}: ${why}`,
    details: { vm, address, reason },
  });
  it('should refuse one page past the top of main storage even where the limit check lets it through', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'), 'fault-limit-off-by-one');
    expectRefused(
      machine,
      (x) => x.read('VM-3', 2 * 4096, 1),
      addressing('VM-3', 8192, 'outside-storage', 'host frame 7 is past main storage'),
    );
    expect(machine.read('VM-2', 2 * 4096, 1)).toEqual(Uint8Array.of(0));
  });
  it('should refuse pages a shrinking guest took offline, and a pageable guest past its size', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'));
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    resize.step();
    // Asked to shrink: start-I/O into the pages going offline is refused at once, even one byte over.
    expectRefused(
      machine,
      (x) => x.startIo('VM-2', 0, [W(4095, 2)]),
      addressing('VM-2', 4095, 'offline', 'pages from 1 are being taken offline'),
    );
    expect(machine.startIo('VM-2', 0, [W(4095, 1)]).mode).toBe('direct');
    scheduler.runAll();
    resize.step();
    expectRefused(
      machine,
      (x) => x.read('VM-2', 4096 + 1, 1),
      addressing('VM-2', 4096, 'offline', 'page 1 is offline (online pages 0..0)'),
    );
    const pageable = manualMachine(namedScenario('pageable-conversion'));
    stepToEnd(pageable.machine.toPageable('VM-1', 3), pageable.scheduler);
    expectRefused(
      pageable.machine,
      (x) => x.write('VM-1', 3 * 4096, [1]),
      addressing('VM-1', 3 * 4096, 'past-size', 'page 3 is past the guest size (3 pages)'),
    );
  });
  it('should refuse a guest access of a VM not dispatched when dispatch is enforced', () => {
    const machine = createMachine(namedScenario('fig6-relocation'), {
      scheduler: new ManualScheduler(),
      requireDispatch: true,
    });
    expect(machine.dispatch(0)).toBe('VM-1');
    expect(machine.read('VM-1', 0, 1)).toEqual(Uint8Array.of(0));
    expectRefused(machine, (x) => x.startIo('VM-2', 0, [W(0, 1)]), {
      name: 'NotDispatchedError',
      code: 'not-dispatched',
      message: 'VM-2 is not dispatched on any CPU; dispatch it first',
      details: { vm: 'VM-2' },
    });
  });
});

describe('channels and schedulers', () => {
  it('should refuse a start on a busy channel naming the program it is busy with', () => {
    const m = fig6();
    m.startIo('VM-1', 0, [W(0, 1)]);
    expectRefused(m, (x) => x.startIo('VM-2', 0, [W(0, 1)]), {
      name: 'ChannelBusyError',
      code: 'channel-busy',
      message:
        'channel 0 is busy with a program of VM-1 (program 1); start-I/O of VM-2 refused (cc 2), retry later',
      details: { channel: 0, vm: 'VM-2', busyWith: 'VM-1 (program 1)' },
    });
  });

  it('should refuse to run or fail a unit where none is ready, and run at most the units asked for', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const invalid = (message: string, details: object) => ({
      name: 'InvalidRequestError',
      code: 'invalid-request',
      message,
      details,
    });
    expect(refusal(() => scheduler.runOne(0))).toEqual(
      invalid('channel 0 has no unit ready (idle or suspended)', { channel: 0 }),
    );
    expect(refusal(() => scheduler.runOne(5))).toEqual(
      invalid('channel 5 has no unit ready (idle or suspended)', { channel: 5 }),
    );
    expect(refusal(() => scheduler.fail(0))).toEqual(
      invalid('channel 0 has no program to fail', { channel: 0 }),
    );
    machine.startIo('VM-1', 0, [W(0, 4096 + 1)]);
    expect(scheduler.runAll(2).map((r) => r.kind)).toEqual(['transfer', 'transfer']);
    expect(scheduler.runAll(0)).toEqual([]);
    expect(scheduler.fail(0)).toMatchObject({
      kind: 'end',
      status: 'error',
      reason: 'injected channel error',
    });
    expect(refusal(() => new ManualScheduler().ready())).toEqual(
      invalid('this scheduler is not attached to a machine yet', {}),
    );
    const shared = new EventLoopScheduler();
    createMachine(namedScenario('fig6-relocation'), { scheduler: shared });
    expect(refusal(() => createMachine(namedScenario('fig6-relocation'), { scheduler: shared }))).toEqual(
      invalid('this scheduler already serves a machine; create one per machine', {}),
    );
  });
});

describe('reconfiguration requests', () => {
  const pageableFig = () => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
    stepToEnd(machine.toPageable('VM-1', 2), scheduler);
    return machine;
  };
  it.each([
    [
      'a relocation onto another VM',
      () => fig6(),
      (m: Machine) => m.relocate('VM-2', 2),
      'DoesNotFitError',
      'does-not-fit',
      'VM-2 does not fit at frames 2..3: frame 2 belongs to VM-1',
      { vm: 'VM-2', to: 2, pages: 2, frame: 2, holder: 'VM-1' },
    ],
    [
      'a relocation into the VMM',
      () => fig6(),
      (m: Machine) => m.relocate('VM-2', 0),
      'DoesNotFitError',
      'does-not-fit',
      'VM-2 does not fit at frames 0..1: guest frames are 1..6',
      { vm: 'VM-2', to: 0, pages: 2 },
    ],
    [
      'a relocation past main storage',
      () => fig6(),
      (m: Machine) => m.relocate('VM-2', 6),
      'DoesNotFitError',
      'does-not-fit',
      'VM-2 does not fit at frames 6..7: guest frames are 1..6',
      { vm: 'VM-2', to: 6, pages: 2 },
    ],
    [
      'a relocation to a fractional frame',
      () => fig6(),
      (m: Machine) => m.relocate('VM-2', 4.5),
      'DoesNotFitError',
      'does-not-fit',
      'VM-2 does not fit at frames 4.5..5.5: guest frames are 1..6',
      { vm: 'VM-2', to: 4.5, pages: 2 },
    ],
    [
      'a one-page VM onto another',
      () => fig8(),
      (m: Machine) => m.relocate('VM-1', 6),
      'DoesNotFitError',
      'does-not-fit',
      'VM-1 does not fit at frame 6: frame 6 belongs to VM-3',
      { vm: 'VM-1', to: 6, pages: 1, frame: 6, holder: 'VM-3' },
    ],
    [
      'a relocation of a pageable VM',
      pageableFig,
      (m: Machine) => m.relocate('VM-1', 1),
      'VmStateError',
      'vm-state',
      'relocate needs VM-1 to be page-fixed (use toPageFixed for a pageable VM)',
      { vm: 'VM-1', request: 'relocate', state: 'page-fixed (use toPageFixed for a pageable VM)' },
    ],
    [
      'a prior-art relocation of a pageable VM',
      () => {
        const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'), 'prior-art');
        stepToEnd(machine.toPageable('VM-1', 2), scheduler);
        return machine;
      },
      (m: Machine) => m.relocate('VM-1', 1),
      'VmStateError',
      'vm-state',
      'relocate needs VM-1 to be page-fixed',
      { vm: 'VM-1', request: 'relocate', state: 'page-fixed' },
    ],
    [
      'toPageable of a pageable VM',
      pageableFig,
      (m: Machine) => m.toPageable('VM-1', 1),
      'VmStateError',
      'vm-state',
      'toPageable needs VM-1 to be page-fixed',
      { vm: 'VM-1', request: 'toPageable', state: 'page-fixed' },
    ],
    [
      'toPageFixed of a page-fixed VM',
      () => fig6(),
      (m: Machine) => m.toPageFixed('VM-1', 5),
      'VmStateError',
      'vm-state',
      'toPageFixed needs VM-1 to be pageable',
      { vm: 'VM-1', request: 'toPageFixed', state: 'pageable' },
    ],
    [
      'toPageFixed onto another VM',
      () => {
        const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
        stepToEnd(machine.toPageable('VM-2', 1), scheduler);
        return machine;
      },
      (m: Machine) => m.toPageFixed('VM-2', 4),
      'DoesNotFitError',
      'does-not-fit',
      'VM-2 does not fit at frames 4..5: frame 5 belongs to VM-3',
      { vm: 'VM-2', to: 4, pages: 2, frame: 5, holder: 'VM-3' },
    ],
    ...[0, 4, 1.5].map(
      (resident) =>
        [
          `toPageable keeping ${resident} pages`,
          () => manualMachine(namedScenario('pageable-conversion')).machine,
          (m: Machine) => m.toPageable('VM-1', resident),
          'InvalidRequestError',
          'invalid-request',
          `toPageable needs 1..3 resident pages, got ${resident}`,
          { vm: 'VM-1', resident },
        ] as const,
    ),
  ] as const)('should refuse %s, saying why', (_, build, call, name, code, message, details) => {
    expectRefused(build(), call, { name, code, message, details });
  });
});

describe('configuration tables', () => {
  type Table = Record<
    string,
    { before: { size: number; cpus: unknown }; after: { size: number; origin: number; cpus: unknown } }
  >;
  const shared = (...cpus: number[]) => ({ mode: 'shared', cpus });
  it.each([
    [
      'an empty table',
      (t: Table) => {
        for (const k of Object.keys(t)) delete t[k];
      },
      'InvalidRequestError',
      'the configuration table is empty',
      {},
    ],
    [
      'a wrong size before',
      (t: Table) => {
        t['VM-2']!.before.size = 3;
      },
      'InvalidRequestError',
      'the table expects VM-2 to have 3 pages before, it has 4',
      { vm: 'VM-2', expected: 3, actual: 4 },
    ],
    [
      'a fractional size after',
      (t: Table) => {
        t['VM-3']!.after.size = 1.5;
      },
      'InvalidRequestError',
      'VM-3: the size after must be a positive number of pages',
      { vm: 'VM-3' },
    ],
    [
      'CPUs that do not add up',
      (t: Table) => {
        t['VM-3']!.after.cpus = shared(0);
      },
      'InvalidRequestError',
      'CPU assignment after the event: CPU 0 is dedicated to VM-1 but also assigned to VM-3',
      { problems: ['CPU 0 is dedicated to VM-1 but also assigned to VM-3'] },
    ],
    [
      'a move into the VMM',
      (t: Table) => {
        t['VM-3']!.after.origin = 0;
      },
      'DoesNotFitError',
      'the table does not fit: VM-3 cannot move to frame 0',
      { vm: 'VM-3', to: 0 },
    ],
    [
      'a two-page move past main storage',
      (t: Table) => {
        t['VM-2']!.after = { size: 2, origin: 6, cpus: shared(1) };
      },
      'DoesNotFitError',
      'the table does not fit: VM-2 cannot move to frames 6..7',
      { vm: 'VM-2', to: 6 },
    ],
    [
      'a move onto a VM that stays',
      (t: Table) => {
        t['VM-2']!.after = { size: 2, origin: 5, cpus: shared(1) };
      },
      'DoesNotFitError',
      "the table does not fit: VM-2 cannot move to frames 5..6, frame 6 is still VM-3's then",
      { vm: 'VM-2', to: 5, frame: 6, holder: 'VM-3' },
    ],
    [
      'a growth into storage that is not free after the moves',
      (t: Table) => {
        t['VM-1']!.after.size = 5;
      },
      'DoesNotFitError',
      'VM-1 cannot grow to 5 pages at frame 1: frame 5 is not free after the moves',
      { vm: 'VM-1', frame: 5 },
    ],
    [
      'a growth past main storage',
      (t: Table) => {
        t['VM-3']!.after.size = 2;
      },
      'DoesNotFitError',
      'VM-3 cannot grow to 2 pages at frame 6: past main storage',
      { vm: 'VM-3' },
    ],
  ] as const)('should refuse %s, saying why', (_, edit, name, message, details) => {
    const m = fig8();
    const table = structuredClone(m.scenario.events[0]!.table) as unknown as Table;
    edit(table);
    expectRefused(m, (x) => x.resize(table as never), {
      name,
      code: name === 'DoesNotFitError' ? 'does-not-fit' : 'invalid-request',
      message,
      details,
    });
  });

  it('should refuse a pageable VM in the table', () => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
    stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    const cpus = { mode: 'shared' as const, cpus: [0] };
    expectRefused(
      machine,
      (x) => x.resize({ 'VM-1': { before: { size: 3, cpus }, after: { size: 2, origin: 1, cpus } } }),
      {
        name: 'VmStateError',
        code: 'vm-state',
        message: 'resize needs VM-1 to be page-fixed',
        details: { vm: 'VM-1', request: 'resize', state: 'page-fixed' },
      },
    );
  });
});
