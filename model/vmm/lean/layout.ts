/**
 * The fixed per-scenario layout of a lean state: one `Int32Array` holding every field of a
 * `MachineState` at a fixed offset, sized for the largest each VM can become.
 *
 * Enumerations are small integers (tables below, in the readable model's declaration order); null
 * is -1 for numbers and 0 for data. A datum `VM-n.pP.vV` is the code `1 + vm + V * (page + MP * version)`.
 */
import type { CpuAssignment } from '../../../scenario/schema.ts';
import type { VmmContext } from '../context.ts';
import type {
  EventStatus,
  Incident,
  IoStatus,
  PriorArtStep,
  Relocation,
  RelocationStep,
  ResizeStep,
} from '../state.ts';

/** Global slots at fixed offsets. */
export const G_SUSPENDED = 0;
export const G_NEXT_REQUEST = 1;
export const G_SETTLED = 2;
/** Bitmask of incident kinds (bit i = `INCIDENT_KINDS[i]`). */
export const G_INCIDENTS = 3;
/** Reconfiguration kind: `RC_*`. */
export const G_RC = 4;
export const G_RS_EVENT = 5;
export const G_RS_STEP = 6;
export const G_RS_CURSOR = 7;
export const G_RS_ASKED = 8;
/** Kind of the (stand-alone or nested) relocation: `RL_NONE`, `RL_PATENT`, `RL_PRIOR`. */
export const G_RL = 9;
export const G_RL_PURPOSE = 10;
/** VM of the relocation, or of a `terminate` reconfiguration. */
export const G_RL_VM = 11;
export const G_RL_DEST = 12;
export const G_RL_RESIDENT = 13;
export const G_RL_SIZE = 14;
export const G_RL_STEP = 15;
export const G_TR_PAGE = 16;
export const G_TR_FROM = 17;
const GLOBALS = 18;

export const RC_NONE = 0;
export const RC_RELOCATION = 1;
export const RC_PRIOR = 2;
export const RC_RESIZE = 3;
export const RC_TERMINATE = 4;

export const RL_NONE = 0;
export const RL_PATENT = 1;
export const RL_PRIOR = 2;

/** Per-VM fields, at `vmBase(v) + VM_*`. */
export const VM_ALIVE = 0;
export const VM_DIRECT = 1;
export const VM_FIXED = 2;
export const VM_ORIGIN = 3;
export const VM_END = 4;
export const VM_HAS_ST = 5;
export const VM_SIZE = 6;
export const VM_ONLINE = 7;
export const VM_INTERRUPTS = 8;
export const VM_SHRINK = 9;
/** Index into the model's interned CPU assignments. */
export const VM_CPUS = 10;
const VM_FIELDS = 11;

/** Per-I/O fields, at `ioBase(i) + IO_*`; host frames follow. */
export const IO_STATUS = 0;
export const IO_MODE = 1;
export const IO_HAS_FRAMES = 2;
export const IO_DONE = 3;
export const IO_BEFORE = 4;
export const IO_FRAMES = 5;

export const IO_STATUSES: readonly IoStatus[] = [
  'idle',
  'requested',
  'translated',
  'running',
  'done',
  'failed',
];
export const S_IDLE = 0;
export const S_REQUESTED = 1;
export const S_TRANSLATED = 2;
export const S_RUNNING = 3;
export const S_DONE = 4;
export const S_FAILED = 5;
export const IO_MODES = [null, 'direct', 'host'] as const;
export const M_NONE = 0;
export const M_DIRECT = 1;
export const M_HOST = 2;

export const RELOCATION_STEPS: readonly RelocationStep[] = [
  'clearDirect',
  'buildSpace',
  'pageOut',
  'checkInflight',
  'movePages',
  'setOrigin',
  'setPageFixed',
  'setDirect',
  'dispatch',
];
export const ST_CLEAR_DIRECT = 0;
export const ST_BUILD_SPACE = 1;
export const ST_PAGE_OUT = 2;
export const ST_CHECK_INFLIGHT = 3;
export const ST_MOVE_PAGES = 4;
export const ST_SET_ORIGIN = 5;
export const ST_SET_PAGE_FIXED = 6;
export const ST_SET_DIRECT = 7;
export const ST_DISPATCH = 8;
export const PRIOR_STEPS: readonly PriorArtStep[] = ['suspend', 'copy', 'resume'];
export const PR_SUSPEND = 0;
export const PR_COPY = 1;
export const PR_RESUME = 2;
export const PURPOSES: readonly Relocation['purpose'][] = ['relocate', 'toPageable', 'toPageFixed', 'resize'];
export const P_RELOCATE = 0;
export const P_TO_PAGEABLE = 1;
export const P_TO_PAGE_FIXED = 2;
export const P_RESIZE = 3;
export const RESIZE_STEPS: readonly ResizeStep[] = ['shrink', 'relocate', 'grow', 'reassignCpus'];
export const RS_SHRINK = 0;
export const RS_RELOCATE = 1;
export const RS_GROW = 2;
export const RS_REASSIGN = 3;
export const EVENT_STATUSES: readonly EventStatus[] = ['waiting', 'pending', 'running', 'done'];
export const E_WAITING = 0;
export const E_PENDING = 1;
export const E_RUNNING = 2;
export const E_DONE = 3;
export const INCIDENT_KINDS: readonly Incident['kind'][] = [
  'staleWrite',
  'staleRead',
  'strayAccess',
  'movedTargetedPage',
  'boundsBreach',
  'overwroteLivePage',
];
export const I_STALE_WRITE = 1;
export const I_STALE_READ = 2;
export const I_STRAY_ACCESS = 4;
export const I_MOVED_TARGETED = 8;
export const I_BOUNDS_BREACH = 16;
export const I_OVERWROTE_LIVE = 32;

/**
 * Offsets and sizes of one scenario's lean states, plus the scratch buffers the lean functions
 * reuse (so the hot path allocates nothing but the successor array). Not shared across threads.
 */
export interface LeanLayout {
  readonly ctx: VmmContext;
  readonly vmCount: number;
  readonly frameCount: number;
  /** Page slots per VM: the largest size any VM can reach. */
  readonly maxPages: number;
  /** Page bound of data codes: pages above `maxPages` may be named by CPU accesses and transfers. */
  readonly dataPages: number;
  readonly maxTransfers: number;
  readonly frames: number;
  readonly vms: number;
  readonly vmStride: number;
  /** Offsets of the page arrays inside a VM block. */
  readonly pte: number;
  readonly pins: number;
  readonly expected: number;
  readonly paging: number;
  readonly channels: number;
  readonly io: number;
  readonly ioStride: number;
  readonly access: number;
  readonly running: number;
  readonly events: number;
  readonly length: number;
  /** Interned CPU assignments (grows when the `fault-dedicated-cpu-shared` union makes new ones). */
  readonly cpuTable: CpuAssignment[];
  /** Bitmask of CPUs of each interned assignment. */
  readonly cpuMasks: number[];
  /** Id of each assignment's sorted CPU list with its mode, for comparing with tables. */
  readonly cpuSortedIds: number[];
  readonly cpuKeys: Map<string, number>;
  readonly cpuSortedKeys: Map<string, number>;
  /** Scratch: holders per frame (count, VM bitmask, distinct pairs capped at 2, first pair). */
  readonly hCount: Int32Array;
  readonly hMask: Int32Array;
  readonly hDistinct: Int32Array;
  readonly hFirstVm: Int32Array;
  readonly hFirstPage: Int32Array;
  /** Scratch: per-page target counts (`dataPages` slots) and how far they reach. */
  readonly targets: Int32Array;
  /** Scratch: page contents during a copy. */
  readonly contents: Int32Array;
  /** The state the holder buffers describe (states are values: never mutated once built). */
  holdersOf: Int32Array | null;
  /** Per-VM target counts of host and of direct programs (`v * dataPages + page`), and of which state. */
  readonly hostTargets: Int32Array;
  readonly directTargets: Int32Array;
  /** Per VM: one past the highest page targeted by a host / direct program, 0 when none. */
  readonly hostReach: Int32Array;
  readonly directReach: Int32Array;
  targetsOf: Int32Array | null;
}

/** Build the layout of `ctx`'s scenario. */
export function createLayout(ctx: VmmContext): LeanLayout {
  const s = ctx.scenario;
  const vmCount = s.vms.length;
  let maxPages = 1;
  for (let v = 0; v < vmCount; v++) {
    maxPages = Math.max(maxPages, s.vms[v]!.size);
    for (const e of ctx.events) maxPages = Math.max(maxPages, e.after[v]!.size);
  }
  let dataPages = maxPages;
  let maxTransfers = 0;
  for (const a of ctx.access) dataPages = Math.max(dataPages, a.page + 1);
  for (const io of ctx.io) {
    maxTransfers = Math.max(maxTransfers, io.transfers.length);
    for (const t of io.transfers) dataPages = Math.max(dataPages, t.page + 1);
  }
  const frames = GLOBALS;
  const vms = frames + ctx.frameCount;
  const vmStride = VM_FIELDS + 4 * maxPages;
  const channels = vms + vmCount * vmStride;
  const io = channels + s.channels;
  const ioStride = IO_FRAMES + maxTransfers;
  const access = io + ctx.io.length * ioStride;
  const running = access + ctx.access.length;
  const events = running + s.cpus;
  const length = events + ctx.events.length;
  return {
    ctx,
    vmCount,
    frameCount: ctx.frameCount,
    maxPages,
    dataPages,
    maxTransfers,
    frames,
    vms,
    vmStride,
    pte: VM_FIELDS,
    pins: VM_FIELDS + maxPages,
    expected: VM_FIELDS + 2 * maxPages,
    paging: VM_FIELDS + 3 * maxPages,
    channels,
    io,
    ioStride,
    access,
    running,
    events,
    length,
    cpuTable: [],
    cpuMasks: [],
    cpuSortedIds: [],
    cpuKeys: new Map(),
    cpuSortedKeys: new Map(),
    hCount: new Int32Array(ctx.frameCount),
    hMask: new Int32Array(ctx.frameCount),
    hDistinct: new Int32Array(ctx.frameCount),
    hFirstVm: new Int32Array(ctx.frameCount),
    hFirstPage: new Int32Array(ctx.frameCount),
    targets: new Int32Array(dataPages),
    contents: new Int32Array(maxPages),
    holdersOf: null,
    hostTargets: new Int32Array(vmCount * dataPages),
    directTargets: new Int32Array(vmCount * dataPages),
    hostReach: new Int32Array(vmCount),
    directReach: new Int32Array(vmCount),
    targetsOf: null,
  };
}

/** Offset of VM `v`'s block. */
export function vmBase(L: LeanLayout, v: number): number {
  return L.vms + v * L.vmStride;
}

/** Offset of I/O entry `i`'s block. */
export function ioBase(L: LeanLayout, i: number): number {
  return L.io + i * L.ioStride;
}

/** Code of datum `vm.pPAGE.vVERSION` (never 0, which stands for no data). */
export function dataCode(L: LeanLayout, vm: number, page: number, version: number): number {
  return 1 + vm + L.vmCount * (page + L.dataPages * version);
}

/** The id of a CPU assignment, interning it on first sight. */
export function internCpus(L: LeanLayout, cpus: CpuAssignment): number {
  const key = `${cpus.mode}:${cpus.cpus.join(',')}`;
  const known = L.cpuKeys.get(key);
  if (known !== undefined) return known;
  const id = L.cpuTable.length;
  L.cpuTable.push({ mode: cpus.mode, cpus: [...cpus.cpus] });
  let mask = 0;
  for (const c of cpus.cpus) mask |= 1 << c;
  L.cpuMasks.push(mask);
  const sortedKey = `${cpus.mode}:${[...cpus.cpus].sort().join(',')}`;
  let sortedId = L.cpuSortedKeys.get(sortedKey);
  if (sortedId === undefined) {
    sortedId = L.cpuSortedKeys.size;
    L.cpuSortedKeys.set(sortedKey, sortedId);
  }
  L.cpuSortedIds.push(sortedId);
  L.cpuKeys.set(key, id);
  return id;
}
