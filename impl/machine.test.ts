import { describe, expect, it, vi } from 'vitest';
import { ManualClock } from './clock.ts';
import { NotDispatchedError } from './errors.ts';
import { createMachine } from './machine.ts';
import { ManualScheduler } from './scheduler.ts';
import { drain, filled, manualMachine, namedScenario, stepToEnd } from './testSupport.ts';

const PS = 4096;

describe('machine', () => {
  it('should refuse guest accesses of an undispatched VM when dispatch is enforced', () => {
    const machine = createMachine(namedScenario('fig8-resize'), {
      scheduler: new ManualScheduler(),
      requireDispatch: true,
    });
    expect(() => machine.read('VM-2', 0, 1)).toThrow(NotDispatchedError);
    expect(machine.dispatch(0)).toBe('VM-1');
    expect(machine.dispatch(1)).toBe('VM-1');
    expect(machine.dispatch(1)).toBe('VM-2');
    expect(machine.read('VM-2', 0, 1)).toEqual(filled(1, 0));
  });

  it('should halt the programs of a terminated VM, release its frames and raise no interrupt', async () => {
    const { machine } = manualMachine(namedScenario('fig6-relocation'));
    const interrupts: unknown[] = [];
    machine.onIoInterrupt((c) => interrupts.push(c));
    const io = machine.startIo('VM-3', 0, [{ op: 'write', address: 0, length: 10 }]);
    machine.terminate('VM-3');
    expect(await io.done).toMatchObject({ status: 'halted', reason: 'VM terminated' });
    expect(interrupts).toEqual([]);
    expect(machine.frameOwners().slice(5)).toEqual([{ owner: 'free' }, { owner: 'free' }]);
    expect(machine.channelStatus()[0]!.busy).toBe(false);
    expect(machine.vm('VM-3')).toMatchObject({ state: 'terminated', cpus: null });
  });

  it('should end a direct program with a channel program check when an access falls past end', async () => {
    // Under fault-offline-under-io the guest offlines page 3 while a direct write into it is in
    // flight; once VM-2 is relocated to a 1-page area the channel's access is past end.
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), 'fault-offline-under-io');
    const io = machine.startIo('VM-2', 0, [{ op: 'write', address: 3 * PS, length: PS }]);
    stepToEnd(machine.signalEvent({ kind: 'timeOfDay', at: '22:00' }), scheduler);
    drain(machine, scheduler);
    expect(await io.done).toMatchObject({
      status: 'error',
      reason: expect.stringMatching(/program check.*past end/),
    });
  });

  it('should settle every queued reconfiguration and poll the clock on a timer', async () => {
    const clock = new ManualClock('21:00');
    const machine = createMachine(namedScenario('fig8-resize'), { clock });
    machine.relocate('VM-3', 6);
    // Fake interval timers: the poll fires when the test advances time, never on the wall clock.
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    try {
      const stop = machine.watchClock(1000);
      clock.set('22:30');
      vi.advanceTimersByTime(999);
      expect(machine.queuedReconfigurations).toHaveLength(0);
      vi.advanceTimersByTime(1);
      expect(machine.queuedReconfigurations).toHaveLength(1);
      stop();
      clock.set('21:00');
      clock.set('22:30');
      vi.advanceTimersByTime(5000);
      expect(vi.getTimerCount()).toBe(0);
    } finally {
      vi.useRealTimers();
    }
    const results = await machine.settle();
    expect(results.map((r) => [r.kind, r.status])).toEqual([
      ['relocate', 'done'],
      ['resize', 'done'],
    ]);
    expect(machine.vm('VM-1').size).toBe(4);
  });
});
