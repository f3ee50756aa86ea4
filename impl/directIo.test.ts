/**
 * A program started directly (bit 431 = 1) that outlives its VM's origin/end: possible only under
 * `fault-forget-direct-io`, where the conversion to pageable does not wait for it. The channel's
 * relocation then has no area to use and ends the program with an addressing exception.
 */
import { expect, it } from 'vitest';
import { manualMachine, namedScenario, stepToEnd } from './testSupport.ts';

it('should end a direct program whose VM lost its origin/end with an addressing exception', async () => {
  const { machine, scheduler } = manualMachine(
    namedScenario('pageable-conversion'),
    'fault-forget-direct-io',
  );
  const io = machine.startIo('VM-1', 0, [
    { op: 'write', address: 4096, length: 10 },
    { op: 'write', address: 0, length: 10 },
  ]);
  expect(io.mode).toBe('direct');
  stepToEnd(machine.toPageable('VM-1', 1), scheduler);
  expect(machine.controlBlock('VM-1')).toMatchObject({ origin: null, end: null, pageFixed: false });
  scheduler.runAll();
  expect(await io.done).toEqual({
    program: io.program,
    vm: 'VM-1',
    channel: 0,
    mode: 'direct',
    status: 'error',
    reason:
      'channel program check: addressing exception for VM-1 at guest address 4096: the VM has no origin/end for direct I/O',
    bytesTransferred: 0,
  });
});
