/**
 * Model-based tests on small hand-made scenarios of shapes the generators do not make.
 *
 * The order in which a resize relocates its VMs (7020): events moving two VMs, one up and one down, both up, or both down (listed in the
 * table against the order of their origins), so the model's `resize.relocate` picks the VMs in its
 * order (moving up first, highest origin first; then the rest, lowest origin first) and the
 * machine's plan must take them in the same order. Each is walked on a few seeded paths of the
 * patent model (the machine's choices), replayed on the machine with projections, control state,
 * reports and refusals compared, and drained.
 *
 * Transfers of more than one page (`length` 2: one channel command the machine splits into a
 * piece per page, the model a transfer per page), direct and intercepted, of a page-fixed VM
 * relocated and of a pageable one made page-fixed, walked and drained likewise.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Action } from '../model/vmm/actions.ts';
import { parseScenario } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';
import { createCheckModel } from './checkModel.ts';
import { followActions, withImplementationChoices } from './modelVsImpl.ts';
import { expectDrainedAgreement } from './testing/drainedAgreement.ts';
import { weightedTraceArbitrary } from './weightedWalks.ts';

const SHARED = { mode: 'shared', cpus: [0] } as const;

/** VMs of one page each at `origins`, an event moving each to `to` (table keys in `order`), an I/O of the first VM. */
function twoMoves(
  name: string,
  frames: number,
  origins: readonly number[],
  to: readonly number[],
  order: readonly number[],
): Scenario {
  const vms = origins.map((origin, i) => ({
    name: `VM-${i + 1}`,
    size: 1,
    origin,
    pageFixed: true,
    direct: true,
    cpus: SHARED,
  }));
  const table = Object.fromEntries(
    order.map((i) => [
      `VM-${i + 1}`,
      { before: { size: 1, cpus: SHARED }, after: { size: 1, origin: to[i]!, cpus: SHARED } },
    ]),
  );
  return parseScenario(
    {
      name,
      description: `${frames} frames: ${vms.map((v, i) => `${v.name} 1p@${v.origin} -> ${to[i]}`).join(', ')}`,
      storage: { frames, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
      channels: 1,
      cpus: 1,
      vms,
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
      cpuAccess: [],
      reconfigurations: [],
      events: [{ trigger: { kind: 'failover', partner: 'CPC-B' }, table }],
      bounds: { channelErrors: false, dispatch: false },
    },
    name,
  );
}

const SCENARIOS: readonly Scenario[] = [
  twoMoves('resize-down-and-up', 6, [2, 4], [1, 5], [0, 1]),
  twoMoves('resize-both-up', 6, [1, 2], [3, 5], [0, 1]),
  twoMoves('resize-both-down', 6, [3, 5], [1, 2], [1, 0]),
  twoMoves('resize-both-down-listed-in-order', 6, [3, 5], [1, 2], [0, 1]),
];

describe('seeded paths of resizes that move two VMs, replayed on the machine and drained', () => {
  it.each(SCENARIOS.map((s, i) => [s.name, i, s] as const))(
    'should relocate in the model order on %s',
    async (_name, i, scenario) => {
      const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
      for (const trace of fc.sample(weightedTraceArbitrary(model, 24), { seed: 60 + i, numRuns: 3 }))
        await expectDrainedAgreement(model, scenario, trace);
    },
  );
});

/** A two-page VM (page-fixed at frame 1, or pageable with page 0 at frame 1) with two-page transfers, moved to frame 3. */
function twoPageTransfers(name: string, kind: 'direct' | 'intercepted' | 'pageable'): Scenario {
  const vm =
    kind === 'pageable'
      ? { name: 'VM-1', size: 2, frames: [1, null], pageFixed: false, direct: false, cpus: SHARED }
      : { name: 'VM-1', size: 2, origin: 1, pageFixed: true, direct: kind === 'direct', cpus: SHARED };
  return parseScenario(
    {
      name,
      description: `6 frames: VM-1 2p ${kind}; ${kind === 'pageable' ? 'to page-fixed' : 'relocate'} VM-1 to 3; VM-1 ch0 write p0-1, ch1 read p0-1`,
      storage: { frames: 6, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
      channels: 2,
      cpus: 1,
      vms: [vm],
      io: [
        { vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 2 }] },
        { vm: 'VM-1', channel: 1, program: [{ op: 'read', page: 0, length: 2 }] },
      ],
      cpuAccess: [{ vm: 'VM-1', op: 'write', page: 1 }],
      reconfigurations: [
        kind === 'pageable'
          ? { kind: 'toPageFixed', vm: 'VM-1', to: 3 }
          : { kind: 'relocate', vm: 'VM-1', to: 3 },
      ],
      events: [],
      bounds: { channelErrors: true, dispatch: false },
    },
    name,
  );
}

/**
 * Two channels crossing over a two-page VM (channel 0 writes page 1 then page 0, channel 1 reads
 * page 0 then page 1): what channel 1 reads depends on how the two channels' units interleave, so
 * a drain by the event loop, one unit a turn, must keep the order of the model's drain.
 */
function crossingChannels(name: string): Scenario {
  const base = twoPageTransfers(name, 'direct');
  return {
    ...base,
    description:
      '6 frames: VM-1 2p direct; relocate VM-1 to 3; VM-1 ch0 write p1 then p0, ch1 read p0 then p1',
    io: [
      {
        vm: 'VM-1',
        channel: 0,
        program: [
          { op: 'write', page: 1, length: 1 },
          { op: 'write', page: 0, length: 1 },
        ],
      },
      {
        vm: 'VM-1',
        channel: 1,
        program: [
          { op: 'read', page: 0, length: 1 },
          { op: 'read', page: 1, length: 1 },
        ],
      },
    ],
  };
}

const TRANSFERS: readonly Scenario[] = [
  crossingChannels('crossing-channels'),
  twoPageTransfers('two-page-transfers-direct', 'direct'),
  twoPageTransfers('two-page-transfers-intercepted', 'intercepted'),
  twoPageTransfers('two-page-transfers-pageable', 'pageable'),
];

describe('seeded paths with transfers of two pages, replayed on the machine and drained', () => {
  it.each(TRANSFERS.map((s, i) => [s.name, i, s] as const))(
    'should agree with the model on %s',
    async (_name, i, scenario) => {
      const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
      for (const trace of fc.sample(weightedTraceArbitrary(model, 24), { seed: 80 + i, numRuns: 4 }))
        await expectDrainedAgreement(model, scenario, trace);
    },
  );
});

describe('two channels crossing over a VM, drained by the event loop', () => {
  it('should read what the model reads when both programs run on one unit a turn', async () => {
    const scenario = crossingChannels('crossing-channels');
    const model = withImplementationChoices(createCheckModel(scenario, 'patent'));
    // Three steps (odd): the drain hands both busy channels to the event loop, one unit a turn.
    const actions: Action[] = [
      { kind: 'guest.startIo', io: 0 },
      { kind: 'guest.startIo', io: 1 },
      { kind: 'request.begin', request: 0 },
    ];
    const trace = followActions(model, actions);
    expect(trace.steps.map((x) => x.action)).toEqual(actions);
    await expectDrainedAgreement(model, scenario, trace);
  });
});
