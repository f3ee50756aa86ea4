import { produce } from 'immer';
import { describe, expect, it } from 'vitest';
import type { MachineState } from '../model/vmm/state.ts';
import { drive } from '../model/vmm/testing/drive.ts';
import { scenarioModel } from './testing/scenarioModel.ts';

/**
 * Each invariant fails on a state built to break it, naming what went wrong: none of them is a
 * check that cannot fail, including those no seeded fault reaches.
 */
const fig6 = scenarioModel('fig6-relocation');
const fig8 = scenarioModel('fig8-resize');
const initial6 = fig6.initialStates()[0]!;
const initial8 = fig8.initialStates()[0]!;

function verdict(model: typeof fig6, state: MachineState, name: string) {
  return model.properties.find((p) => p.name === name)!.check(state);
}

describe('the invariants of SPEC section 7', () => {
  it('should hold in the initial states', () => {
    for (const [model, state] of [
      [fig6, initial6],
      [fig8, initial8],
    ] as const) {
      for (const p of model.properties.filter((q) => q.kind === 'always'))
        expect(p.check(state), p.name).toBeUndefined();
    }
  });

  it('should catch a page-fixed area whose end does not match its size (7.2)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[1]!.end = 5;
    });
    expect(verdict(fig6, bad, 'pageFixedAreaIsContiguous')?.message).toBe(
      'VM-2: end 5 is not origin 3 + size 2 - 1',
    );
  });

  it('should catch a page-fixed area inside the VMM (7.2)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[0]!.origin = 0;
      d.vms[0]!.end = 1;
    });
    expect(verdict(fig6, bad, 'pageFixedAreaIsContiguous')?.message).toMatch(
      /origin 0 lies in the VMM's storage/,
    );
  });

  it('should catch two VMs in one frame (7.4)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[1]!.origin = 2;
      d.vms[1]!.end = 3;
    });
    expect(verdict(fig6, bad, 'framesAreIsolated')?.message).toBe(
      'frame 2 holds VM-1 page 1 and VM-2 page 0',
    );
  });

  it('should catch a frame left behind by a VM that is gone (no frame leaked)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[2]!.alive = false; // terminated, but frames 5-6 not released
    });
    expect(verdict(fig6, bad, 'noFrameLeaked')?.message).toBe(
      'frame 5 that no live page maps holds VM-3.p0.v0',
    );
    expect(verdict(fig6, bad, 'framesAreIsolated')).toBeUndefined();
  });

  it("should catch guest data in the VMM's storage, and accept storage grown but not yet online (no frame leaked)", () => {
    const bad = produce(initial6, (d) => {
      d.frames[0] = 'VM-1.p0.v0';
    });
    expect(verdict(fig6, bad, 'noFrameLeaked')?.message).toBe(
      "frame 0 in the VMM's storage holds VM-1.p0.v0",
    );
    const grown = produce(initial6, (d) => {
      d.vms[0]!.online = 1; // page 1 offline (as between 7030 and 7040): frame 2 is still VM-1's
    });
    expect(verdict(fig6, grown, 'noFrameLeaked')).toBeUndefined();
  });

  it('should catch lost content (7.5)', () => {
    const bad = produce(initial6, (d) => {
      d.frames[4] = 'VM-2.p1.v7';
    });
    expect(verdict(fig6, bad, 'contentIsPreserved')?.message).toBe(
      'VM-2 page 1 should read VM-2.p1.v0 but frame 4 holds VM-2.p1.v7',
    );
  });

  it('should catch bit 431 without bit 432 (7.7)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[0]!.pageFixed = false;
      d.vms[0]!.hostSt = [[1, 2]];
    });
    expect(verdict(fig6, bad, 'modeIsConsistent')?.message).toBe(
      'VM-1 has bit 431 = 1 while bit 432 = 0 (pageable)',
    );
  });

  it('should catch a pin count that no transfer explains (7.12)', () => {
    const bad = produce(initial6, (d) => {
      d.vms[1]!.pins[0] = 1;
    });
    expect(verdict(fig6, bad, 'pinsAreExact')?.message).toBe(
      'VM-2 page 0 has 1 pin(s) but 0 in-flight host transfer(s) target it',
    );
  });

  it('should catch a pin missing for an in-flight host program (7.12)', () => {
    const running = drive(fig6, [
      { kind: 'guest.startIo', io: 0 },
      { kind: 'vmm.translateIo', io: 0 },
    ]).at(-1)!;
    const bad = produce(running, (d) => {
      d.vms[1]!.pins[1] = 0;
    });
    expect(verdict(fig6, bad, 'pinsAreExact')?.message).toBe(
      'VM-2 page 1 has 0 pin(s) but 1 in-flight host transfer(s) target it',
    );
  });

  it('should catch an event running outside the reconfiguration, or suspended channels (7.13)', () => {
    const running = produce(initial8, (d) => {
      d.events[0] = 'running';
    });
    expect(verdict(fig8, running, 'oneReconfigurationAtATime')?.message).toBe(
      'events 0 run outside the current reconfiguration',
    );
    const suspended = produce(initial8, (d) => {
      d.channelsSuspended = true;
    });
    expect(verdict(fig8, suspended, 'oneReconfigurationAtATime')?.message).toBe(
      'channel access is suspended outside a relocation',
    );
    const shrinking = produce(initial8, (d) => {
      d.vms[1]!.shrinkRequest = 1;
    });
    expect(verdict(fig8, shrinking, 'oneReconfigurationAtATime')?.message).toBe(
      'VM-2 is asked to shrink outside a resize',
    );
  });

  it('should catch sizes or CPUs that differ from the table after an event (7.10)', () => {
    const bad = produce(initial8, (d) => {
      d.settledEvent = 0;
    });
    expect(verdict(fig8, bad, 'cpusAndSizesFollowTable')?.message).toBe(
      'VM-1 has 1/1 pages at frame 1 after the event; the table says 4 at frame 1',
    );
  });

  it('should catch a dedicated CPU running another VM (7.10)', () => {
    const bad = produce(initial8, (d) => {
      d.vms[0]!.cpus = { mode: 'dedicated', cpus: [0] };
      d.vms[1]!.cpus = { mode: 'shared', cpus: [1] };
      d.vms[2]!.cpus = { mode: 'shared', cpus: [1] };
      d.running[0] = 2;
    });
    expect(verdict(fig8, bad, 'cpusAndSizesFollowTable')?.message).toBe('dedicated CPU 0 of VM-1 runs VM-3');
  });

  it('should catch offline storage with live data (7.9)', () => {
    const bad = produce(initial8, (d) => {
      d.vms[1]!.online = 1;
      d.vms[1]!.pagingStore[2] = 'VM-2.p2.v0';
    });
    expect(verdict(fig8, bad, 'offlineStorageIsQuiet')?.message).toBe(
      'VM-2 page 2 is offline but still holds live data',
    );
  });
});
