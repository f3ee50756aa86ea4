/**
 * Hand-made scenarios for the model-based tests of the relocation engine's move phase
 * (`modelVsImpl.relocation.test.ts`): a VM of five pages relocated up and down, over its own area
 * and clear of it, with direct or intercepted I/O into some of its pages (so the machine's `run()`
 * moves the other pages in batches, cut where a transfer targets a page); pageable VMs made
 * page-fixed over their own frames in a cycle (with a free frame to move a page out of the way, or
 * none, so it is paged out), over frames in order, in reverse order, with page 0 paged out, with
 * two pages in adjacent frames in reverse order or the second's destination taken (a batch of the
 * machine must stop after the first); a conversion to pageable and back to page-fixed one frame
 * up; and a relocation beside a pageable VM whose page fault finds no frame free but the
 * destination's.
 *
 * Pure and deterministic: data only.
 */
import type { IoSpec, Scenario, VmSpec } from '../../scenario/schema.ts';

const CPUS = { mode: 'shared' as const, cpus: [0] };

function scenario(
  name: string,
  description: string,
  frames: number,
  vm: Partial<VmSpec> & { size: number },
  io: readonly IoSpec['program'][],
  reconfigurations: Scenario['reconfigurations'],
  others: { readonly vms: readonly VmSpec[]; readonly cpuAccess: Scenario['cpuAccess'] } = {
    vms: [],
    cpuAccess: [],
  },
): Scenario {
  return {
    name,
    description,
    variant: 'patent',
    storage: { frames, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
    channels: 1,
    cpus: 1,
    vms: [{ name: 'VM-1', pageFixed: true, direct: true, cpus: CPUS, ...vm }, ...others.vms],
    io: io.map((program) => ({ vm: 'VM-1', channel: 0, program: [...program] })),
    cpuAccess: [
      { vm: 'VM-1', op: 'write', page: 1 },
      { vm: 'VM-1', op: 'read', page: 0 },
      ...others.cpuAccess,
    ],
    reconfigurations,
    events: [],
    bounds: { channelErrors: false, dispatch: false },
  };
}

const write = (page: number) => ({ op: 'write', page, length: 1 }) as const;
const read = (page: number) => ({ op: 'read', page, length: 1 }) as const;

/** The scenarios (see the module TSDoc). */
export const RELOCATION_SCENARIOS: readonly Scenario[] = [
  scenario(
    'reloc-up-overlap',
    'VM-1 5p@1 direct moves up to 3 (over itself), I/O into page 2',
    10,
    { size: 5, origin: 1 },
    [[write(2)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 3 }],
  ),
  scenario(
    'reloc-up-overlap-top',
    'VM-1 5p@1 direct moves up to 3 (over itself), I/O into its top page 4 holds the destination of page 2',
    10,
    { size: 5, origin: 1 },
    [[write(4)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 3 }],
  ),
  scenario(
    'reloc-down-overlap-bottom',
    'VM-1 5p@3 direct moves down to 1 (over itself), I/O from its bottom page 0 holds the destination of page 2',
    10,
    { size: 5, origin: 3 },
    [[read(0)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'reloc-down-overlap',
    'VM-1 5p@4 direct moves down to 2 (over itself), I/O into pages 1 and 3',
    10,
    { size: 5, origin: 4 },
    [[write(1), write(3)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 2 }],
  ),
  scenario(
    'reloc-up-clear',
    'VM-1 5p@1 direct moves up to 6 (clear of itself), I/O from page 0',
    11,
    { size: 5, origin: 1 },
    [[read(0)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 6 }],
  ),
  scenario(
    'reloc-down-clear',
    'VM-1 5p@6 direct moves down to 1 (clear of itself), I/O into page 4',
    11,
    { size: 5, origin: 6 },
    [[write(4)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'reloc-intercepted',
    'VM-1 5p@1 with simulated I/O moves up by one, intercepted I/O into pages 1 and 3',
    8,
    { size: 5, origin: 1, direct: false },
    [[write(3)], [read(1)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 2 }],
  ),
  scenario(
    'cycle-free-frame',
    'pageable VM-1 [3,2,4] made page-fixed at 2: pages 0 and 1 swap frames (frames 1 and 5 free), I/O into page 2',
    6,
    { size: 3, pageFixed: false, direct: false, frames: [3, 2, 4] },
    [[write(2)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 2 }],
  ),
  scenario(
    'cycle-no-free-frame',
    'pageable VM-1 [2,1,3] made page-fixed at 1: pages 0 and 1 swap frames, no frame free, I/O into page 2',
    4,
    { size: 3, pageFixed: false, direct: false, frames: [2, 1, 3] },
    [[write(2)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'pageable-in-order',
    'pageable VM-1 [2,3,4] (frames in order) made page-fixed at 3, I/O into page 0',
    7,
    { size: 3, pageFixed: false, direct: false, frames: [2, 3, 4] },
    [[write(0)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 3 }],
  ),
  scenario(
    'pageable-reversed',
    'pageable VM-1 [4,3,2] (frames in reverse order) made page-fixed at 1, I/O into page 1',
    6,
    { size: 3, pageFixed: false, direct: false, frames: [4, 3, 2] },
    [[write(1)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'pageable-run-reversed',
    'pageable VM-1 [5,4,3] (pages 0 and 1 in frames in reverse order, page 2 in place) made page-fixed at 1, I/O into page 2',
    7,
    { size: 3, pageFixed: false, direct: false, frames: [5, 4, 3] },
    [[write(2)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'pageable-run-blocked',
    "pageable VM-1 [5,6,2] made page-fixed at 1: pages 0 and 1 in frames in order, page 1's destination holds page 2, which I/O targets",
    7,
    { size: 3, pageFixed: false, direct: false, frames: [5, 6, 2] },
    [[write(2)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'pageable-page0-out',
    'pageable VM-1 [-,3,4] (page 0 paged out) made page-fixed at 1, I/O into page 2',
    6,
    { size: 3, pageFixed: false, direct: false, frames: [null, 3, 4] },
    [[write(2)]],
    [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
  ),
  scenario(
    'pageable-and-back',
    'VM-1 4p@1 direct made pageable with 2 resident pages, then page-fixed at 2 (over its own frames), I/O into page 3',
    7,
    { size: 4, origin: 1 },
    [[write(3)]],
    [
      { kind: 'toPageable', vm: 'VM-1', resident: 2 },
      { kind: 'toPageFixed', vm: 'VM-1', to: 2 },
    ],
  ),
  scenario(
    'reloc-beside-pageable',
    'VM-1 2p@1 direct moves up to 4 with I/O into page 0 while pageable VM-2 [3,-] reads its paged-out page 1: no frame is free but the destination',
    6,
    { size: 2, origin: 1 },
    [[write(0)]],
    [{ kind: 'relocate', vm: 'VM-1', to: 4 }],
    {
      vms: [{ name: 'VM-2', size: 2, pageFixed: false, direct: false, frames: [3, null], cpus: CPUS }],
      cpuAccess: [{ vm: 'VM-2', op: 'read', page: 1 }],
    },
  ),
];
