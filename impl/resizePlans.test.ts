/**
 * Resize plans at their edges: two growers whose new frames meet, a table with several CPU
 * problems, and a VM left partly offline by a resize that failed (a pageable VM took the
 * destination meanwhile), which the next resize refuses.
 */
import { describe, expect, it } from 'vitest';
import type { CpuAssignment } from '../scenario/schema.ts';
import { DoesNotFitError, VmStateError } from './errors.ts';
import type { ConfigurationTable } from './resize.ts';
import { manualMachine, scenarioOf, stepToEnd } from './testSupport.ts';

const PS = 16;
const CPU0: CpuAssignment = { mode: 'shared', cpus: [0] };

/** Page-fixed VMs (name, origin, size; not direct) and optionally one pageable VM `P`, on `frames` frames. */
function machineWith(frames: number, vms: readonly [string, number, number][], pageable?: (number | null)[]) {
  return manualMachine(
    scenarioOf({
      name: 'plans',
      storage: { frames, vmmFrames: 1, pageSize: PS, pagesPerSegment: 4 },
      channels: 1,
      cpus: 2,
      vms: [
        ...vms.map(([name, origin, size]) => ({ name, size, origin, direct: false, cpus: CPU0 })),
        ...(pageable
          ? [
              {
                name: 'P',
                size: pageable.length,
                pageFixed: false,
                direct: false,
                frames: pageable,
                cpus: CPU0,
              },
            ]
          : []),
      ],
    }),
  );
}

describe('resize plans at their edges', () => {
  it('should let a grower take the free frames just below another grower’s area', () => {
    // B (frame 1) grows into 2..3; A (frames 4..5) grows into 6. A is planned first.
    const { machine, scheduler } = machineWith(10, [
      ['B', 1, 1],
      ['A', 4, 2],
    ]);
    const table: ConfigurationTable = {
      A: { before: { size: 2, cpus: CPU0 }, after: { size: 3, origin: 4, cpus: CPU0 } },
      B: { before: { size: 1, cpus: CPU0 }, after: { size: 3, origin: 1, cpus: CPU0 } },
    };
    const result = stepToEnd(machine.resize(table), scheduler);
    expect(result.map((r) => [r.action, r.vm, r.pages ?? null])).toEqual([
      // Each grower in turn is asked and brings its storage online (7030-7040), as in the model.
      ['resize.askGrow', 'A', [2]],
      ['guest.online', 'A', [2]],
      ['resize.askGrow', 'B', [1, 2]],
      ['guest.online', 'B', [1, 2]],
      ['resize.reassignCpus', null, null],
    ]);
    expect(machine.frameOwners().map((f) => (f.owner === 'vm' ? f.vm : f.owner))).toEqual([
      'vmm',
      'B',
      'B',
      'B',
      'A',
      'A',
      'A',
      'free',
      'free',
      'free',
    ]);
  });

  it('should name every CPU problem of a table, separated by semicolons', () => {
    const { machine } = machineWith(10, [
      ['A', 1, 1],
      ['B', 2, 1],
    ]);
    const table: ConfigurationTable = {
      A: {
        before: { size: 1, cpus: CPU0 },
        after: { size: 1, origin: 1, cpus: { mode: 'shared', cpus: [5] } },
      },
      B: {
        before: { size: 1, cpus: CPU0 },
        after: { size: 1, origin: 2, cpus: { mode: 'shared', cpus: [7] } },
      },
    };
    expect(() => machine.resize(table)).toThrow(
      'CPU assignment after the event: A: CPU 5 does not exist (2 CPUs); B: CPU 7 does not exist (2 CPUs)',
    );
  });

  it('should refuse to resize a VM that a failed resize left partly offline', () => {
    // A shrinks to 1 page and moves to frame 4; before it moves, P pages in to frame 4.
    const { machine } = machineWith(8, [['A', 1, 2]], [3, null]);
    const shrink: ConfigurationTable = {
      A: { before: { size: 2, cpus: CPU0 }, after: { size: 1, origin: 4, cpus: CPU0 } },
    };
    const r = machine.resize(shrink);
    expect([r.step().report?.action, r.step().report?.action]).toEqual(['resize.askShrink', 'guest.offline']);
    machine.write('P', PS, [1]);
    expect(machine.pageTable('P')).toEqual([3, 4]);
    const failed = r.step();
    expect(failed.status).toBe('done');
    expect(r.status).toBe('failed');
    expect(r.failure).toBeInstanceOf(DoesNotFitError);
    expect(machine.vm('A')).toMatchObject({ size: 2, onlineSize: 1 });
    const again: ConfigurationTable = {
      A: { before: { size: 2, cpus: CPU0 }, after: { size: 2, origin: 1, cpus: CPU0 } },
    };
    expect(() => machine.resize(again)).toThrow(
      expect.objectContaining({
        constructor: VmStateError,
        message: 'resize needs A to be fully online',
        details: { vm: 'A', request: 'resize', state: 'fully online' },
      }),
    );
  });
  it('should pass its page budget to the relocation it runs', () => {
    // A (frames 1..3, not direct) moves to 4..6 with page 0 pinned: pages 2 and 1 move in one copy.
    const { machine } = machineWith(8, [['A', 1, 3]]);
    const move: ConfigurationTable = {
      A: { before: { size: 3, cpus: CPU0 }, after: { size: 3, origin: 4, cpus: CPU0 } },
    };
    expect(machine.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]).mode).toBe('intercepted');
    const r = machine.resize(move);
    const reports = [];
    for (let i = 0; i < 5; i++) reports.push(r.step({ maxPages: 4 }).report);
    expect(reports.map((x) => x?.action)).toEqual([
      'resize.relocate',
      'reloc.clearDirect',
      'reloc.buildSpace',
      'reloc.startPaging',
      'reloc.movePage',
    ]);
    expect(reports[4]).toMatchObject({ page: 1, from: 2, to: 5, pages: [1, 2] });
  });
  it('should refuse a second move onto a VM outside the table after simulating the first', () => {
    // A (3) moves up to 7 first; B (1) would move onto C's frame 5, which stays C's.
    const { machine } = machineWith(10, [
      ['B', 1, 1],
      ['A', 3, 1],
      ['C', 5, 1],
    ]);
    const table: ConfigurationTable = {
      A: { before: { size: 1, cpus: CPU0 }, after: { size: 1, origin: 7, cpus: CPU0 } },
      B: { before: { size: 1, cpus: CPU0 }, after: { size: 1, origin: 5, cpus: CPU0 } },
    };
    expect(() => machine.resize(table)).toThrow(
      "the table does not fit: B cannot move to frame 5, frame 5 is still C's then",
    );
    expect(machine.reconfiguration).toBeNull();
  });

  it('should keep a page moved to frame 0 mapped while a shrinking VM gets its new origin', () => {
    const { machine } = manualMachine(
      scenarioOf({
        name: 'to-frame-0',
        storage: { frames: 6, vmmFrames: 0, pageSize: PS, pagesPerSegment: 4 },
        channels: 1,
        cpus: 1,
        vms: [{ name: 'A', size: 2, origin: 2, direct: false, cpus: CPU0 }],
      }),
    );
    machine.write('A', 0, [0x5a]);
    const r = machine.resize({
      A: { before: { size: 2, cpus: CPU0 }, after: { size: 1, origin: 0, cpus: CPU0 } },
    });
    let report = r.step().report;
    for (let i = 0; i < 20 && report?.action !== 'reloc.setOrigin'; i++) report = r.step().report;
    expect(report).toMatchObject({ action: 'reloc.setOrigin', from: 2, to: 0 });
    expect(machine.pageTable('A')).toEqual([0]);
    expect(machine.read('A', 0, 1)).toEqual(Uint8Array.of(0x5a));
  });
});
