import { describe, expect, it } from 'vitest';
import {
  AddressingException,
  ChannelBusyError,
  DoesNotFitError,
  InvalidRequestError,
  MachineError,
  ReconfigurationInProgressError,
  UnknownChannelError,
  UnknownVmError,
  VmStateError,
} from './errors.ts';
import type { Machine } from './machine.ts';
import { manualMachine, namedScenario } from './testSupport.ts';

const PS = 4096;

type BadCall = readonly [
  name: string,
  call: (m: Machine) => unknown,
  error: abstract new (...args: never[]) => MachineError,
  code: string,
];

const BAD_CALLS: readonly BadCall[] = [
  ['read of an unknown VM', (m) => m.read('VM-9', 0, 1), UnknownVmError, 'unknown-vm'],
  ['write past end', (m) => m.write('VM-1', 2 * PS - 1, [1, 2]), AddressingException, 'addressing'],
  [
    'start-I/O on a channel that does not exist',
    (m) => m.startIo('VM-1', 3, [{ op: 'write', address: 0, length: 1 }]),
    UnknownChannelError,
    'unknown-channel',
  ],
  [
    'start-I/O past the guest size',
    (m) => m.startIo('VM-2', 0, [{ op: 'write', address: 2 * PS, length: 1 }]),
    AddressingException,
    'addressing',
  ],
  [
    'start-I/O with an empty program',
    (m) => m.startIo('VM-2', 0, []),
    InvalidRequestError,
    'invalid-request',
  ],
  [
    'start-I/O with a zero length',
    (m) => m.startIo('VM-2', 0, [{ op: 'read', address: 0, length: 0 }]),
    InvalidRequestError,
    'invalid-request',
  ],
  [
    'start-I/O on a busy channel',
    (m) => m.startIo('VM-2', 0, [{ op: 'write', address: 0, length: 1 }]),
    ChannelBusyError,
    'channel-busy',
  ],
  ['relocation onto another VM', (m) => m.relocate('VM-2', 2), DoesNotFitError, 'does-not-fit'],
  ['relocation past main storage', (m) => m.relocate('VM-2', 6), DoesNotFitError, 'does-not-fit'],
  ['relocation into the VMM', (m) => m.relocate('VM-2', 0), DoesNotFitError, 'does-not-fit'],
  ['relocation of an unknown VM', (m) => m.relocate('nobody', 4), UnknownVmError, 'unknown-vm'],
  ['toPageFixed of a page-fixed VM', (m) => m.toPageFixed('VM-1', 4), VmStateError, 'vm-state'],
  [
    'resize with a table naming an unknown VM',
    (m) =>
      m.resize({
        X: {
          before: { size: 1, cpus: { mode: 'shared', cpus: [0] } },
          after: { size: 1, origin: 1, cpus: { mode: 'shared', cpus: [0] } },
        },
      }),
    UnknownVmError,
    'unknown-vm',
  ],
];

describe('typed errors', () => {
  it.each(BAD_CALLS)(
    'should refuse %s with a typed error and leave the machine as it was',
    (_, call, type, code) => {
      const { machine } = manualMachine(namedScenario('fig6-relocation'));
      machine.terminate('VM-3');
      machine.write('VM-2', 0, [7, 7, 7]);
      machine.startIo('VM-1', 0, [{ op: 'read', address: 0, length: 1 }]);
      const before = machine.snapshot();
      const bytes = machine.storage.bytes.slice();
      let caught: unknown;
      try {
        call(machine);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(type);
      expect(caught).toBeInstanceOf(MachineError);
      expect((caught as MachineError).code).toBe(code);
      expect((caught as MachineError).message.length).toBeGreaterThan(10);
      expect(JSON.parse(JSON.stringify((caught as MachineError).details))).toEqual(
        (caught as MachineError).details,
      );
      expect(machine.snapshot()).toEqual(before);
      // Compared as bytes (a deep equality walk of 28 KiB takes about a second under load).
      expect(Buffer.compare(machine.storage.bytes, bytes)).toBe(0);
    },
  );

  it('should refuse a relocation while one runs with the running one named in the message', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    machine.terminate('VM-3');
    machine.relocate('VM-2', 4);
    const before = machine.snapshot();
    expect(() => machine.relocate('VM-1', 5)).toThrow(ReconfigurationInProgressError);
    expect(() => machine.relocate('VM-1', 5)).toThrow(/relocate VM-2 to frame 4 is still running/);
    expect(machine.snapshot()).toEqual(before);
  });

  it('should treat a terminated VM as unknown for guest operations', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    machine.terminate('VM-3');
    expect(() => machine.read('VM-3', 0, 1)).toThrow(UnknownVmError);
    expect(machine.vm('VM-3').state).toBe('terminated');
  });
});
