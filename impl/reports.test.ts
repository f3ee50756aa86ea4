/**
 * What a user watching a reconfiguration step by step reads: every step's status, report (action,
 * flowchart step, VM, pages, detail) and the phase the snapshot shows after it, for the shipped
 * resize scenarios, and the ids, queue and results of reconfigurations that wait their turn.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import type { Reconfiguration } from './reconfiguration.ts';
import type { ManualScheduler } from './scheduler.ts';
import { manualMachine, namedScenario, scenarioOf, stepToEnd, within } from './testSupport.ts';

/**
 * Step `r` to its end, running every channel unit whenever it waits; one line per step:
 * `status | vm | action | spec | other report fields | phase after`, then the result.
 */
function traceOf(scheduler: ManualScheduler, r: Reconfiguration): string[] {
  const lines = [`start | ${JSON.stringify(r.snapshot())}`];
  for (let i = 0; i < 200; i++) {
    const result = r.step();
    const { vm, action, spec, ...rest } = result.report ?? { vm: null, action: '-', spec: '-' };
    lines.push(
      `${result.status} | ${vm} | ${action} | ${spec} | ${JSON.stringify(rest)} | ${r.snapshot().phase}`,
    );
    if (result.status === 'done') {
      lines.push(`result | ${JSON.stringify(result.result)}`);
      return lines;
    }
    if (result.status === 'waiting') scheduler.runAll();
  }
  throw new Error(`${r.description} did not end`);
}

describe('resize step by step, as reported', () => {
  it('should report every step of the failover resize (Fig. 1) with its phase', () => {
    const { machine, scheduler } = manualMachine(namedScenario('fig1-failover'));
    expect(traceOf(scheduler, machine.signalEvent({ kind: 'failover', partner: 'CPC-B' }))).toEqual([
      'start | {"id":1,"kind":"resize","description":"resize on failover of CPC-B","vm":null,"status":"running","phase":"askShrink VM-2","steps":0}',
      'progress | VM-2 | resize.askShrink | 7000 | {"detail":"3 -> 1 pages"} | offline VM-2',
      'progress | VM-2 | guest.offline | 7010 | {"pages":[1,2]} | relocate VM-2',
      'progress | VM-2 | resize.relocate | 7020 | {"to":5,"detail":"relocate VM-2 to frame 5"} | relocate VM-2',
      'progress | VM-2 | reloc.clearDirect | 5000 | {} | relocate VM-2',
      'progress | VM-2 | reloc.buildSpace | 5010 | {"from":2,"detail":"host ST 4096: page j -> frame 2+j"} | relocate VM-2',
      'progress | VM-2 | reloc.copyAll | 5035-5040 | {"to":5} | relocate VM-2',
      'progress | VM-2 | reloc.setOrigin | 5090-5100 | {"from":2,"to":5} | relocate VM-2',
      'progress | VM-2 | reloc.setPageFixed | 5110 | {} | relocate VM-2',
      'progress | VM-2 | reloc.setDirect | 5120 | {"detail":"bit 431 = 1"} | relocate VM-2',
      'progress | VM-2 | reloc.dispatch | 5130-5160 | {"detail":"CPU 0"} | askGrow VM-1',
      'progress | VM-1 | resize.askGrow | 7030 | {"pages":[1,2]} | online VM-1',
      'progress | VM-1 | guest.online | 7040 | {"pages":[1,2]} | reassignCpus',
      'done | null | resize.reassignCpus | 7050 | {} | done',
      'result | {"id":1,"kind":"resize","description":"resize on failover of CPC-B","status":"done","steps":13}',
    ]);
  });

  it.each([
    [
      'patent',
      [
        'start | {"id":1,"kind":"resize","description":"resize on time of day 22:00","vm":null,"status":"running","phase":"askShrink VM-2","steps":0}',
        'progress | VM-2 | resize.askShrink | 7000 | {"detail":"4 -> 1 pages"} | offline VM-2',
        'waiting | VM-2 | resize.wait | 7010 | {"pages":[3],"detail":"the guest offlines only storage not under I/O"} | offline VM-2',
        'progress | VM-2 | guest.offline | 7010 | {"pages":[1,2,3]} | relocate VM-2',
        'progress | VM-2 | resize.relocate | 7020 | {"to":5,"detail":"relocate VM-2 to frame 5"} | relocate VM-2',
        'progress | VM-2 | reloc.clearDirect | 5000 | {} | relocate VM-2',
        'progress | VM-2 | reloc.buildSpace | 5010 | {"from":2,"detail":"host ST 4096: page j -> frame 2+j"} | relocate VM-2',
        'progress | VM-2 | reloc.copyAll | 5035-5040 | {"to":5} | relocate VM-2',
        'progress | VM-2 | reloc.setOrigin | 5090-5100 | {"from":2,"to":5} | relocate VM-2',
        'progress | VM-2 | reloc.setPageFixed | 5110 | {} | relocate VM-2',
        'progress | VM-2 | reloc.setDirect | 5120 | {"detail":"bit 431 = 1"} | relocate VM-2',
        'progress | VM-2 | reloc.dispatch | 5130-5160 | {"detail":"CPU 0"} | askGrow VM-1',
        'progress | VM-1 | resize.askGrow | 7030 | {"pages":[1,2,3]} | online VM-1',
        'progress | VM-1 | guest.online | 7040 | {"pages":[1,2,3]} | reassignCpus',
        'done | null | resize.reassignCpus | 7050 | {} | done',
        'result | {"id":1,"kind":"resize","description":"resize on time of day 22:00","status":"done","steps":13}',
      ],
    ],
    [
      'prior-art',
      [
        'start | {"id":1,"kind":"resize","description":"resize on time of day 22:00","vm":null,"status":"running","phase":"askShrink VM-2","steps":0}',
        'progress | VM-2 | resize.askShrink | 7000 | {"detail":"4 -> 1 pages"} | offline VM-2',
        'waiting | VM-2 | resize.wait | 7010 | {"pages":[3],"detail":"the guest offlines only storage not under I/O"} | offline VM-2',
        'progress | VM-2 | guest.offline | 7010 | {"pages":[1,2,3]} | relocate VM-2',
        'progress | VM-2 | resize.relocate | 7020 | {"to":5,"detail":"relocate VM-2 to frame 5 (prior art)"} | relocate VM-2',
        'progress | VM-2 | prior.suspend | [0005] | {} | relocate VM-2',
        'progress | VM-2 | prior.copy | [0005] | {"from":2,"to":5} | relocate VM-2',
        'progress | VM-2 | prior.resume | [0012] | {"detail":"host channel programs resume with the frame addresses they were built with"} | askGrow VM-1',
        'progress | VM-1 | resize.askGrow | 7030 | {"pages":[1,2,3]} | online VM-1',
        'progress | VM-1 | guest.online | 7040 | {"pages":[1,2,3]} | reassignCpus',
        'done | null | resize.reassignCpus | 7050 | {} | done',
        'result | {"id":1,"kind":"resize","description":"resize on time of day 22:00","status":"done","steps":9}',
      ],
    ],
  ] as const)(
    'should report under %s the wait for a transfer into a page going offline (Fig. 8)',
    (variant, expected) => {
      const { machine, scheduler } = manualMachine(
        namedScenario('fig8-resize'),
        variant,
        new ManualClock('21:00'),
      );
      machine.startIo('VM-2', 0, [{ op: 'write', address: 3 * 4096, length: 4096 }]);
      expect(traceOf(scheduler, machine.signalEvent({ kind: 'timeOfDay', at: '22:00' }))).toEqual(expected);
    },
  );
});

describe('reconfigurations that wait their turn (SPEC 7.13)', () => {
  it('should number reconfigurations in request order, sub-relocations included, and report the queue', async () => {
    const { machine, scheduler } = manualMachine(
      namedScenario('fig8-resize'),
      'patent',
      new ManualClock('21:00'),
    );
    const relocation = machine.relocate('VM-3', 6);
    expect(relocation.id).toBe(1);
    const resize = machine.signalEvent({ kind: 'timeOfDay', at: '22:00' });
    const second = machine.resize(machine.scenario.events[0]!.table);
    expect([resize.id, second.id]).toEqual([2, 3]);
    expect([resize.trigger, second.trigger]).toEqual([
      { kind: 'timeOfDay', at: '22:00' },
      { kind: 'request' },
    ]);
    expect(machine.snapshot().queued).toEqual([
      {
        id: 2,
        kind: 'resize',
        description: 'resize on time of day 22:00',
        vm: null,
        status: 'queued',
        phase: 'planned',
        steps: 0,
      },
      {
        id: 3,
        kind: 'resize',
        description: 'resize on request',
        vm: null,
        status: 'queued',
        phase: 'planned',
        steps: 0,
      },
    ]);
    expect(resize.step()).toEqual({
      status: 'waiting',
      report: {
        action: 'reconfig.queued',
        spec: '7.13',
        vm: null,
        detail: 'waits for the reconfiguration before it',
      },
    });
    expect(traceOf(scheduler, relocation).at(-1)).toBe(
      'result | {"id":1,"kind":"relocate","description":"relocate VM-3 to frame 6","status":"done","steps":7}',
    );
    expect(machine.reconfiguration).toBe(resize);
    expect(machine.queuedReconfigurations).toEqual([second]);
    expect(traceOf(scheduler, resize).at(-1)).toBe(
      'result | {"id":2,"kind":"resize","description":"resize on time of day 22:00","status":"done","steps":13}',
    );
    // The second one's "before" sizes are stale now: it ends as failed when its turn comes.
    expect(machine.reconfiguration).toBeNull();
    expect(await second.done).toEqual({
      id: 3,
      kind: 'resize',
      description: 'resize on request',
      status: 'failed',
      steps: 0,
      error: {
        code: 'invalid-request',
        message: 'the table expects VM-1 to have 1 pages before, it has 4',
      },
    });
    expect(second.snapshot()).toMatchObject({ status: 'failed', phase: 'failed' });
    expect(second.step()).toEqual({ status: 'done', report: null, result: await second.done });
    // The resize's own relocation of VM-2 took a number too.
    expect(machine.relocate('VM-3', 6).id).toBe(5);
  });
});

describe('a reconfiguration that fails on its way', () => {
  it('should end a resize as failed, with the reason, when a page-in took a frame it was to grow into', () => {
    const base = namedScenario('fig8-resize');
    const scenario = scenarioOf({
      ...base,
      storage: { ...base.storage, frames: 8 },
      events: [],
      vms: [
        ...base.vms,
        {
          name: 'P',
          size: 2,
          pageFixed: false,
          direct: false,
          frames: [7, null],
          cpus: { mode: 'shared', cpus: [1] },
        },
      ],
    });
    const { machine, scheduler } = manualMachine(scenario);
    const resize = machine.resize(base.events[0]!.table);
    let result = resize.step();
    while (result.report?.action !== 'reloc.dispatch') result = resize.step();
    // VM-2 has moved to frame 5; frames 2..4 are free for VM-1, and P pages page 1 into frame 2.
    machine.write('P', 4096, [1]);
    expect(machine.pageTable('P')).toEqual([7, 2]);
    const message = 'VM-1 cannot grow to 4 pages: frame 2 belongs to P';
    expect(resize.step()).toEqual({
      status: 'done',
      report: { action: 'reconfig.failed', spec: '', vm: null, detail: message },
      result: {
        id: 1,
        kind: 'resize',
        description: 'resize on request',
        status: 'failed',
        steps: 10,
        error: { code: 'does-not-fit', message },
      },
    });
    expect(resize.failure?.details).toEqual({ vm: 'VM-1', frame: 2, holder: 'P' });
    expect([resize.status, resize.steps, resize.result?.status]).toEqual(['failed', 10, 'failed']);
    expect(machine.reconfiguration).toBeNull();
    expect(machine.vm('VM-1').size).toBe(1);
    expect(scheduler.ready()).toEqual([]);
  });
});

describe('run()', () => {
  /** A 6-page VM moving up by one frame while a program reads its page 2. */
  const moving = () => {
    const { machine, scheduler } = manualMachine(
      scenarioOf({
        name: 'moving',
        storage: { frames: 9, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          {
            name: 'A',
            size: 6,
            origin: 1,
            pageFixed: true,
            direct: true,
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    machine.startIo('A', 0, [{ op: 'read', address: 2 * 64, length: 1 }]);
    return { machine, scheduler, r: machine.relocate('A', 2) };
  };

  it.each([
    [{}, 9],
    [{ maxPages: 1 }, 13],
    [{ maxPages: 2 }, 11],
  ])('with %j should wait for the channel, then finish in %i steps', async (options, steps) => {
    const { machine, scheduler, r } = moving();
    const done = r.run(options);
    await Promise.resolve();
    expect(r.snapshot()).toMatchObject({ status: 'running', phase: 'move' });
    scheduler.runAll();
    expect(await within(done, 'the relocation')).toMatchObject({ status: 'done', steps });
    expect(machine.vm('A').controlBlock).toMatchObject({ origin: 2, end: 7, pageFixed: true, direct: true });
  });

  it.each([
    [{ yieldEvery: 1 }, 21],
    [{ yieldEvery: 0 }, 21],
    [{ yieldEvery: 8 }, 2],
    [{}, 1],
  ])('with %j should yield to the event loop %i times', async (options, yields) => {
    const { machine, scheduler } = manualMachine(
      scenarioOf({
        name: 'pageable',
        storage: { frames: 22, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [
          {
            name: 'A',
            size: 20,
            origin: 1,
            pageFixed: true,
            direct: true,
            cpus: { mode: 'shared', cpus: [0] },
          },
        ],
      }),
    );
    const r = machine.toPageable('A', 1);
    let turns = 0;
    let running = true;
    const tick = () => {
      if (!running) return;
      turns++;
      setImmediate(tick);
    };
    setImmediate(tick);
    const result = await within(r.run({ maxPages: 1, ...options }), 'the conversion');
    running = false;
    expect(result.steps).toBe(22);
    expect(scheduler.ready()).toEqual([]);
    expect(turns).toBe(yields);
  });
});

describe('the order of a resize with several VMs moving', () => {
  it('should move those going up highest first, then the rest lowest first, then grow', () => {
    const cpus = { mode: 'shared' as const, cpus: [0] };
    const vm = (name: string, size: number, origin: number) => ({
      name,
      size,
      origin,
      pageFixed: true,
      direct: true,
      cpus,
    });
    const { machine, scheduler } = manualMachine(
      scenarioOf({
        name: 'four',
        storage: { frames: 14, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
        channels: 1,
        cpus: 1,
        vms: [vm('A', 2, 1), vm('B', 2, 3), vm('C', 2, 5), vm('D', 2, 7)],
      }),
    );
    const entry = (size: number, after: number, origin: number) => ({
      before: { size, cpus },
      after: { size: after, origin, cpus },
    });
    // Listed out of order on purpose: B must wait for A to give frame 2 back, C for nothing.
    const resize = machine.resize({
      B: entry(2, 2, 2),
      A: entry(2, 1, 1),
      C: entry(2, 2, 9),
      D: entry(2, 3, 11),
    });
    const reports = stepToEnd(resize, scheduler).filter((r) => /^(resize|guest)\./.test(r.action));
    expect(reports.map((r) => `${r.action} ${r.vm} ${r.to ?? r.pages ?? r.detail ?? ''}`)).toEqual([
      'resize.askShrink A 2 -> 1 pages',
      'guest.offline A 1',
      'resize.relocate D 11',
      'resize.relocate C 9',
      'resize.relocate A 1',
      'resize.relocate B 2',
      'resize.askGrow D 2',
      'guest.online D 2',
      'resize.reassignCpus null ',
    ]);
    expect(machine.frameOwners().map((f) => (f.owner === 'vm' ? `${f.vm}:${f.page}` : f.owner))).toEqual([
      'vmm',
      'A:0',
      'B:0',
      'B:1',
      'free',
      'free',
      'free',
      'free',
      'free',
      'C:0',
      'C:1',
      'D:0',
      'D:1',
      'D:2',
    ]);
  });
});
