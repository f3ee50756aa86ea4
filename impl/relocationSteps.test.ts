/**
 * Step by step behaviour of the relocation engine that its end state alone does not show: the
 * exact reports of each step, the order pages move in, what the fast path batches, how cycles
 * are broken, and the typed errors of a request that cannot start.
 */
import { describe, expect, it } from 'vitest';
import type { Variant } from '../scenario/variants.ts';
import { ManualClock } from './clock.ts';
import { InvalidRequestError, VmStateError } from './errors.ts';
import type { Machine } from './machine.ts';
import type { Reconfiguration, StepReport } from './reconfiguration.ts';
import type { ManualScheduler } from './scheduler.ts';
import {
  actions,
  drain,
  filled,
  manualMachine,
  namedScenario,
  scenarioOf,
  stepToEnd,
} from './testSupport.ts';

const PS = 16;

interface VmSpec {
  readonly size: number;
  readonly origin?: number;
  readonly frames?: readonly (number | null)[];
  readonly direct?: boolean;
}

/** One VM `A` on a small machine (pages of 16 bytes), each resident page p filled with 0x40 + p. */
function machineWith(vm: VmSpec, frames = 24, variant: Variant = 'patent') {
  const pageable = vm.frames !== undefined;
  const scenario = scenarioOf({
    name: 'steps',
    storage: { frames, vmmFrames: 1, pageSize: PS, pagesPerSegment: 4 },
    channels: 3,
    cpus: 1,
    vms: [
      {
        name: 'A',
        size: vm.size,
        direct: vm.direct ?? false,
        ...(pageable ? { pageFixed: false, frames: vm.frames } : { origin: vm.origin }),
        cpus: { mode: 'shared', cpus: [0] },
      },
    ],
  });
  const { machine, scheduler } = manualMachine(scenario, variant);
  for (let p = 0; p < vm.size; p++) {
    if (vm.frames?.[p] === null) continue;
    machine.write('A', p * PS, filled(PS, 0x40 + p));
  }
  return { machine, scheduler };
}

/** Start a program on `channel` that writes 0xe0 + channel into each of `pages` of A. */
function writeInto(machine: Machine, channel: number, pages: readonly number[]): void {
  machine.device(channel).write(0, filled(PS * pages.length, 0xe0 + channel));
  machine.startIo(
    'A',
    channel,
    pages.map((page, i) => ({ op: 'write' as const, address: page * PS, length: PS, deviceOffset: i * PS })),
  );
}

/** Reports of the steps of `r` up to and including the first with `action`. */
function stepUntil(r: Reconfiguration, action: string, maxPages = 1): StepReport[] {
  const out: StepReport[] = [];
  for (let i = 0; i < 100; i++) {
    const result = r.step({ maxPages });
    if (result.report === null) break;
    out.push(result.report);
    if (result.report.action === action) return out;
  }
  throw new Error(`no ${action} in ${JSON.stringify(actions(out))}`);
}

/** The next `count` step results (status and report) of `r`. */
function steps(
  r: Reconfiguration,
  count: number,
  maxPages = 1,
): { status: string; report: StepReport | null }[] {
  return Array.from({ length: count }, () => {
    const { status, report } = r.step({ maxPages });
    return { status, report };
  });
}

function progress(report: Omit<StepReport, 'vm'>) {
  return { status: 'progress', report: { vm: 'A', ...report } };
}

function waiting(spec: string, pages: number[], detail: string) {
  return { status: 'waiting', report: { action: 'reloc.wait', spec, vm: 'A', pages, detail } };
}

const IO_WAIT = 'pages targeted by in-flight transfers move after those end';

/** Guest storage whose page p is filled with `bytes[p]`. */
function pagesOf(bytes: readonly number[]): Uint8Array {
  const out = new Uint8Array(bytes.length * PS);
  bytes.forEach((byte, p) => {
    out.fill(byte, p * PS, (p + 1) * PS);
  });
  return out;
}

/** Finish `r`, let the channels end, and check that A's pages hold `expected[p]` (a byte each). */
function finishAndCheck(
  machine: Machine,
  scheduler: ManualScheduler,
  r: Reconfiguration,
  expected: readonly number[],
): void {
  stepToEnd(r, scheduler);
  drain(machine, scheduler);
  expect(machine.read('A', 0, expected.length * PS)).toEqual(pagesOf(expected));
}

describe('refused requests', () => {
  it('should say why a VM in the wrong mode cannot be converted or relocated, changing nothing', () => {
    const { machine, scheduler } = machineWith({ size: 2, origin: 2 });
    const fixed = machine.snapshot();
    expect(() => machine.toPageFixed('A', 5)).toThrow(
      expect.objectContaining({
        constructor: VmStateError,
        message: 'toPageFixed needs A to be pageable',
        details: { vm: 'A', request: 'toPageFixed', state: 'pageable' },
      }),
    );
    expect(machine.snapshot()).toEqual(fixed);
    stepToEnd(machine.toPageable('A', 2), scheduler);
    const pageable = machine.snapshot();
    expect(() => machine.relocate('A', 5)).toThrow(
      'relocate needs A to be page-fixed (use toPageFixed for a pageable VM)',
    );
    expect(() => machine.toPageable('A', 1)).toThrow(/^toPageable needs A to be page-fixed$/);
    expect(machine.snapshot()).toEqual(pageable);
  });

  it('should refuse a footprint that is not a whole number of pages, naming it', () => {
    const { machine } = machineWith({ size: 3, origin: 2 });
    const before = machine.snapshot();
    let error: unknown;
    try {
      machine.toPageable('A', 1.5);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(InvalidRequestError);
    expect(error).toMatchObject({
      message: 'toPageable needs 1..3 resident pages, got 1.5',
      details: { vm: 'A', resident: 1.5 },
    });
    expect(machine.snapshot()).toEqual(before);
  });

  it('should accept a footprint of every page and page nothing out', () => {
    const { machine, scheduler } = machineWith({ size: 3, origin: 2 });
    const reports = stepToEnd(machine.toPageable('A', 3), scheduler);
    expect(actions(reports)).toEqual(['reloc.clearDirect', 'reloc.buildSpace', 'reloc.finishPageable']);
    expect(reports[2]).toEqual({
      action: 'reloc.finishPageable',
      spec: '[0030]',
      vm: 'A',
      detail: 'resident limit 3',
    });
    expect(machine.pageTable('A')).toEqual([2, 3, 4]);
  });
});

describe('conversion to pageable, step by step', () => {
  it('should report each page-out and wait, naming the pinned pages, when only pinned ones are left', () => {
    const { machine, scheduler } = machineWith({ size: 3, origin: 2 });
    // A is intercepted (431 = 0): the program pins pages 0 and 1.
    writeInto(machine, 0, [0, 1]);
    expect(machine.pins('A')).toEqual([1, 1, 0]);
    const r = machine.toPageable('A', 1);
    expect(steps(r, 5)).toEqual([
      progress({ action: 'reloc.clearDirect', spec: '5000' }),
      progress({
        action: 'reloc.buildSpace',
        spec: '5010',
        from: 2,
        detail: expect.stringMatching(/^host ST \d+: page j -> frame 2\+j$/),
      }),
      progress({ action: 'reloc.pageOut', spec: '5020-5030', page: 2, from: 4 }),
      waiting('5030', [0, 1], 'every resident page beyond the footprint is targeted by in-flight I/O'),
      waiting('5030', [0, 1], 'every resident page beyond the footprint is targeted by in-flight I/O'),
    ]);
    scheduler.runAll();
    expect(r.step()).toEqual(progress({ action: 'reloc.pageOut', spec: '5020-5030', page: 0, from: 2 }));
    expect(r.step().status).toBe('done');
    expect(machine.vm('A')).toMatchObject({ pagedOut: [0, 2], pageTable: [null, 3, null], residentLimit: 1 });
    finishAndCheck(machine, scheduler, r, [0xe0, 0xe0, 0x42]);
  });

  it('should wait with step [0030] while a program started directly before 5000 runs', () => {
    const { machine, scheduler } = machineWith({ size: 2, origin: 2, direct: true });
    writeInto(machine, 0, [1]);
    const r = machine.toPageable('A', 2);
    expect(steps(r, 3).map((s) => s.status)).toEqual(['progress', 'progress', 'waiting']);
    expect(r.step()).toEqual(
      waiting('[0030]', [], '1 program(s) started directly before 5000 still use origin/end'),
    );
    finishAndCheck(machine, scheduler, r, [0x40, 0xe0]);
  });

  it('should not wait for direct programs under fault-forget-direct-io (the seeded fault)', () => {
    const { machine, scheduler } = machineWith(
      { size: 2, origin: 2, direct: true },
      24,
      'fault-forget-direct-io',
    );
    writeInto(machine, 0, [1]);
    const r = machine.toPageable('A', 2);
    const reports = stepToEnd(r, scheduler);
    expect(actions(reports)).toEqual(['reloc.clearDirect', 'reloc.buildSpace', 'reloc.finishPageable']);
    expect(machine.channelStatus()[0]!.busy).toBe(true);
  });
});

describe('relocation page by page', () => {
  it('should move the highest page first when moving up, then wait for the targeted one', () => {
    const { machine, scheduler } = machineWith({ size: 4, origin: 2 });
    writeInto(machine, 0, [0]);
    const r = machine.relocate('A', 8);
    expect(steps(r, 8)).toEqual([
      progress({ action: 'reloc.clearDirect', spec: '5000' }),
      progress({
        action: 'reloc.buildSpace',
        spec: '5010',
        from: 2,
        detail: expect.stringMatching(/^host ST \d+: page j -> frame 2\+j$/),
      }),
      progress({
        action: 'reloc.startPaging',
        spec: '5035-5050',
        detail: '1 program(s) in flight: move page by page',
      }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 3, from: 5, to: 11 }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 2, from: 4, to: 10 }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 1, from: 3, to: 9 }),
      waiting('5085', [0], IO_WAIT),
      waiting('5085', [0], IO_WAIT),
    ]);
    scheduler.runAll();
    expect(steps(r, 5)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 2, to: 8 }),
      progress({ action: 'reloc.setOrigin', spec: '5090-5100', from: 2, to: 8 }),
      progress({ action: 'reloc.setPageFixed', spec: '5110' }),
      progress({ action: 'reloc.setDirect', spec: '5120', detail: 'bit 431 = 0' }),
      {
        status: 'done',
        report: { action: 'reloc.dispatch', spec: '5130-5160', vm: 'A', detail: 'CPU 0' },
      },
    ]);
    expect(machine.controlBlock('A')).toEqual({
      direct: false,
      pageFixed: true,
      origin: 8,
      end: 11,
      hostSt: null,
    });
    finishAndCheck(machine, scheduler, r, [0xe0, 0x41, 0x42, 0x43]);
  });

  it('should move the lowest page first when moving down', () => {
    const { machine, scheduler } = machineWith({ size: 4, origin: 8 });
    writeInto(machine, 0, [3]);
    const r = machine.relocate('A', 2);
    stepUntil(r, 'reloc.startPaging');
    expect(steps(r, 4)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 8, to: 2 }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 1, from: 9, to: 3 }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 2, from: 10, to: 4 }),
      waiting('5085', [3], IO_WAIT),
    ]);
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0x42, 0xe0]);
  });

  it('should name the waited-for pages in ascending order whatever the move order', () => {
    const { machine, scheduler } = machineWith({ size: 3, origin: 2 });
    writeInto(machine, 0, [0, 1]);
    const r = machine.relocate('A', 8);
    stepUntil(r, 'reloc.startPaging');
    expect(steps(r, 2)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 2, from: 4, to: 10 }),
      waiting('5085', [0, 1], IO_WAIT),
    ]);
    finishAndCheck(machine, scheduler, r, [0xe0, 0xe0, 0x42]);
  });

  it('should count intercepted programs as in flight under fault-forget-direct-io', () => {
    const { machine, scheduler } = machineWith({ size: 2, origin: 2 }, 24, 'fault-forget-direct-io');
    writeInto(machine, 0, [1]);
    const r = machine.relocate('A', 8);
    expect(stepUntil(r, 'reloc.startPaging').at(-1)).toEqual({
      action: 'reloc.startPaging',
      spec: '5035-5050',
      vm: 'A',
      detail: '1 program(s) in flight: move page by page',
    });
    finishAndCheck(machine, scheduler, r, [0x40, 0xe0]);
  });

  it('should report no old origin when a pageable VM becomes page-fixed', () => {
    const { machine, scheduler } = machineWith({ size: 2, frames: [3, 2] });
    const reports = stepToEnd(machine.toPageFixed('A', 5), scheduler);
    expect(reports.find((x) => x.action === 'reloc.setOrigin')).toEqual({
      action: 'reloc.setOrigin',
      spec: '5090-5100',
      vm: 'A',
      to: 5,
    });
  });
});

describe('relocation page by page, several pages per step (fast path)', () => {
  it('should move a run of pages in descending order with one copy when moving up', () => {
    const { machine, scheduler } = machineWith({ size: 4, origin: 2 });
    writeInto(machine, 0, [0]);
    const r = machine.relocate('A', 8);
    stepUntil(r, 'reloc.startPaging');
    expect(steps(r, 2, 8)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 1, from: 3, to: 9, pages: [1, 2, 3] }),
      waiting('5085', [0], IO_WAIT),
    ]);
    expect(machine.pageTable('A')).toEqual([2, 9, 10, 11]);
    expect(machine.frameOwners().slice(3, 6)).toEqual([
      { owner: 'free' },
      { owner: 'free' },
      { owner: 'free' },
    ]);
    finishAndCheck(machine, scheduler, r, [0xe0, 0x41, 0x42, 0x43]);
  });

  it('should batch overlapping pages whose destination a page of the same run holds', () => {
    const { machine, scheduler } = machineWith({ size: 4, origin: 5 });
    writeInto(machine, 0, [3]);
    const r = machine.relocate('A', 3);
    stepUntil(r, 'reloc.startPaging');
    expect(steps(r, 2, 8)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 5, to: 3, pages: [0, 1, 2] }),
      waiting('5085', [3], IO_WAIT),
    ]);
    expect(machine.pageTable('A')).toEqual([3, 4, 5, 8]);
    expect(machine.frameOwners()[7]).toEqual({ owner: 'free' });
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0x42, 0xe0]);
  });

  it('should move at most maxPages pages per step and stop a run at a targeted page', () => {
    const { machine, scheduler } = machineWith({ size: 6, origin: 12 });
    writeInto(machine, 0, [2]);
    const r = machine.relocate('A', 2);
    stepUntil(r, 'reloc.startPaging');
    expect(steps(r, 4, 2)).toEqual([
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 12, to: 2, pages: [0, 1] }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 3, from: 15, to: 5, pages: [3, 4] }),
      // The last page left forms no run: a plain single move.
      progress({ action: 'reloc.movePage', spec: '5085', page: 5, from: 17, to: 7 }),
      waiting('5085', [2], IO_WAIT),
    ]);
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0xe0, 0x43, 0x44, 0x45]);
  });

  it('should stop a run where the source frames stop being adjacent, and page paged-out pages in', () => {
    const { machine, scheduler } = machineWith({ size: 5, frames: [6, 7, 9, null, 10] });
    writeInto(machine, 0, [4]);
    const r = machine.toPageFixed('A', 12);
    expect(steps(r, 5, 8)).toEqual([
      progress({
        action: 'reloc.startPaging',
        spec: '5035-5050',
        detail: '1 program(s) in flight: move page by page',
      }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 6, to: 12, pages: [0, 1] }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 2, from: 9, to: 14 }),
      progress({ action: 'reloc.pageInToDest', spec: '[0031]', page: 3, to: 15 }),
      waiting('5085', [4], IO_WAIT),
    ]);
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0x42, 0x00, 0xe0]);
    expect(machine.pageTable('A')).toEqual([12, 13, 14, 15, 16]);
  });

  it('should not batch under fault-move-targeted-page or fault-overlap-copy', () => {
    for (const variant of ['fault-move-targeted-page', 'fault-overlap-copy'] as const) {
      const { machine } = machineWith({ size: 4, origin: 2 }, 24, variant);
      writeInto(machine, 0, [0]);
      const r = machine.relocate('A', 8);
      stepUntil(r, 'reloc.startPaging');
      expect(r.step({ maxPages: 8 }).report).not.toHaveProperty('pages');
    }
  });
});

describe('cycles of a pageable VM', () => {
  /** Reports of `toPageFixed('A', to)` once the program that forces the page-by-page phase ended. */
  function afterIo(machine: Machine, scheduler: ManualScheduler, to: number) {
    machine.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]);
    const r = machine.toPageFixed('A', to);
    stepUntil(r, 'reloc.startPaging');
    scheduler.runAll();
    return r;
  }

  it('should move the occupant of the first blocked page out of the way into the lowest free frame', () => {
    const { machine, scheduler } = machineWith({ size: 3, frames: [1, 3, 2] }, 8);
    const r = afterIo(machine, scheduler, 1);
    expect(steps(r, 3)).toEqual([
      progress({
        action: 'reloc.movePage',
        spec: '5085',
        page: 2,
        from: 2,
        to: 4,
        detail: 'out of the way of page 1',
      }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 1, from: 3, to: 2 }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 2, from: 4, to: 3 }),
    ]);
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0x42]);
    expect(machine.frameOwners()[4]).toEqual({ owner: 'free' });
  });

  it('should break a two-page swap for the lower page first', () => {
    const { machine, scheduler } = machineWith({ size: 2, frames: [2, 1] }, 6);
    const r = afterIo(machine, scheduler, 1);
    expect(r.step().report).toEqual({
      action: 'reloc.movePage',
      spec: '5085',
      vm: 'A',
      page: 1,
      from: 1,
      to: 3,
      detail: 'out of the way of page 0',
    });
    finishAndCheck(machine, scheduler, r, [0x40, 0x41]);
  });

  it('should page the occupant out when no frame is free, and page it in to its destination', () => {
    const { machine, scheduler } = machineWith({ size: 2, frames: [2, 1] }, 3);
    const r = afterIo(machine, scheduler, 1);
    expect(steps(r, 3)).toEqual([
      progress({
        action: 'reloc.pageOut',
        spec: '5085',
        page: 1,
        from: 1,
        detail: 'out of the way of page 0',
      }),
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 2, to: 1 }),
      progress({ action: 'reloc.pageInToDest', spec: '[0031]', page: 1, to: 2 }),
    ]);
    finishAndCheck(machine, scheduler, r, [0x40, 0x41]);
    expect(machine.vm('A')).toMatchObject({ pageTable: [1, 2], pagedOut: [] });
  });
});

describe('copying every page at once (5040)', () => {
  it('should copy pages from scattered frames each to its own destination frame', () => {
    const { machine, scheduler } = machineWith({ size: 3, frames: [5, 2, 9] });
    const reports = stepToEnd(machine.toPageFixed('A', 3), scheduler);
    expect(actions(reports)[0]).toBe('reloc.copyAll');
    expect(machine.pageTable('A')).toEqual([3, 4, 5]);
    expect(machine.read('A', 0, 3 * PS)).toEqual(pagesOf([0x40, 0x41, 0x42]));
    expect([2, 9].map((f) => machine.frameOwners()[f])).toEqual([{ owner: 'free' }, { owner: 'free' }]);
  });
});

describe('relocation inside a resize', () => {
  it('should keep offline frames that lie in the destination reserved and give the others back at 5010', () => {
    const clock = new ManualClock('21:59');
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), 'patent', clock);
    machine.pollClock();
    clock.set('22:00');
    const [resize] = machine.pollClock();
    stepUntil(resize!, 'reloc.buildSpace');
    // VM-2 (frames 2..5) keeps page 0 and moves it to frame 5, where its offline page 3 was.
    expect(machine.frameOwners().slice(2, 6)).toEqual([
      { owner: 'vm', vm: 'VM-2', page: 0 },
      { owner: 'free' },
      { owner: 'free' },
      { owner: 'vm', vm: 'VM-2', page: null },
    ]);
    stepToEnd(resize!, scheduler);
  });
});

describe('more runs and reports', () => {
  it('should batch pages moving down by one, each into the frame the page before it left', () => {
    const { machine, scheduler } = machineWith({ size: 4, origin: 5 });
    writeInto(machine, 0, [3]);
    const r = machine.relocate('A', 4);
    stepUntil(r, 'reloc.startPaging');
    expect(r.step({ maxPages: 8 })).toEqual(
      progress({ action: 'reloc.movePage', spec: '5085', page: 0, from: 5, to: 4, pages: [0, 1, 2] }),
    );
    finishAndCheck(machine, scheduler, r, [0x40, 0x41, 0x42, 0xe0]);
  });

  it('should describe each request and name its VM', () => {
    const { machine, scheduler } = machineWith({ size: 2, origin: 2 });
    const relocate = machine.relocate('A', 8);
    expect(relocate.snapshot()).toMatchObject({
      description: 'relocate A to frame 8',
      vm: 'A',
      kind: 'relocate',
    });
    stepToEnd(relocate, scheduler);
    const pageable = machine.toPageable('A', 1);
    expect(pageable.description).toBe('make A pageable with 1 resident page(s)');
    stepToEnd(pageable, scheduler);
    const fixed = machine.toPageFixed('A', 3);
    expect(fixed.snapshot()).toMatchObject({ description: 'make A page-fixed at frame 3', vm: 'A' });
    expect(stepToEnd(fixed, scheduler).at(-1)).toEqual({
      action: 'reloc.dispatch',
      spec: '5130-5160',
      vm: 'A',
      detail: 'CPU 0',
    });
  });

  it('should page a single paged-out page in, not keep the stale bytes of its destination frame', () => {
    const scenario = scenarioOf({
      name: 'one-page',
      storage: { frames: 6, vmmFrames: 1, pageSize: PS, pagesPerSegment: 4 },
      channels: 1,
      cpus: 1,
      vms: [
        {
          name: 'A',
          size: 1,
          pageFixed: false,
          direct: false,
          frames: [null],
          cpus: { mode: 'shared', cpus: [0] },
        },
        { name: 'B', size: 1, origin: 2, direct: false, cpus: { mode: 'shared', cpus: [0] } },
      ],
    });
    const { machine, scheduler } = manualMachine(scenario);
    machine.write('B', 0, filled(PS, 0x77));
    machine.terminate('B');
    expect(actions(stepToEnd(machine.toPageFixed('A', 2), scheduler))[0]).toBe('reloc.copyAll');
    expect(machine.vm('A')).toMatchObject({ pageTable: [2], controlBlock: { origin: 2, pageFixed: true } });
    // A's page was never written: it reads as zeros, not as what B left in frame 2.
    expect(machine.read('A', 0, PS)).toEqual(filled(PS, 0));
  });
});
