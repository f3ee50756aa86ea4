/**
 * Relocations and conversions step by step, with one page per step and with the batched fast
 * path (`maxPages` 3): every step's action and what it names (pages, frames, waits), for areas
 * moving up and down with overlap, far, pageable VMs with scattered frames and cycles, and
 * page-outs; then the guest reads back what it wrote.
 */
import { describe, expect, it } from 'vitest';
import type { Machine } from './machine.ts';
import type { Reconfiguration } from './reconfiguration.ts';
import { manualMachine, pattern, scenarioOf } from './testSupport.ts';

const PS = 64;
const cpus = { mode: 'shared', cpus: [0] };
const storage = (frames: number) => ({ frames, vmmFrames: 1, pageSize: PS, pagesPerSegment: 2 });

interface Case {
  readonly scenario: unknown;
  readonly setup: (m: Machine) => void;
  readonly start: (m: Machine) => Reconfiguration;
}

const CASES: Record<string, Case> = {
  'up by one with I/O': {
    scenario: {
      name: 'up',
      storage: storage(9),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'A', size: 6, origin: 1, pageFixed: true, direct: true, cpus }],
    },
    setup: (m) => {
      m.write('A', 0, pattern(6 * PS, 1));
      m.startIo('A', 0, [{ op: 'read', address: 2 * PS, length: PS }]);
    },
    start: (m) => m.relocate('A', 2),
  },
  'down by one with I/O': {
    scenario: {
      name: 'down',
      storage: storage(9),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'A', size: 6, origin: 2, pageFixed: true, direct: false, cpus }],
    },
    setup: (m) => {
      m.write('A', 0, pattern(6 * PS, 2));
      m.startIo('A', 0, [{ op: 'read', address: 4 * PS, length: PS }]);
    },
    start: (m) => m.relocate('A', 1),
  },
  'far up with I/O': {
    scenario: {
      name: 'far',
      storage: storage(12),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'A', size: 5, origin: 1, pageFixed: true, direct: true, cpus }],
    },
    setup: (m) => {
      m.write('A', 0, pattern(5 * PS, 3));
      m.startIo('A', 0, [{ op: 'read', address: 0, length: 1 }]);
    },
    start: (m) => m.relocate('A', 7),
  },
  'scattered to page-fixed': {
    scenario: {
      name: 'scattered',
      storage: storage(10),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'P', size: 6, pageFixed: false, direct: false, frames: [5, 3, 4, null, 7, 6], cpus }],
    },
    setup: (m) => {
      m.write('P', 0, pattern(6 * PS, 4));
    },
    start: (m) => m.toPageFixed('P', 2),
  },
  'scattered to page-fixed with I/O': {
    scenario: {
      name: 'scattered',
      storage: storage(10),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'P', size: 6, pageFixed: false, direct: false, frames: [5, 3, 4, null, 7, 6], cpus }],
    },
    setup: (m) => {
      m.write('P', 0, pattern(6 * PS, 8));
      m.startIo('P', 0, [{ op: 'read', address: 0, length: 1 }]);
    },
    start: (m) => m.toPageFixed('P', 2),
  },
  'contiguous to page-fixed': {
    scenario: {
      name: 'contiguous',
      storage: storage(10),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'P', size: 4, pageFixed: false, direct: false, frames: [3, 4, 5, 6], cpus }],
    },
    setup: (m) => {
      m.write('P', 0, pattern(4 * PS, 5));
    },
    start: (m) => m.toPageFixed('P', 4),
  },
  'swap to page-fixed with I/O': {
    scenario: {
      name: 'swap',
      storage: storage(8),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'P', size: 4, pageFixed: false, direct: false, frames: [2, 1, 4, 3], cpus }],
    },
    setup: (m) => {
      m.write('P', 0, pattern(4 * PS, 6));
      m.startIo('P', 0, [{ op: 'read', address: 3 * PS, length: 1 }]);
    },
    start: (m) => m.toPageFixed('P', 1),
  },
  'to pageable with pinned page': {
    scenario: {
      name: 'pageable',
      storage: storage(8),
      channels: 1,
      cpus: 1,
      vms: [{ name: 'A', size: 5, origin: 2, pageFixed: true, direct: false, cpus }],
    },
    setup: (m) => {
      m.write('A', 0, pattern(5 * PS, 7));
      m.startIo('A', 0, [{ op: 'read', address: 3 * PS, length: 1 }]);
    },
    start: (m) => m.toPageable('A', 2),
  },
};

const EXPECTED: Record<string, readonly string[]> = {
  'up by one with I/O 1': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":1,"detail":"host ST 4096: page j -> frame 1+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":5,"from":6,"to":7}',
    'progress reloc.movePage {"page":4,"from":5,"to":6}',
    'progress reloc.movePage {"page":3,"from":4,"to":5}',
    'waiting reloc.wait {"pages":[2],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[2],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":2,"from":3,"to":4}',
    'progress reloc.movePage {"page":1,"from":2,"to":3}',
    'progress reloc.movePage {"page":0,"from":1,"to":2}',
    'progress reloc.setOrigin {"from":1,"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 1"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'up by one with I/O 3': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":1,"detail":"host ST 4096: page j -> frame 1+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":3,"from":4,"to":5,"pages":[3,4,5]}',
    'waiting reloc.wait {"pages":[2],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[2],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":0,"from":1,"to":2,"pages":[0,1,2]}',
    'progress reloc.setOrigin {"from":1,"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 1"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'down by one with I/O 1': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":2,"detail":"host ST 4096: page j -> frame 2+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":0,"from":2,"to":1}',
    'progress reloc.movePage {"page":1,"from":3,"to":2}',
    'progress reloc.movePage {"page":2,"from":4,"to":3}',
    'progress reloc.movePage {"page":3,"from":5,"to":4}',
    'waiting reloc.wait {"pages":[4],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[4],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":4,"from":6,"to":5}',
    'progress reloc.movePage {"page":5,"from":7,"to":6}',
    'progress reloc.setOrigin {"from":2,"to":1}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'down by one with I/O 3': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":2,"detail":"host ST 4096: page j -> frame 2+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":0,"from":2,"to":1,"pages":[0,1,2]}',
    'progress reloc.movePage {"page":3,"from":5,"to":4}',
    'waiting reloc.wait {"pages":[4],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[4],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":4,"from":6,"to":5,"pages":[4,5]}',
    'progress reloc.setOrigin {"from":2,"to":1}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'far up with I/O 1': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":1,"detail":"host ST 4096: page j -> frame 1+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":4,"from":5,"to":11}',
    'progress reloc.movePage {"page":3,"from":4,"to":10}',
    'progress reloc.movePage {"page":2,"from":3,"to":9}',
    'progress reloc.movePage {"page":1,"from":2,"to":8}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":0,"from":1,"to":7}',
    'progress reloc.setOrigin {"from":1,"to":7}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 1"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'far up with I/O 3': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":1,"detail":"host ST 4096: page j -> frame 1+j"}',
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'progress reloc.movePage {"page":2,"from":3,"to":9,"pages":[2,3,4]}',
    'progress reloc.movePage {"page":1,"from":2,"to":8}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":0,"from":1,"to":7}',
    'progress reloc.setOrigin {"from":1,"to":7}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 1"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'scattered to page-fixed 1': [
    'progress reloc.copyAll {"to":2}',
    'progress reloc.setOrigin {"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'scattered to page-fixed 3': [
    'progress reloc.copyAll {"to":2}',
    'progress reloc.setOrigin {"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'scattered to page-fixed with I/O 1': [
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":0,"from":5,"to":2}',
    'progress reloc.movePage {"page":3,"from":1,"to":5}',
    'progress reloc.movePage {"page":5,"from":6,"to":1,"detail":"out of the way of page 4"}',
    'progress reloc.movePage {"page":4,"from":7,"to":6}',
    'progress reloc.movePage {"page":5,"from":1,"to":7}',
    'progress reloc.setOrigin {"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'scattered to page-fixed with I/O 3': [
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[0],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":0,"from":5,"to":2}',
    'progress reloc.movePage {"page":3,"from":1,"to":5}',
    'progress reloc.movePage {"page":5,"from":6,"to":1,"detail":"out of the way of page 4"}',
    'progress reloc.movePage {"page":4,"from":7,"to":6}',
    'progress reloc.movePage {"page":5,"from":1,"to":7}',
    'progress reloc.setOrigin {"to":2}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'contiguous to page-fixed 1': [
    'progress reloc.copyAll {"to":4}',
    'progress reloc.setOrigin {"to":4}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'contiguous to page-fixed 3': [
    'progress reloc.copyAll {"to":4}',
    'progress reloc.setOrigin {"to":4}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'swap to page-fixed with I/O 1': [
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'waiting reloc.wait {"pages":[3],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[3],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":1,"from":1,"to":5,"detail":"out of the way of page 0"}',
    'progress reloc.movePage {"page":0,"from":2,"to":1}',
    'progress reloc.movePage {"page":1,"from":5,"to":2}',
    'progress reloc.movePage {"page":3,"from":3,"to":5,"detail":"out of the way of page 2"}',
    'progress reloc.movePage {"page":2,"from":4,"to":3}',
    'progress reloc.movePage {"page":3,"from":5,"to":4}',
    'progress reloc.setOrigin {"to":1}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'swap to page-fixed with I/O 3': [
    'progress reloc.startPaging {"detail":"1 program(s) in flight: move page by page"}',
    'waiting reloc.wait {"pages":[3],"detail":"pages targeted by in-flight transfers move after those end"}',
    'waiting reloc.wait {"pages":[3],"detail":"pages targeted by in-flight transfers move after those end"}',
    'progress reloc.movePage {"page":1,"from":1,"to":5,"detail":"out of the way of page 0"}',
    'progress reloc.movePage {"page":0,"from":2,"to":1}',
    'progress reloc.movePage {"page":1,"from":5,"to":2}',
    'progress reloc.movePage {"page":3,"from":3,"to":5,"detail":"out of the way of page 2"}',
    'progress reloc.movePage {"page":2,"from":4,"to":3,"pages":[2,3]}',
    'progress reloc.setOrigin {"to":1}',
    'progress reloc.setPageFixed {}',
    'progress reloc.setDirect {"detail":"bit 431 = 0"}',
    'done reloc.dispatch {"detail":"CPU 0"}',
  ],
  'to pageable with pinned page 1': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":2,"detail":"host ST 4096: page j -> frame 2+j"}',
    'progress reloc.pageOut {"page":0,"from":2}',
    'progress reloc.pageOut {"page":1,"from":3}',
    'progress reloc.pageOut {"page":2,"from":4}',
    'done reloc.finishPageable {"detail":"resident limit 2"}',
  ],
  'to pageable with pinned page 3': [
    'progress reloc.clearDirect {}',
    'progress reloc.buildSpace {"from":2,"detail":"host ST 4096: page j -> frame 2+j"}',
    'progress reloc.pageOut {"page":0,"from":2}',
    'progress reloc.pageOut {"page":1,"from":3}',
    'progress reloc.pageOut {"page":2,"from":4}',
    'done reloc.finishPageable {"detail":"resident limit 2"}',
  ],
};

/** Step `r` to its end with `maxPages`; on a wait, run one unit of the first ready channel. */
function movesOf(
  r: Reconfiguration,
  scheduler: ReturnType<typeof manualMachine>['scheduler'],
  maxPages: number,
) {
  const lines: string[] = [];
  for (let i = 0; i < 300; i++) {
    const s = r.step({ maxPages });
    const { vm: _, action, spec: __, ...rest } = s.report ?? { vm: null, action: '-', spec: '-' };
    lines.push(`${s.status} ${action} ${JSON.stringify(rest)}`);
    if (s.status === 'done') return lines;
    if (s.status === 'waiting') {
      const ready = scheduler.ready();
      if (ready.length > 0) scheduler.runOne(ready[0]!);
    }
  }
  throw new Error(`${r.description} did not end`);
}

describe('relocation and conversion moves, page by page and batched', () => {
  it.each(Object.keys(CASES).flatMap((name) => [1, 3].map((maxPages) => [name, maxPages] as const)))(
    "should move %s with maxPages %i as reported and keep the guest's bytes",
    (name, maxPages) => {
      const c = CASES[name]!;
      const { machine, scheduler } = manualMachine(scenarioOf(c.scenario));
      c.setup(machine);
      const vm = machine.vmNames()[0]!;
      const size = machine.vm(vm).size;
      const before = machine.inspect(vm, 0, size * PS);
      expect(movesOf(c.start(machine), scheduler, maxPages)).toEqual(EXPECTED[`${name} ${maxPages}`]);
      expect(machine.read(vm, 0, size * PS)).toEqual(before);
      const fixed = machine.vm(vm).controlBlock;
      if (fixed.pageFixed) {
        expect(machine.pageTable(vm)).toEqual(Array.from({ length: size }, (_, p) => fixed.origin! + p));
        expect(machine.frameOwners().filter((f) => f.owner === 'vm').length).toBe(size);
      }
    },
  );
});
