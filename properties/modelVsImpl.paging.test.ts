/**
 * Model-based tests on small hand-made scenarios of paging and channel shapes the generators do
 * not make, each a deterministic model path (`policyPath`) replayed on the machine (projections,
 * control state, waits and refusal probes compared at every step) and drained:
 *
 * - a VM made pageable with a footprint of one page ([0030]) whose only resident page an
 *   intercepted program has pinned, then a page fault: the model takes a free frame beyond the
 *   footprint (no page of the VM may be stolen), and so must the machine;
 * - storage full and a pageable VM's only resident page pinned: its page fault has no frame (the
 *   refusal probes ask for it) until the program ends and the page is stolen;
 * - a transfer of two pages that starts at page 1 (the machine splits it into a piece per page,
 *   the model has a transfer per page), direct and intercepted.
 */
import { describe, expect, it } from 'vitest';
import { parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { policyPath } from './testing/policyPath.ts';

const SHARED = { mode: 'shared', cpus: [0] } as const;

/** VM-1, 3 pages page-fixed at frame 1 in 8 frames, with `io`, `cpuAccess` and `reconfigurations`. */
function threePages(
  name: string,
  description: string,
  direct: boolean,
  rest: Pick<Scenario, 'io' | 'cpuAccess' | 'reconfigurations'>,
): Scenario {
  return parseScenario(
    {
      name,
      description,
      storage: { frames: 8, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
      channels: 1,
      cpus: 1,
      vms: [{ name: 'VM-1', size: 3, origin: 1, pageFixed: true, direct, cpus: SHARED }],
      ...rest,
      events: [],
      bounds: { channelErrors: false, dispatch: false },
    },
    name,
  );
}

const CASES: readonly { scenario: Scenario; prefer: readonly string[]; reaches: readonly string[] }[] = [
  {
    // toPageable to a footprint of page 0, which the intercepted write then pins; the read of
    // page 2 faults with the VM at its footprint and nothing to steal.
    scenario: threePages(
      'footprint-pinned-fault',
      'VM-1 3p@1 intercepted; toPageable footprint 1; ch0 write p0 in flight; CPU read p2',
      false,
      {
        io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
        cpuAccess: [{ vm: 'VM-1', op: 'read', page: 2 }],
        reconfigurations: [{ kind: 'toPageable', vm: 'VM-1', resident: 1 }],
      },
    ),
    prefer: [
      'request.',
      'reloc.',
      'guest.startIo',
      'vmm.translateIo',
      'vmm.startHostProgram',
      'vmm.',
      'guest.',
      'channel.',
    ],
    reaches: ['vmm.startHostProgram', 'vmm.pageIn', 'guest.cpuAccess'],
  },
  {
    // Storage full: pageable VM-1's only resident page is pinned by its write in flight, so the
    // read of page 1 has no frame (refusal probes) until the write ends and page 0 is stolen.
    scenario: parseScenario(
      {
        name: 'full-storage-pinned-fault',
        description:
          '4 frames: VM-1 2p pageable (p0@1), VM-2 2p@2; VM-1 ch0 write p0 in flight; VM-1 CPU read p1',
        storage: { frames: 4, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          { name: 'VM-1', size: 2, frames: [1, null], pageFixed: false, direct: false, cpus: SHARED },
          { name: 'VM-2', size: 2, origin: 2, pageFixed: true, direct: true, cpus: SHARED },
        ],
        io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
        cpuAccess: [{ vm: 'VM-1', op: 'read', page: 1 }],
        reconfigurations: [],
        events: [],
        bounds: { channelErrors: false, dispatch: false },
      },
      'full-storage-pinned-fault',
    ),
    prefer: [
      'guest.startIo',
      'vmm.translateIo',
      'vmm.startHostProgram',
      'guest.cpuAccess',
      'channel.',
      'vmm.',
    ],
    reaches: ['vmm.startHostProgram', 'channel.end', 'vmm.stealPage', 'guest.cpuAccess'],
  },
  ...[true, false].map((direct) => ({
    scenario: threePages(
      `two-pages-from-page-1-${direct ? 'direct' : 'intercepted'}`,
      `VM-1 3p@1 ${direct ? 'direct' : 'intercepted'}; ch0 write p1-2, then relocate VM-1 to 4`,
      direct,
      {
        io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 1, length: 2 }] }],
        cpuAccess: [],
        reconfigurations: [{ kind: 'relocate', vm: 'VM-1', to: 4 }],
      },
    ),
    prefer: ['guest.startIo', 'vmm.', 'channel.', 'request.', 'reloc.'],
    reaches: ['channel.transfer', 'channel.end'],
  })),
];

describe('hand-made paging and channel paths, replayed on the machine and drained', () => {
  it.each(CASES.map((c) => [c.scenario.name, c] as const))(
    'should agree with the model on %s',
    async (_name, c) => {
      const model = withImplementationChoices(createCheckModel(c.scenario, 'patent'));
      const path = policyPath(model, c.prefer);
      const kinds = path.steps.map((s) => s.action.kind);
      for (const kind of c.reaches) expect(kinds, kinds.join(' ')).toContain(kind);
      await expectDrainedAgreement(model, c.scenario, path);
    },
  );
});
