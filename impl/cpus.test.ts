import { describe, expect, it } from 'vitest';
import { assignmentProblems, CpuComplex } from './cpus.ts';
import { InvalidRequestError } from './errors.ts';
import { manualMachine, namedScenario } from './testSupport.ts';

describe('CPU assignment and dispatch', () => {
  it('should dispatch the VMs sharing a CPU in turn', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'));
    expect([machine.dispatch(0), machine.dispatch(0), machine.dispatch(0), machine.dispatch(0)]).toEqual([
      'VM-1',
      'VM-2',
      'VM-3',
      'VM-1',
    ]);
    expect(machine.cpuStatus()[0]).toEqual({
      cpu: 0,
      assigned: ['VM-1', 'VM-2', 'VM-3'],
      dedicatedTo: null,
      running: 'VM-1',
    });
  });

  it('should run only its VM on a dedicated CPU', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'));
    machine.assignCpus('VM-2', { mode: 'shared', cpus: [1] });
    machine.assignCpus('VM-3', { mode: 'shared', cpus: [1] });
    machine.assignCpus('VM-1', { mode: 'dedicated', cpus: [0] });
    for (let i = 0; i < 4; i++) expect(machine.dispatch(0)).toBe('VM-1');
    expect(machine.vm('VM-1').dispatched).toBe(true);
    expect(machine.dispatch(1, 'VM-3')).toBe('VM-3');
    expect(() => machine.dispatch(0, 'VM-2')).toThrow(/not assigned CPU 0/);
  });

  it('should refuse an assignment that shares a dedicated CPU or leaves a VM without CPUs', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'));
    const before = machine.snapshot();
    expect(() => machine.assignCpus('VM-1', { mode: 'dedicated', cpus: [0] })).toThrow(InvalidRequestError);
    expect(() => machine.assignCpus('VM-1', { mode: 'shared', cpus: [] })).toThrow(/no CPU/);
    expect(() => machine.assignCpus('VM-1', { mode: 'shared', cpus: [2] })).toThrow(/does not exist/);
    expect(() => machine.dispatch(5)).toThrow(InvalidRequestError);
    expect(machine.snapshot()).toEqual(before);
  });

  it('should preempt a VM from a CPU it may no longer use', () => {
    const cpus = new CpuComplex(2);
    cpus.assign('A', { mode: 'shared', cpus: [0, 1] });
    cpus.assign('B', { mode: 'shared', cpus: [1] });
    expect(cpus.dispatch(0)).toBe('A');
    cpus.assign('A', { mode: 'shared', cpus: [1] });
    expect(cpus.snapshot()[0]!.running).toBeNull();
  });

  it('should keep a newly dedicated CPU in the old lists under fault-dedicated-cpu-shared only', () => {
    const table = new Map([
      ['A', { mode: 'dedicated' as const, cpus: [0] }],
      ['B', { mode: 'shared' as const, cpus: [1] }],
    ]);
    for (const faulty of [false, true]) {
      const cpus = new CpuComplex(2);
      cpus.assign('A', { mode: 'shared', cpus: [0, 1] });
      cpus.assign('B', { mode: 'shared', cpus: [0, 1] });
      cpus.reassign(table, faulty);
      expect(assignmentProblems(2, cpus.all()).length > 0).toBe(faulty);
    }
  });

  it('should merge and sort the old and new CPUs of a shared VM under the fault, and take new VMs', () => {
    const cpus = new CpuComplex(3);
    cpus.assign('A', { mode: 'shared', cpus: [2, 1] });
    cpus.reassign(
      new Map([
        ['A', { mode: 'shared' as const, cpus: [0] }],
        ['N', { mode: 'dedicated' as const, cpus: [2] }],
      ]),
      true,
    );
    expect(cpus.all()).toEqual(
      new Map([
        ['A', { mode: 'shared', cpus: [0, 1, 2] }],
        ['N', { mode: 'dedicated', cpus: [2] }],
      ]),
    );
    cpus.reassign(new Map([['A', { mode: 'shared' as const, cpus: [1, 0] }]]), false);
    expect(cpus.assignmentOf('A')).toEqual({ mode: 'shared', cpus: [1, 0] });
    expect(cpus.mayRun('gone', 0)).toBe(false);
  });

  it('should leave a CPU idle when no VM may run there, and go on in turn after an explicit dispatch', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'));
    expect(machine.dispatch(1, 'VM-3')).toBe('VM-3');
    for (const vm of ['VM-1', 'VM-2', 'VM-3']) machine.assignCpus(vm, { mode: 'shared', cpus: [0] });
    expect(machine.cpuStatus()[1]).toEqual({ cpu: 1, assigned: [], dedicatedTo: null, running: null });
    expect(machine.dispatch(1)).toBeNull();
    expect(machine.dispatch(0, 'VM-2')).toBe('VM-2');
    expect(machine.dispatch(0)).toBe('VM-3');
    expect(machine.dispatch(0)).toBe('VM-1');
  });

  it('should take a terminated VM off its CPU and keep the others running', () => {
    const { machine } = manualMachine(namedScenario('fig8-resize'));
    machine.dispatch(0, 'VM-1');
    machine.dispatch(1, 'VM-3');
    machine.terminate('VM-3');
    expect(machine.cpuStatus().map((c) => c.running)).toEqual(['VM-1', null]);
    machine.assignCpus('VM-2', { mode: 'shared', cpus: [1] });
    expect(machine.cpuStatus().map((c) => c.running)).toEqual(['VM-1', null]);
    expect(machine.vm('VM-1').dispatched).toBe(true);
  });
});
