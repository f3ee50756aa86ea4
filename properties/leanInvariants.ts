/**
 * The properties of invariants.ts and sometimes.ts over lean states. Each is a fast predicate; when
 * an `always` property fails (rare, off the hot path) the lean state is decoded and the readable
 * property is asked for its message, so verdicts and names are the readable ones by construction of
 * the equivalence tests, and messages are the readable ones wherever the lean state keeps the facts
 * (incident details excepted: see model/vmm/lean/codec.ts).
 */
import type { Property, Violation } from '../model/core/model.ts';
import { decode } from '../model/vmm/lean/codec.ts';
import * as K from '../model/vmm/lean/layout.ts';
import type { LeanKit } from '../model/vmm/lean/queries.ts';
import * as Q from '../model/vmm/lean/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  E_RUNNING,
  G_INCIDENTS,
  G_RC,
  G_RL,
  G_RL_DEST,
  G_RL_STEP,
  G_RL_VM,
  G_RS_ASKED,
  G_RS_EVENT,
  G_RS_STEP,
  G_SETTLED,
  G_SUSPENDED,
  G_TR_PAGE,
  IO_MODE,
  IO_STATUS,
  I_BOUNDS_BREACH,
  I_MOVED_TARGETED,
  I_OVERWROTE_LIVE,
  I_STALE_READ,
  I_STALE_WRITE,
  I_STRAY_ACCESS,
  M_HOST,
  RC_RESIZE,
  RL_PRIOR,
  RS_SHRINK,
  ST_BUILD_SPACE,
  ST_CLEAR_DIRECT,
  ST_DISPATCH,
  S_RUNNING,
  S_TRANSLATED,
  VM_ALIVE,
  VM_CPUS,
  VM_DIRECT,
  VM_END,
  VM_FIXED,
  VM_HAS_ST,
  VM_ONLINE,
  VM_ORIGIN,
  VM_SHRINK,
  VM_SIZE,
  dataCode,
  ioBase,
  vmBase,
} = K;
const { computeHolders, computeTargets, frameOf, hasActiveRelocation, pteOf } = Q;

type Holds = (k: LeanKit, s: Int32Array) => boolean;

const incidentFree =
  (bits: number): Holds =>
  (_k, s) =>
    (s[G_INCIDENTS]! & bits) === 0;

const pageFixedAreaIsContiguous: Holds = (k, s) => {
  const L = k.L;
  let holders = false;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 0) continue;
    const origin = s[b + VM_ORIGIN]!;
    const end = s[b + VM_END]!;
    if (end !== origin + s[b + VM_SIZE]! - 1 || origin < k.vmmFrames || end >= k.frameCount) return false;
    if (s[b + VM_HAS_ST] === 1) return false;
    if (!holders) {
      computeHolders(k, s);
      holders = true;
    }
    const online = s[b + VM_ONLINE]!;
    for (let f = origin; f < origin + online; f++) if ((L.hMask[f]! & ~(1 << v)) !== 0) return false;
  }
  return true;
};

const noChannelTouchesMovedPage: Holds = (k, s) => {
  if ((s[G_INCIDENTS]! & (I_MOVED_TARGETED | I_STRAY_ACCESS)) !== 0) return false;
  if (!hasActiveRelocation(s) || s[G_TR_PAGE]! < 0) return true;
  computeTargets(k, s, s[G_RL_VM]!, true, true);
  return k.L.targets[s[G_TR_PAGE]!] === 0;
};

const framesAreIsolated: Holds = (k, s) => {
  if ((s[G_INCIDENTS]! & I_OVERWROTE_LIVE) !== 0) return false;
  computeHolders(k, s);
  const d = k.L.hDistinct;
  for (let f = 0; f < k.frameCount; f++) {
    if (d[f]! > 1 || (d[f] === 1 && f < k.vmmFrames)) return false;
  }
  return true;
};

const contentIsPreserved: Holds = (k, s) => {
  const L = k.L;
  const relocVm = hasActiveRelocation(s) ? s[G_RL_VM]! : -1;
  const transitPage = s[G_TR_PAGE]!;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const online = s[b + VM_ONLINE]!;
    for (let page = 0; page < online; page++) {
      const want = dataCode(L, v, page, s[b + L.expected + page]!);
      const frame = frameOf(L, s, b, page);
      let found: number;
      if (frame >= 0) found = frame < k.frameCount ? s[L.frames + frame]! : 0;
      else if (relocVm === v && transitPage === page) {
        const f = s[G_RL_DEST]! + page;
        found = f < k.frameCount ? s[L.frames + f]! : 0;
      } else found = s[b + L.paging + page]!;
      if (found !== want) return false;
    }
  }
  return true;
};

const modeIsConsistent: Holds = (k, s) => {
  const L = k.L;
  const relocVm = hasActiveRelocation(s) ? s[G_RL_VM]! : -1;
  const step = s[G_RL_STEP]!;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_DIRECT] === 0) continue;
    if (s[b + VM_FIXED] === 0) return false;
    if (relocVm === v && step !== ST_CLEAR_DIRECT && step !== ST_DISPATCH) return false;
  }
  return true;
};

const pinnedPagesStayResident: Holds = (k, s) => {
  const L = k.L;
  const relocVm = hasActiveRelocation(s) ? s[G_RL_VM]! : -1;
  const transitPage = s[G_TR_PAGE]!;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1) continue;
    computeTargets(k, s, v, true, true);
    const size = s[b + VM_SIZE]!;
    for (let page = 0; page < size; page++) {
      if (pteOf(L, s, b, page) >= 0 || (relocVm === v && transitPage === page)) continue;
      if (s[b + L.paging + page] === 0) continue;
      if (s[b + L.pins + page]! > 0 || L.targets[page]! > 0) return false;
    }
  }
  return true;
};

const offlineStorageIsQuiet: Holds = (k, s) => {
  const L = k.L;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const online = s[b + VM_ONLINE]!;
    const n = computeTargets(k, s, v, true, true);
    for (let page = online; page < n; page++) if (L.targets[page]! > 0) return false;
    const size = s[b + VM_SIZE]!;
    const fixed = s[b + VM_FIXED] === 1;
    for (let page = online; page < size; page++) {
      if (s[b + L.paging + page] !== 0 || (!fixed && pteOf(L, s, b, page) >= 0)) return false;
    }
  }
  return true;
};

const cpusAndSizesFollowTable: Holds = (k, s) => {
  const L = k.L;
  const V = k.vmCount;
  for (let v = 0; v < V; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const id = s[b + VM_CPUS]!;
    const assignment = L.cpuTable[id]!;
    if (assignment.cpus.length === 0) return false;
    if (assignment.mode !== 'dedicated') continue;
    for (const c of assignment.cpus) {
      for (let w = 0; w < V; w++) {
        const bw = vmBase(L, w);
        if (w !== v && s[bw + VM_ALIVE] === 1 && (L.cpuMasks[s[bw + VM_CPUS]!]! & (1 << c)) !== 0)
          return false;
      }
      if (c < k.cpuCount) {
        const runner = s[L.running + c]!;
        if (runner >= 0 && runner !== v) return false;
      }
    }
  }
  const settled = s[G_SETTLED]!;
  if (settled >= 0) {
    for (let v = 0; v < V; v++) {
      const b = vmBase(L, v);
      if (s[b + VM_ALIVE] === 0) continue;
      const x = settled * V + v;
      const want = k.afterSize[x]!;
      if (s[b + VM_SIZE] !== want || s[b + VM_ONLINE] !== want || s[b + VM_ORIGIN] !== k.afterOrigin[x])
        return false;
      if (L.cpuSortedIds[s[b + VM_CPUS]!] !== L.cpuSortedIds[k.afterCpus[x]!]) return false;
    }
  }
  return true;
};

const pinsAreExact: Holds = (k, s) => {
  const L = k.L;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const n = computeTargets(k, s, v, true, false);
    const size = s[b + VM_SIZE]!;
    for (let page = 0; page < n; page++) {
      if ((page < size ? s[b + L.pins + page]! : 0) !== L.targets[page]) return false;
    }
  }
  return true;
};

const oneReconfigurationAtATime: Holds = (k, s) => {
  const L = k.L;
  const resize = s[G_RC] === RC_RESIZE;
  let running = 0;
  const E = k.eventCount;
  for (let e = 0; e < E; e++) if (s[L.events + e] === E_RUNNING) running++;
  if (running > (resize ? 1 : 0)) return false;
  if (resize && s[L.events + s[G_RS_EVENT]!] !== E_RUNNING) return false;
  if (s[G_SUSPENDED] === 1 && s[G_RL] !== RL_PRIOR) return false;
  const asking = resize && s[G_RS_STEP] === RS_SHRINK && s[G_RS_ASKED] === 1;
  if (!asking) {
    for (let v = 0; v < k.vmCount; v++) if (s[vmBase(L, v) + VM_SHRINK]! >= 0) return false;
  }
  return true;
};

function hostProgramInFlight(k: LeanKit, s: Int32Array, v: number): boolean {
  for (let i = 0; i < k.ioCount; i++) {
    if (k.ioVm[i] !== v) continue;
    const b = ioBase(k.L, i);
    const st = s[b + IO_STATUS];
    if ((st === S_RUNNING || st === S_TRANSLATED) && s[b + IO_MODE] === M_HOST) return true;
  }
  return false;
}

const LEAN_ALWAYS: Record<string, Holds> = {
  noStaleWrite: incidentFree(I_STALE_WRITE | I_STALE_READ),
  pageFixedAreaIsContiguous,
  noChannelTouchesMovedPage,
  framesAreIsolated,
  contentIsPreserved,
  accessesStayInBounds: incidentFree(I_BOUNDS_BREACH),
  modeIsConsistent,
  pinnedPagesStayResident,
  offlineStorageIsQuiet,
  cpusAndSizesFollowTable,
  pinsAreExact,
  oneReconfigurationAtATime,
};

/** Witness predicates of the `sometimes` properties, by name. */
const LEAN_SOMETIMES: Record<string, Holds> = {
  relocationCompletesWithTransferInFlight: (k, s) => {
    if (!hasActiveRelocation(s) || s[G_RL_DEST]! < 0 || s[G_RL_STEP] !== ST_DISPATCH) return false;
    for (let c = 0; c < k.channelCount; c++) if (s[k.L.channels + c]! >= 0) return true;
    return false;
  },
  interceptedStartMidRelocation: (k, s) => {
    if (!hasActiveRelocation(s)) return false;
    const step = s[G_RL_STEP];
    return step !== ST_CLEAR_DIRECT && step !== ST_BUILD_SPACE && hostProgramInFlight(k, s, s[G_RL_VM]!);
  },
  resizeCompletes: (_k, s) => s[G_SETTLED]! >= 0,
  pageableWithSmallerFootprint: (k, s) => {
    const L = k.L;
    for (let v = 0; v < k.vmCount; v++) {
      const b = vmBase(L, v);
      if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1) continue;
      const size = s[b + VM_SIZE]!;
      for (let page = 0; page < size; page++) if (s[b + L.paging + page] !== 0) return true;
    }
    return false;
  },
};

/**
 * The lean version of each of `readable` (the readable model's properties, same names, same order).
 * Throws if a readable property has no lean predicate, so a new invariant cannot be silently skipped.
 */
export function leanProperties(
  k: LeanKit,
  readable: readonly Property<MachineState>[],
): Property<Int32Array>[] {
  return readable.map((p) => {
    const holds = (p.kind === 'always' ? LEAN_ALWAYS : LEAN_SOMETIMES)[p.name];
    if (!holds) throw new Error(`no lean predicate for ${p.kind} property ${p.name}`);
    const check =
      p.kind === 'always'
        ? (s: Int32Array): Violation | undefined =>
            holds(k, s)
              ? undefined
              : (p.check(decode(k.L, s)) ?? {
                  invariant: p.name,
                  message: `${p.name} is violated (replay the path on the readable model for details)`,
                  details: {},
                })
        : (s: Int32Array): Violation | undefined =>
            holds(k, s) ? { invariant: p.name, message: p.description, details: {} } : undefined;
    return { ...p, check };
  });
}
