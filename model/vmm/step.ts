/**
 * The next state after an action: a pure function written with immer, one case per action, each
 * reading like the spec step it stands for. Ghost bookkeeping (`expected`, `incidents`) records what
 * the guest should see and what went wrong.
 */
import { type Draft, produce } from 'immer';
import { VmcheckError } from '../core/model.ts';
import type { Action } from './actions.ts';
import type { VmmContext } from './context.ts';
import { nextToGrow, nextToRelocate, nextToShrink } from './plan.ts';
import { buildSegments, frameHolders, frameOf, pteOf, targetCounts } from './queries.ts';
import { finishingOrder, lowestFreeFrame, movingPageLimit } from './rules.ts';
import {
  datum,
  type Incident,
  type MachineState,
  type PriorArtRelocation,
  type Relocation,
  type Resize,
  type VmState,
} from './state.ts';

type S = Draft<MachineState>;

/** Apply `action` to `state`. The action must be one of `enabledActions(state)`. */
export function nextState(ctx: VmmContext, state: MachineState, action: Action): MachineState {
  return produce(state, (d) => {
    apply(ctx, state, d, action);
  });
}

function apply(ctx: VmmContext, before: MachineState, d: S, a: Action): void {
  switch (a.kind) {
    case 'guest.startIo': {
      const entry = ctx.io[a.io]!;
      const vm = d.vms[entry.vm]!;
      const io = d.io[a.io]!;
      if (vm.direct) {
        io.status = 'running';
        io.mode = 'direct';
        d.channels[entry.channel] = a.io;
      } else {
        io.status = 'requested'; // intercepted: the VMM simulates it (5050)
      }
      return;
    }
    case 'guest.cpuAccess':
      cpuAccess(ctx, d, a.access);
      return;
    case 'guest.offline': {
      const vm = d.vms[a.vm]!;
      const keep = vm.shrinkRequest!;
      for (let page = keep; page < vm.online; page++) {
        const f = frameOf(ctx, vm, page);
        if (f !== null) d.frames[f] = null;
        if (vm.hostSt) setPte(ctx, vm, page, null);
        vm.pagingStore[page] = null;
      }
      vm.online = keep;
      vm.shrinkRequest = null;
      const r = d.reconfig as Draft<Resize>;
      r.asked = false;
      advanceResize(ctx, d);
      return;
    }
    case 'guest.online': {
      const vm = d.vms[a.vm]!;
      vm.online = vm.size;
      (d.reconfig as Draft<Resize>).asked = false;
      advanceResize(ctx, d);
      return;
    }
    case 'vmm.translateIo': {
      const entry = ctx.io[a.io]!;
      const vm = d.vms[entry.vm]!;
      const io = d.io[a.io]!;
      io.hostFrames = entry.transfers.map((t) => frameOf(ctx, vm, t.page)!);
      for (const t of entry.transfers) vm.pins[t.page]!++;
      io.status = 'translated';
      io.mode = 'host';
      return;
    }
    case 'vmm.startHostProgram': {
      d.io[a.io]!.status = 'running';
      d.channels[ctx.io[a.io]!.channel] = a.io;
      return;
    }
    case 'vmm.startRefused': {
      const entry = ctx.io[a.io]!;
      const vm = d.vms[entry.vm]!;
      for (const t of entry.transfers) vm.pins[t.page]!--;
      const io = d.io[a.io]!;
      io.status = 'requested';
      io.mode = null;
      io.hostFrames = null;
      return;
    }
    case 'vmm.pageIn': {
      const vm = d.vms[a.vm]!;
      const f = lowestFreeFrame(ctx, before, frameHolders(ctx, before))!;
      d.frames[f] = vm.pagingStore[a.page]!;
      vm.pagingStore[a.page] = null;
      setPte(ctx, vm, a.page, f);
      return;
    }
    case 'channel.transfer':
      channelTransfer(ctx, before, d, a.channel);
      return;
    case 'channel.end':
    case 'channel.error':
      endProgram(ctx, d, a.channel, a.kind === 'channel.end' ? 'done' : 'failed');
      return;
    case 'cpu.dispatch':
      d.running[a.cpu] = a.vm;
      return;
    case 'vm.terminate': {
      const vm = d.vms[a.vm]!;
      for (let page = 0; page < vm.size; page++) {
        const f = frameOf(ctx, vm, page);
        if (f !== null) d.frames[f] = null;
      }
      vm.alive = false;
      d.running = d.running.map((r) => (r === a.vm ? null : r));
      d.nextRequest++;
      d.settledEvent = null;
      return;
    }
    case 'request.begin': {
      const req = ctx.requests[a.request]!;
      const vm = before.vms[req.vm]!;
      d.nextRequest++;
      d.settledEvent = null;
      if (req.kind === 'relocate') d.reconfig = newRelocation(ctx, 'relocate', req.vm, req.to, null, vm.size);
      else if (req.kind === 'toPageable')
        d.reconfig = patentRelocation('toPageable', req.vm, null, req.resident, vm.size);
      else if (req.kind === 'toPageFixed') {
        const r = patentRelocation('toPageFixed', req.vm, req.to, null, vm.size);
        d.reconfig = vm.pageFixed ? r : { ...r, step: 'movePages' };
      }
      return;
    }
    case 'event.arrive':
      d.events[a.event] = 'pending';
      return;
    case 'resize.begin':
      d.events[a.event] = 'running';
      d.settledEvent = null;
      d.reconfig = {
        kind: 'resize',
        event: a.event,
        step: 'shrink',
        cursor: -1,
        asked: false,
        relocation: null,
      };
      advanceResize(ctx, d);
      return;
    case 'resize.askShrink': {
      const r = d.reconfig as Draft<Resize>;
      d.vms[a.vm]!.shrinkRequest = ctx.events[r.event]!.after[a.vm]!.size;
      r.cursor = a.vm;
      r.asked = true;
      return;
    }
    case 'resize.relocate': {
      const r = d.reconfig as Draft<Resize>;
      const after = ctx.events[r.event]!.after[a.vm]!;
      r.cursor = a.vm;
      r.relocation = newRelocation(ctx, 'resize', a.vm, after.origin, null, after.size);
      return;
    }
    case 'resize.askGrow': {
      const r = d.reconfig as Draft<Resize>;
      const vm = d.vms[a.vm]!;
      const newSize = ctx.events[r.event]!.after[a.vm]!.size;
      for (let page = vm.size; page < newSize; page++) {
        d.frames[vm.origin + page] = datum(vm.name, page, 0); // the VMM gives cleared frames
        vm.pins.push(0);
        vm.expected.push(0);
        vm.pagingStore.push(null);
      }
      vm.size = newSize;
      vm.end = vm.origin + newSize - 1;
      r.cursor = a.vm;
      r.asked = true;
      return;
    }
    case 'resize.reassignCpus': {
      const r = d.reconfig as Draft<Resize>;
      const table = ctx.events[r.event]!.after;
      d.vms.forEach((vm, v) => {
        const target = table[v]!.cpus;
        if (ctx.behaviour.dedicatedCpuShared && target.mode === 'shared') {
          // the fault: the shared VMs keep the CPUs they had, including one now dedicated elsewhere
          vm.cpus = {
            mode: 'shared',
            cpus: [...new Set([...vm.cpus.cpus, ...target.cpus])].sort((x, y) => x - y),
          };
        } else {
          vm.cpus = { mode: target.mode, cpus: [...target.cpus] };
        }
      });
      d.running = d.running.map((v, c) => (v !== null && d.vms[v]!.cpus.cpus.includes(c) ? v : null));
      d.events[r.event] = 'done';
      d.settledEvent = r.event;
      d.reconfig = null;
      return;
    }
    case 'prior.suspend':
      d.channelsSuspended = true;
      priorDraft(d).step = 'copy';
      return;
    case 'prior.copy':
      priorCopy(ctx, before, d);
      return;
    case 'prior.resume':
      d.channelsSuspended = false;
      finishRelocation(ctx, d);
      return;
    default:
      relocationStep(ctx, before, d, a);
  }
}

function newRelocation(
  ctx: VmmContext,
  purpose: 'relocate' | 'resize',
  vm: number,
  dest: number,
  resident: number | null,
  size: number,
): Relocation | PriorArtRelocation {
  if (ctx.behaviour.priorArt) return { kind: 'priorArt', purpose, vm, dest, size, step: 'suspend' };
  return patentRelocation(purpose, vm, dest, resident, size);
}

function patentRelocation(
  purpose: Relocation['purpose'],
  vm: number,
  dest: number | null,
  resident: number | null,
  size: number,
): Relocation {
  return { kind: 'relocation', purpose, vm, dest, resident, size, step: 'clearDirect', transit: null };
}

function relocationDraft(d: S): Draft<Relocation> {
  const r = d.reconfig!;
  return (r.kind === 'resize' ? r.relocation : r) as Draft<Relocation>;
}

function priorDraft(d: S): Draft<PriorArtRelocation> {
  return relocationDraft(d) as unknown as Draft<PriorArtRelocation>;
}

function relocationStep(ctx: VmmContext, before: MachineState, d: S, a: Action): void {
  const r = relocationDraft(d);
  const vm = d.vms[r.vm]!;
  const order = finishingOrder(ctx);
  const afterFinishing = (step: 'setOrigin' | 'setPageFixed' | 'setDirect') => {
    const i = order.indexOf(step);
    r.step = i + 1 < order.length ? order[i + 1]! : 'dispatch';
  };
  switch (a.kind) {
    case 'reloc.clearDirect': // 5000
      vm.direct = false;
      ctx.io.forEach((entry, i) => {
        const io = d.io[i]!;
        if (entry.vm === r.vm && io.status === 'running' && io.mode === 'direct')
          io.startedBeforeRelocation = true;
      });
      r.step = 'buildSpace';
      return;
    case 'reloc.buildSpace': {
      // 5010
      const origin = vm.origin;
      const online = vm.online;
      vm.hostSt = buildSegments(ctx, vm.size, (page) => (page < online ? origin + page : null));
      vm.pageFixed = false;
      r.step = afterSpace(ctx, vm, r);
      return;
    }
    case 'reloc.pageOut': {
      // 5020-5030
      const f = pteOf(ctx, vm, a.page)!;
      vm.pagingStore[a.page] = d.frames[f]!;
      d.frames[f] = null;
      setPte(ctx, vm, a.page, null);
      if (residentPages(ctx, vm) <= r.resident!) r.step = r.dest === null ? 'dispatch' : 'checkInflight';
      return;
    }
    case 'reloc.copyAll': {
      // 5040: no program in flight (as far as this variant knows): copy every page, remap
      const dest = r.dest!;
      const limit = movingPageLimit(vm, r);
      noteMovedTargets(ctx, before, d, r.vm, limit);
      const contents: (string | null)[] = [];
      for (let page = 0; page < limit; page++) {
        const from = pteOf(ctx, vm, page);
        contents.push(from === null ? vm.pagingStore[page]! : d.frames[from]!);
        if (from !== null) d.frames[from] = null;
        vm.pagingStore[page] = null;
      }
      for (let page = 0; page < limit; page++) {
        d.frames[dest + page] = contents[page]!;
        setPte(ctx, vm, page, dest + page);
      }
      r.step = order[0]!;
      return;
    }
    case 'reloc.startPaging': // 5035 no: the guest runs pageable while pages move one by one
      r.step = 'movePages';
      return;
    case 'reloc.copyPage': {
      // 5085, first half: copy; the PT entry is invalid until the switch
      const from = pteOf(ctx, vm, a.page)!;
      const to = r.dest! + a.page;
      const holders = frameHolders(ctx, before)[to]!;
      if (holders.length > 0) {
        addIncident(d, {
          kind: 'overwroteLivePage',
          message: `copying ${vm.name} page ${a.page} into frame ${to} overwrote live ${holders
            .map((h) => `${before.vms[h.vm]!.name} page ${h.page}`)
            .join(', ')}`,
          details: {
            vm: vm.name,
            page: a.page,
            frame: to,
            heldBy: holders.map((h) => `${before.vms[h.vm]!.name}.p${h.page}`).join(','),
          },
        });
      }
      noteMovedTargets(ctx, before, d, r.vm, a.page + 1, a.page);
      d.frames[to] = d.frames[from]!;
      setPte(ctx, vm, a.page, null);
      r.transit = { page: a.page, from };
      return;
    }
    case 'reloc.remapPage': {
      // 5085, second half: switch the PT entry, release the old frame
      const { page, from } = r.transit!;
      noteMovedTargets(ctx, before, d, r.vm, page + 1, page);
      setPte(ctx, vm, page, r.dest! + page);
      r.transit = null;
      const stillHeld = d.vms.some((other) => other.alive && frameMapsSomewhere(ctx, other as VmState, from));
      if (!stillHeld) d.frames[from] = null;
      return;
    }
    case 'reloc.pageInToDest': {
      const to = r.dest! + a.page;
      d.frames[to] = vm.pagingStore[a.page]!;
      vm.pagingStore[a.page] = null;
      setPte(ctx, vm, a.page, to);
      return;
    }
    case 'reloc.setOrigin': {
      // 5090-5100
      const dest = r.dest!;
      const size = r.size;
      const ptes = Array.from({ length: size }, (_, page) => pteOf(ctx, vm as VmState, page));
      vm.origin = dest;
      vm.end = dest + size - 1;
      vm.size = size;
      vm.online = Math.min(vm.online, size);
      vm.pins.length = size;
      vm.expected.length = size;
      vm.pagingStore.length = size;
      if (vm.hostSt) vm.hostSt = buildSegments(ctx, size, (page) => ptes[page] ?? null);
      afterFinishing('setOrigin');
      return;
    }
    case 'reloc.setPageFixed': // 5110
      vm.pageFixed = true;
      vm.hostSt = null;
      afterFinishing('setPageFixed');
      return;
    case 'reloc.setDirect': // 5120
      vm.direct = ctx.configuredDirect[r.vm]!;
      afterFinishing('setDirect');
      return;
    case 'reloc.dispatch': // 5130-5160
      d.io.forEach((io) => {
        io.startedBeforeRelocation = false;
      });
      finishRelocation(ctx, d);
      return;
    default:
      throw new VmcheckError('not-enabled', `action ${a.kind} does not apply to this state`);
  }
}

function afterSpace(ctx: VmmContext, vm: Draft<VmState>, r: Draft<Relocation>): Relocation['step'] {
  if (r.resident !== null && residentPages(ctx, vm) > r.resident) return 'pageOut';
  return r.dest === null ? 'dispatch' : 'checkInflight';
}

function residentPages(ctx: VmmContext, vm: Draft<VmState>): number {
  let n = 0;
  for (let page = 0; page < vm.size; page++) if (pteOf(ctx, vm as VmState, page) !== null) n++;
  return n;
}

function frameMapsSomewhere(ctx: VmmContext, vm: VmState, frame: number): boolean {
  for (let page = 0; page < vm.size; page++) if (frameOf(ctx, vm, page) === frame) return true;
  return false;
}

/** End the current relocation: stand-alone, or the 7020 step of a resize. */
function finishRelocation(ctx: VmmContext, d: S): void {
  const r = d.reconfig!;
  if (r.kind === 'resize') {
    r.relocation = null;
    advanceResize(ctx, d);
  } else {
    d.reconfig = null;
  }
}

/** Move a resize to its next step once nothing is left to do in the current one. */
function advanceResize(ctx: VmmContext, d: S): void {
  const r = d.reconfig as Draft<Resize>;
  const state = d as unknown as MachineState;
  if (r.step === 'shrink' && !r.asked && nextToShrink(ctx, state, r.event) < 0) r.step = 'relocate';
  if (r.step === 'relocate' && r.relocation === null && nextToRelocate(ctx, state, r.event) < 0)
    r.step = 'grow';
  if (r.step === 'grow' && !r.asked && nextToGrow(ctx, state, r.event) < 0) r.step = 'reassignCpus';
}

/** Record a move of pages [first, limit) of `vm` that an in-flight transfer targets. */
function noteMovedTargets(
  ctx: VmmContext,
  before: MachineState,
  d: S,
  vm: number,
  limit: number,
  first = 0,
): void {
  const targets = targetCounts(ctx, before, vm, { host: true, direct: true });
  for (let page = first; page < limit; page++) {
    if ((targets[page] ?? 0) > 0) {
      const name = before.vms[vm]!.name;
      addIncident(d, {
        kind: 'movedTargetedPage',
        message: `${name} page ${page} was moved while a channel transfer targets it`,
        details: { vm: name, page },
      });
      return;
    }
  }
}

function priorCopy(ctx: VmmContext, before: MachineState, d: S): void {
  const r = priorDraft(d);
  const vm = d.vms[r.vm]!;
  const limit = Math.min(vm.online, r.size);
  const hostTargets = targetCounts(ctx, before, r.vm, { host: true, direct: false });
  const moved = hostTargets.findIndex((n, page) => n > 0 && page < limit);
  if (moved >= 0 && r.dest !== vm.origin) {
    addIncident(d, {
      kind: 'movedTargetedPage',
      message: `${vm.name} page ${moved} was moved while a suspended host channel program targets it`,
      details: { vm: vm.name, page: moved },
    });
  }
  const contents = Array.from({ length: limit }, (_, page) => d.frames[vm.origin + page]!);
  for (let page = 0; page < vm.size; page++) d.frames[vm.origin + page] = null;
  for (let page = 0; page < limit; page++) d.frames[r.dest + page] = contents[page]!;
  vm.origin = r.dest;
  vm.end = r.dest + r.size - 1;
  vm.size = r.size;
  vm.online = limit;
  vm.pins.length = r.size;
  vm.expected.length = r.size;
  vm.pagingStore.length = r.size;
  r.step = 'resume';
}

function setPte(ctx: VmmContext, vm: Draft<VmState>, page: number, frame: number | null): void {
  vm.hostSt![Math.floor(page / ctx.pagesPerSegment)]![page % ctx.pagesPerSegment] = frame;
}

function addIncident(d: S, incident: Incident): void {
  if (!d.incidents.some((i) => i.kind === incident.kind)) d.incidents.push(incident);
}

function describeHolder(before: MachineState, ctx: VmmContext, frame: number): string {
  if (frame < ctx.vmmFrames) return "the VMM's storage";
  const holders = frameHolders(ctx, before)[frame] ?? [];
  if (holders.length === 0) return 'a free frame';
  return holders.map((h) => `${before.vms[h.vm]!.name} page ${h.page}`).join(' and ');
}

function channelTransfer(ctx: VmmContext, before: MachineState, d: S, channel: number): void {
  const ioIndex = before.channels[channel]!;
  const entry = ctx.io[ioIndex]!;
  const io = d.io[ioIndex]!;
  const vm = d.vms[entry.vm]!;
  const t = entry.transfers[io.done]!;
  const frame = io.mode === 'direct' ? before.vms[entry.vm]!.origin + t.page : io.hostFrames![io.done]!;
  const mapped = frameOf(ctx, before.vms[entry.vm]!, t.page);
  io.done++;
  const wrong = frame !== mapped;
  if (wrong) {
    const holder = describeHolder(before, ctx, frame);
    addIncident(d, {
      kind: t.op === 'write' ? 'staleWrite' : 'staleRead',
      message: `channel ${channel} ${t.op === 'write' ? 'wrote' : 'read'} ${vm.name} page ${t.page} at frame ${frame}, but the page is ${
        mapped === null ? 'not mapped' : `at frame ${mapped}`
      }`,
      details: { vm: vm.name, page: t.page, frame, mappedFrame: mapped, channel },
    });
    const ownHolder = (frameHolders(ctx, before)[frame] ?? []).some(
      (h) => h.vm === entry.vm && h.page === t.page,
    );
    if (!ownHolder) {
      addIncident(d, {
        kind: 'strayAccess',
        message: `channel ${channel} accessed frame ${frame} (${holder}) for ${vm.name} page ${t.page}`,
        details: { vm: vm.name, page: t.page, frame, heldBy: holder, channel },
      });
    }
  }
  if (frame < 0 || frame >= ctx.frameCount) return;
  if (t.op === 'write') {
    const version = (vm.expected[t.page] ?? 0) + 1;
    vm.expected[t.page] = version;
    d.frames[frame] = datum(vm.name, t.page, version);
  } else if (!wrong && before.frames[frame] !== datum(vm.name, t.page, vm.expected[t.page]!)) {
    addIncident(d, {
      kind: 'staleRead',
      message: `channel ${channel} read ${before.frames[frame] ?? 'nothing'} from ${vm.name} page ${t.page} (frame ${frame}), expected version ${vm.expected[t.page]}`,
      details: { vm: vm.name, page: t.page, frame, found: before.frames[frame] ?? null, channel },
    });
  }
}

function endProgram(ctx: VmmContext, d: S, channel: number, status: 'done' | 'failed'): void {
  const ioIndex = d.channels[channel]!;
  const entry = ctx.io[ioIndex]!;
  const io = d.io[ioIndex]!;
  if (io.mode === 'host') {
    const vm = d.vms[entry.vm]!;
    for (const t of entry.transfers) if (t.page < vm.pins.length) vm.pins[t.page]!--;
  }
  io.status = status;
  io.mode = null;
  io.hostFrames = null;
  io.done = 0;
  io.startedBeforeRelocation = false;
  d.channels[channel] = null;
}

function cpuAccess(ctx: VmmContext, d: S, index: number): void {
  const access = ctx.access[index]!;
  const vm = d.vms[access.vm]!;
  d.cpuAccessDone[index] = true;
  const page = access.page;
  let frame: number | null;
  if (vm.pageFixed) {
    const host = vm.origin + page;
    const limit = vm.end + ctx.behaviour.limitSlackPages;
    const offline = page >= vm.online && page < vm.size;
    frame = host > limit || offline ? null : host;
  } else {
    frame = page < vm.online ? pteOf(ctx, vm as VmState, page) : null;
  }
  if (frame === null) {
    vm.programInterrupts++; // addressing exception [4320]
    return;
  }
  if (page >= vm.online) {
    addIncident(d, {
      kind: 'boundsBreach',
      message: `${vm.name} CPU ${access.op} of page ${page} reached frame ${frame}, past end ${vm.end} (size ${vm.size})`,
      details: { vm: vm.name, page, frame, end: vm.end },
    });
  }
  if (access.op === 'write') {
    const version = (vm.expected[page] ?? 0) + 1;
    if (page < vm.expected.length) vm.expected[page] = version;
    if (frame < ctx.frameCount) d.frames[frame] = datum(vm.name, page, version);
  } else if (d.frames[frame] !== datum(vm.name, page, vm.expected[page] ?? -1)) {
    addIncident(d, {
      kind: 'staleRead',
      message: `${vm.name} CPU read ${d.frames[frame] ?? 'nothing'} from page ${page} (frame ${frame}), expected version ${vm.expected[page]}`,
      details: { vm: vm.name, page, frame, found: d.frames[frame] ?? null },
    });
  }
}
