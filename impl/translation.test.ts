import { describe, expect, it } from 'vitest';
import { AddressingException } from './errors.ts';
import { filled, manualMachine, namedScenario, scenarioOf } from './testSupport.ts';

const PS = 4096;

describe('page-fixed translation', () => {
  it('should put guest address a of a page-fixed VM at host address origin * pageSize + a', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    machine.write('VM-2', PS + 7, [0xab]);
    // VM-2: origin 3, so guest page 1 is frame 4.
    expect(machine.storage.bytes[4 * PS + 7]).toBe(0xab);
    expect(machine.read('VM-2', PS + 7, 1)[0]).toBe(0xab);
  });

  it('should accept the last byte before end and refuse the first byte past it', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    const lastByte = 2 * PS - 1;
    machine.write('VM-2', lastByte, [1]);
    expect(machine.read('VM-2', lastByte, 1)[0]).toBe(1);
    const before = machine.storage.bytes.slice();
    const error = captureError(() => machine.write('VM-2', lastByte, [2, 3]));
    expect(error).toBeInstanceOf(AddressingException);
    expect((error as AddressingException).reason).toBe('past-end');
    expect((error as AddressingException).code).toBe('addressing');
    // Nothing was written, not even the byte that was inside the limit.
    expect(machine.storage.bytes).toEqual(before);
    expect(() => machine.read('VM-2', 2 * PS, 1)).toThrow(AddressingException);
  });

  it('should let exactly one page past end through under fault-limit-off-by-one', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'), 'fault-limit-off-by-one');
    machine.write('VM-3', 0, [0x33]);
    // VM-2 ends at frame 4; frame 5 is VM-3's page 0, which the faulty check lets VM-2 read.
    expect(machine.read('VM-2', 2 * PS, 1)[0]).toBe(0x33);
    expect(() => machine.read('VM-2', 3 * PS, 1)).toThrow(AddressingException);
  });

  it('should refuse a negative address as a bad address', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    expect(() => machine.read('VM-1', -1, 1)).toThrow(/non-negative/);
  });
});

describe('pageable translation', () => {
  const pageable = () =>
    scenarioOf({
      name: 'pageable',
      storage: { frames: 4, vmmFrames: 1, pageSize: 16, pagesPerSegment: 2 },
      channels: 1,
      cpus: 1,
      vms: [
        {
          name: 'P',
          size: 3,
          pageFixed: false,
          direct: false,
          frames: [2, null, 1],
          cpus: { mode: 'shared', cpus: [0] },
        },
      ],
    });

  it('should walk segment and page tables to the frame of each page', () => {
    const { machine } = manualMachine(pageable());
    machine.write('P', 2 * 16 + 3, [9]);
    expect(machine.storage.bytes[1 * 16 + 3]).toBe(9);
    expect(machine.controlBlock('P')).toMatchObject({ pageFixed: false, direct: false, origin: null });
    expect(machine.controlBlock('P').hostSt).not.toBeNull();
  });

  it('should handle a page fault by paging the page in (zeros on first touch) and keep its content', () => {
    const { machine } = manualMachine(pageable());
    expect(machine.pageTable('P')).toEqual([2, null, 1]);
    expect(machine.read('P', 16, 16)).toEqual(filled(16, 0));
    expect(machine.pageTable('P')).toEqual([2, 3, 1]);
    machine.write('P', 16, filled(16, 7));
    expect(machine.read('P', 16, 16)).toEqual(filled(16, 7));
  });

  it('should refuse an address past the guest size', () => {
    const { machine } = manualMachine(pageable());
    const error = captureError(() => machine.read('P', 3 * 16, 1));
    expect(error).toBeInstanceOf(AddressingException);
    expect((error as AddressingException).reason).toBe('past-size');
  });
});

function captureError(f: () => unknown): unknown {
  try {
    f();
  } catch (error) {
    return error;
  }
  throw new Error('expected an error');
}

describe('addressing exceptions found by mutation testing', () => {
  it('should name the guest address of the first page refused', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    const pastEnd = captureError(() => machine.read('VM-2', 2 * PS + 5, 1)) as AddressingException;
    expect([pastEnd.reason, pastEnd.address]).toEqual(['past-end', 2 * PS]);
    const bad = captureError(() => machine.read('VM-2', -1, 1)) as AddressingException;
    expect(bad.reason).toBe('bad-address');
    expect(() => machine.read('VM-2', 0, 1.5)).toThrow(AddressingException);
    expect(machine.read('VM-2', 2 * PS, 0)).toEqual(new Uint8Array(0));
  });

  it('should let a direct channel write one page past end only under fault-limit-off-by-one', () => {
    const program = { transfers: [{ op: 'write' as const, address: 2 * PS, length: PS }] };
    const patent = manualMachine(namedScenario('fig6-relocation'));
    expect(() => patent.machine.startIo('VM-1', 0, program)).toThrow(AddressingException);
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'), 'fault-limit-off-by-one');
    machine.device(0).write(0, filled(PS, 0x5a));
    // VM-1: origin 1, end 2, bit 431 = 1; its page 2 is frame 3, VM-2's page 0.
    machine.startIo('VM-1', 0, program);
    expect(scheduler.runOne(0)).toMatchObject({ kind: 'transfer', frame: 3 });
    expect(machine.read('VM-2', 0, 1)[0]).toBe(0x5a);
  });
});
