/**
 * The frame a page-in takes at the edges of the pager's choice: the page's own frame of a
 * reserved destination, frame 0 of a machine without VMM frames, a full storage, and a steal
 * that finds nothing. Seen through the page table, the frame table and the errors of a guest read.
 */
import { describe, expect, it } from 'vitest';
import { OutOfFramesError } from './errors.ts';
import type { Machine } from './machine.ts';
import { drain, filled, manualMachine, scenarioOf } from './testSupport.ts';

const PS = 16;

/** One VM `A` of `size` pages, page-fixed at `origin` or pageable with `frames`; not direct. */
function machineWith(
  storage: { frames: number; vmmFrames: number },
  vm: { size: number; origin?: number; frames?: readonly (number | null)[] },
) {
  const pageable = vm.frames !== undefined;
  return manualMachine(
    scenarioOf({
      name: 'page-in',
      storage: { ...storage, pageSize: PS, pagesPerSegment: 4 },
      channels: 3,
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
}

/** Pin `page` of A with an intercepted program on `channel` that reads one byte of it. */
function pin(machine: Machine, channel: number, page: number): void {
  expect(machine.startIo('A', channel, [{ op: 'read', address: page * PS, length: 1 }]).mode).toBe(
    'intercepted',
  );
}

const owners = (m: Machine) =>
  m.frameOwners().map((f) => (f.owner === 'vm' ? `${f.vm}:${f.page ?? '-'}` : f.owner));

describe('page-in frame choice at the edges', () => {
  it('should page a page in to its own reserved destination frame while becoming page-fixed', () => {
    const { machine, scheduler } = machineWith(
      { frames: 12, vmmFrames: 1 },
      { size: 3, frames: [1, null, null] },
    );
    machine.write('A', 0, filled(PS, 0x40));
    const r = machine.toPageFixed('A', 6);
    pin(machine, 0, 0);
    expect(r.step().report?.action).toBe('reloc.startPaging');
    expect(owners(machine).slice(0, 9)).toEqual([
      'vmm',
      'A:0',
      'free',
      'free',
      'free',
      'free',
      'A:-',
      'A:-',
      'A:-',
    ]);
    // Not the lowest free frame (2): the page's frame of the destination, 6 + 2.
    machine.write('A', 2 * PS, filled(PS, 0x42));
    expect(machine.pageTable('A')).toEqual([1, null, 8]);
    expect(machine.read('A', PS, PS)).toEqual(filled(PS, 0));
    expect(machine.pageTable('A')).toEqual([1, 7, 8]);
    expect(owners(machine).slice(0, 9)).toEqual([
      'vmm',
      'A:0',
      'free',
      'free',
      'free',
      'free',
      'A:-',
      'A:1',
      'A:2',
    ]);
    drain(machine, scheduler);
    expect(machine.read('A', 2 * PS, PS)).toEqual(filled(PS, 0x42));
  });

  it('should keep a vacated destination frame reserved, not free, while the move goes on', () => {
    // Page 0 in frame 3 moves to 2; frame 3 is page 1's destination and must stay A's.
    const { machine, scheduler } = machineWith({ frames: 8, vmmFrames: 1 }, { size: 2, frames: [3, null] });
    machine.write('A', 0, filled(PS, 0x40));
    const r = machine.toPageFixed('A', 2);
    pin(machine, 0, 1);
    expect(r.step().report?.action).toBe('reloc.startPaging');
    drain(machine, scheduler);
    expect(r.step().report).toMatchObject({ action: 'reloc.movePage', page: 0, from: 3, to: 2 });
    // Page 1 was paged in for the program to the lowest free frame (its own, 3, held page 0).
    expect(owners(machine)).toEqual(['vmm', 'A:1', 'A:0', 'A:-', 'free', 'free', 'free', 'free']);
  });

  it('should take frame 0 when it is the lowest free frame of a machine without VMM frames', () => {
    const { machine } = machineWith({ frames: 3, vmmFrames: 0 }, { size: 3, frames: [null, 1, 2] });
    machine.write('A', 0, [7]);
    expect(machine.pageTable('A')).toEqual([0, 1, 2]);
  });

  it('should steal a page resident in frame 0 at the resident limit and take that frame', () => {
    const { machine, scheduler } = machineWith({ frames: 6, vmmFrames: 0 }, { size: 3, origin: 0 });
    for (let p = 0; p < 3; p++) machine.write('A', p * PS, filled(PS, 0x40 + p));
    const r = machine.toPageable('A', 1);
    pin(machine, 0, 0);
    for (let i = 0; i < 20 && r.status !== 'done'; i++) r.step();
    expect(r.status).toBe('done');
    drain(machine, scheduler);
    expect(machine.pageTable('A')).toEqual([0, null, null]);
    expect(machine.read('A', PS, PS)).toEqual(filled(PS, 0x41));
    expect(machine.pageTable('A')).toEqual([null, 0, null]);
    expect(owners(machine)).toEqual(['A:1', 'free', 'free', 'free', 'free', 'free']);
    expect(machine.read('A', 0, PS)).toEqual(filled(PS, 0x40));
  });

  it('should steal the VM’s own lowest page when storage is full, even frame 0', () => {
    const { machine } = machineWith({ frames: 3, vmmFrames: 0 }, { size: 4, frames: [0, 1, 2, null] });
    machine.write('A', 0, [5]);
    machine.write('A', 3 * PS, [8]);
    expect(machine.pageTable('A')).toEqual([null, 1, 2, 0]);
    expect(owners(machine)).toEqual(['A:3', 'A:1', 'A:2']);
    expect(machine.read('A', 0, 1)).toEqual(Uint8Array.of(5));
    expect(machine.pageTable('A')).toEqual([1, null, 2, 0]);
  });

  it('should refuse a page-in with OutOfFramesError when storage is full and every other page is pinned', () => {
    const { machine } = machineWith({ frames: 4, vmmFrames: 1 }, { size: 4, frames: [1, 2, 3, null] });
    for (let p = 0; p < 3; p++) pin(machine, p, p);
    const before = machine.snapshot();
    expect(() => machine.read('A', 3 * PS, 1)).toThrow(OutOfFramesError);
    expect(machine.snapshot()).toEqual(before);
  });
});
