/**
 * CPU assignment and dispatch: which CPUs each VM may run on (shared or dedicated), and which VM
 * each CPU is running. A dedicated CPU runs only its VM; every VM keeps at least one CPU.
 */
import type { CpuAssignment } from '../scenario/schema.ts';

/** One CPU as observed. */
export interface CpuSnapshot {
  readonly cpu: number;
  /** VMs whose assignment lists this CPU, in VM order. */
  readonly assigned: readonly string[];
  /** The VM this CPU is dedicated to, or null. */
  readonly dedicatedTo: string | null;
  /** The VM running on this CPU, or null when idle. */
  readonly running: string | null;
}

/** Problems with a full set of assignments, as sentences; empty when it is consistent. */
export function assignmentProblems(
  cpuCount: number,
  assignments: ReadonlyMap<string, CpuAssignment>,
): string[] {
  const problems: string[] = [];
  for (const [vm, a] of assignments) {
    if (a.cpus.length === 0) problems.push(`${vm} would have no CPU`);
    for (const c of a.cpus) {
      if (!Number.isInteger(c) || c < 0 || c >= cpuCount)
        problems.push(`${vm}: CPU ${c} does not exist (${cpuCount} CPUs)`);
    }
    if (new Set(a.cpus).size !== a.cpus.length) problems.push(`${vm} lists a CPU twice`);
    if (a.mode !== 'dedicated') continue;
    for (const c of a.cpus) {
      for (const [other, b] of assignments) {
        if (other !== vm && b.cpus.includes(c))
          problems.push(`CPU ${c} is dedicated to ${vm} but also assigned to ${other}`);
      }
    }
  }
  return problems;
}

/** The host's CPUs [100-k]. */
export class CpuComplex {
  private readonly assignments = new Map<string, { mode: CpuAssignment['mode']; cpus: number[] }>();
  private readonly running: (string | null)[];
  private readonly lastDispatched: number[];

  constructor(readonly count: number) {
    this.running = new Array<string | null>(count).fill(null);
    this.lastDispatched = new Array<number>(count).fill(-1);
  }

  /** Set `vm`'s assignment (callers validate with `assignmentProblems`). */
  assign(vm: string, assignment: CpuAssignment): void {
    this.assignments.set(vm, { mode: assignment.mode, cpus: [...assignment.cpus] });
    this.preemptStrangers();
  }

  /** Forget `vm` (terminated). */
  remove(vm: string): void {
    this.assignments.delete(vm);
    this.preemptStrangers();
  }

  /** `vm`'s assignment, or undefined. */
  assignmentOf(vm: string): CpuAssignment | undefined {
    const a = this.assignments.get(vm);
    return a === undefined ? undefined : { mode: a.mode, cpus: [...a.cpus] };
  }

  /** All assignments, VM order. */
  all(): Map<string, CpuAssignment> {
    const copy = new Map<string, CpuAssignment>();
    for (const vm of this.assignments.keys()) copy.set(vm, this.assignmentOf(vm)!);
    return copy;
  }

  /**
   * Step 7050: give every VM in `table` its new assignment. With `leaveDedicatedShared` (the
   * seeded fault), a VM whose new assignment is shared keeps every CPU it had as well, so a CPU
   * now dedicated to another VM stays in its list.
   */
  reassign(table: ReadonlyMap<string, CpuAssignment>, leaveDedicatedShared: boolean): void {
    for (const [vm, a] of table) {
      const before = this.assignments.get(vm)?.cpus ?? [];
      const cpus =
        leaveDedicatedShared && a.mode === 'shared'
          ? [...new Set([...before, ...a.cpus])].sort((x, y) => x - y)
          : [...a.cpus];
      this.assignments.set(vm, { mode: a.mode, cpus });
    }
    this.preemptStrangers();
  }

  /** True when `vm` may run on `cpu`. */
  mayRun(vm: string, cpu: number): boolean {
    return this.assignments.get(vm)?.cpus.includes(cpu) ?? false;
  }

  /** Run `vm` on `cpu` (callers check `mayRun`). */
  dispatchOn(cpu: number, vm: string): void {
    this.running[cpu] = vm;
    const names = [...this.assignments.keys()];
    this.lastDispatched[cpu] = names.indexOf(vm);
  }

  /** Dispatch the next VM (round robin over the VMs whose list has `cpu`) on `cpu`; its name or null. */
  dispatch(cpu: number): string | null {
    const eligible = [...this.assignments.entries()]
      .filter(([, a]) => a.cpus.includes(cpu))
      .map(([vm]) => vm);
    if (eligible.length === 0) {
      this.running[cpu] = null;
      return null;
    }
    const names = [...this.assignments.keys()];
    const last = this.lastDispatched[cpu]!;
    const next = eligible.find((vm) => names.indexOf(vm) > last) ?? eligible[0]!;
    this.lastDispatched[cpu] = names.indexOf(next);
    this.running[cpu] = next;
    return next;
  }

  /** Make sure `vm` runs somewhere (steps 5130-5160): on an idle CPU of its list, else its first. */
  dispatchVm(vm: string): number | null {
    const a = this.assignments.get(vm);
    if (a === undefined || a.cpus.length === 0) return null;
    const already = this.running.indexOf(vm);
    if (already >= 0) return already;
    const cpu = a.cpus.find((c) => this.running[c] === null) ?? a.cpus[0]!;
    this.running[cpu] = vm;
    return cpu;
  }

  /** True when `vm` is running on some CPU. */
  isDispatched(vm: string): boolean {
    return this.running.includes(vm);
  }

  /** Every CPU, as plain data. */
  snapshot(): CpuSnapshot[] {
    return this.running.map((running, cpu) => {
      const assigned: string[] = [];
      let dedicatedTo: string | null = null;
      for (const [vm, a] of this.assignments) {
        if (!a.cpus.includes(cpu)) continue;
        assigned.push(vm);
        if (a.mode === 'dedicated') dedicatedTo = vm;
      }
      return { cpu, assigned, dedicatedTo, running };
    });
  }

  /** A CPU running a VM that may no longer run there goes idle. */
  private preemptStrangers(): void {
    this.running.forEach((vm, cpu) => {
      if (vm !== null && !this.assignments.get(vm)?.cpus.includes(cpu)) this.running[cpu] = null;
    });
  }
}
