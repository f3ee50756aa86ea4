/**
 * Generated scenarios with the edges the sweep's builder leaves out added, for the model-based
 * tests: guest I/O one page past the size (refused with an addressing exception, SPEC 3, 7.6), a
 * program of two transfers (first and last page: pins and pieces of more than one page), and CPU
 * reads and writes of every VM's last page and one page past it (past end or past size; offline
 * once a resize takes the page away). The model attempts and refuses what lies outside online
 * storage, so paths of these scenarios drive the machine's refusals of guest I/O and accesses.
 *
 * Pure and deterministic: data only.
 */
import type { CpuAccessSpec, IoSpec, Scenario } from '../../scenario/schema.ts';

/** `s` with the edge I/O and CPU accesses added (see the module TSDoc); named `name`. */
export function withEdges(s: Scenario, name: string): Scenario {
  const first = s.vms[0]!;
  const last = s.vms.at(-1)!;
  const io: IoSpec[] = [
    ...s.io,
    { vm: first.name, channel: 0, program: [{ op: 'write', page: first.size, length: 1 }] },
    {
      vm: last.name,
      channel: s.channels - 1,
      program: [
        { op: 'read', page: 0, length: 1 },
        { op: 'write', page: last.size - 1, length: 1 },
      ],
    },
  ];
  const cpuAccess: CpuAccessSpec[] = [...s.cpuAccess];
  for (const vm of s.vms)
    cpuAccess.push(
      { vm: vm.name, op: 'write', page: vm.size - 1 },
      { vm: vm.name, op: 'read', page: vm.size - 1 },
      { vm: vm.name, op: 'read', page: vm.size },
    );
  return {
    ...s,
    name,
    description: `${s.description}; edges: ${first.name} I/O past its size, ${last.name} two-page program, CPU accesses of last pages and past them`,
    io,
    cpuAccess,
  };
}
