import { describe, expect, it } from 'vitest';
import type { IoCompletion } from './channel.ts';
import { ChannelBusyError } from './errors.ts';
import { createMachine } from './machine.ts';
import { EventLoopScheduler } from './scheduler.ts';
import { filled, manualMachine, namedScenario, pattern, within } from './testSupport.ts';

const PS = 4096;

describe('channel programs', () => {
  it('should move device bytes into guest storage at the guest address, page piece by page piece', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const data = pattern(100, 1);
    machine.device(0).write(1000, data);
    const io = machine.startIo('VM-1', 0, {
      deviceOffset: 1000,
      transfers: [{ op: 'write', address: PS - 50, length: 100 }],
    });
    expect(io.mode).toBe('direct');
    const first = scheduler.runOne(0);
    // The first piece ends at the page boundary: 50 bytes into guest page 0 (frame 1).
    expect(first).toMatchObject({ kind: 'transfer', guestAddress: PS - 50, length: 50, frame: 1 });
    expect(machine.read('VM-1', PS - 50, 50)).toEqual(data.subarray(0, 50));
    expect(machine.read('VM-1', PS, 10)).toEqual(filled(10, 0));
    expect(scheduler.runOne(0)).toMatchObject({ kind: 'transfer', guestAddress: PS, length: 50, frame: 2 });
    expect(scheduler.runOne(0)).toMatchObject({ kind: 'end', status: 'ok' });
    expect(machine.read('VM-1', PS - 50, 100)).toEqual(data);
  });

  it('should move guest storage to the device for a read transfer', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const data = pattern(300, 2);
    machine.write('VM-2', 10, data);
    machine.startIo('VM-2', 0, [{ op: 'read', address: 10, length: 300 }]);
    scheduler.runAll();
    expect(machine.device(0).read(0, 300)).toEqual(data);
  });

  it('should end with an error and raise the I/O interrupt when a channel fault is injected', async () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const interrupts: IoCompletion[] = [];
    machine.onIoInterrupt((c) => interrupts.push(c));
    // VM-2 has bit 431 = 0: its program is intercepted and pins page 0.
    const io = machine.startIo('VM-2', 0, [{ op: 'write', address: 0, length: 2 * PS }]);
    expect(io.mode).toBe('intercepted');
    expect(machine.pins('VM-2')).toEqual([1, 1]);
    scheduler.runOne(0);
    expect(scheduler.fail(0, 'device check')).toMatchObject({
      kind: 'end',
      status: 'error',
      reason: 'device check',
    });
    const completion = await io.done;
    expect(completion).toMatchObject({ status: 'error', reason: 'device check', bytesTransferred: PS });
    expect(interrupts).toEqual([completion]);
    expect(machine.pins('VM-2')).toEqual([0, 0]);
    expect(machine.channelStatus()[0]!.busy).toBe(false);
  });

  it('should fail the next unit after injectChannelError', async () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const io = machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: 10 }]);
    machine.injectChannelError(0, 'interface control check');
    scheduler.runOne(0);
    expect(await io.done).toMatchObject({
      status: 'error',
      reason: 'interface control check',
      bytesTransferred: 0,
    });
  });

  it('should give an injected channel error a default reason', async () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const io = machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: 10 }]);
    machine.injectChannelError(0);
    scheduler.runOne(0);
    expect(await io.done).toMatchObject({ status: 'error', reason: 'injected channel error' });
  });

  it('should refuse a start on a busy channel with condition code busy, then accept the retry', async () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'));
    const first = machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: 10 }]);
    const before = machine.snapshot();
    let refused: unknown;
    try {
      machine.startIo('VM-2', 0, [{ op: 'write', address: 0, length: 10 }]);
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(ChannelBusyError);
    expect(refused).toMatchObject({ code: 'channel-busy', conditionCode: 2, condition: 'busy' });
    // The refused intercepted start left no pin behind (5083).
    expect(machine.snapshot()).toEqual(before);
    scheduler.runAll();
    expect((await first.done).status).toBe('ok');
    const retry = machine.startIo('VM-2', 0, [{ op: 'write', address: 0, length: 10 }]);
    expect(machine.pins('VM-2')).toEqual([1, 0]);
    scheduler.runAll();
    expect((await retry.done).status).toBe('ok');
  });

  it('should build an intercepted program with the host frames of the current mapping', () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: 20 }]);
    const program = machine.channelStatus()[0]!.program!;
    expect(program).toMatchObject({ vm: 'VM-2', mode: 'intercepted', nextPiece: 0 });
    expect(program.pieces).toEqual([
      { op: 'write', transfer: 0, page: 1, guestAddress: PS, length: 20, hostFrame: 4 },
    ]);
  });

  it('should complete programs on its own with the default event-loop scheduler', async () => {
    const machine = createMachine(namedScenario('fig6-relocation'), { scheduler: new EventLoopScheduler() });
    const data = pattern(3 * 100, 3);
    machine.device(0).write(0, data);
    const io = machine.startIo('VM-1', 0, [
      { op: 'write', address: 0, length: 100 },
      { op: 'write', address: PS + 1, length: 200 },
    ]);
    expect((await within(io.done, 'the I/O interrupt')).status).toBe('ok');
    expect(machine.read('VM-1', 0, 100)).toEqual(data.subarray(0, 100));
    expect(machine.read('VM-1', PS + 1, 200)).toEqual(data.subarray(100, 300));
    await within(machine.whenIdle(), 'idle channels');
  });
});
