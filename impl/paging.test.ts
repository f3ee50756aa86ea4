/**
 * Which frame a page-in takes and which page it steals, seen through the guest's reads and the
 * VM's page table (the model leaves these choices open; users see them as residency and bytes).
 */
import { describe, expect, it } from 'vitest';
import { drain, filled, manualMachine, namedScenario, scenarioOf, stepToEnd } from './testSupport.ts';

const PS = 4096;

/** pageable-conversion's VM-1 (3 pages, each filled with 0x10 + page), made pageable with `resident` pages. */
function pageable(resident: number) {
  const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
  for (let p = 0; p < 3; p++) machine.write('VM-1', p * PS, filled(PS, 0x10 + p));
  stepToEnd(machine.toPageable('VM-1', resident), scheduler);
  return { machine, scheduler };
}

const owners = (m: ReturnType<typeof pageable>['machine']) =>
  m.frameOwners().map((f) => (f.owner === 'vm' ? `${f.vm}:${f.page}` : f.owner));

describe('page-in frame choice and page stealing', () => {
  it('should steal the lowest untargeted resident page at the footprint, else take the lowest free frame', () => {
    const { machine, scheduler } = pageable(1);
    expect(machine.pageTable('VM-1')).toEqual([null, null, 3]);
    // At its footprint: page 0 comes in by stealing page 2's frame.
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0x10));
    expect(machine.pageTable('VM-1')).toEqual([3, null, null]);
    expect(machine.vm('VM-1').pagedOut).toEqual([1, 2]);
    // Page 0 pinned by an intercepted program: page 1 cannot steal it and takes the lowest free frame.
    const io = machine.startIo('VM-1', 0, [{ op: 'read', address: 0, length: 1 }]);
    expect(io.mode).toBe('intercepted');
    expect(machine.pins('VM-1')).toEqual([1, 0, 0]);
    expect(machine.read('VM-1', PS + 5, 3)).toEqual(filled(3, 0x11));
    expect(machine.pageTable('VM-1')).toEqual([3, 1, null]);
    // Page 2 steals page 1 (the lowest untargeted one), not the pinned page 0.
    expect(machine.read('VM-1', 2 * PS, PS)).toEqual(filled(PS, 0x12));
    expect(machine.pageTable('VM-1')).toEqual([3, null, 1]);
    expect(owners(machine)).toEqual(['vmm', 'VM-1:2', 'free', 'VM-1:0', 'free', 'free']);
    drain(machine, scheduler);
    expect(machine.pins('VM-1')).toEqual([0, 0, 0]);
    // Unpinned now: page 1 steals page 0, the lowest resident one other than itself.
    expect(machine.read('VM-1', PS, PS)).toEqual(filled(PS, 0x11));
    expect(machine.pageTable('VM-1')).toEqual([null, 3, 1]);
    expect(machine.inspect('VM-1', 0, 3 * PS)).toEqual(
      Uint8Array.from([...filled(PS, 0x10), ...filled(PS, 0x11), ...filled(PS, 0x12)]),
    );
  });

  it('should page a VM without footprint into the lowest free frame, after the VMM and other VMs', () => {
    const { machine } = manualMachine(
      scenarioOf({
        name: 'paging',
        storage: { frames: 6, vmmFrames: 2, pageSize: PS, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          {
            name: 'A',
            size: 1,
            origin: 2,
            pageFixed: true,
            direct: true,
            cpus: { mode: 'shared', cpus: [0] },
          },
          {
            name: 'B',
            size: 3,
            pageFixed: false,
            direct: false,
            frames: [null, 4, null],
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    machine.write('B', 2 * PS, [9]);
    expect(machine.pageTable('B')).toEqual([null, 4, 3]);
    machine.write('B', 0, [8]);
    expect(machine.pageTable('B')).toEqual([5, 4, 3]);
    expect(machine.vm('B').residentLimit).toBeNull();
    expect(machine.read('B', 0, 1)).toEqual(Uint8Array.of(8));
    expect(machine.read('B', 2 * PS, 1)).toEqual(Uint8Array.of(9));
  });

  it('should page each page into its own frame of the destination when becoming page-fixed', () => {
    const { machine, scheduler } = pageable(1);
    stepToEnd(machine.toPageFixed('VM-1', 2), scheduler);
    expect(machine.pageTable('VM-1')).toEqual([2, 3, 4]);
    expect(machine.read('VM-1', 0, 3 * PS)).toEqual(
      Uint8Array.from([...filled(PS, 0x10), ...filled(PS, 0x11), ...filled(PS, 0x12)]),
    );
  });
});
