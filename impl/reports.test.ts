/**
 * What a user watching a reconfiguration step by step reads: every step's status, report (action,
 * flowchart step, VM, pages, detail) and the phase the snapshot shows after it, for the shipped
 * resize scenarios, and the ids, queue and results of reconfigurations that wait their turn.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock } from './clock.ts';
import type { Reconfiguration } from './reconfiguration.ts';
import type { ManualScheduler } from './scheduler.ts';
import { manualMachine, namedScenario } from './testSupport.ts';

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
