/**
 * Questions the guards, effects and invariants ask of a packed state (where a page lives, who holds
 * a frame, which pages in-flight programs target, which VM a resize handles next), with scratch
 * buffers instead of fresh arrays; and the kit: the layout, the action codes and the scenario
 * flattened into typed arrays, with the variant's switches from `behaviourOf`.
 */
import type { VmmContext } from '../context.ts';
import { type ActionTable, buildActionTable } from './actionTable.ts';
import * as K from './layout.ts';
import { createLayout, type LeanLayout } from './layout.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  G_RL,
  G_RL_DEST,
  G_RL_SIZE,
  G_RL_VM,
  G_TR_FROM,
  G_TR_PAGE,
  IO_MODE,
  IO_STATUS,
  M_HOST,
  RL_PATENT,
  ST_SET_DIRECT,
  ST_SET_ORIGIN,
  ST_SET_PAGE_FIXED,
  S_REQUESTED,
  S_RUNNING,
  S_TRANSLATED,
  VM_ALIVE,
  VM_FIXED,
  VM_HAS_ST,
  VM_ONLINE,
  VM_ORIGIN,
  VM_SIZE,
  internCpus,
  ioBase,
  vmBase,
} = K;

/** Everything the lean functions need besides the state: layout, action codes, flattened scenario. */
export interface LeanKit {
  readonly L: LeanLayout;
  readonly T: ActionTable;
  readonly ctx: VmmContext;
  readonly vmCount: number;
  readonly frameCount: number;
  readonly vmmFrames: number;
  readonly ioCount: number;
  /** Counts of the scenario's CPUs, channels, events and requests (read on every state). */
  readonly cpuCount: number;
  readonly channelCount: number;
  readonly eventCount: number;
  readonly requestCount: number;
  /** Per request: its VM, and 1 when it is a `terminate` (the request objects vary in shape). */
  readonly requestVm: Int32Array;
  readonly requestTerminates: Uint8Array;
  readonly ioVm: Int32Array;
  readonly ioChannel: Int32Array;
  readonly ioLength: Int32Array;
  /** `ioPage[i * maxTransfers + t]`, and whether that transfer writes. */
  readonly ioPage: Int32Array;
  readonly ioWrite: Uint8Array;
  readonly accessVm: Int32Array;
  readonly accessPage: Int32Array;
  readonly accessWrite: Uint8Array;
  /** `before*` / `after*[event * vmCount + vm]`: the configuration tables. */
  readonly beforeSize: Int32Array;
  readonly afterSize: Int32Array;
  readonly afterOrigin: Int32Array;
  readonly afterCpus: Int32Array;
  readonly configuredDirect: Uint8Array;
  /** Finishing steps 5090-5120 in this variant's order. */
  readonly finishing: Int32Array;
  readonly dispatch: boolean;
  readonly channelErrors: boolean;
  readonly priorArt: boolean;
  readonly faultMoveTargeted: boolean;
  readonly faultForgetDirect: boolean;
  readonly faultOverlapCopy: boolean;
  readonly faultPageOutPinned: boolean;
  /** Pages past `end` the limit check lets through (`fault-limit-off-by-one`). */
  readonly limitSlack: number;
  readonly faultOfflineUnderIo: boolean;
  readonly faultDedicatedShared: boolean;
  readonly faultInterleaved: boolean;
  /** Slab that new states are carved from (see `allocState`). */
  slab: Int32Array;
  slabOffset: number;
  /**
   * Set only while `incidentFacts` re-runs one step at report time: told the facts of each incident
   * the effect raises. Null on the hot path (one test of a rarely taken branch).
   */
  onIncident: ((fact: IncidentFact) => void) | null;
}

/**
 * What an effect knew when it raised an incident: its kind (an `I_*` bit) and the VM, page, frame
 * and channel involved (-1 where not applicable); `other` is the frame mapping the page for a
 * channel access (-1: not mapped), the access index for a CPU access. Messages are made of these (and of the state before the step) at report
 * time; the state keeps only the kind's bit.
 */
export interface IncidentFact {
  readonly bit: number;
  readonly vm: number;
  readonly page: number;
  readonly frame: number;
  readonly other: number;
  readonly channel: number;
}

/** States carved from one slab: a slab is freed once none of its states is reachable. */
const SLAB_STATES = 2048;
const FIRST_SLAB_STATES = 16;

/**
 * A fresh zeroed-or-reused lean state: a view into a shared slab, since allocating a small
 * `Int32Array` of its own costs several times more (a backing store each). The caller overwrites
 * every word. Known limit: a slab stays alive while any state carved from it does.
 */
export function allocState(k: LeanKit): Int32Array {
  const length = k.L.length;
  if (k.slabOffset + length > k.slab.length) {
    // The first slabs are small and each doubles up to SLAB_STATES: a tiny model (a sweep checks
    // thousands) then never zeroes room for 2,048 states it does not reach.
    k.slab = new Int32Array(
      length * Math.min(SLAB_STATES, Math.max(FIRST_SLAB_STATES, (2 * k.slab.length) / length)),
    );
    k.slabOffset = 0;
  }
  const state = k.slab.subarray(k.slabOffset, k.slabOffset + length);
  k.slabOffset += length;
  return state;
}

/** Build the lean kit of a context. */
export function createKit(ctx: VmmContext): LeanKit {
  const L = createLayout(ctx);
  const MT = L.maxTransfers;
  const V = ctx.vmNames.length;
  const E = ctx.events.length;
  const ioPage = new Int32Array(ctx.io.length * MT);
  const ioWrite = new Uint8Array(ctx.io.length * MT);
  ctx.io.forEach((io, i) => {
    io.transfers.forEach((t, k) => {
      ioPage[i * MT + k] = t.page;
      ioWrite[i * MT + k] = t.op === 'write' ? 1 : 0;
    });
  });
  const beforeSize = new Int32Array(E * V);
  const afterSize = new Int32Array(E * V);
  const afterOrigin = new Int32Array(E * V);
  const afterCpus = new Int32Array(E * V);
  ctx.events.forEach((e, ev) => {
    e.after.forEach((a, v) => {
      beforeSize[ev * V + v] = e.before[v]!.size;
      afterSize[ev * V + v] = a.size;
      afterOrigin[ev * V + v] = a.origin;
      afterCpus[ev * V + v] = internCpus(L, a.cpus);
    });
  });
  for (const vm of ctx.scenario.vms) internCpus(L, vm.cpus);
  const v = ctx.behaviour;
  return {
    L,
    T: buildActionTable(ctx, L.maxPages),
    ctx,
    vmCount: V,
    frameCount: ctx.frameCount,
    vmmFrames: ctx.vmmFrames,
    ioCount: ctx.io.length,
    cpuCount: ctx.scenario.cpus,
    channelCount: ctx.scenario.channels,
    eventCount: E,
    requestCount: ctx.requests.length,
    requestVm: Int32Array.from(ctx.requests, (r) => r.vm),
    requestTerminates: Uint8Array.from(ctx.requests, (r) => (r.kind === 'terminate' ? 1 : 0)),
    ioVm: Int32Array.from(ctx.io, (io) => io.vm),
    ioChannel: Int32Array.from(ctx.io, (io) => io.channel),
    ioLength: Int32Array.from(ctx.io, (io) => io.transfers.length),
    ioPage,
    ioWrite,
    accessVm: Int32Array.from(ctx.access, (a) => a.vm),
    accessPage: Int32Array.from(ctx.access, (a) => a.page),
    accessWrite: Uint8Array.from(ctx.access, (a) => (a.op === 'write' ? 1 : 0)),
    beforeSize,
    afterSize,
    afterOrigin,
    afterCpus,
    configuredDirect: Uint8Array.from(ctx.configuredDirect, (d) => (d ? 1 : 0)),
    finishing: v.directBeforeFixed
      ? Int32Array.of(ST_SET_DIRECT, ST_SET_ORIGIN, ST_SET_PAGE_FIXED)
      : Int32Array.of(ST_SET_ORIGIN, ST_SET_PAGE_FIXED, ST_SET_DIRECT),
    dispatch: ctx.dispatch,
    channelErrors: ctx.channelErrors,
    priorArt: v.priorArt,
    faultMoveTargeted: v.moveTargetedPage,
    faultForgetDirect: v.forgetDirectIo,
    faultOverlapCopy: v.overlapCopy,
    faultPageOutPinned: v.pageOutPinned,
    limitSlack: v.limitSlackPages,
    faultOfflineUnderIo: v.offlineUnderIo,
    faultDedicatedShared: v.dedicatedCpuShared,
    faultInterleaved: v.interleavedReconfiguration,
    slab: new Int32Array(0),
    slabOffset: 0,
    onIncident: null,
  };
}

/** Page-table entry of `page` of VM block `b` (-1: invalid, no host space, or past the size). */
export function pteOf(L: LeanLayout, s: Int32Array, b: number, page: number): number {
  if (s[b + VM_HAS_ST] === 0 || page >= s[b + VM_SIZE]! || page >= L.maxPages) return -1;
  return s[b + L.pte + page]!;
}

/** The frame mapping `page` of VM block `b` now, or -1. */
export function frameOf(L: LeanLayout, s: Int32Array, b: number, page: number): number {
  if (s[b + VM_ALIVE] === 0 || page >= s[b + VM_SIZE]!) return -1;
  if (s[b + VM_FIXED] === 1) return page < s[b + VM_ONLINE]! ? s[b + VM_ORIGIN]! + page : -1;
  return pteOf(L, s, b, page);
}

/** True when the lean state has a patent relocation under way (`activeRelocation`). */
export function hasActiveRelocation(s: Int32Array): boolean {
  return s[G_RL] === RL_PATENT;
}

function addHolder(L: LeanLayout, f: number, v: number, page: number): void {
  if (f < 0 || f >= L.frameCount) return;
  const n = L.hCount[f]!;
  L.hCount[f] = n + 1;
  L.hMask[f] = L.hMask[f]! | (1 << v);
  if (n === 0) {
    L.hFirstVm[f] = v;
    L.hFirstPage[f] = page;
    L.hDistinct[f] = 1;
  } else if (L.hFirstVm[f] !== v || L.hFirstPage[f] !== page) {
    L.hDistinct[f] = 2;
  }
}

/** Fill the layout's holder buffers for `s` (`frameHolders`); cached for the last state asked about. */
export function computeHolders(k: LeanKit, s: Int32Array): void {
  const L = k.L;
  if (L.holdersOf === s) return;
  // The two sets of buffers swap: the spare is of the state asked about before, or is refilled.
  const spare = L.spareHolders;
  const of = spare.of;
  const { hCount, hMask, hDistinct, hFirstVm, hFirstPage } = spare;
  spare.of = L.holdersOf;
  spare.hCount = L.hCount;
  spare.hMask = L.hMask;
  spare.hDistinct = L.hDistinct;
  spare.hFirstVm = L.hFirstVm;
  spare.hFirstPage = L.hFirstPage;
  L.hCount = hCount;
  L.hMask = hMask;
  L.hDistinct = hDistinct;
  L.hFirstVm = hFirstVm;
  L.hFirstPage = hFirstPage;
  L.holdersOf = s;
  if (of === s) return;
  L.hCount.fill(0);
  L.hMask.fill(0);
  L.hDistinct.fill(0);
  const relocVm = s[G_RL] === RL_PATENT && s[G_TR_PAGE]! >= 0 && s[G_RL_DEST]! >= 0 ? s[G_RL_VM]! : -1;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const size = s[b + VM_SIZE]!;
    // `frameOf` of each page, with its tests taken out of the loop.
    if (s[b + VM_FIXED] === 1) {
      const origin = s[b + VM_ORIGIN]!;
      const limit = Math.min(size, s[b + VM_ONLINE]!);
      for (let page = 0; page < limit; page++) addHolder(L, origin + page, v, page);
    } else if (s[b + VM_HAS_ST] === 1) {
      const limit = Math.min(size, L.maxPages);
      const pte = b + L.pte;
      for (let page = 0; page < limit; page++) addHolder(L, s[pte + page]!, v, page);
    }
    if (relocVm === v) {
      const page = s[G_TR_PAGE]!;
      addHolder(L, s[G_TR_FROM]!, v, page);
      addHolder(L, s[G_RL_DEST]! + page, v, page);
    }
  }
}

/** `isFreeFrame` on the holders last computed. */
export function isFreeFrame(k: LeanKit, f: number): boolean {
  return f >= k.vmmFrames && f < k.frameCount && k.L.hCount[f] === 0;
}

/** True when page `page` of VM `v` holds frame `f` (on the holders of `frameHolders`). */
export function holdsFrame(k: LeanKit, s: Int32Array, v: number, page: number, f: number): boolean {
  if (f < 0 || f >= k.frameCount) return false;
  const b = vmBase(k.L, v);
  if (s[b + VM_ALIVE] === 0) return false;
  if (frameOf(k.L, s, b, page) === f) return true;
  if (s[G_RL] === RL_PATENT && s[G_RL_VM] === v && s[G_TR_PAGE] === page && s[G_RL_DEST]! >= 0) {
    return s[G_TR_FROM] === f || s[G_RL_DEST]! + page === f;
  }
  return false;
}

/** True when I/O `i` is in flight (translated or running). */
export function inFlight(k: LeanKit, s: Int32Array, i: number): boolean {
  const st = s[ioBase(k.L, i) + IO_STATUS];
  return st === S_RUNNING || st === S_TRANSLATED;
}

/** Count, per VM and page, the transfers of in-flight host and direct programs of `s` (cached for the last state). */
function computeAllTargets(k: LeanKit, s: Int32Array): void {
  const L = k.L;
  if (L.targetsOf === s) return;
  // The two sets of buffers swap, as the holders' do.
  const spare = L.spareTargets;
  const of = spare.of;
  const { hostTargets, directTargets, hostReach, directReach } = spare;
  spare.of = L.targetsOf;
  spare.hostTargets = L.hostTargets;
  spare.directTargets = L.directTargets;
  spare.hostReach = L.hostReach;
  spare.directReach = L.directReach;
  L.hostTargets = hostTargets;
  L.directTargets = directTargets;
  L.hostReach = hostReach;
  L.directReach = directReach;
  L.targetsOf = s;
  if (of === s) return;
  L.hostTargets.fill(0);
  L.directTargets.fill(0);
  L.hostReach.fill(0);
  L.directReach.fill(0);
  const MT = L.maxTransfers;
  const DP = L.dataPages;
  for (let i = 0; i < k.ioCount; i++) {
    const b = ioBase(L, i);
    const st = s[b + IO_STATUS];
    if (st !== S_RUNNING && st !== S_TRANSLATED) continue;
    const host = s[b + IO_MODE] === M_HOST;
    const counts = host ? L.hostTargets : L.directTargets;
    const reach = host ? L.hostReach : L.directReach;
    const v = k.ioVm[i]!;
    const n = k.ioLength[i]!;
    for (let x = 0; x < n; x++) {
      const page = k.ioPage[i * MT + x]!;
      counts[v * DP + page]!++;
      if (page + 1 > reach[v]!) reach[v] = page + 1;
    }
  }
}

/**
 * Fill `L.targets` with the per-page counts of `targetCounts` and return its length: the VM's
 * size, or past it when a program targets a page beyond.
 */
export function computeTargets(k: LeanKit, s: Int32Array, v: number, host: boolean, direct: boolean): number {
  const L = k.L;
  computeAllTargets(k, s);
  const t = L.targets;
  const DP = L.dataPages;
  const base = v * DP;
  let length = s[vmBase(L, v) + VM_SIZE]!;
  for (let page = 0; page < DP; page++) {
    t[page] = (host ? L.hostTargets[base + page]! : 0) + (direct ? L.directTargets[base + page]! : 0);
  }
  if (host && L.hostReach[v]! > length) length = L.hostReach[v]!;
  if (direct && L.directReach[v]! > length) length = L.directReach[v]!;
  return length;
}

/**
 * Make the per-VM, per-page target counts of `s` current, for `targetCount` and `targetsEnd`: the
 * same counts `computeTargets` copies out, read in place.
 */
export function ensureTargets(k: LeanKit, s: Int32Array): void {
  computeAllTargets(k, s);
}

/** Transfers of in-flight host and/or direct programs that target `page` of `v` (after `ensureTargets`). */
export function targetCount(L: LeanLayout, v: number, page: number, host: boolean, direct: boolean): number {
  const x = v * L.dataPages + page;
  return (host ? L.hostTargets[x]! : 0) + (direct ? L.directTargets[x]! : 0);
}

/** The length `computeTargets` returns, without filling `L.targets` (after `ensureTargets`). */
export function targetsEnd(k: LeanKit, s: Int32Array, v: number, host: boolean, direct: boolean): number {
  const L = k.L;
  let length = s[vmBase(L, v) + VM_SIZE]!;
  if (host && L.hostReach[v]! > length) length = L.hostReach[v]!;
  if (direct && L.directReach[v]! > length) length = L.directReach[v]!;
  return length;
}

/** True when a channel program of `v` is in flight, counting host and/or direct programs. */
export function hasIoInFlight(k: LeanKit, s: Int32Array, v: number, host: boolean, direct: boolean): boolean {
  for (let i = 0; i < k.ioCount; i++) {
    if (k.ioVm[i] !== v) continue;
    const b = ioBase(k.L, i);
    const st = s[b + IO_STATUS];
    if (st !== S_RUNNING && st !== S_TRANSLATED) continue;
    if (s[b + IO_MODE] === M_HOST ? host : direct) return true;
  }
  return false;
}

/**
 * True when a start-I/O of `v` is under way: intercepted and not yet handled (5070 not done), or
 * a program in flight. `vm.terminate` waits for these (the VMM finishes handling an intercepted
 * start before it ends the VM; a program in flight ends first).
 */
export function hasIoStarted(k: LeanKit, s: Int32Array, v: number): boolean {
  for (let i = 0; i < k.ioCount; i++) {
    if (k.ioVm[i] !== v) continue;
    const st = s[ioBase(k.L, i) + IO_STATUS];
    if (st === S_REQUESTED || st === S_RUNNING || st === S_TRANSLATED) return true;
  }
  return false;
}

/** True when `v` runs on some CPU (always when dispatch is not modelled). */
export function isDispatched(k: LeanKit, s: Int32Array, v: number): boolean {
  if (!k.dispatch) return true;
  const r = k.L.running;
  const n = k.cpuCount;
  for (let c = 0; c < n; c++) if (s[r + c] === v) return true;
  return false;
}

/** True when a CPU access or a simulated start-I/O waits for `page` of `v` (`pageFaultDemanded`). */
export function pageFaultDemanded(k: LeanKit, s: Int32Array, v: number, page: number): boolean {
  const L = k.L;
  for (let i = 0; i < k.accessVm.length; i++) {
    if (s[L.access + i] === 0 && k.accessVm[i] === v && k.accessPage[i] === page && isDispatched(k, s, v))
      return true;
  }
  const MT = L.maxTransfers;
  for (let i = 0; i < k.ioCount; i++) {
    if (k.ioVm[i] !== v || s[ioBase(L, i) + IO_STATUS] !== S_REQUESTED) continue;
    const n = k.ioLength[i]!;
    for (let x = 0; x < n; x++) if (k.ioPage[i * MT + x] === page) return true;
  }
  return false;
}

/** The lowest free frame outside the running relocation's destination, or -1 (holders must be current). */
export function lowestFreeFrame(k: LeanKit, s: Int32Array): number {
  const active = s[G_RL] === RL_PATENT;
  const dest = s[G_RL_DEST]!;
  const size = s[G_RL_SIZE]!;
  for (let f = k.vmmFrames; f < k.frameCount; f++) {
    if (k.L.hCount[f] !== 0) continue;
    if (active && dest >= 0 && f >= dest && f < dest + size) continue;
    return f;
  }
  return -1;
}

/** `nextToShrink`. */
export function nextToShrink(k: LeanKit, s: Int32Array, event: number): number {
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(k.L, v);
    if (s[b + VM_ALIVE] === 1 && k.afterSize[event * k.vmCount + v]! < s[b + VM_ONLINE]!) return v;
  }
  return -1;
}

/** `nextToRelocate`: moving up first, highest origin first; then the rest, lowest origin first. */
export function nextToRelocate(k: LeanKit, s: Int32Array, event: number): number {
  let up = -1;
  let upOrigin = 0;
  let rest = -1;
  let restOrigin = 0;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(k.L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const origin = s[b + VM_ORIGIN]!;
    const to = k.afterOrigin[event * k.vmCount + v]!;
    if (to === origin && k.afterSize[event * k.vmCount + v]! >= s[b + VM_SIZE]!) continue;
    if (to > origin) {
      if (up < 0 || origin > upOrigin) {
        up = v;
        upOrigin = origin;
      }
    } else if (rest < 0 || origin < restOrigin) {
      rest = v;
      restOrigin = origin;
    }
  }
  return up >= 0 ? up : rest;
}

/**
 * Whether event `event`'s configuration table fits the machine as it is now, checked as the VMM
 * checks it when the event's turn comes (SPEC 6, 7.13): every VM is live, page-fixed, fully online
 * and of the size the table expects before; moved one at a time in the order of 7020 (see
 * `nextToRelocate`), each VM's kept pages fit in storage at its new origin on frames free or its
 * own by then; each grower's new pages are free after the moves. The table was checked against the
 * initial machine when the scenario was loaded; a reconfiguration before the event (a relocation
 * request, another event) can make it fit no longer, and then the event is refused.
 */
export function tableFits(k: LeanKit, s: Int32Array, event: number): boolean {
  const L = k.L;
  const V = k.vmCount;
  const x0 = event * V;
  const owners = L.owners;
  owners.fill(-1);
  for (let v = 0; v < V; v++) {
    const b = vmBase(L, v);
    const size = s[b + VM_SIZE]!;
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 0 || s[b + VM_ONLINE] !== size) return false;
    if (k.beforeSize[x0 + v] !== size) return false;
    owners.fill(v, s[b + VM_ORIGIN]!, s[b + VM_ORIGIN]! + size);
  }
  // Movers in 7020's order, by the origins they have now: up first, highest origin first; then
  // the rest, lowest origin first.
  const up: number[] = [];
  const rest: number[] = [];
  for (let v = 0; v < V; v++) {
    const b = vmBase(L, v);
    const origin = s[b + VM_ORIGIN]!;
    const to = k.afterOrigin[x0 + v]!;
    if (to === origin && k.afterSize[x0 + v]! >= s[b + VM_SIZE]!) continue;
    (to > origin ? up : rest).push(v);
  }
  const originOf = (v: number) => s[vmBase(L, v) + VM_ORIGIN]!;
  up.sort((a, b) => originOf(b) - originOf(a));
  rest.sort((a, b) => originOf(a) - originOf(b));
  for (const v of [...up, ...rest]) {
    const pages = Math.min(s[vmBase(L, v) + VM_SIZE]!, k.afterSize[x0 + v]!);
    const to = k.afterOrigin[x0 + v]!;
    if (to < k.vmmFrames || to + pages > k.frameCount) return false;
    for (let f = to; f < to + pages; f++) if (owners[f] !== -1 && owners[f] !== v) return false;
    for (let f = 0; f < k.frameCount; f++) if (owners[f] === v) owners[f] = -1;
    owners.fill(v, to, to + pages);
  }
  for (let v = 0; v < V; v++) {
    const size = s[vmBase(L, v) + VM_SIZE]!;
    const want = k.afterSize[x0 + v]!;
    if (want <= size) continue;
    const at = k.afterOrigin[x0 + v]!;
    if (at + want > k.frameCount) return false;
    for (let f = at + size; f < at + want; f++) if (owners[f] !== -1) return false;
    owners.fill(v, at + size, at + want);
  }
  return true;
}

/** `nextToGrow`. */
export function nextToGrow(k: LeanKit, s: Int32Array, event: number): number {
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(k.L, v);
    if (s[b + VM_ALIVE] === 1 && s[b + VM_SIZE]! < k.afterSize[event * k.vmCount + v]!) return v;
  }
  return -1;
}

/** Pages of VM block `b` with a valid page-table entry (`residentPages`). */
export function residentPages(L: LeanLayout, s: Int32Array, b: number): number {
  let n = 0;
  const size = s[b + VM_SIZE]!;
  for (let page = 0; page < size; page++) if (pteOf(L, s, b, page) >= 0) n++;
  return n;
}
