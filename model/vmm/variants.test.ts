import { describe, expect, it } from 'vitest';
import { scenarioModel } from '../../properties/testing/scenarioModel.ts';
import type { Variant } from '../../scenario/variants.ts';
import type { Action } from './actions.ts';
import { drive, violated } from './testing/drive.ts';

const A = {
  start: (io: number): Action => ({ kind: 'guest.startIo', io }),
  translate: (io: number): Action => ({ kind: 'vmm.translateIo', io }),
  startHost: (io: number): Action => ({ kind: 'vmm.startHostProgram', io }),
  refused: (io: number): Action => ({ kind: 'vmm.startRefused', io }),
  transfer: (channel = 0): Action => ({ kind: 'channel.transfer', channel }),
  end: (channel = 0): Action => ({ kind: 'channel.end', channel }),
  dispatch: (cpu: number, vm: number): Action => ({ kind: 'cpu.dispatch', cpu, vm }),
  terminate: (vm: number): Action => ({ kind: 'vm.terminate', vm }),
  request: (request: number): Action => ({ kind: 'request.begin', request }),
  requestArrives: (request: number): Action => ({ kind: 'request.arrive', request }),
  arrive: (event = 0): Action => ({ kind: 'event.arrive', event }),
  resize: (event = 0): Action => ({ kind: 'resize.begin', event }),
  askShrink: (vm: number): Action => ({ kind: 'resize.askShrink', vm }),
  offline: (vm: number): Action => ({ kind: 'guest.offline', vm }),
  relocateFor: (vm: number): Action => ({ kind: 'resize.relocate', vm }),
  askGrow: (vm: number): Action => ({ kind: 'resize.askGrow', vm }),
  online: (vm: number): Action => ({ kind: 'guest.online', vm }),
  reassign: { kind: 'resize.reassignCpus' } as Action,
  clearDirect: { kind: 'reloc.clearDirect' } as Action,
  buildSpace: { kind: 'reloc.buildSpace' } as Action,
  copyAll: { kind: 'reloc.copyAll' } as Action,
  startPaging: { kind: 'reloc.startPaging' } as Action,
  copyPage: (page: number): Action => ({ kind: 'reloc.copyPage', page }),
  remap: { kind: 'reloc.remapPage' } as Action,
  pageOut: (page: number): Action => ({ kind: 'reloc.pageOut', page }),
  pageInToDest: (page: number): Action => ({ kind: 'reloc.pageInToDest', page }),
  access: (access: number): Action => ({ kind: 'guest.cpuAccess', access }),
  setOrigin: { kind: 'reloc.setOrigin' } as Action,
  setPageFixed: { kind: 'reloc.setPageFixed' } as Action,
  setDirect: { kind: 'reloc.setDirect' } as Action,
  finish: { kind: 'reloc.dispatch' } as Action,
  suspend: { kind: 'prior.suspend' } as Action,
  priorCopy: { kind: 'prior.copy' } as Action,
  resume: { kind: 'prior.resume' } as Action,
};
const FINISH = [A.setOrigin, A.setPageFixed, A.setDirect, A.finish];

/** Drive `steps` and return the violated invariants of every state along the way. */
function violationsAlong(scenario: string, variant: Variant, steps: Action[]) {
  const model = scenarioModel(scenario, variant);
  const states = drive(model, steps);
  return { model, states, last: states.at(-1)!, each: states.map((s) => violated(model, s)) };
}

describe('the patent method walks every branch of Figs. 5 and 8 without a violation', () => {
  it('should copy all at once when no I/O is in flight (5035 yes, 5040)', () => {
    const run = violationsAlong('fig6-relocation', 'patent', [
      A.terminate(2),
      A.request(1),
      A.clearDirect,
      A.buildSpace,
      A.copyAll,
      ...FINISH,
    ]);
    expect(run.each.flat()).toEqual([]);
    expect(run.model.isFinal(run.last)).toBe(true);
    const vm2 = run.last.vms[1]!;
    expect([vm2.origin, vm2.end, vm2.pageFixed, vm2.direct, vm2.hostSt]).toEqual([4, 5, true, false, null]);
    expect(run.last.frames).toEqual([
      null,
      'VM-1.p0.v0',
      'VM-1.p1.v0',
      null,
      'VM-2.p0.v0',
      'VM-2.p1.v0',
      null,
    ]);
  });

  it('should move page by page around in-flight I/O, retry a busy start and honour the overlap (5035 no, 5083, 5085)', () => {
    const steps = [
      A.start(0),
      A.translate(0),
      A.startHost(0), // a host program writes page 1
      A.start(1),
      A.translate(1),
      A.refused(1), // channel busy: unpin and retry (5083)
      A.terminate(2),
      A.request(1),
      A.clearDirect,
      A.buildSpace,
      A.startPaging,
      A.transfer(),
      A.end(), // page 1's transfer ends; only now may page 1 move
      A.copyPage(1),
      A.remap, // frame 5 was free; page 0 could not go first: frame 4 held page 1
      A.translate(1),
      A.startHost(1),
      A.transfer(),
      A.end(), // simulated against the current mapping
      A.copyPage(0),
      A.remap,
      ...FINISH,
    ];
    const run = violationsAlong('fig6-relocation', 'patent', steps);
    expect(run.each.flat()).toEqual([]);
    expect(run.last.frames.slice(3)).toEqual([null, 'VM-2.p0.v1', 'VM-2.p1.v1', null]);
    expect(run.model.isFinal(run.last)).toBe(true);
  });

  it('should not let page 0 overwrite unmoved page 1 when the areas overlap', () => {
    const model = scenarioModel('fig6-relocation');
    const paging = drive(model, [
      A.start(0),
      A.translate(0),
      A.terminate(2),
      A.request(1),
      A.clearDirect,
      A.buildSpace,
      A.startPaging,
    ]).at(-1)!;
    // page 1 is targeted by io0 and page 0's destination (frame 4) still holds page 1: nothing may move
    expect(model.actions(paging).filter((a) => a.kind === 'reloc.copyPage')).toEqual([]);
  });

  it('should shrink, relocate and grow on a time-of-day event (7000-7050)', () => {
    const steps = [
      A.dispatch(0, 1),
      A.start(0),
      A.arrive(),
      A.resize(),
      A.askShrink(1),
      A.offline(1),
      A.relocateFor(1),
      A.clearDirect,
      A.buildSpace,
      A.startPaging, // a direct program started before 5000 is in flight
      A.transfer(),
      A.end(),
      A.copyPage(0),
      A.remap,
      ...FINISH,
      A.dispatch(1, 0),
      A.askGrow(0),
      A.online(0),
      A.reassign,
    ];
    const run = violationsAlong('fig8-resize', 'patent', steps);
    expect(run.each.flat()).toEqual([]);
    expect(run.last.settledEvent).toBe(0);
    expect(run.last.vms.map((vm) => [vm.origin, vm.size, vm.cpus.mode, vm.cpus.cpus])).toEqual([
      [1, 4, 'dedicated', [0]],
      [5, 1, 'shared', [1]],
      [6, 1, 'shared', [1]],
    ]);
    expect(run.model.isFinal(run.last)).toBe(true);
  });

  it('should grow the hot-standby VM when its partner fails', () => {
    const steps = [
      A.arrive(),
      A.resize(),
      A.askShrink(1),
      A.dispatch(0, 1),
      A.offline(1),
      A.relocateFor(1),
      A.clearDirect,
      A.buildSpace,
      A.copyAll,
      ...FINISH,
      A.askGrow(0),
      A.dispatch(1, 0),
      A.online(0),
      A.reassign,
    ];
    const run = violationsAlong('fig1-failover', 'patent', steps);
    expect(run.each.flat()).toEqual([]);
    expect(run.last.vms.map((vm) => [vm.origin, vm.size])).toEqual([
      [1, 3],
      [5, 1],
    ]);
  });

  it('should convert page-fixed to pageable with a smaller footprint and back (claims 8-9, [0031])', () => {
    const steps = [
      A.request(0),
      A.clearDirect,
      A.start(0),
      A.translate(0),
      A.buildSpace,
      A.pageOut(1),
      A.pageOut(2),
      A.finish, // page 0 is pinned: only pages 1 and 2 may go
      A.startHost(0),
      A.transfer(),
      A.end(),
      A.request(1),
      A.pageInToDest(2),
      A.pageInToDest(1),
      A.copyPage(0),
      A.remap,
      ...FINISH,
      A.access(0),
    ];
    const run = violationsAlong('pageable-conversion', 'patent', steps);
    expect(run.each.flat()).toEqual([]);
    expect(run.last.frames).toEqual([null, null, null, 'VM-1.p0.v1', 'VM-1.p1.v0', 'VM-1.p2.v0']);
    expect(run.last.vms[0]!.direct).toBe(true);
  });

  it('should refuse an access one page past end with an addressing exception', () => {
    const run = violationsAlong('fig6-relocation', 'patent', [A.access(1)]);
    expect(run.each.flat()).toEqual([]);
    expect(run.last.vms[0]!.programInterrupts).toBe(1);
  });
});

describe('each variant of SPEC section 8 reaches its violation', () => {
  // [variant, scenario, invariant violated by the last step, steps, steps after which the first violation may appear]
  const cases: [Variant, string, string, Action[], number?][] = [
    [
      'prior-art',
      'fig6-relocation',
      'noStaleWrite',
      [
        A.start(0),
        A.translate(0),
        A.startHost(0),
        A.terminate(2),
        A.request(1),
        A.suspend,
        A.priorCopy,
        A.resume,
        A.transfer(),
      ],
      7,
    ],
    [
      'fault-move-targeted-page',
      'fig6-relocation',
      'noChannelTouchesMovedPage',
      [
        A.start(0),
        A.translate(0),
        A.startHost(0),
        A.terminate(2),
        A.request(1),
        A.clearDirect,
        A.buildSpace,
        A.startPaging,
        A.copyPage(1),
      ],
    ],
    [
      'fault-forget-direct-io',
      'fig8-resize',
      'noChannelTouchesMovedPage',
      [
        A.dispatch(0, 1),
        A.start(0),
        A.arrive(),
        A.resize(),
        A.askShrink(1),
        A.offline(1),
        A.relocateFor(1),
        A.clearDirect,
        A.buildSpace,
        A.copyAll,
      ],
    ],
    [
      'fault-direct-before-fixed',
      'fig8-resize',
      'modeIsConsistent',
      [
        A.dispatch(0, 1),
        A.arrive(),
        A.resize(),
        A.askShrink(1),
        A.offline(1),
        A.relocateFor(1),
        A.clearDirect,
        A.buildSpace,
        A.copyAll,
        A.setDirect,
      ],
    ],
    [
      'fault-overlap-copy',
      'fig6-relocation',
      'framesAreIsolated',
      [
        A.start(0),
        A.translate(0),
        A.terminate(2),
        A.request(1),
        A.clearDirect,
        A.buildSpace,
        A.startPaging,
        A.copyPage(0),
      ],
    ],
    [
      'fault-page-out-pinned',
      'pageable-conversion',
      'pinnedPagesStayResident',
      [A.request(0), A.clearDirect, A.start(0), A.translate(0), A.buildSpace, A.pageOut(0)],
    ],
    ['fault-limit-off-by-one', 'fig6-relocation', 'accessesStayInBounds', [A.access(1)]],
    [
      'fault-offline-under-io',
      'fig8-resize',
      'offlineStorageIsQuiet',
      [A.dispatch(0, 1), A.start(1), A.arrive(), A.resize(), A.askShrink(1), A.offline(1)],
    ],
    [
      'fault-dedicated-cpu-shared',
      'fig8-resize',
      'cpusAndSizesFollowTable',
      [
        A.dispatch(0, 1),
        A.arrive(),
        A.resize(),
        A.askShrink(1),
        A.offline(1),
        A.relocateFor(1),
        A.clearDirect,
        A.buildSpace,
        A.copyAll,
        ...FINISH,
        A.askGrow(0),
        A.dispatch(1, 0),
        A.online(0),
        A.reassign,
      ],
    ],
    [
      'fault-interleaved-reconfiguration',
      'pageable-conversion',
      'oneReconfigurationAtATime',
      [A.request(0), A.clearDirect, A.buildSpace, A.requestArrives(1)],
    ],
  ];

  it.each(cases)(
    'should catch %s on %s as %s',
    (variant, scenario, invariant, steps, cleanUntil = steps.length) => {
      const run = violationsAlong(scenario, variant, steps);
      expect(run.each.slice(0, cleanUntil).flat()).toEqual([]);
      expect(run.each.at(-1)).toContain(invariant);
    },
  );

  it.each(cases)(
    'should not violate anything with the patent method on the prefix of the %s sequence that it allows',
    (_variant, scenario, _inv, steps) => {
      const model = scenarioModel(scenario, 'patent');
      let state = model.initialStates()[0]!;
      for (const step of steps) {
        const enabled = model.actions(state).find((a) => JSON.stringify(a) === JSON.stringify(step));
        if (!enabled) break;
        state = model.next(state, enabled);
        expect(violated(model, state)).toEqual([]);
      }
    },
  );
});
