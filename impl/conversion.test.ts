import { describe, expect, it } from 'vitest';
import { InvalidRequestError, VmStateError } from './errors.ts';
import {
  actions,
  drain,
  filled,
  manualMachine,
  namedScenario,
  scenarioOf,
  stepToEnd,
} from './testSupport.ts';

const PS = 4096;

/** pageable-conversion: VM-1, 3 pages at frames 1..3, each page filled with 0x10 + page. */
function conversion() {
  const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'));
  for (let p = 0; p < 3; p++) machine.write('VM-1', p * PS, filled(PS, 0x10 + p));
  return { machine, scheduler };
}

function expectContent(machine: ReturnType<typeof conversion>['machine']): void {
  for (let p = 0; p < 3; p++) expect(machine.read('VM-1', p * PS, PS)).toEqual(filled(PS, 0x10 + p));
}

describe('page-fixed -> pageable with a smaller footprint (claims 8-9)', () => {
  it('should page out the excess pages and keep what the guest sees', () => {
    const { machine, scheduler } = conversion();
    const reports = stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    expect(actions(reports)).toEqual([
      'reloc.clearDirect',
      'reloc.buildSpace',
      'reloc.pageOut',
      'reloc.pageOut',
      'reloc.finishPageable',
    ]);
    expect(machine.vm('VM-1')).toMatchObject({
      pageTable: [null, null, 3],
      pagedOut: [0, 1],
      residentLimit: 1,
      controlBlock: { direct: false, pageFixed: false, origin: null, end: null },
    });
    expect(machine.frameOwners().filter((f) => f.owner === 'free')).toHaveLength(4);
    // Reading pages back pages them in one at a time, stealing to stay within the footprint.
    expectContent(machine);
    expect(machine.vm('VM-1').pageTable.filter((f) => f !== null)).toHaveLength(1);
  });

  it('should never page out a page that a host channel program has pinned', () => {
    const { machine, scheduler } = conversion();
    const r = machine.toPageable('VM-1', 1);
    r.step();
    machine.device(0).write(0, filled(PS, 0xee));
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    expect(machine.pins('VM-1')).toEqual([1, 0, 0]);
    const reports = stepToEnd(r, scheduler);
    expect(reports.filter((x) => x.action === 'reloc.pageOut').map((x) => x.page)).toEqual([1, 2]);
    drain(machine, scheduler);
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0xee));
  });

  it('should wait for a program started directly before step 5000 before dropping origin/end', () => {
    const { machine, scheduler } = conversion();
    machine.device(0).write(0, filled(PS, 0xdd));
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    const r = machine.toPageable('VM-1', 1);
    const seen: string[] = [];
    for (;;) {
      const step = r.step();
      seen.push(step.status === 'done' ? 'done' : `${step.status}:${step.report.action}`);
      if (step.status === 'done') break;
      if (step.status === 'waiting') scheduler.runOne(0);
    }
    expect(seen).toEqual([
      'progress:reloc.clearDirect',
      'progress:reloc.buildSpace',
      'progress:reloc.pageOut',
      'progress:reloc.pageOut',
      'waiting:reloc.wait',
      'waiting:reloc.wait',
      'done',
    ]);
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0xdd));
  });

  it('should refuse a footprint outside 1..size', () => {
    const { machine } = conversion();
    const before = machine.snapshot();
    expect(() => machine.toPageable('VM-1', 0)).toThrow(InvalidRequestError);
    expect(() => machine.toPageable('VM-1', 4)).toThrow(InvalidRequestError);
    expect(machine.snapshot()).toEqual(before);
  });
});

describe('pageable -> page-fixed ([0031])', () => {
  it('should page in, map a contiguous run and set the bits', () => {
    const { machine, scheduler } = conversion();
    stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    const reports = stepToEnd(machine.toPageFixed('VM-1', 3), scheduler);
    // Nothing in flight: one step pages in and copies every page (5040).
    expect(actions(reports)[0]).toBe('reloc.copyAll');
    expect(actions(reports).slice(-4)).toEqual([
      'reloc.setOrigin',
      'reloc.setPageFixed',
      'reloc.setDirect',
      'reloc.dispatch',
    ]);
    expect(machine.vm('VM-1')).toMatchObject({
      pageTable: [3, 4, 5],
      pagedOut: [],
      residentLimit: null,
      controlBlock: { direct: true, pageFixed: true, origin: 3, end: 5, hostSt: null },
    });
    expectContent(machine);
  });

  it("should page in and move page by page while the guest's I/O is in flight", () => {
    const { machine, scheduler } = conversion();
    stepToEnd(machine.toPageable('VM-1', 1), scheduler);
    machine.device(0).write(0, filled(PS, 0x77));
    // Intercepted: page 0 is paged in (a page fault of the VMM) and pinned.
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    expect(machine.pins('VM-1')).toEqual([1, 0, 0]);
    const reports = stepToEnd(machine.toPageFixed('VM-1', 3), scheduler);
    expect(actions(reports)).toContain('reloc.pageInToDest');
    expect(machine.vm('VM-1')).toMatchObject({
      pageTable: [3, 4, 5],
      controlBlock: { pageFixed: true, direct: true },
    });
    // Page 0 was paged in to frame 3 (stolen from page 2), already its destination: it never moves.
    drain(machine, scheduler);
    expect(machine.read('VM-1', 0, PS)).toEqual(filled(PS, 0x77));
    expect(machine.read('VM-1', PS, PS)).toEqual(filled(PS, 0x11));
    expect(machine.read('VM-1', 2 * PS, PS)).toEqual(filled(PS, 0x12));
  });

  it('should refuse toPageFixed for a page-fixed VM and relocate for a pageable one', () => {
    const { machine, scheduler } = conversion();
    expect(() => machine.toPageFixed('VM-1', 3)).toThrow(VmStateError);
    stepToEnd(machine.toPageable('VM-1', 2), scheduler);
    expect(() => machine.relocate('VM-1', 3)).toThrow(VmStateError);
  });

  it("should break a cycle of pages that hold each other's destination frames", () => {
    const scenario = scenarioOf({
      name: 'cycle',
      storage: { frames: 5, vmmFrames: 1, pageSize: 16, pagesPerSegment: 2 },
      channels: 1,
      cpus: 1,
      vms: [
        {
          name: 'P',
          size: 2,
          pageFixed: false,
          direct: false,
          frames: [2, 1],
          cpus: { mode: 'shared', cpus: [0] },
        },
      ],
    });
    const { machine, scheduler } = manualMachine(scenario);
    machine.write('P', 0, filled(16, 0xa0));
    machine.write('P', 16, filled(16, 0xa1));
    // A program in flight forces the page-by-page phase, where the cycle has to be broken.
    machine.startIo('P', 0, [{ op: 'read', address: 0, length: 1 }]);
    const r = machine.toPageFixed('P', 1);
    const reports = stepToEnd(r, scheduler);
    expect(reports.some((x) => x.detail?.startsWith('out of the way'))).toBe(true);
    expect(machine.pageTable('P')).toEqual([1, 2]);
    expect(machine.read('P', 0, 16)).toEqual(filled(16, 0xa0));
    expect(machine.read('P', 16, 16)).toEqual(filled(16, 0xa1));
  });
});
