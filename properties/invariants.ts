/**
 * The invariants of SPEC section 7 and the `sometimes` properties, each written once against the
 * packed state (model/vmm/lean/layout.ts). A check is one loop that returns whether the property
 * holds; where it fails it says why, but only when asked (`why` not null: report time), so the hot
 * path builds no strings. Incidents are kinds in the state; their messages are made here from the
 * facts the effect that raised them reports when re-run (`incidentFacts`), see `explainIncidents`.
 */
import type { Property, Violation } from '../model/core/model.ts';
import { decodeDatum } from '../model/vmm/lean/codec.ts';
import * as K from '../model/vmm/lean/layout.ts';
import type { IncidentFact, LeanKit } from '../model/vmm/lean/queries.ts';
import * as Q from '../model/vmm/lean/queries.ts';
import { incidentFacts } from '../model/vmm/lean/step.ts';
import { ACTION_KINDS, ACTION_TABLE } from '../model/vmm/machine.ts';
import { PROPERTY_FIELD_READS } from './visibility.ts';

// Bound once: hot code reads module-local bindings, not the namespace (tsx compiles imports to getters).
const {
  EVENT_STATUSES,
  E_RUNNING,
  G_INCIDENTS,
  G_RC,
  G_RL,
  G_RL_DEST,
  G_RL_PURPOSE,
  G_RL_STEP,
  G_RL_VM,
  G_RS_ASKED,
  G_RS_EVENT,
  G_RS_STEP,
  G_SETTLED,
  G_SUSPENDED,
  G_SV_PURPOSE,
  G_SV_VM,
  G_TR_FROM,
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
  PURPOSES,
  P_RESIZE,
  RC_NONE,
  RC_RESIZE,
  RELOCATION_STEPS,
  RL_NONE,
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
const { computeHolders, ensureTargets, frameOf, hasActiveRelocation, pteOf, targetCount, targetsEnd } = Q;

/** Why a property fails: filled by a check at report time. */
interface Why {
  message: string;
  details: Violation['details'];
}

/** A property written once: true when it holds in `s`; when it does not and `why` is given, says why. */
type Check = (k: LeanKit, s: Int32Array, why: Why | null) => boolean;

/**
 * Say why a check fails; always false. Called as `why !== null && said(why, ...)`, so the message is
 * built only when asked. (No closures in the checks: a closure over a loop's variables makes V8
 * allocate them on the heap on every iteration, measured at half the model's speed.)
 */
function said(why: Why, message: string, details: Violation['details']): false {
  why.message = message;
  why.details = details;
  return false;
}

const vmName = (k: LeanKit, v: number): string => k.ctx.vmNames[v] ?? `VM#${v}`;
const datumOf = (k: LeanKit, code: number): string | null => decodeDatum(k.L, code);

/** The (VM, page) pairs holding frame `f` in `s`, in VM then page order, distinct (report time only). */
function holdersOf(k: LeanKit, s: Int32Array, f: number): { vm: number; page: number }[] {
  const L = k.L;
  const out: { vm: number; page: number }[] = [];
  const add = (vm: number, page: number) => {
    if (!out.some((h) => h.vm === vm && h.page === page)) out.push({ vm, page });
  };
  const transit = s[G_RL] === K.RL_PATENT && s[G_TR_PAGE]! >= 0 && s[G_RL_DEST]! >= 0 ? s[G_RL_VM]! : -1;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const size = s[b + VM_SIZE]!;
    for (let page = 0; page < size; page++) if (frameOf(L, s, b, page) === f) add(v, page);
    if (transit === v) {
      const page = s[G_TR_PAGE]!;
      if (s[G_TR_FROM] === f || s[G_RL_DEST]! + page === f) add(v, page);
    }
  }
  return out;
}

const holderNames = (k: LeanKit, hs: readonly { vm: number; page: number }[]): string[] =>
  hs.map((h) => `${vmName(k, h.vm)} page ${h.page}`);

/** An incident invariant: holds while none of `bits` is raised; messages come from `explainIncidents`. */
const incidentFree =
  (bits: number): Check =>
  (_k, s, why) =>
    (s[G_INCIDENTS]! & bits) === 0 ||
    (why !== null && said(why, incidentSummary(s[G_INCIDENTS]! & bits), {}));

function incidentSummary(bits: number): string {
  const kinds = K.INCIDENT_KINDS.filter((_, i) => (bits & (1 << i)) !== 0);
  return `incident ${kinds.join(', ')} (its details are given where the step that raised it is known)`;
}

/** 7.2: a page-fixed VM's frames are exactly origin..end, inside storage, outside the VMM and other VMs. */
const pageFixedAreaIsContiguous: Check = (k, s, why) => {
  const L = k.L;
  let holders = false;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 0) continue;
    const origin = s[b + VM_ORIGIN]!;
    const end = s[b + VM_END]!;
    const size = s[b + VM_SIZE]!;
    if (end !== origin + size - 1)
      return why !== null && areaSaid(k, why, v, s, `end ${end} is not origin ${origin} + size ${size} - 1`);
    if (origin < k.vmmFrames)
      return (
        why !== null &&
        areaSaid(k, why, v, s, `origin ${origin} lies in the VMM's storage (frames 0..${k.vmmFrames - 1})`)
      );
    if (end >= k.frameCount)
      return (
        why !== null && areaSaid(k, why, v, s, `end ${end} is past main storage (${k.frameCount} frames)`)
      );
    if (s[b + VM_HAS_ST] === 1)
      return (
        why !== null &&
        areaSaid(
          k,
          why,
          v,
          s,
          'is page-fixed (bit 432 = 1) but still translates through a host segment table',
        )
      );
    if (!holders) {
      computeHolders(k, s);
      holders = true;
    }
    const online = s[b + VM_ONLINE]!;
    for (let f = origin; f < origin + online; f++) {
      if ((L.hMask[f]! & ~(1 << v)) !== 0) {
        if (why === null) return false;
        let other = { vm: -1, page: -1 };
        for (const h of holdersOf(k, s, f)) if (h.vm !== v && other.vm < 0) other = h;
        return areaSaid(
          k,
          why,
          v,
          s,
          `frame ${f} of its area also holds ${vmName(k, other.vm)} page ${other.page}`,
        );
      }
    }
  }
  return true;
};

function areaSaid(k: LeanKit, why: Why, v: number, s: Int32Array, message: string): false {
  const b = vmBase(k.L, v);
  return said(why, `${vmName(k, v)}: ${message}`, {
    vm: vmName(k, v),
    origin: s[b + VM_ORIGIN]!,
    end: s[b + VM_END]!,
    size: s[b + VM_SIZE]!,
  });
}

/** 7.3: no page is copied or remapped while a transfer targets it; no channel touches a released or foreign frame. */
const noChannelTouchesMovedPage: Check = (k, s, why) => {
  const bits = s[G_INCIDENTS]! & (I_MOVED_TARGETED | I_STRAY_ACCESS);
  if (bits !== 0) return why !== null && said(why, incidentSummary(bits), {});
  if (!hasActiveRelocation(s) || s[G_TR_PAGE]! < 0) return true;
  const v = s[G_RL_VM]!;
  const page = s[G_TR_PAGE]!;
  ensureTargets(k, s);
  if (targetCount(k.L, v, page, true, true) === 0) return true;
  const to = s[G_RL_DEST]! + page;
  return (
    why !== null &&
    said(
      why,
      `${vmName(k, v)} page ${page} is being moved (copied to frame ${to}) while a transfer targets it`,
      {
        vm: vmName(k, v),
        page,
        from: s[G_TR_FROM]!,
        to,
      },
    )
  );
};

/** 7.4: no frame holds live pages of two VMs, or two pages of one VM; no VM page lies in the VMM's storage. */
const framesAreIsolated: Check = (k, s, why) => {
  const bits = s[G_INCIDENTS]! & I_OVERWROTE_LIVE;
  if (bits !== 0) return why !== null && said(why, incidentSummary(bits), {});
  computeHolders(k, s);
  const d = k.L.hDistinct;
  for (let f = 0; f < k.frameCount; f++) {
    if (d[f]! > 1 || (d[f] === 1 && f < k.vmmFrames)) {
      if (why === null) return false;
      const names = holderNames(k, holdersOf(k, s, f));
      return names.length > 1
        ? said(why, `frame ${f} holds ${names.join(' and ')}`, { frame: f, pages: names.join(', ') })
        : said(why, `${names[0]} is mapped to frame ${f}, in the VMM's storage`, {
            frame: f,
            pages: names[0]!,
          });
    }
  }
  return true;
};

/**
 * No frame is leaked (issue 10; with 7.4): every frame is free (no data, no live page), the VMM's
 * (no guest data), or a live VM's: holding a live page, or inside a page-fixed area (its storage
 * grown at 7030 is not online until 7040). A frame with data that no live VM has, outside the
 * VMM's storage or in it, was left behind: not released by a terminate, an offline, a page-out or a
 * move, or written by a channel after it was given back. (Two pages in one frame is `framesAreIsolated`'s.)
 */
const noFrameLeaked: Check = (k, s, why) => {
  computeHolders(k, s);
  const L = k.L;
  for (let f = 0; f < k.frameCount; f++) {
    const code = s[L.frames + f]!;
    if (code === 0) continue;
    if (f >= k.vmmFrames && (L.hCount[f]! > 0 || inPageFixedArea(k, s, f))) continue;
    if (why === null) return false;
    const where = f < k.vmmFrames ? "in the VMM's storage" : 'that no live page maps';
    return said(why, `frame ${f} ${where} holds ${datumOf(k, code) ?? 'data'}`, {
      frame: f,
      data: datumOf(k, code) ?? String(code),
    });
  }
  return true;
};

/** True when frame `f` lies in a live page-fixed VM's area origin..origin+size-1. */
function inPageFixedArea(k: LeanKit, s: Int32Array, f: number): boolean {
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(k.L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 0) continue;
    const origin = s[b + VM_ORIGIN]!;
    if (f >= origin && f < origin + s[b + VM_SIZE]!) return true;
  }
  return false;
}

/** 7.5: what a guest sees at every online address is the last thing written there. */
const contentIsPreserved: Check = (k, s, why) => {
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
      let where: number; // frame read, or -1 for the paging device
      if (frame >= 0) where = frame;
      else if (relocVm === v && transitPage === page) where = s[G_RL_DEST]! + page;
      else where = -1;
      if (where >= 0) found = where < k.frameCount ? s[L.frames + where]! : 0;
      else found = s[b + L.paging + page]!;
      if (found !== want) {
        if (why === null) return false;
        const place =
          frame >= 0
            ? `frame ${frame}`
            : where >= 0
              ? `frame ${where} (copy in transit)`
              : 'the paging device';
        const expected = datumOf(k, want);
        const got = datumOf(k, found);
        return said(
          why,
          `${vmName(k, v)} page ${page} should read ${expected} but ${place} holds ${got ?? 'nothing'}`,
          {
            vm: vmName(k, v),
            page,
            frame: frame < 0 ? null : frame,
            expected,
            found: got,
          },
        );
      }
    }
  }
  return true;
};

/** 7.7: bit 431 = 1 only with bit 432 = 1 and no relocation under way. */
const modeIsConsistent: Check = (k, s, why) => {
  const L = k.L;
  const relocVm = hasActiveRelocation(s) ? s[G_RL_VM]! : -1;
  const step = s[G_RL_STEP]!;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_DIRECT] === 0) continue;
    if (s[b + VM_FIXED] === 0)
      return (
        why !== null &&
        said(why, `${vmName(k, v)} has bit 431 = 1 while bit 432 = 0 (pageable)`, {
          vm: vmName(k, v),
          direct: 1,
          pageFixed: 0,
        })
      );
    if (relocVm === v && step !== ST_CLEAR_DIRECT && step !== ST_DISPATCH) {
      return (
        why !== null &&
        said(
          why,
          `${vmName(k, v)} has bit 431 = 1 while its relocation is at step ${RELOCATION_STEPS[step]}`,
          {
            vm: vmName(k, v),
            direct: 1,
            pageFixed: 1,
            step: RELOCATION_STEPS[step]!,
          },
        )
      );
    }
  }
  return true;
};

/** 7.8: pinned pages are never paged out; paged-out pages are never channel targets. */
const pinnedPagesStayResident: Check = (k, s, why) => {
  const L = k.L;
  const relocVm = hasActiveRelocation(s) ? s[G_RL_VM]! : -1;
  const transitPage = s[G_TR_PAGE]!;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1) continue;
    ensureTargets(k, s);
    const size = s[b + VM_SIZE]!;
    for (let page = 0; page < size; page++) {
      if (pteOf(L, s, b, page) >= 0 || (relocVm === v && transitPage === page)) continue;
      if (s[b + L.paging + page] === 0) continue;
      const pins = s[b + L.pins + page]!;
      const targets = targetCount(L, v, page, true, true);
      if (pins > 0 || targets > 0) {
        return (
          why !== null &&
          said(
            why,
            `${vmName(k, v)} page ${page} is paged out while ${pins} pin(s) and ${targets} in-flight transfer(s) need it`,
            { vm: vmName(k, v), page, pins, targets },
          )
        );
      }
    }
  }
  return true;
};

/** 7.9: offline storage has no in-flight transfers and keeps no live data. */
const offlineStorageIsQuiet: Check = (k, s, why) => {
  const L = k.L;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const online = s[b + VM_ONLINE]!;
    ensureTargets(k, s);
    const n = targetsEnd(k, s, v, true, true);
    for (let page = online; page < n; page++) {
      if (targetCount(L, v, page, true, true) > 0) {
        return (
          why !== null &&
          said(why, `${vmName(k, v)} page ${page} is offline but an in-flight channel program targets it`, {
            vm: vmName(k, v),
            page,
            online,
          })
        );
      }
    }
    const size = s[b + VM_SIZE]!;
    const fixed = s[b + VM_FIXED] === 1;
    for (let page = online; page < size; page++) {
      if (s[b + L.paging + page] !== 0 || (!fixed && pteOf(L, s, b, page) >= 0)) {
        return (
          why !== null &&
          said(why, `${vmName(k, v)} page ${page} is offline but still holds live data`, {
            vm: vmName(k, v),
            page,
            online,
          })
        );
      }
    }
  }
  return true;
};

/** 7.10: after an event, sizes and CPUs equal the table; a dedicated CPU runs only its VM; every VM keeps a CPU. */
const cpusAndSizesFollowTable: Check = (k, s, why) => {
  const L = k.L;
  const V = k.vmCount;
  for (let v = 0; v < V; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const assignment = L.cpuTable[s[b + VM_CPUS]!]!;
    if (assignment.cpus.length === 0)
      return why !== null && said(why, `${vmName(k, v)} has no CPU`, { vm: vmName(k, v) });
    if (assignment.mode !== 'dedicated') continue;
    for (const c of assignment.cpus) {
      for (let w = 0; w < V; w++) {
        const bw = vmBase(L, w);
        if (w !== v && s[bw + VM_ALIVE] === 1 && (L.cpuMasks[s[bw + VM_CPUS]!]! & (1 << c)) !== 0) {
          return (
            why !== null &&
            said(why, `CPU ${c} is dedicated to ${vmName(k, v)} but also assigned to ${vmName(k, w)}`, {
              cpu: c,
              vm: vmName(k, v),
              other: vmName(k, w),
            })
          );
        }
      }
      if (c < k.cpuCount) {
        const runner = s[L.running + c]!;
        if (runner >= 0 && runner !== v) {
          return (
            why !== null &&
            said(why, `dedicated CPU ${c} of ${vmName(k, v)} runs ${vmName(k, runner)}`, {
              cpu: c,
              vm: vmName(k, v),
              running: vmName(k, runner),
            })
          );
        }
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
      const size = s[b + VM_SIZE]!;
      const online = s[b + VM_ONLINE]!;
      const origin = s[b + VM_ORIGIN]!;
      if (size !== want || online !== want || origin !== k.afterOrigin[x]) {
        return (
          why !== null &&
          said(
            why,
            `${vmName(k, v)} has ${online}/${size} pages at frame ${origin} after the event; the table says ${want} at frame ${k.afterOrigin[x]}`,
            { vm: vmName(k, v), size, online, origin, tableSize: want, tableOrigin: k.afterOrigin[x]! },
          )
        );
      }
      if (L.cpuSortedIds[s[b + VM_CPUS]!] !== L.cpuSortedIds[k.afterCpus[x]!]) {
        if (why === null) return false;
        const has = L.cpuTable[s[b + VM_CPUS]!]!;
        const table = L.cpuTable[k.afterCpus[x]!]!;
        return said(
          why,
          `${vmName(k, v)} runs ${has.mode} on CPUs ${has.cpus.join(',')}; the table says ${table.mode} on ${table.cpus.join(',')}`,
          {
            vm: vmName(k, v),
            mode: has.mode,
            cpus: has.cpus.join(','),
            tableMode: table.mode,
            tableCpus: table.cpus.join(','),
          },
        );
      }
    }
  }
  return true;
};

/** 7.12: a page's pin count equals the number of in-flight host-program transfers that target it. */
const pinsAreExact: Check = (k, s, why) => {
  const L = k.L;
  for (let v = 0; v < k.vmCount; v++) {
    const b = vmBase(L, v);
    if (s[b + VM_ALIVE] === 0) continue;
    const size = s[b + VM_SIZE]!;
    ensureTargets(k, s);
    const n = targetsEnd(k, s, v, true, false);
    for (let page = 0; page < n; page++) {
      const pins = page < size ? s[b + L.pins + page]! : 0;
      const want = targetCount(L, v, page, true, false);
      if (pins !== want) {
        return (
          why !== null &&
          said(
            why,
            `${vmName(k, v)} page ${page} has ${pins} pin(s) but ${want} in-flight host transfer(s) target it`,
            { vm: vmName(k, v), page, pins, targets: want },
          )
        );
      }
    }
  }
  return true;
};

/**
 * 7.13: one reconfiguration at a time: requests and events that arrive meanwhile wait; nothing runs
 * half-way outside it. Counts what actually runs, slot by slot: the resize, the current
 * relocation or conversion unless it is the resize's own (7020), and a relocation held while a
 * newer one runs; more than one is a violation.
 */
const oneReconfigurationAtATime: Check = (k, s, why) => {
  const L = k.L;
  const resize = s[G_RC] === RC_RESIZE;
  const current = s[G_RL] !== RL_NONE && s[G_RL_PURPOSE] !== P_RESIZE;
  const held = s[G_SV_VM]! >= 0 && s[G_SV_PURPOSE] !== P_RESIZE;
  if ((resize ? 1 : 0) + (current ? 1 : 0) + (held ? 1 : 0) > 1) {
    if (why === null) return false;
    const list: string[] = [];
    if (current) list.push(`${PURPOSES[s[G_RL_PURPOSE]!]} ${vmName(k, s[G_RL_VM]!)}`);
    if (held) list.push(`${PURPOSES[s[G_SV_PURPOSE]!]} ${vmName(k, s[G_SV_VM]!)}`);
    if (resize) list.push(`the resize for event ${s[G_RS_EVENT]}`);
    return said(why, `${list.join(' runs interleaved with ')} on the same storage`, {
      running: list.join('; '),
    });
  }
  if (s[G_RC] === RC_NONE && (s[G_RL] !== RL_NONE || s[G_SV_VM]! >= 0))
    return why !== null && said(why, 'a relocation runs while the VMM has no reconfiguration under way', {});
  let running = 0;
  const E = k.eventCount;
  for (let e = 0; e < E; e++) if (s[L.events + e] === E_RUNNING) running++;
  if (running > (resize ? 1 : 0)) {
    if (why === null) return false;
    const list: number[] = [];
    for (let e = 0; e < E; e++) if (s[L.events + e] === E_RUNNING) list.push(e);
    return said(why, `events ${list.join(', ')} run outside the current reconfiguration`, {});
  }
  const event = s[G_RS_EVENT]!;
  if (resize && s[L.events + event] !== E_RUNNING)
    return (
      why !== null &&
      said(why, `a resize runs for event ${event}, which is ${EVENT_STATUSES[s[L.events + event]!]}`, {})
    );
  if (s[G_SUSPENDED] === 1 && s[G_RL] !== RL_PRIOR)
    return why !== null && said(why, 'channel access is suspended outside a relocation', {});
  const asking = resize && s[G_RS_STEP] === RS_SHRINK && s[G_RS_ASKED] === 1;
  if (!asking) {
    for (let v = 0; v < k.vmCount; v++) {
      if (s[vmBase(L, v) + VM_SHRINK]! >= 0) {
        if (why === null) return false;
        const names: string[] = [];
        for (let w = 0; w < k.vmCount; w++) if (s[vmBase(L, w) + VM_SHRINK]! >= 0) names.push(vmName(k, w));
        return said(why, `${names.join(', ')} is asked to shrink outside a resize`, {});
      }
    }
  }
  return true;
};

/** An `always` property of SPEC section 7: its check, and the incident kinds it stands for. */
interface Invariant {
  readonly name: string;
  readonly specRef: string;
  readonly description: string;
  readonly check: Check;
  /** Incident bits this invariant fails on (explained from the step that raised them). */
  readonly incidents: number;
}

/** Every `always` property of SPEC section 7, in report order. Item 11 (progress) is the explorers' deadlock check. */
export const INVARIANTS: readonly Invariant[] = [
  {
    name: 'noStaleWrite',
    specRef: '7.1',
    description: 'Every channel write lands in the frame mapping its page; reads return the last write.',
    check: incidentFree(I_STALE_WRITE | I_STALE_READ),
    incidents: I_STALE_WRITE | I_STALE_READ,
  },
  {
    name: 'pageFixedAreaIsContiguous',
    specRef: '7.2',
    description: "A page-fixed VM's frames are exactly origin..end, inside storage, its own.",
    check: pageFixedAreaIsContiguous,
    incidents: 0,
  },
  {
    name: 'noChannelTouchesMovedPage',
    specRef: '7.3',
    description: 'No page moves while a transfer targets it; no channel touches a released or foreign frame.',
    check: noChannelTouchesMovedPage,
    incidents: I_MOVED_TARGETED | I_STRAY_ACCESS,
  },
  {
    name: 'framesAreIsolated',
    specRef: '7.4',
    description: 'No frame holds live pages of two VMs, or two pages of one VM.',
    check: framesAreIsolated,
    incidents: I_OVERWROTE_LIVE,
  },
  {
    name: 'contentIsPreserved',
    specRef: '7.5',
    description: 'Relocation, paging and resize never change what a guest sees.',
    check: contentIsPreserved,
    incidents: 0,
  },
  {
    name: 'accessesStayInBounds',
    specRef: '7.6',
    description: 'An access past end or to offline storage gets an addressing exception.',
    check: incidentFree(I_BOUNDS_BREACH),
    incidents: I_BOUNDS_BREACH,
  },
  {
    name: 'modeIsConsistent',
    specRef: '7.7',
    description: 'Bit 431 = 1 only with bit 432 = 1 and no relocation under way.',
    check: modeIsConsistent,
    incidents: 0,
  },
  {
    name: 'pinnedPagesStayResident',
    specRef: '7.8',
    description: 'Pinned pages are never paged out; paged-out pages are never channel targets.',
    check: pinnedPagesStayResident,
    incidents: 0,
  },
  {
    name: 'offlineStorageIsQuiet',
    specRef: '7.9',
    description: 'Offline storage has no in-flight transfers and no live data.',
    check: offlineStorageIsQuiet,
    incidents: 0,
  },
  {
    name: 'cpusAndSizesFollowTable',
    specRef: '7.10',
    description: 'After an event sizes and CPUs equal the table; dedicated CPUs run only their VM.',
    check: cpusAndSizesFollowTable,
    incidents: 0,
  },
  {
    name: 'pinsAreExact',
    specRef: '7.12',
    description: 'Pin counts equal the in-flight host transfers that target each page.',
    check: pinsAreExact,
    incidents: 0,
  },
  {
    name: 'oneReconfigurationAtATime',
    specRef: '7.13',
    description: 'Events wait for the reconfiguration under way; nothing runs interleaved with it.',
    check: oneReconfigurationAtATime,
    incidents: 0,
  },
  {
    name: 'noFrameLeaked',
    specRef: '7.4',
    description:
      "Every frame is free, the VMM's without guest data, or holds live pages: none is left behind.",
    check: noFrameLeaked,
    incidents: 0,
  },
];

/** An intercepted (host) program of VM `v` is in flight. */
function hostProgramInFlight(k: LeanKit, s: Int32Array, v: number): boolean {
  for (let i = 0; i < k.ioCount; i++) {
    if (k.ioVm[i] !== v) continue;
    const b = ioBase(k.L, i);
    const st = s[b + IO_STATUS];
    if ((st === S_RUNNING || st === S_TRANSLATED) && s[b + IO_MODE] === M_HOST) return true;
  }
  return false;
}

/** A `sometimes` property: where it applies, and the states that witness it. */
interface Witness {
  readonly name: string;
  readonly description: string;
  readonly applies: (k: LeanKit) => boolean;
  readonly holds: (k: LeanKit, s: Int32Array) => boolean;
}

const relocates = (k: LeanKit) =>
  k.ctx.requests.some((r) => r.kind === 'relocate' || r.kind === 'toPageFixed') || k.ctx.events.length > 0;

/**
 * The `sometimes` properties: states a faithful model must reach, so a model that never reaches
 * them (a bound too tight, a guard too strong) fails loudly instead of passing vacuously. None
 * applies to the prior art.
 */
export const WITNESSES: readonly Witness[] = [
  {
    name: 'relocationCompletesWithTransferInFlight',
    description: 'A relocation completes while a channel transfer is in flight.',
    // Without guest I/O no transfer can be in flight: the property does not apply.
    applies: (k) => relocates(k) && k.ioCount > 0,
    holds: (k, s) => {
      if (!hasActiveRelocation(s) || s[G_RL_DEST]! < 0 || s[G_RL_STEP] !== ST_DISPATCH) return false;
      for (let c = 0; c < k.channelCount; c++) if (s[k.L.channels + c]! >= 0) return true;
      return false;
    },
  },
  {
    name: 'interceptedStartMidRelocation',
    description: 'A simulated (intercepted) start-I/O runs while its VM is being relocated.',
    applies: (k) =>
      k.ctx.io.some((io) => k.ctx.requests.some((r) => r.vm === io.vm && r.kind !== 'terminate')),
    holds: (k, s) => {
      if (!hasActiveRelocation(s)) return false;
      const step = s[G_RL_STEP];
      return step !== ST_CLEAR_DIRECT && step !== ST_BUILD_SPACE && hostProgramInFlight(k, s, s[G_RL_VM]!);
    },
  },
  {
    name: 'resizeCompletes',
    description: 'A resize on an event completes and matches its table.',
    applies: (k) => k.eventCount > 0,
    holds: (_k, s) => s[G_SETTLED]! >= 0,
  },
  {
    name: 'pageableWithSmallerFootprint',
    description: 'A VM runs pageable with pages on the paging device.',
    applies: (k) => k.ctx.requests.some((r) => r.kind === 'toPageable'),
    holds: (k, s) => {
      const L = k.L;
      for (let v = 0; v < k.vmCount; v++) {
        const b = vmBase(L, v);
        if (s[b + VM_ALIVE] === 0 || s[b + VM_FIXED] === 1) continue;
        const size = s[b + VM_SIZE]!;
        for (let page = 0; page < size; page++) if (s[b + L.paging + page] !== 0) return true;
      }
      return false;
    },
  },
];

/** A property of the VMM model over packed states, with the incident kinds it stands for. */
export interface VmmProperty extends Property<Int32Array> {
  /** Incident bits an `always` property fails on (0 for the others). */
  readonly incidents: number;
}

/** Every property of `k`'s scenario and variant: the invariants, then the `sometimes` properties that apply. */
export function vmmProperties(k: LeanKit): VmmProperty[] {
  const always = INVARIANTS.map(
    (p): VmmProperty => ({
      name: p.name,
      kind: 'always',
      specRef: p.specRef,
      description: p.description,
      incidents: p.incidents,
      sameAfter: sameAfter(p.name),
      check: (s) => {
        if (p.check(k, s, null)) return undefined;
        const why: Why = { message: `${p.name} is violated`, details: {} };
        p.check(k, s, why);
        return { invariant: p.name, message: why.message, details: why.details };
      },
    }),
  );
  const sometimes = k.ctx.behaviour.priorArt
    ? []
    : WITNESSES.filter((w) => w.applies(k)).map(
        (w): VmmProperty => ({
          name: w.name,
          kind: 'sometimes',
          description: w.description,
          incidents: 0,
          sameAfter: sameAfter(w.name),
          check: (s) =>
            w.holds(k, s) ? { invariant: w.name, message: w.description, details: {} } : undefined,
        }),
      );
  return [...always, ...sometimes];
}

/**
 * Per numeric action kind (the lean model's `stepClass`), 1 where the kind writes none of the fields
 * property `name` reads (visibility.ts `PROPERTY_FIELD_READS`); undefined for a property without
 * declared reads, which is then checked on every state.
 */
function sameAfter(name: string): Uint8Array | undefined {
  if (SAME_AFTER.has(name)) return SAME_AFTER.get(name);
  const reads = PROPERTY_FIELD_READS[name];
  const mask =
    reads === undefined
      ? undefined
      : Uint8Array.from(ACTION_KINDS, (kind) =>
          ACTION_TABLE[kind].writes.some((field) => reads.includes(field)) ? 0 : 1,
        );
  SAME_AFTER.set(name, mask);
  return mask;
}

/** `sameAfter` per property name: it depends on the table and the declared reads only (read-only). */
const SAME_AFTER = new Map<string, Uint8Array | undefined>();

/**
 * The violation of incident invariant `invariant` (raising some of `bits`), explained from the step
 * that raised it: action `code` taken in state `before`. Report time only.
 */
export function explainIncidents(
  k: LeanKit,
  invariant: string,
  bits: number,
  before: Int32Array,
  code: number,
): Violation | undefined {
  const fact = incidentFacts(k, before, code).find((f) => (f.bit & bits) !== 0);
  if (!fact) return undefined;
  const { message, details } = incidentMessage(k, before, fact);
  return { invariant, message, details: { incident: K.INCIDENT_KINDS[Math.log2(fact.bit)]!, ...details } };
}

/** The message of one incident, made of its facts and the state before the step that raised it. */
function incidentMessage(k: LeanKit, s: Int32Array, f: IncidentFact): Why {
  const L = k.L;
  const vm = vmName(k, f.vm);
  const b = vmBase(L, f.vm);
  const { page, frame, channel } = f;
  const expected = page < s[b + VM_SIZE]! ? s[b + L.expected + page]! : 0;
  const mapped = f.other < 0 ? null : f.other;
  const inStorage = frame >= 0 && frame < k.frameCount;
  const found = inStorage ? datumOf(k, s[L.frames + frame]!) : null;
  switch (f.bit) {
    case I_STALE_WRITE:
    case I_STALE_READ:
      if (channel >= 0 && frame !== f.other) {
        const op = f.bit === I_STALE_WRITE ? 'wrote' : 'read';
        return {
          message: `channel ${channel} ${op} ${vm} page ${page} at frame ${frame}, but the page is ${
            mapped === null ? 'not mapped' : `at frame ${mapped}`
          }`,
          details: { vm, page, frame, mappedFrame: mapped, channel },
        };
      }
      return channel >= 0
        ? {
            message: `channel ${channel} read ${found ?? 'nothing'} from ${vm} page ${page} (frame ${frame}), expected version ${expected}`,
            details: { vm, page, frame, found, channel },
          }
        : {
            message: `${vm} CPU read ${found ?? 'nothing'} from page ${page} (frame ${frame}), expected version ${expected}`,
            details: { vm, page, frame, found },
          };
    case I_STRAY_ACCESS: {
      const holder =
        frame < k.vmmFrames
          ? "the VMM's storage"
          : holdersOf(k, s, frame).length === 0
            ? 'a free frame'
            : holderNames(k, holdersOf(k, s, frame)).join(' and ');
      return {
        message: `channel ${channel} accessed frame ${frame} (${holder}) for ${vm} page ${page}`,
        details: { vm, page, frame, heldBy: holder, channel },
      };
    }
    case I_MOVED_TARGETED: {
      const prior = s[G_RL] === RL_PRIOR;
      return {
        message: prior
          ? `${vm} page ${page} was moved while a suspended host channel program targets it`
          : `${vm} page ${page} was moved while a channel transfer targets it`,
        details: { vm, page },
      };
    }
    case I_BOUNDS_BREACH: {
      return {
        message: `${vm} CPU ${k.ctx.access[f.other]!.op} of page ${page} reached frame ${frame}, past end ${s[b + VM_END]} (size ${s[b + VM_SIZE]})`,
        details: { vm, page, frame, end: s[b + VM_END]! },
      };
    }
    default: {
      // I_OVERWROTE_LIVE
      const holders = holdersOf(k, s, frame);
      return {
        message: `copying ${vm} page ${page} into frame ${frame} overwrote live ${holderNames(k, holders).join(', ')}`,
        details: {
          vm,
          page,
          frame,
          heldBy: holders.map((h) => `${vmName(k, h.vm)}.p${h.page}`).join(','),
        },
      };
    }
  }
}
