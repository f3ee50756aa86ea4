/**
 * Small scenarios for SPEC rules the model once got wrong (the sweep's known model gaps, issue
 * 10), shared by the model's rule tests (`specRules.test.ts`) and the model-vs-implementation tests.
 */
import { parseScenario } from '../../../scenario/load.ts';
import type { Scenario } from '../../../scenario/schema.ts';

/** A scenario from its parts, with one CPU, one channel, no dispatch and 4 KiB pages unless given. */
export function specScenario(name: string, parts: Record<string, unknown>): Scenario {
  return parseScenario({
    name,
    channels: 1,
    cpus: 1,
    bounds: { channelErrors: false, dispatch: false },
    ...parts,
    storage: { vmmFrames: 1, pageSize: 4096, pagesPerSegment: 2, ...(parts.storage as object) },
  });
}

const shared = { mode: 'shared', cpus: [0] } as const;
const pageable = (frames: (number | null)[]) => ({ pageFixed: false, direct: false, frames });

/** The scenarios, by the rule they show. */
export const SPEC_SCENARIOS = {
  /** An intercepted start-I/O requested, then the VM terminated (SPEC 7.11). */
  terminateAfterStart: () =>
    specScenario('terminate-after-start', {
      storage: { frames: 2 },
      vms: [{ name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct: false }],
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
      reconfigurations: [{ kind: 'terminate', vm: 'VM-1' }],
    }),
  /** VM-2's page-in may take frame 1, VM-1's relocation destination (SPEC 7.4). */
  relocateIntoPagedIn: () =>
    specScenario('relocate-into-paged-in', {
      storage: { frames: 4 },
      vms: [
        { name: 'VM-1', size: 1, cpus: shared, origin: 2, pageFixed: true, direct: true },
        { name: 'VM-2', size: 2, cpus: shared, ...pageable([3, null]) },
      ],
      cpuAccess: [{ vm: 'VM-2', op: 'write', page: 1 }],
      reconfigurations: [{ kind: 'relocate', vm: 'VM-1', to: 1 }],
    }),
  /** The same with a conversion to page-fixed. */
  toPageFixedIntoPagedIn: () =>
    specScenario('to-page-fixed-into-paged-in', {
      storage: { frames: 4 },
      vms: [
        { name: 'VM-1', size: 1, cpus: shared, ...pageable([2]) },
        { name: 'VM-2', size: 2, cpus: shared, ...pageable([3, null]) },
      ],
      cpuAccess: [{ vm: 'VM-2', op: 'write', page: 1 }],
      reconfigurations: [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
    }),
  /**
   * An event shrinks VM-1 (intercepted, 2 pages at frame 1) to 1 page at frame 2; VM-1 writes its
   * page 1, which 7010 takes offline: a start requested before 7010 and one attempted after it
   * are refused with an addressing exception (SPEC 3, 7.6).
   */
  shrinkUnderStart: () =>
    specScenario('shrink-under-start', {
      storage: { frames: 3 },
      vms: [{ name: 'VM-1', size: 2, cpus: shared, origin: 1, pageFixed: true, direct: false }],
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 1, length: 1 }] }],
      events: [
        {
          trigger: { kind: 'timeOfDay', at: '22:00' },
          table: {
            'VM-1': { before: { size: 2, cpus: shared }, after: { size: 1, origin: 2, cpus: shared } },
          },
        },
      ],
    }),
  /**
   * VM-1 (page-fixed at frame 1, direct or not) and VM-2 (pageable) each start I/O one page past
   * their size: refused with an addressing exception (SPEC 3, 7.6).
   */
  ioPastEnd: (direct: boolean) =>
    specScenario(`io-past-end-${direct ? 'direct' : 'intercepted'}`, {
      storage: { frames: 4 },
      vms: [
        { name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct },
        { name: 'VM-2', size: 1, cpus: shared, ...pageable([3]) },
      ],
      io: [
        { vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 2 }] },
        { vm: 'VM-2', channel: 0, program: [{ op: 'read', page: 1, length: 1 }] },
      ],
    }),
  /**
   * VM-1's page 1 is paged in to frame 1, page 0's destination; page 0 sits in frame 2, page 1's:
   * a cycle, with no free frame (`frames` 3) or frame 3 free (`frames` 4) to break it (SPEC 7.11).
   */
  toPageFixedCycle: (frames: 3 | 4) =>
    specScenario(`to-page-fixed-cycle-${frames}`, {
      storage: { frames },
      vms: [{ name: 'VM-1', size: 2, cpus: shared, ...pageable([2, null]) }],
      cpuAccess: [{ vm: 'VM-1', op: 'write', page: 1 }],
      reconfigurations: [{ kind: 'toPageFixed', vm: 'VM-1', to: 1 }],
    }),
  /**
   * A relocation request (VM-2, frame 3 to 4) and a failover event (VM-1 grows in place into frame
   * 2; VM-2 at frame 3) in one scenario: either may arrive while the other runs (SPEC 7.13).
   */
  relocateAndResize: () =>
    specScenario('relocate-and-resize', {
      storage: { frames: 5 },
      vms: [
        { name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct: true },
        { name: 'VM-2', size: 1, cpus: shared, origin: 3, pageFixed: true, direct: true },
      ],
      reconfigurations: [{ kind: 'relocate', vm: 'VM-2', to: 4 }],
      events: [
        {
          trigger: { kind: 'failover', partner: 'CPC-B' },
          table: {
            'VM-1': { before: { size: 1, cpus: shared }, after: { size: 2, origin: 1, cpus: shared } },
            'VM-2': { before: { size: 1, cpus: shared }, after: { size: 1, origin: 3, cpus: shared } },
          },
        },
      ],
    }),
  /**
   * An event grows VM-1 (intercepted, 1 page at frame 1, writing its page 0) to 2 pages at frame 2:
   * 7020 moves the page it has, 7030 grows it at its new origin (SPEC 6).
   */
  moveAndGrow: () =>
    specScenario('move-and-grow', {
      storage: { frames: 4 },
      vms: [{ name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct: false }],
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
      events: [
        {
          trigger: { kind: 'timeOfDay', at: '22:00' },
          table: {
            'VM-1': { before: { size: 1, cpus: shared }, after: { size: 2, origin: 2, cpus: shared } },
          },
        },
      ],
    }),
  /**
   * A relocation request (VM-2, frame 3 to 4) and an event whose table moves VM-1 up to frame 4 and
   * VM-2 down to frame 2. Each fits the initial machine; whichever runs first, the other no longer
   * fits: after the relocation the table's 7020 would move VM-1 onto VM-2 (moving up goes first),
   * and after the resize frame 4 is VM-1's. Both are refused in their turn (SPEC 7.13).
   */
  tableNoLongerFits: () =>
    specScenario('table-no-longer-fits', {
      storage: { frames: 5 },
      vms: [
        { name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct: true },
        { name: 'VM-2', size: 1, cpus: shared, origin: 3, pageFixed: true, direct: true },
      ],
      reconfigurations: [{ kind: 'relocate', vm: 'VM-2', to: 4 }],
      events: [
        {
          trigger: { kind: 'failover', partner: 'CPC-B' },
          table: {
            'VM-1': { before: { size: 1, cpus: shared }, after: { size: 1, origin: 4, cpus: shared } },
            'VM-2': { before: { size: 1, cpus: shared }, after: { size: 1, origin: 2, cpus: shared } },
          },
        },
      ],
    }),
  /**
   * VM-1 (pageable, 3 pages, frames 1 and 2 its only ones, page 2 paged out) writes page `ioPage`
   * (2 unless given) by an intercepted channel program and reads page 0 by CPU, and with `ioPage`
   * 0 writes page 2 by CPU too: its working set exceeds its frames, so each page-in steals a frame
   * from one of its own pages, never one the channel program pins (SPEC 3, 7.5, 7.8, 7.11).
   */
  workingSetExceedsFrames: (ioPage: 0 | 2 = 2) =>
    specScenario(`working-set-exceeds-frames${ioPage === 2 ? '' : '-io-0'}`, {
      storage: { frames: 3 },
      vms: [{ name: 'VM-1', size: 3, cpus: shared, ...pageable([1, 2, null]) }],
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: ioPage, length: 1 }] }],
      cpuAccess: [
        { vm: 'VM-1', op: 'read', page: 0 },
        ...(ioPage === 0 ? [{ vm: 'VM-1', op: 'write', page: 2 }] : []),
      ],
    }),
} as const;

/** Every scenario above, once each (the cycle with and without a free frame). */
export function allSpecScenarios(): Scenario[] {
  const S = SPEC_SCENARIOS;
  return [
    S.terminateAfterStart(),
    S.shrinkUnderStart(),
    S.ioPastEnd(true),
    S.ioPastEnd(false),
    S.relocateIntoPagedIn(),
    S.toPageFixedIntoPagedIn(),
    S.toPageFixedCycle(3),
    S.toPageFixedCycle(4),
    S.relocateAndResize(),
    S.moveAndGrow(),
    S.tableNoLongerFits(),
    S.workingSetExceedsFrames(),
    S.workingSetExceedsFrames(0),
  ];
}
