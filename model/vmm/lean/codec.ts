/**
 * Conversion between the packed `Int32Array` state and its JSON view `MachineState`. Off the hot
 * path: used for the initial state, for traces and reports, and for tests.
 *
 * Incidents are a bitmask of kinds: `decode` gives one `{ kind }` per raised kind, in kind order.
 * Their messages are made at report time from the step that raised them (properties/invariants.ts).
 */
import type {
  Datum,
  Incident,
  IoState,
  MachineState,
  Reconfiguration,
  Relocation,
  VmState,
} from '../state.ts';
import { datum } from '../state.ts';
import type { LeanLayout } from './layout.ts';
import * as K from './layout.ts';

const DATUM = /^(.*)\.p(\d+)\.v(\d+)$/;

function encodeDatum(L: K.LeanLayout, d: Datum | null): number {
  if (d === null) return 0;
  const m = DATUM.exec(d);
  const vm = m ? L.ctx.vmNames.indexOf(m[1]!) : -1;
  if (!m || vm < 0) throw new Error(`cannot encode datum ${d}`);
  return K.dataCode(L, vm, Number(m[2]), Number(m[3]));
}

/** The datum (`VM-2.p1.v3`) of a data code (0 is null). */
export function decodeDatum(L: LeanLayout, code: number): Datum | null {
  if (code === 0) return null;
  const x = code - 1;
  const vm = x % L.vmCount;
  const y = (x - vm) / L.vmCount;
  const page = y % L.dataPages;
  return datum(L.ctx.vmNames[vm]!, page, (y - page) / L.dataPages);
}

function nullable(n: number | null): number {
  return n === null ? -1 : n;
}

function orNull(n: number): number | null {
  return n < 0 ? null : n;
}

/** Encode a JSON view. Throws if the state does not fit the layout (a VM larger than any table says). */
export function encode(L: LeanLayout, state: MachineState): Int32Array {
  const s = new Int32Array(L.length);
  const P = L.ctx.pagesPerSegment;
  state.frames.forEach((d, f) => {
    s[L.frames + f] = encodeDatum(L, d);
  });
  state.vms.forEach((vm, v) => {
    const b = K.vmBase(L, v);
    if (vm.size > L.maxPages)
      throw new Error(`${vm.name} has ${vm.size} pages, more than the layout's ${L.maxPages}`);
    s[b + K.VM_ALIVE] = vm.alive ? 1 : 0;
    s[b + K.VM_DIRECT] = vm.direct ? 1 : 0;
    s[b + K.VM_FIXED] = vm.pageFixed ? 1 : 0;
    s[b + K.VM_ORIGIN] = vm.origin;
    s[b + K.VM_END] = vm.end;
    s[b + K.VM_HAS_ST] = vm.hostSt === null ? 0 : 1;
    s[b + K.VM_SIZE] = vm.size;
    s[b + K.VM_ONLINE] = vm.online;
    s[b + K.VM_INTERRUPTS] = vm.programInterrupts;
    s[b + K.VM_SHRINK] = nullable(vm.shrinkRequest);
    s[b + K.VM_CPUS] = K.internCpus(L, vm.cpus);
    s[b + K.VM_LIMIT] = nullable(vm.residentLimit);
    for (let page = 0; page < L.maxPages; page++) {
      const pte = vm.hostSt?.[Math.floor(page / P)]?.[page % P];
      s[b + L.pte + page] = page < vm.size && pte !== undefined && pte !== null ? pte : -1;
      s[b + L.pins + page] = vm.pins[page] ?? 0;
      s[b + L.expected + page] = vm.expected[page] ?? 0;
      s[b + L.paging + page] = encodeDatum(L, vm.pagingStore[page] ?? null);
    }
  });
  state.channels.forEach((io, c) => {
    s[L.channels + c] = nullable(io);
  });
  state.io.forEach((io, i) => {
    const b = K.ioBase(L, i);
    s[b + K.IO_STATUS] = K.IO_STATUSES.indexOf(io.status);
    s[b + K.IO_MODE] = K.IO_MODES.indexOf(io.mode);
    s[b + K.IO_HAS_FRAMES] = io.hostFrames === null ? 0 : 1;
    s[b + K.IO_DONE] = io.done;
    s[b + K.IO_BEFORE] = io.startedBeforeRelocation ? 1 : 0;
    for (let t = 0; t < L.maxTransfers; t++) s[b + K.IO_FRAMES + t] = io.hostFrames?.[t] ?? 0;
  });
  state.cpuAccessDone.forEach((done, i) => {
    s[L.access + i] = done ? 1 : 0;
  });
  state.running.forEach((v, c) => {
    s[L.running + c] = nullable(v);
  });
  state.events.forEach((e, i) => {
    s[L.events + i] = K.EVENT_STATUSES.indexOf(e);
  });
  s[K.G_SUSPENDED] = state.channelsSuspended ? 1 : 0;
  s[K.G_NEXT_REQUEST] = state.nextRequest;
  s[K.G_SETTLED] = nullable(state.settledEvent);
  let incidents = 0;
  for (const i of state.incidents) incidents |= 1 << K.INCIDENT_KINDS.indexOf(i.kind);
  s[K.G_INCIDENTS] = incidents;
  encodeReconfig(s, state.reconfig);
  s[K.G_ARRIVED] = state.requestArrived ? 1 : 0;
  const held = state.heldRelocation;
  s[K.G_SV_PURPOSE] = held === null ? 0 : K.PURPOSES.indexOf(held.purpose);
  s[K.G_SV_VM] = held === null ? -1 : held.vm;
  s[K.G_SV_DEST] = held === null ? -1 : nullable(held.dest);
  s[K.G_SV_RESIDENT] = held === null ? -1 : nullable(held.resident);
  s[K.G_SV_SIZE] = held === null ? 0 : held.size;
  s[K.G_SV_STEP] = held === null ? 0 : K.RELOCATION_STEPS.indexOf(held.step);
  return s;
}

function encodeRelocation(s: Int32Array, r: Reconfiguration | null): void {
  s[K.G_TR_PAGE] = -1;
  s[K.G_TR_FROM] = -1;
  if (r === null || (r.kind !== 'relocation' && r.kind !== 'priorArt')) {
    s[K.G_RL] = K.RL_NONE;
    s[K.G_RL_PURPOSE] = 0;
    s[K.G_RL_VM] = r?.kind === 'terminate' ? r.vm : -1;
    s[K.G_RL_DEST] = -1;
    s[K.G_RL_RESIDENT] = -1;
    s[K.G_RL_SIZE] = 0;
    s[K.G_RL_STEP] = 0;
    return;
  }
  s[K.G_RL_PURPOSE] = K.PURPOSES.indexOf(r.purpose);
  s[K.G_RL_VM] = r.vm;
  s[K.G_RL_DEST] = r.dest ?? -1;
  s[K.G_RL_SIZE] = r.size;
  if (r.kind === 'relocation') {
    s[K.G_RL] = K.RL_PATENT;
    s[K.G_RL_RESIDENT] = nullable(r.resident);
    s[K.G_RL_STEP] = K.RELOCATION_STEPS.indexOf(r.step);
    if (r.transit) {
      s[K.G_TR_PAGE] = r.transit.page;
      s[K.G_TR_FROM] = r.transit.from;
    }
  } else {
    s[K.G_RL] = K.RL_PRIOR;
    s[K.G_RL_RESIDENT] = -1;
    s[K.G_RL_STEP] = K.PRIOR_STEPS.indexOf(r.step);
  }
}

function encodeReconfig(s: Int32Array, r: Reconfiguration | null): void {
  s[K.G_RS_EVENT] = -1;
  s[K.G_RS_STEP] = 0;
  s[K.G_RS_CURSOR] = 0;
  s[K.G_RS_ASKED] = 0;
  if (r === null) {
    s[K.G_RC] = K.RC_NONE;
    encodeRelocation(s, null);
  } else if (r.kind === 'resize') {
    s[K.G_RC] = K.RC_RESIZE;
    s[K.G_RS_EVENT] = r.event;
    s[K.G_RS_STEP] = K.RESIZE_STEPS.indexOf(r.step);
    s[K.G_RS_CURSOR] = r.cursor;
    s[K.G_RS_ASKED] = r.asked ? 1 : 0;
    encodeRelocation(s, r.relocation);
  } else {
    s[K.G_RC] =
      r.kind === 'relocation' ? K.RC_RELOCATION : r.kind === 'priorArt' ? K.RC_PRIOR : K.RC_TERMINATE;
    encodeRelocation(s, r);
  }
}

/** The JSON view of a packed state (incidents: kinds only, see the module note). */
export function decode(L: LeanLayout, s: Int32Array): MachineState {
  const ctx = L.ctx;
  const P = ctx.pagesPerSegment;
  const frames = Array.from({ length: L.frameCount }, (_, f) => decodeDatum(L, s[L.frames + f]!));
  const vms = ctx.vmNames.map((name, v): VmState => {
    const b = K.vmBase(L, v);
    const size = s[b + K.VM_SIZE]!;
    const pages = (offset: number) => Array.from({ length: size }, (_, page) => s[b + offset + page]!);
    let hostSt: (number | null)[][] | null = null;
    if (s[b + K.VM_HAS_ST]) {
      hostSt = [];
      for (let page = 0; page < size; page++)
        (hostSt[Math.floor(page / P)] ??= []).push(orNull(s[b + L.pte + page]!));
    }
    const cpus = L.cpuTable[s[b + K.VM_CPUS]!]!;
    return {
      name,
      alive: s[b + K.VM_ALIVE] === 1,
      direct: s[b + K.VM_DIRECT] === 1,
      pageFixed: s[b + K.VM_FIXED] === 1,
      origin: s[b + K.VM_ORIGIN]!,
      end: s[b + K.VM_END]!,
      hostSt,
      size,
      online: s[b + K.VM_ONLINE]!,
      pins: pages(L.pins),
      expected: pages(L.expected),
      pagingStore: pages(L.paging).map((c) => decodeDatum(L, c)),
      cpus: { mode: cpus.mode, cpus: [...cpus.cpus] },
      programInterrupts: s[b + K.VM_INTERRUPTS]!,
      shrinkRequest: orNull(s[b + K.VM_SHRINK]!),
      residentLimit: orNull(s[b + K.VM_LIMIT]!),
    };
  });
  const io = ctx.io.map((entry, i): IoState => {
    const b = K.ioBase(L, i);
    return {
      status: K.IO_STATUSES[s[b + K.IO_STATUS]!]!,
      mode: K.IO_MODES[s[b + K.IO_MODE]!]!,
      hostFrames: s[b + K.IO_HAS_FRAMES] ? entry.transfers.map((_, t) => s[b + K.IO_FRAMES + t]!) : null,
      done: s[b + K.IO_DONE]!,
      startedBeforeRelocation: s[b + K.IO_BEFORE] === 1,
    };
  });
  const incidents: Incident[] = [];
  K.INCIDENT_KINDS.forEach((kind, i) => {
    if (s[K.G_INCIDENTS]! & (1 << i)) incidents.push({ kind });
  });
  return {
    frames,
    vms,
    channels: Array.from({ length: ctx.scenario.channels }, (_, c) => orNull(s[L.channels + c]!)),
    channelsSuspended: s[K.G_SUSPENDED] === 1,
    io,
    cpuAccessDone: ctx.access.map((_, i) => s[L.access + i] === 1),
    running: Array.from({ length: ctx.scenario.cpus }, (_, c) => orNull(s[L.running + c]!)),
    reconfig: decodeReconfig(s),
    heldRelocation: decodeHeld(s),
    nextRequest: s[K.G_NEXT_REQUEST]!,
    requestArrived: s[K.G_ARRIVED] === 1,
    events: ctx.events.map((_, e) => K.EVENT_STATUSES[s[L.events + e]!]!),
    settledEvent: orNull(s[K.G_SETTLED]!),
    incidents,
  };
}

function decodeRelocation(s: Int32Array): Reconfiguration | null {
  const kind = s[K.G_RL];
  if (kind === K.RL_NONE) return null;
  const vm = s[K.G_RL_VM]!;
  const size = s[K.G_RL_SIZE]!;
  const dest = orNull(s[K.G_RL_DEST]!);
  if (kind === K.RL_PRIOR) {
    return {
      kind: 'priorArt',
      purpose: K.PURPOSES[s[K.G_RL_PURPOSE]!] as 'relocate' | 'resize',
      vm,
      dest: dest!,
      size,
      step: K.PRIOR_STEPS[s[K.G_RL_STEP]!]!,
    };
  }
  const page = s[K.G_TR_PAGE]!;
  const r: Relocation = {
    kind: 'relocation',
    purpose: K.PURPOSES[s[K.G_RL_PURPOSE]!]!,
    vm,
    dest,
    resident: orNull(s[K.G_RL_RESIDENT]!),
    size,
    step: K.RELOCATION_STEPS[s[K.G_RL_STEP]!]!,
    transit: page < 0 ? null : { page, from: s[K.G_TR_FROM]! },
  };
  return r;
}

function decodeHeld(s: Int32Array): Relocation | null {
  const vm = s[K.G_SV_VM]!;
  if (vm < 0) return null;
  return {
    kind: 'relocation',
    purpose: K.PURPOSES[s[K.G_SV_PURPOSE]!]!,
    vm,
    dest: orNull(s[K.G_SV_DEST]!),
    resident: orNull(s[K.G_SV_RESIDENT]!),
    size: s[K.G_SV_SIZE]!,
    step: K.RELOCATION_STEPS[s[K.G_SV_STEP]!]!,
    transit: null,
  };
}

function decodeReconfig(s: Int32Array): Reconfiguration | null {
  switch (s[K.G_RC]) {
    case K.RC_NONE:
      return null;
    case K.RC_TERMINATE:
      return { kind: 'terminate', vm: s[K.G_RL_VM]! };
    case K.RC_RESIZE: {
      const relocation = decodeRelocation(s) as Relocation | null;
      return {
        kind: 'resize',
        event: s[K.G_RS_EVENT]!,
        step: K.RESIZE_STEPS[s[K.G_RS_STEP]!]!,
        cursor: s[K.G_RS_CURSOR]!,
        asked: s[K.G_RS_ASKED] === 1,
        relocation,
      };
    }
    default:
      return decodeRelocation(s);
  }
}
