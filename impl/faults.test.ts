/**
 * Every non-patent variant misbehaves observably in a short, fixed interleaving, and the patent
 * does not in the same interleaving: the model-based tests rely on the implementation's faults
 * being real.
 */
import { describe, expect, it } from 'vitest';
import type { Variant } from '../scenario/variants.ts';
import { VARIANTS } from '../scenario/variants.ts';
import { assignmentProblems } from './cpus.ts';
import { ReconfigurationInProgressError } from './errors.ts';
import type { Machine } from './machine.ts';
import type { Reconfiguration } from './reconfiguration.ts';
import type { ManualScheduler } from './scheduler.ts';
import { drain, filled, manualMachine, namedScenario, stepToEnd } from './testSupport.ts';

const PS = 4096;

/** Step `r` until a step reports `action` (stepping channels only when it waits). */
function stepPast(r: Reconfiguration, scheduler: ManualScheduler, action: string): void {
  for (let i = 0; i < 1000; i++) {
    const result = r.step();
    if (result.status === 'done') return;
    if (result.status === 'waiting') {
      const ready = scheduler.ready();
      if (ready.length === 0) throw new Error('stuck');
      scheduler.runOne(ready[0]!);
    } else if (result.report.action === action) return;
  }
}

/** fig6 with VM-3 gone, VM-2's pages 0x20/0x21, VM-1's 0x11, and 0xaa on channel 0's device. */
function fig6(variant: Variant): { machine: Machine; scheduler: ManualScheduler } {
  const { machine, scheduler } = manualMachine(namedScenario('fig6-relocation'), variant);
  machine.write('VM-1', 0, filled(2 * PS, 0x11));
  machine.write('VM-2', 0, filled(PS, 0x20));
  machine.write('VM-2', PS, filled(PS, 0x21));
  machine.device(0).write(0, filled(PS, 0xaa));
  machine.terminate('VM-3');
  return { machine, scheduler };
}

/** Each returns true when the variant's misbehaviour showed. */
const OBSERVATIONS: Record<Exclude<Variant, 'patent'>, (variant: Variant) => boolean> = {
  'prior-art': (variant) => {
    const { machine, scheduler } = fig6(variant);
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    stepToEnd(machine.relocate('VM-2', 4), scheduler);
    drain(machine, scheduler);
    return machine.read('VM-2', PS, 1)[0] !== 0xaa || machine.read('VM-2', 0, 1)[0] !== 0x20;
  },
  'fault-move-targeted-page': (variant) => {
    const { machine, scheduler } = fig6(variant);
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    stepToEnd(machine.relocate('VM-2', 4), scheduler);
    drain(machine, scheduler);
    return machine.read('VM-2', PS, 1)[0] !== 0xaa || machine.read('VM-2', 0, 1)[0] !== 0x20;
  },
  'fault-forget-direct-io': (variant) => {
    const { machine, scheduler } = fig6(variant);
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    const r = machine.relocate('VM-1', 5);
    for (let i = 0; i < 3; i++) r.step();
    drain(machine, scheduler);
    stepToEnd(r, scheduler);
    return machine.read('VM-1', 0, 1)[0] !== 0xaa;
  },
  'fault-direct-before-fixed': (variant) => {
    const { machine, scheduler } = fig6(variant);
    const r = machine.relocate('VM-1', 5);
    stepPast(r, scheduler, 'reloc.setDirect');
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    drain(machine, scheduler);
    stepToEnd(r, scheduler);
    return machine.read('VM-1', 0, 1)[0] !== 0xaa;
  },
  'fault-overlap-copy': (variant) => {
    const { machine, scheduler } = fig6(variant);
    machine.startIo('VM-2', 0, [{ op: 'write', address: PS, length: PS }]);
    stepToEnd(machine.relocate('VM-2', 4), scheduler);
    drain(machine, scheduler);
    return machine.read('VM-2', 0, 1)[0] !== 0x20;
  },
  'fault-page-out-pinned': (variant) => {
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'), variant);
    machine.write('VM-1', 0, filled(3 * PS, 0x10));
    machine.device(0).write(0, filled(PS, 0xaa));
    const r = machine.toPageable('VM-1', 1);
    r.step();
    machine.startIo('VM-1', 0, [{ op: 'write', address: 0, length: PS }]);
    stepToEnd(r, scheduler);
    drain(machine, scheduler);
    return machine.read('VM-1', 0, 1)[0] !== 0xaa;
  },
  'fault-limit-off-by-one': (variant) => {
    const { machine } = fig6(variant);
    try {
      machine.read('VM-1', 2 * PS, 1);
      return true;
    } catch {
      return false;
    }
  },
  'fault-offline-under-io': (variant) => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), variant);
    machine.write('VM-2', 0, filled(PS, 0x20));
    machine.device(0).write(0, filled(PS, 0xaa));
    machine.startIo('VM-2', 0, [{ op: 'write', address: 3 * PS, length: PS }]);
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    // Run the channel only once VM-2's page 0 has moved into frame 5 (offline page 3's frame).
    stepPast(resize, scheduler, 'reloc.movePage');
    drain(machine, scheduler);
    stepToEnd(resize, scheduler);
    return machine.read('VM-2', 0, 1)[0] !== 0x20;
  },
  'fault-dedicated-cpu-shared': (variant) => {
    const { machine, scheduler } = manualMachine(namedScenario('fig8-resize'), variant);
    stepToEnd(machine.signalEvent({ kind: 'timeOfDay', at: '22:00' }), scheduler);
    const assignments = new Map(machine.vmNames().map((vm) => [vm, machine.vm(vm).cpus!] as const));
    const sharedDedicated = assignmentProblems(2, assignments).length > 0;
    const runs = new Set([machine.dispatch(0), machine.dispatch(0), machine.dispatch(0)]);
    return sharedDedicated && runs.size > 1;
  },
  'fault-interleaved-reconfiguration': (variant) => {
    // pageable-conversion: VM-1 becomes pageable; the request to make it page-fixed again arrives
    // while that conversion is still paging out (SPEC 7.13: refused while it runs).
    const { machine, scheduler } = manualMachine(namedScenario('pageable-conversion'), variant);
    machine.write('VM-1', 0, filled(3 * PS, 0x11));
    const toPageable = machine.toPageable('VM-1', 1);
    stepPast(toPageable, scheduler, 'reloc.buildSpace');
    try {
      machine.toPageFixed('VM-1', 3);
    } catch (error) {
      if (!(error instanceof ReconfigurationInProgressError)) throw error;
      return false;
    }
    return machine.runningReconfigurations.length > 1;
  },
};

describe('seeded faults and the prior art are observable', () => {
  it('should cover every variant but the patent', () => {
    expect(Object.keys(OBSERVATIONS).sort()).toEqual(VARIANTS.filter((v) => v !== 'patent').sort());
  });

  describe.each(Object.entries(OBSERVATIONS))('%s', (variant, observe) => {
    it(`should misbehave under ${variant}`, () => {
      expect(observe(variant as Variant)).toBe(true);
    });

    it('should not misbehave under the patent in the same interleaving', () => {
      expect(observe('patent')).toBe(false);
    });
  });
});
