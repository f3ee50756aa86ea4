import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ReconfigurationInProgressError } from './errors.ts';
import { createMachine } from './machine.ts';
import { EventLoopScheduler } from './scheduler.ts';
import {
  actions,
  drain,
  filled,
  manualMachine,
  mutationRuns,
  namedScenario,
  pattern,
  scenarioOf,
  stepToEnd,
  within,
} from './testSupport.ts';

const PS = 4096;

/** fig6 with VM-3 gone and VM-2's pages filled with 0x20 and 0x21. */
function fig6(variant: Parameters<typeof manualMachine>[1] = 'patent') {
  const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'), variant);
  machine.write('VM-2', 0, filled(PS, 0x20));
  machine.write('VM-2', PS, filled(PS, 0x21));
  machine.device(0).write(0, filled(PS, 0xaa));
  machine.terminate('VM-3');
  return { machine, scheduler };
}

describe('relocation without I/O in flight', () => {
  it('should copy every page at once (5040) and set origin, 432 and 431 in that order', () => {
    const { machine, scheduler } = fig6();
    const r = machine.relocate('VM-2', 4);
    const reports = stepToEnd(r, scheduler);
    expect(actions(reports)).toEqual([
      'reloc.clearDirect',
      'reloc.buildSpace',
      'reloc.copyAll',
      'reloc.setOrigin',
      'reloc.setPageFixed',
      'reloc.setDirect',
      'reloc.dispatch',
    ]);
    expect(reports.map((x) => x.spec)).toEqual([
      '5000',
      '5010',
      '5035-5040',
      '5090-5100',
      '5110',
      '5120',
      '5130-5160',
    ]);
    // VM-2 is configured with bit 431 = 0 (simulated I/O): step 5120 restores that.
    expect(machine.controlBlock('VM-2')).toEqual({
      direct: false,
      pageFixed: true,
      origin: 4,
      end: 5,
      hostSt: null,
    });
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x20));
    expect(machine.read('VM-2', PS, PS)).toEqual(filled(PS, 0x21));
    expect(machine.frameOwners()[3]).toEqual({ owner: 'free' });
    expect(machine.frameOwners()[4]).toEqual({ owner: 'vm', vm: 'VM-2', page: 0 });
    expect(r.status).toBe('done');
  });

  it('should make the VM pageable with page j at old origin + j right after step 5010', () => {
    const { machine } = fig6();
    const r = machine.relocate('VM-2', 4);
    r.step();
    expect(machine.controlBlock('VM-2')).toMatchObject({ direct: false, pageFixed: true });
    r.step();
    expect(machine.controlBlock('VM-2')).toMatchObject({
      direct: false,
      pageFixed: false,
      origin: 3,
      end: 4,
    });
    expect(machine.controlBlock('VM-2').hostSt).not.toBeNull();
    expect(machine.pageTable('VM-2')).toEqual([3, 4]);
    // The destination frame is reserved for VM-2 from the start.
    expect(machine.frameOwners()[5]).toEqual({ owner: 'vm', vm: 'VM-2', page: null });
  });
});

describe('relocation with I/O in flight (patent)', () => {
  it('should wait for the targeted page and keep the channel write at the same guest address', () => {
    const { machine, scheduler } = fig6();
    // VM-2 is intercepted (431 = 0): the host program names frame 4 for page 1.
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    const r = machine.relocate('VM-2', 4);
    expect(actions([r.step().report!, r.step().report!, r.step().report!])).toEqual([
      'reloc.clearDirect',
      'reloc.buildSpace',
      'reloc.startPaging',
    ]);
    // Page 1 is targeted; page 0 cannot go to frame 4 while page 1 lives there (overlap).
    const wait = r.step();
    expect(wait).toMatchObject({ status: 'waiting', report: { action: 'reloc.wait', pages: [1] } });
    scheduler.runOne(0);
    expect(r.step().status).toBe('waiting');
    scheduler.runOne(0);
    expect(r.step().report).toMatchObject({ action: 'reloc.movePage', page: 1, from: 4, to: 5 });
    expect(r.step().report).toMatchObject({ action: 'reloc.movePage', page: 0, from: 3, to: 4 });
    stepToEnd(r, scheduler);
    expect(machine.read('VM-2', PS, PS)).toEqual(filled(PS, 0xaa));
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x20));
  });

  it('should intercept start-I/O issued after step 5000 and simulate it against the current mapping', () => {
    const { machine, scheduler } = fig6();
    machine.write('VM-1', 0, filled(2 * PS, 0x11));
    machine.device(0).write(PS, filled(PS, 0xbb));
    const r = machine.relocate('VM-1', 5);
    r.step();
    // VM-1 ran with 431 = 1; from step 5000 on its start-I/O is intercepted and pins its pages.
    const io = machine.startIo('VM-1', 0, {
      deviceOffset: PS,
      transfers: [{ op: 'write', address: 0, length: PS }],
    });
    expect(io.mode).toBe('intercepted');
    expect(machine.pins('VM-1')).toEqual([1, 0]);
    expect(machine.channelStatus()[0]!.program!.pieces[0]!.hostFrame).toBe(1);
    const reports = stepToEnd(r, scheduler);
    expect(actions(reports)).toContain('reloc.movePage');
    drain(machine, scheduler);
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0xbb));
    expect(machine.read('VM-1', PS, PS)).toEqual(filled(PS, 0x11));
    expect(machine.pins('VM-1')).toEqual([0, 0]);
    expect(machine.controlBlock('VM-1')).toMatchObject({ origin: 5, direct: true, pageFixed: true });
  });

  it('should track programs started directly before step 5000 as in flight', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    machine.write('VM-1', 0, filled(2 * PS, 0x11));
    machine.device(0).write(0, filled(PS, 0xcc));
    // VM-1 has 431 = 1: this program relocates with VM-1's origin (frame 1) at each access.
    const io = machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    expect(io.mode).toBe('direct');
    machine.terminate('VM-3');
    const r = machine.relocate('VM-1', 5);
    r.step();
    r.step();
    expect(r.step().report?.action).toBe('reloc.startPaging');
    expect(r.step().report).toMatchObject({ action: 'reloc.movePage', page: 1 });
    expect(r.step()).toMatchObject({ status: 'waiting', report: { pages: [0] } });
    scheduler.runAll();
    stepToEnd(r, scheduler);
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0xcc));
    expect(machine.read('VM-1', PS, PS)).toEqual(filled(PS, 0x11));
    expect(machine.controlBlock('VM-1')).toMatchObject({ origin: 5, end: 6, direct: true, pageFixed: true });
  });

  it('should refuse a second relocation while one runs and leave the machine as it was', () => {
    const { machine } = fig6();
    const r = machine.relocate('VM-2', 4);
    r.step();
    const before = machine.snapshot();
    expect(() => machine.relocate('VM-1', 5)).toThrow(ReconfigurationInProgressError);
    expect(() => machine.terminate('VM-1')).toThrow(ReconfigurationInProgressError);
    expect(machine.snapshot()).toEqual(before);
  });

  it('should finish with run() while the default scheduler drives the channels', async () => {
    const machine = createMachine(namedScenario('fig6-relocation'), { scheduler: new EventLoopScheduler() });
    machine.write('VM-2', 0, filled(2 * PS, 0x42));
    machine.device(0).write(0, filled(PS, 0x99));
    machine.terminate('VM-3');
    const io = machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    const result = await within(machine.relocate('VM-2', 4).run(), 'the relocation');
    expect(result).toMatchObject({ status: 'done', kind: 'relocate' });
    expect((await within(io.done, 'the I/O interrupt')).status).toBe('ok');
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0x42));
    expect(machine.read('VM-2', PS, PS)).toEqual(filled(PS, 0x99));
    expect(machine.reconfiguration).toBeNull();
  });
});

describe('relocation under the prior art', () => {
  it('should let a resumed host channel program write the old frame: a stale write', () => {
    const { machine, scheduler } = fig6('prior-art');
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    const r = machine.relocate('VM-2', 4);
    const reports = stepToEnd(r, scheduler);
    expect(actions(reports)).toEqual(['prior.suspend', 'prior.copy', 'prior.resume']);
    drain(machine, scheduler);
    // The channel wrote frame 4, where page 1 used to be: page 1 never sees the data...
    expect(machine.read('VM-2', PS, PS)).toEqual(filled(PS, 0x21));
    // ...and page 0, which now lives in frame 4, has been overwritten.
    expect(machine.read('VM-2', 0, PS)).toEqual(filled(PS, 0xaa));
  });
});

describe('fast path', () => {
  it('should end in the same state with batched moves as with one page per step', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 12 }),
        fc.integer({ min: -6, max: 6 }),
        fc.uniqueArray(fc.nat(11), { maxLength: 3 }),
        fc.integer({ min: 2, max: 8 }),
        (size, shift, targeted, maxPages) => {
          const origin = 8;
          const to = origin + shift;
          const run = (batch: number) => {
            const scenario = scenarioOf({
              name: 'fast-path',
              storage: { frames: 30, vmmFrames: 1, pageSize: 32, pagesPerSegment: 4 },
              channels: 3,
              cpus: 1,
              vms: [{ name: 'A', size, origin, direct: false, cpus: { mode: 'shared', cpus: [0] } }],
            });
            const { machine, scheduler } = manualMachine(scenario);
            machine.write('A', 0, pattern(size * 32, size));
            targeted
              .filter((p) => p < size)
              .forEach((page, channel) => {
                machine.device(channel).write(0, filled(32, 0xe0 + channel));
                machine.startIo('A', channel, [{ op: 'write', address: page * 32, length: 32 }]);
              });
            const r = machine.relocate('A', to);
            stepToEnd(r, scheduler, batch);
            drain(machine, scheduler);
            return { snapshot: machine.snapshot(), bytes: machine.storage.bytes.slice() };
          };
          const single = run(1);
          const batched = run(maxPages);
          expect(batched.snapshot).toEqual(single.snapshot);
          expect(batched.bytes).toEqual(single.bytes);
        },
      ),
      { numRuns: mutationRuns(400), seed: 4242 },
    );
  });
});
