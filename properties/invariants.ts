/**
 * The invariants of SPEC section 7 as pure predicates over states: each returns nothing, or a
 * violation naming the invariant, the VM, page and frame involved, and one line of what went wrong.
 */
import type { Property, Violation } from '../model/core/model.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import {
  activeRelocation,
  frameHolders,
  frameOf,
  inFlight,
  pteOf,
  targetCounts,
} from '../model/vmm/queries.ts';
import { datum, type Incident, type MachineState } from '../model/vmm/state.ts';

type Check = (state: MachineState) => Violation | undefined;

function fromIncident(invariant: string, incident: Incident | undefined): Violation | undefined {
  return (
    incident && {
      invariant,
      message: incident.message,
      details: { incident: incident.kind, ...incident.details },
    }
  );
}

function incident(state: MachineState, ...kinds: Incident['kind'][]): Incident | undefined {
  return state.incidents.find((i) => kinds.includes(i.kind));
}

/** 7.1: every channel write lands in the frame that maps its page; reads return the last write. */
const noStaleWrite = (): Check => (state) =>
  fromIncident('noStaleWrite', incident(state, 'staleWrite', 'staleRead'));

/** 7.2: a page-fixed VM's frames are exactly origin..end, inside storage, outside the VMM and other VMs. */
const pageFixedAreaIsContiguous =
  (ctx: VmmContext): Check =>
  (state) => {
    const holders = frameHolders(ctx, state);
    for (const vm of state.vms) {
      if (!vm.alive || !vm.pageFixed) continue;
      const details = { vm: vm.name, origin: vm.origin, end: vm.end, size: vm.size };
      const fail = (message: string) => ({
        invariant: 'pageFixedAreaIsContiguous',
        message: `${vm.name}: ${message}`,
        details,
      });
      if (vm.end !== vm.origin + vm.size - 1)
        return fail(`end ${vm.end} is not origin ${vm.origin} + size ${vm.size} - 1`);
      if (vm.origin < ctx.vmmFrames)
        return fail(`origin ${vm.origin} lies in the VMM's storage (frames 0..${ctx.vmmFrames - 1})`);
      if (vm.end >= ctx.frameCount)
        return fail(`end ${vm.end} is past main storage (${ctx.frameCount} frames)`);
      if (vm.hostSt !== null)
        return fail('is page-fixed (bit 432 = 1) but still translates through a host segment table');
      for (let f = vm.origin; f < vm.origin + vm.online; f++) {
        const other = holders[f]!.find((h) => state.vms[h.vm]!.name !== vm.name);
        if (other)
          return fail(`frame ${f} of its area also holds ${state.vms[other.vm]!.name} page ${other.page}`);
      }
    }
    return undefined;
  };

/** 7.3: no page is copied or remapped while a transfer targets it; no channel touches a released or foreign frame. */
const noChannelTouchesMovedPage =
  (ctx: VmmContext): Check =>
  (state) => {
    const found = fromIncident(
      'noChannelTouchesMovedPage',
      incident(state, 'movedTargetedPage', 'strayAccess'),
    );
    if (found) return found;
    const reloc = activeRelocation(state);
    if (reloc?.transit) {
      const targets = targetCounts(ctx, state, reloc.vm, { host: true, direct: true });
      const page = reloc.transit.page;
      if ((targets[page] ?? 0) > 0) {
        const name = state.vms[reloc.vm]!.name;
        return {
          invariant: 'noChannelTouchesMovedPage',
          message: `${name} page ${page} is being moved (copied to frame ${reloc.dest! + page}) while a transfer targets it`,
          details: { vm: name, page, from: reloc.transit.from, to: reloc.dest! + page },
        };
      }
    }
    return undefined;
  };

/** 7.4: no frame holds live pages of two VMs, or two pages of one VM; no VM page lies in the VMM's storage. */
const framesAreIsolated =
  (ctx: VmmContext): Check =>
  (state) => {
    const found = fromIncident('framesAreIsolated', incident(state, 'overwroteLivePage'));
    if (found) return found;
    const holders = frameHolders(ctx, state);
    for (let f = 0; f < holders.length; f++) {
      const list = holders[f]!;
      const distinct = list.filter((h, i) => list.findIndex((o) => o.vm === h.vm && o.page === h.page) === i);
      const names = distinct.map((h) => `${state.vms[h.vm]!.name} page ${h.page}`);
      if (distinct.length > 1) {
        return {
          invariant: 'framesAreIsolated',
          message: `frame ${f} holds ${names.join(' and ')}`,
          details: { frame: f, pages: names.join(', ') },
        };
      }
      if (distinct.length === 1 && f < ctx.vmmFrames) {
        return {
          invariant: 'framesAreIsolated',
          message: `${names[0]} is mapped to frame ${f}, in the VMM's storage`,
          details: { frame: f, pages: names[0]! },
        };
      }
    }
    return undefined;
  };

/** 7.5: what a guest sees at every online address is the last thing written there. */
const contentIsPreserved =
  (ctx: VmmContext): Check =>
  (state) => {
    const reloc = activeRelocation(state);
    for (let v = 0; v < state.vms.length; v++) {
      const vm = state.vms[v]!;
      if (!vm.alive) continue;
      for (let page = 0; page < vm.online; page++) {
        const want = datum(vm.name, page, vm.expected[page]!);
        const transit = reloc?.vm === v && reloc.transit?.page === page ? reloc.transit : null;
        const frame = frameOf(ctx, vm, page);
        let where: string;
        let found: string | null;
        if (frame !== null) {
          where = `frame ${frame}`;
          found = state.frames[frame] ?? null;
        } else if (transit) {
          where = `frame ${reloc!.dest! + page} (copy in transit)`;
          found = state.frames[reloc!.dest! + page] ?? null;
        } else {
          where = 'the paging device';
          found = vm.pagingStore[page] ?? null;
        }
        if (found !== want) {
          return {
            invariant: 'contentIsPreserved',
            message: `${vm.name} page ${page} should read ${want} but ${where} holds ${found ?? 'nothing'}`,
            details: { vm: vm.name, page, frame, expected: want, found },
          };
        }
      }
    }
    return undefined;
  };

/** 7.6: an access past end, or to offline storage, is refused with an addressing exception. */
const accessesStayInBounds = (): Check => (state) =>
  fromIncident('accessesStayInBounds', incident(state, 'boundsBreach'));

/** 7.7: bit 431 = 1 only with bit 432 = 1 and no relocation under way. */
const modeIsConsistent = (): Check => (state) => {
  const reloc = activeRelocation(state);
  for (let v = 0; v < state.vms.length; v++) {
    const vm = state.vms[v]!;
    if (!vm.alive || !vm.direct) continue;
    const details = { vm: vm.name, direct: 1, pageFixed: vm.pageFixed ? 1 : 0 };
    if (!vm.pageFixed) {
      return {
        invariant: 'modeIsConsistent',
        message: `${vm.name} has bit 431 = 1 while bit 432 = 0 (pageable)`,
        details,
      };
    }
    if (reloc?.vm === v && reloc.step !== 'clearDirect' && reloc.step !== 'dispatch') {
      return {
        invariant: 'modeIsConsistent',
        message: `${vm.name} has bit 431 = 1 while its relocation is at step ${reloc.step}`,
        details: { ...details, step: reloc.step },
      };
    }
  }
  return undefined;
};

/** 7.8: pinned pages are never paged out; paged-out pages are never channel targets. */
const pinnedPagesStayResident =
  (ctx: VmmContext): Check =>
  (state) => {
    const reloc = activeRelocation(state);
    for (let v = 0; v < state.vms.length; v++) {
      const vm = state.vms[v]!;
      if (!vm.alive || vm.pageFixed) continue;
      const targets = targetCounts(ctx, state, v, { host: true, direct: true });
      for (let page = 0; page < vm.size; page++) {
        if (pteOf(ctx, vm, page) !== null || (reloc?.vm === v && reloc.transit?.page === page)) continue;
        if (vm.pagingStore[page] === null) continue;
        if (vm.pins[page]! > 0 || (targets[page] ?? 0) > 0) {
          return {
            invariant: 'pinnedPagesStayResident',
            message: `${vm.name} page ${page} is paged out while ${vm.pins[page]} pin(s) and ${targets[page] ?? 0} in-flight transfer(s) need it`,
            details: { vm: vm.name, page, pins: vm.pins[page]!, targets: targets[page] ?? 0 },
          };
        }
      }
    }
    return undefined;
  };

/** 7.9: offline storage has no in-flight transfers and keeps no live data. */
const offlineStorageIsQuiet =
  (ctx: VmmContext): Check =>
  (state) => {
    for (let v = 0; v < state.vms.length; v++) {
      const vm = state.vms[v]!;
      if (!vm.alive) continue;
      const targets = targetCounts(ctx, state, v, { host: true, direct: true });
      for (let page = vm.online; page < targets.length; page++) {
        if ((targets[page] ?? 0) > 0) {
          return {
            invariant: 'offlineStorageIsQuiet',
            message: `${vm.name} page ${page} is offline but an in-flight channel program targets it`,
            details: { vm: vm.name, page, online: vm.online },
          };
        }
      }
      for (let page = vm.online; page < vm.size; page++) {
        if (vm.pagingStore[page] !== null || (!vm.pageFixed && pteOf(ctx, vm, page) !== null)) {
          return {
            invariant: 'offlineStorageIsQuiet',
            message: `${vm.name} page ${page} is offline but still holds live data`,
            details: { vm: vm.name, page, online: vm.online },
          };
        }
      }
    }
    return undefined;
  };

/** 7.10: after an event, sizes and CPUs equal the table; a dedicated CPU runs only its VM; every VM keeps a CPU. */
const cpusAndSizesFollowTable =
  (ctx: VmmContext): Check =>
  (state) => {
    const fail = (message: string, details: Violation['details']) => ({
      invariant: 'cpusAndSizesFollowTable',
      message,
      details,
    });
    for (let v = 0; v < state.vms.length; v++) {
      const vm = state.vms[v]!;
      if (!vm.alive) continue;
      if (vm.cpus.cpus.length === 0) return fail(`${vm.name} has no CPU`, { vm: vm.name });
      if (vm.cpus.mode !== 'dedicated') continue;
      for (const c of vm.cpus.cpus) {
        const other = state.vms.find((o, w) => w !== v && o.alive && o.cpus.cpus.includes(c));
        if (other)
          return fail(`CPU ${c} is dedicated to ${vm.name} but also assigned to ${other.name}`, {
            cpu: c,
            vm: vm.name,
            other: other.name,
          });
        const runner = state.running[c];
        if (runner !== null && runner !== undefined && runner !== v) {
          return fail(`dedicated CPU ${c} of ${vm.name} runs ${state.vms[runner]!.name}`, {
            cpu: c,
            vm: vm.name,
            running: state.vms[runner]!.name,
          });
        }
      }
    }
    if (state.settledEvent !== null) {
      const table = ctx.events[state.settledEvent]!.after;
      for (let v = 0; v < state.vms.length; v++) {
        const vm = state.vms[v]!;
        const want = table[v]!;
        if (!vm.alive) continue;
        if (vm.size !== want.size || vm.online !== want.size || vm.origin !== want.origin) {
          return fail(
            `${vm.name} has ${vm.online}/${vm.size} pages at frame ${vm.origin} after the event; the table says ${want.size} at frame ${want.origin}`,
            {
              vm: vm.name,
              size: vm.size,
              online: vm.online,
              origin: vm.origin,
              tableSize: want.size,
              tableOrigin: want.origin,
            },
          );
        }
        const same =
          vm.cpus.mode === want.cpus.mode &&
          [...vm.cpus.cpus].sort().join() === [...want.cpus.cpus].sort().join();
        if (!same) {
          return fail(
            `${vm.name} runs ${vm.cpus.mode} on CPUs ${vm.cpus.cpus.join(',')}; the table says ${want.cpus.mode} on ${want.cpus.cpus.join(',')}`,
            {
              vm: vm.name,
              mode: vm.cpus.mode,
              cpus: vm.cpus.cpus.join(','),
              tableMode: want.cpus.mode,
              tableCpus: want.cpus.cpus.join(','),
            },
          );
        }
      }
    }
    return undefined;
  };

/** 7.12: a page's pin count equals the number of in-flight host-program transfers that target it. */
const pinsAreExact =
  (ctx: VmmContext): Check =>
  (state) => {
    for (let v = 0; v < state.vms.length; v++) {
      const vm = state.vms[v]!;
      if (!vm.alive) continue;
      const targets = targetCounts(ctx, state, v, { host: true, direct: false });
      for (let page = 0; page < Math.max(vm.pins.length, targets.length); page++) {
        const pins = vm.pins[page] ?? 0;
        const want = targets[page] ?? 0;
        if (pins !== want) {
          return {
            invariant: 'pinsAreExact',
            message: `${vm.name} page ${page} has ${pins} pin(s) but ${want} in-flight host transfer(s) target it`,
            details: { vm: vm.name, page, pins, targets: want },
          };
        }
      }
    }
    return undefined;
  };

/** 7.13: one reconfiguration at a time: events that arrive meanwhile wait; nothing runs half-way outside it. */
const oneReconfigurationAtATime = (): Check => (state) => {
  const fail = (message: string) => ({ invariant: 'oneReconfigurationAtATime', message, details: {} });
  const r = state.reconfig;
  const runningEvents = state.events.flatMap((s, e) => (s === 'running' ? [e] : []));
  if (runningEvents.length > (r?.kind === 'resize' ? 1 : 0))
    return fail(`events ${runningEvents.join(', ')} run outside the current reconfiguration`);
  if (r?.kind === 'resize' && state.events[r.event] !== 'running')
    return fail(`a resize runs for event ${r.event}, which is ${state.events[r.event]}`);
  const reloc = r?.kind === 'resize' ? r.relocation : r;
  if (state.channelsSuspended && reloc?.kind !== 'priorArt')
    return fail('channel access is suspended outside a relocation');
  const shrinking = state.vms.filter((vm) => vm.shrinkRequest !== null);
  if (shrinking.length > 0 && !(r?.kind === 'resize' && r.step === 'shrink' && r.asked)) {
    return fail(`${shrinking.map((vm) => vm.name).join(', ')} is asked to shrink outside a resize`);
  }
  return undefined;
};

/** Every `always` property of SPEC section 7, for a scenario's context. Item 11 (progress) is the explorers' deadlock check. */
export function invariants(ctx: VmmContext): Property<MachineState>[] {
  const always = (
    name: string,
    specRef: string,
    description: string,
    check: Check,
  ): Property<MachineState> => ({
    name,
    kind: 'always',
    specRef,
    description,
    check,
  });
  return [
    always(
      'noStaleWrite',
      '7.1',
      'Every channel write lands in the frame mapping its page; reads return the last write.',
      noStaleWrite(),
    ),
    always(
      'pageFixedAreaIsContiguous',
      '7.2',
      "A page-fixed VM's frames are exactly origin..end, inside storage, its own.",
      pageFixedAreaIsContiguous(ctx),
    ),
    always(
      'noChannelTouchesMovedPage',
      '7.3',
      'No page moves while a transfer targets it; no channel touches a released or foreign frame.',
      noChannelTouchesMovedPage(ctx),
    ),
    always(
      'framesAreIsolated',
      '7.4',
      'No frame holds live pages of two VMs, or two pages of one VM.',
      framesAreIsolated(ctx),
    ),
    always(
      'contentIsPreserved',
      '7.5',
      'Relocation, paging and resize never change what a guest sees.',
      contentIsPreserved(ctx),
    ),
    always(
      'accessesStayInBounds',
      '7.6',
      'An access past end or to offline storage gets an addressing exception.',
      accessesStayInBounds(),
    ),
    always(
      'modeIsConsistent',
      '7.7',
      'Bit 431 = 1 only with bit 432 = 1 and no relocation under way.',
      modeIsConsistent(),
    ),
    always(
      'pinnedPagesStayResident',
      '7.8',
      'Pinned pages are never paged out; paged-out pages are never channel targets.',
      pinnedPagesStayResident(ctx),
    ),
    always(
      'offlineStorageIsQuiet',
      '7.9',
      'Offline storage has no in-flight transfers and no live data.',
      offlineStorageIsQuiet(ctx),
    ),
    always(
      'cpusAndSizesFollowTable',
      '7.10',
      'After an event sizes and CPUs equal the table; dedicated CPUs run only their VM.',
      cpusAndSizesFollowTable(ctx),
    ),
    always(
      'pinsAreExact',
      '7.12',
      'Pin counts equal the in-flight host transfers that target each page.',
      pinsAreExact(ctx),
    ),
    always(
      'oneReconfigurationAtATime',
      '7.13',
      'Events wait for the reconfiguration under way; nothing runs interleaved with it.',
      oneReconfigurationAtATime(),
    ),
  ];
}

/** Used by sometimes properties: an intercepted program of `vm` is in flight. */
export function hostProgramInFlight(ctx: VmmContext, state: MachineState, vm: number): boolean {
  return ctx.io.some((entry, i) => entry.vm === vm && inFlight(state, i) && state.io[i]!.mode === 'host');
}
