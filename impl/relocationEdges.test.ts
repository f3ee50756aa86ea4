/**
 * The relocation engine where frame 0 is a guest frame (a machine without VMM frames): paging out
 * a page resident there, a batched move whose run starts there or right after a paged-out page,
 * and a move cycle broken through it. Seen through the step reports and the page tables.
 */
import { describe, expect, it } from 'vitest';
import type { Machine } from './machine.ts';
import { drain, filled, manualMachine, scenarioOf, stepToEnd } from './testSupport.ts';

const PS = 16;

/** VM `A` on a machine of `frames` frames, none of them the VMM's; page-fixed at `origin` or pageable. */
function noVmmFrames(
  frames: number,
  vm: { size: number; origin?: number; frames?: readonly (number | null)[] },
) {
  const pageable = vm.frames !== undefined;
  const { machine, scheduler } = manualMachine(
    scenarioOf({
      name: 'no-vmm-frames',
      storage: { frames, vmmFrames: 0, pageSize: PS, pagesPerSegment: 4 },
      channels: 2,
      cpus: 1,
      vms: [
        {
          name: 'A',
          size: vm.size,
          direct: false,
          ...(pageable ? { pageFixed: false, frames: vm.frames } : { origin: vm.origin }),
          cpus: { mode: 'shared', cpus: [0] },
        },
      ],
    }),
  );
  for (let p = 0; p < vm.size; p++) {
    if (vm.frames?.[p] === null) continue;
    machine.write('A', p * PS, filled(PS, 0x40 + p));
  }
  return { machine, scheduler };
}

/** Pin `page` of A with an intercepted one-byte read on `channel`. */
function pin(machine: Machine, channel: number, page: number): void {
  expect(machine.startIo('A', channel, [{ op: 'read', address: page * PS, length: 1 }]).mode).toBe(
    'intercepted',
  );
}

const contents = (m: Machine, size: number) =>
  Array.from({ length: size }, (_, p) => m.read('A', p * PS, 1)[0]);

describe('relocation with frame 0 a guest frame', () => {
  it('should page out the page resident in frame 0 first when becoming pageable', () => {
    const { machine, scheduler } = noVmmFrames(4, { size: 3, origin: 0 });
    const reports = stepToEnd(machine.toPageable('A', 1), scheduler);
    expect(reports.filter((r) => r.action === 'reloc.pageOut').map((r) => [r.page, r.from])).toEqual([
      [0, 0],
      [1, 1],
    ]);
    expect(machine.pageTable('A')).toEqual([null, null, 2]);
    expect(contents(machine, 3)).toEqual([0x40, 0x41, 0x42]);
  });

  it('should batch a run of pages that starts in frame 0', () => {
    const { machine, scheduler } = noVmmFrames(8, { size: 3, frames: [0, 1, 2] });
    const r = machine.toPageFixed('A', 4);
    pin(machine, 0, 2);
    expect(r.step({ maxPages: 4 }).report?.action).toBe('reloc.startPaging');
    expect(r.step({ maxPages: 4 }).report).toMatchObject({
      action: 'reloc.movePage',
      page: 0,
      from: 0,
      to: 4,
      pages: [0, 1],
    });
    expect(machine.pageTable('A')).toEqual([4, 5, 2]);
    drain(machine, scheduler);
    stepToEnd(r, scheduler);
    expect(contents(machine, 3)).toEqual([0x40, 0x41, 0x42]);
  });

  it('should page a paged-out page straight in, not batch it with the page in frame 0 after it', () => {
    const { machine, scheduler } = noVmmFrames(8, { size: 3, frames: [null, 0, 1] });
    const r = machine.toPageFixed('A', 4);
    pin(machine, 0, 2);
    expect(r.step({ maxPages: 4 }).report?.action).toBe('reloc.startPaging');
    expect(r.step({ maxPages: 4 }).report).toEqual({
      action: 'reloc.pageInToDest',
      spec: '[0031]',
      vm: 'A',
      page: 0,
      to: 4,
    });
    expect(r.step({ maxPages: 4 }).report).toMatchObject({
      action: 'reloc.movePage',
      page: 1,
      from: 0,
      to: 5,
    });
    drain(machine, scheduler);
    stepToEnd(r, scheduler);
    expect(machine.pageTable('A')).toEqual([4, 5, 6]);
    expect(contents(machine, 3)).toEqual([0, 0x41, 0x42]);
  });

  it('should break a move cycle by moving the occupant to frame 0 when that is the free frame', () => {
    // Page 0 sits in page 1's destination and page 1 in page 0's; page 2 is in place but pinned.
    const { machine, scheduler } = noVmmFrames(4, { size: 3, frames: [2, 1, 3] });
    const r = machine.toPageFixed('A', 1);
    pin(machine, 0, 2);
    expect(r.step().report?.action).toBe('reloc.startPaging');
    expect(r.step().report).toMatchObject({
      action: 'reloc.movePage',
      page: 1,
      from: 1,
      to: 0,
      detail: 'out of the way of page 0',
    });
    drain(machine, scheduler);
    stepToEnd(r, scheduler);
    expect(machine.pageTable('A')).toEqual([1, 2, 3]);
    expect(contents(machine, 3)).toEqual([0x40, 0x41, 0x42]);
  });
});

describe('a page stolen during the move phase', () => {
  it('should check every page once more when the pages left are in place, and bring back a stolen one', () => {
    // Storage full: frame 1 is C's, A's destination 2..4 holds page 1 in place (3) and page 0 in
    // page 2's frame (4); page 2 is out. Page 0 is pinned, so the first scan moves nothing.
    const { machine, scheduler } = manualMachine(
      scenarioOf({
        name: 'steal-in-move',
        storage: { frames: 5, vmmFrames: 1, pageSize: PS, pagesPerSegment: 4 },
        channels: 1,
        cpus: 1,
        vms: [
          { name: 'C', size: 1, origin: 1, cpus: { mode: 'shared', cpus: [0] } },
          {
            name: 'A',
            size: 3,
            pageFixed: false,
            direct: false,
            frames: [4, 3, null],
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    machine.write('A', 0, filled(PS, 0x40));
    machine.write('A', PS, filled(PS, 0x41));
    const r = machine.toPageFixed('A', 2);
    pin(machine, 0, 0);
    expect(r.step().report?.action).toBe('reloc.startPaging');
    expect(r.step().status).toBe('waiting');
    // Page 2 comes in: its own frame holds page 0 and storage is full, so it steals page 1's frame.
    machine.write('A', 2 * PS, filled(PS, 0x42));
    expect(machine.pageTable('A')).toEqual([4, null, 3]);
    drain(machine, scheduler);
    const reports = stepToEnd(r, scheduler);
    expect(reports.slice(0, 3).map((x) => [x.action, x.page])).toEqual([
      ['reloc.movePage', 0],
      ['reloc.movePage', 2],
      ['reloc.pageInToDest', 1],
    ]);
    expect(machine.controlBlock('A')).toMatchObject({ pageFixed: true, origin: 2 });
    expect(contents(machine, 3)).toEqual([0x40, 0x41, 0x42]);
  });
});
