/**
 * The fixed per-scenario layout of a lean state: one `Int32Array` holding every field of a
 * `MachineState` at an offset derived from the declarative description below, sized for the
 * largest each VM can become.
 *
 * Enumerations are small integers (tables below, in the declaration order of the JSON view's types, state.ts); null
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

/**
 * The declarative description of a lean state. Every offset below is derived from these lists (a
 * field's offset is its position in its list), so adding a field is one line here plus its reads
 * and writes; nothing is numbered by hand. `DESCRIPTION` names the blocks and arrays, each sized
 * from the scenario by `createLayout`; `fieldAt` names the field of any word (for diffs, the
 * read/write declarations of the action table, and error messages).
 */
export const GLOBAL_FIELDS = [
  'suspended', // channel access suspended by the prior art (bool)
  'nextRequest', // next scenario request not yet begun (int)
  'settled', // event whose resize completed most recently (optional int, -1 for none)
  'incidents', // bitmask of incident kinds (bit i = `INCIDENT_KINDS[i]`)
  'rc', // reconfiguration kind: `RC_KINDS`
  'rsEvent', // resize: its event (optional int)
  'rsStep', // resize: `RESIZE_STEPS`
  'rsCursor', // resize: the VM being asked (int)
  'rsAsked', // resize: asked and waiting for the guest (bool)
  'rl', // kind of the stand-alone or nested relocation: `RL_KINDS`
  'rlPurpose', // `PURPOSES`
  'rlVm', // VM of the relocation, or of a `terminate` reconfiguration (optional int)
  'rlDest', // destination origin (optional int)
  'rlResident', // footprint to page out to (optional int)
  'rlSize', // guest size after the procedure (int)
  'rlStep', // `RELOCATION_STEPS` or `PRIOR_STEPS`
  'trPage', // page in transit: copied, PT entry not yet switched (optional int)
  'trFrom', // its old frame (optional int)
  'arrived', // the next request arrived while a reconfiguration ran, and waits for it (bool; 7.13)
  // A second relocation held while a newer one runs (only under `fault-interleaved-reconfiguration`,
  // 7.13): the `rl*` fields of the older one, resumed when the newer ends. `svVm` -1: none.
  'svPurpose', // `PURPOSES`
  'svVm', // VM (optional int)
  'svDest', // destination origin (optional int)
  'svResident', // footprint to page out to (optional int)
  'svSize', // guest size after the procedure (int)
  'svStep', // `RELOCATION_STEPS`
] as const;

/** Scalar fields of each VM block; the per-page arrays `VM_PAGE_ARRAYS` follow them. */
export const VM_SCALAR_FIELDS = [
  'alive', // bool
  'direct', // bit 431 (bool)
  'fixed', // bit 432 (bool)
  'origin', // [433] (int)
  'end', // [434] (int)
  'hasSt', // host segment table present (bool)
  'size', // guest pages (int)
  'online', // pages 0..online-1 online (int)
  'interrupts', // program interrupts delivered (int)
  'shrink', // pages the guest has been asked to keep (optional int)
  'cpus', // index into the layout's interned CPU assignments
  'limit', // resident limit a conversion to pageable left ([0030]; optional int)
] as const;

/** Per-page arrays of each VM block, `maxPages` slots each. */
export const VM_PAGE_ARRAYS = [
  'pte', // page-table entry: frame, or -1 (invalid)
  'pins', // pin count
  'expected', // ghost: version the guest should read
  'paging', // paging slot: data code, 0 for none
] as const;

/** Scalar fields of each I/O block; `hostFrames` (`maxTransfers` slots) follows them. */
export const IO_SCALAR_FIELDS = [
  'status', // `IO_STATUSES`
  'mode', // `IO_MODES`
  'hasFrames', // host frames present (bool)
  'done', // transfers done (int)
  'before', // started directly before step 5000 (bool)
] as const;

/** The top-level parts of a lean state, in order, each sized from the scenario. */
export const DESCRIPTION = [
  'globals', // GLOBAL_FIELDS
  'frames', // frameCount data codes
  'vms', // vmCount blocks: VM_SCALAR_FIELDS then VM_PAGE_ARRAYS x maxPages
  'channels', // channel count: running I/O entry, or -1
  'io', // io count blocks: IO_SCALAR_FIELDS then hostFrames x maxTransfers
  'access', // cpu accesses done (bool each)
  'running', // CPU count: running VM, or -1
  'events', // event count: `EVENT_STATUSES`
] as const;

/** A global field name. */
export type GlobalField = (typeof GLOBAL_FIELDS)[number];
/** A field of a VM block. */
export type VmField = (typeof VM_SCALAR_FIELDS)[number] | (typeof VM_PAGE_ARRAYS)[number];
/** A field of an I/O block. */
export type IoField = (typeof IO_SCALAR_FIELDS)[number] | 'hostFrames';
/** A layout field as the action table's reads/writes name it: `vm.pins`, `io.done`, `frames`, `nextRequest`. */
export type LayoutField =
  | GlobalField
  | `vm.${VmField}`
  | `io.${IoField}`
  | 'frames'
  | 'channels'
  | 'access'
  | 'running'
  | 'events';

/** The parts of a scenario a state's blocks are indexed by, and its words may name. */
export type Part = 'vm' | 'frame' | 'channel' | 'io' | 'access' | 'cpu' | 'event' | 'request';

/** Which part indexes each block of `DESCRIPTION` (block `i` of `io` is I/O entry `i`); none for the globals. */
export const PART_OF_BLOCK: Readonly<Record<(typeof DESCRIPTION)[number], Part | null>> = {
  globals: null,
  frames: 'frame',
  vms: 'vm',
  channels: 'channel',
  io: 'io',
  access: 'access',
  running: 'cpu',
  events: 'event',
};

/**
 * What the words of a field hold, where it is more than a number: the index of a part (-1 for
 * none), a data code (which names a VM, see `dataCode`), or an interned CPU assignment (which names
 * CPUs). A permutation of a part moves the blocks it indexes and renames every word that names it
 * (symmetry reduction, lean/symmetry.ts); a field missing here would be moved but not renamed.
 */
export const FIELD_HOLDS: Readonly<Partial<Record<LayoutField, Part | 'data' | 'cpuAssignment'>>> = {
  nextRequest: 'request',
  settled: 'event',
  rsEvent: 'event',
  rsCursor: 'vm',
  rlVm: 'vm',
  rlDest: 'frame',
  svVm: 'vm',
  svDest: 'frame',
  trFrom: 'frame',
  frames: 'data',
  'vm.origin': 'frame',
  'vm.end': 'frame',
  'vm.cpus': 'cpuAssignment',
  'vm.pte': 'frame',
  'vm.paging': 'data',
  channels: 'io',
  'io.hostFrames': 'frame',
  running: 'vm',
};

function offsetOf<T extends string>(list: readonly T[], name: T): number {
  return list.indexOf(name);
}

/** Global slots, at their position in `GLOBAL_FIELDS`. */
export const G_SUSPENDED = offsetOf(GLOBAL_FIELDS, 'suspended');
export const G_NEXT_REQUEST = offsetOf(GLOBAL_FIELDS, 'nextRequest');
export const G_SETTLED = offsetOf(GLOBAL_FIELDS, 'settled');
/** Bitmask of incident kinds (bit i = `INCIDENT_KINDS[i]`). */
export const G_INCIDENTS = offsetOf(GLOBAL_FIELDS, 'incidents');
/** Reconfiguration kind: `RC_*`. */
export const G_RC = offsetOf(GLOBAL_FIELDS, 'rc');
export const G_RS_EVENT = offsetOf(GLOBAL_FIELDS, 'rsEvent');
export const G_RS_STEP = offsetOf(GLOBAL_FIELDS, 'rsStep');
export const G_RS_CURSOR = offsetOf(GLOBAL_FIELDS, 'rsCursor');
export const G_RS_ASKED = offsetOf(GLOBAL_FIELDS, 'rsAsked');
/** Kind of the (stand-alone or nested) relocation: `RL_NONE`, `RL_PATENT`, `RL_PRIOR`. */
export const G_RL = offsetOf(GLOBAL_FIELDS, 'rl');
export const G_RL_PURPOSE = offsetOf(GLOBAL_FIELDS, 'rlPurpose');
/** VM of the relocation, or of a `terminate` reconfiguration. */
export const G_RL_VM = offsetOf(GLOBAL_FIELDS, 'rlVm');
export const G_RL_DEST = offsetOf(GLOBAL_FIELDS, 'rlDest');
export const G_RL_RESIDENT = offsetOf(GLOBAL_FIELDS, 'rlResident');
export const G_RL_SIZE = offsetOf(GLOBAL_FIELDS, 'rlSize');
export const G_RL_STEP = offsetOf(GLOBAL_FIELDS, 'rlStep');
export const G_TR_PAGE = offsetOf(GLOBAL_FIELDS, 'trPage');
export const G_TR_FROM = offsetOf(GLOBAL_FIELDS, 'trFrom');
/** The next request arrived during a reconfiguration and waits (7.13). */
export const G_ARRIVED = offsetOf(GLOBAL_FIELDS, 'arrived');
/** The held (older) relocation of `fault-interleaved-reconfiguration`: `svVm` -1 when none. */
export const G_SV_PURPOSE = offsetOf(GLOBAL_FIELDS, 'svPurpose');
export const G_SV_VM = offsetOf(GLOBAL_FIELDS, 'svVm');
export const G_SV_DEST = offsetOf(GLOBAL_FIELDS, 'svDest');
export const G_SV_RESIDENT = offsetOf(GLOBAL_FIELDS, 'svResident');
export const G_SV_SIZE = offsetOf(GLOBAL_FIELDS, 'svSize');
export const G_SV_STEP = offsetOf(GLOBAL_FIELDS, 'svStep');

/** Reconfiguration kinds (`rc`): none, a patent relocation, a prior-art one, a resize, a termination. */
export const RC_KINDS = ['none', 'relocation', 'priorArt', 'resize', 'terminate'] as const;
export const RC_NONE = offsetOf(RC_KINDS, 'none');
export const RC_RELOCATION = offsetOf(RC_KINDS, 'relocation');
export const RC_PRIOR = offsetOf(RC_KINDS, 'priorArt');
export const RC_RESIZE = offsetOf(RC_KINDS, 'resize');
export const RC_TERMINATE = offsetOf(RC_KINDS, 'terminate');

/** Relocation kinds (`rl`). */
export const RL_KINDS = ['none', 'relocation', 'priorArt'] as const;
export const RL_NONE = offsetOf(RL_KINDS, 'none');
export const RL_PATENT = offsetOf(RL_KINDS, 'relocation');
export const RL_PRIOR = offsetOf(RL_KINDS, 'priorArt');

/** Per-VM fields, at `vmBase(v) + VM_*`. */
export const VM_ALIVE = offsetOf(VM_SCALAR_FIELDS, 'alive');
export const VM_DIRECT = offsetOf(VM_SCALAR_FIELDS, 'direct');
export const VM_FIXED = offsetOf(VM_SCALAR_FIELDS, 'fixed');
export const VM_ORIGIN = offsetOf(VM_SCALAR_FIELDS, 'origin');
export const VM_END = offsetOf(VM_SCALAR_FIELDS, 'end');
export const VM_HAS_ST = offsetOf(VM_SCALAR_FIELDS, 'hasSt');
export const VM_SIZE = offsetOf(VM_SCALAR_FIELDS, 'size');
export const VM_ONLINE = offsetOf(VM_SCALAR_FIELDS, 'online');
export const VM_INTERRUPTS = offsetOf(VM_SCALAR_FIELDS, 'interrupts');
export const VM_SHRINK = offsetOf(VM_SCALAR_FIELDS, 'shrink');
/** Index into the model's interned CPU assignments. */
export const VM_CPUS = offsetOf(VM_SCALAR_FIELDS, 'cpus');
/** Resident limit of a VM converted to pageable, or -1. */
export const VM_LIMIT = offsetOf(VM_SCALAR_FIELDS, 'limit');

/** Per-I/O fields, at `ioBase(i) + IO_*`; host frames follow. */
export const IO_STATUS = offsetOf(IO_SCALAR_FIELDS, 'status');
export const IO_MODE = offsetOf(IO_SCALAR_FIELDS, 'mode');
export const IO_HAS_FRAMES = offsetOf(IO_SCALAR_FIELDS, 'hasFrames');
export const IO_DONE = offsetOf(IO_SCALAR_FIELDS, 'done');
export const IO_BEFORE = offsetOf(IO_SCALAR_FIELDS, 'before');
export const IO_FRAMES = IO_SCALAR_FIELDS.length;

export const IO_STATUSES: readonly IoStatus[] = [
  'idle',
  'requested',
  'translated',
  'running',
  'done',
  'failed',
  'refused',
];
export const S_IDLE = IO_STATUSES.indexOf('idle');
export const S_REQUESTED = IO_STATUSES.indexOf('requested');
export const S_TRANSLATED = IO_STATUSES.indexOf('translated');
export const S_RUNNING = IO_STATUSES.indexOf('running');
export const S_DONE = IO_STATUSES.indexOf('done');
export const S_FAILED = IO_STATUSES.indexOf('failed');
export const S_REFUSED = IO_STATUSES.indexOf('refused');
export const IO_MODES = [null, 'direct', 'host'] as const;
export const M_NONE = IO_MODES.indexOf(null);
export const M_DIRECT = IO_MODES.indexOf('direct');
export const M_HOST = IO_MODES.indexOf('host');

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
export const ST_CLEAR_DIRECT = RELOCATION_STEPS.indexOf('clearDirect');
export const ST_BUILD_SPACE = RELOCATION_STEPS.indexOf('buildSpace');
export const ST_PAGE_OUT = RELOCATION_STEPS.indexOf('pageOut');
export const ST_CHECK_INFLIGHT = RELOCATION_STEPS.indexOf('checkInflight');
export const ST_MOVE_PAGES = RELOCATION_STEPS.indexOf('movePages');
export const ST_SET_ORIGIN = RELOCATION_STEPS.indexOf('setOrigin');
export const ST_SET_PAGE_FIXED = RELOCATION_STEPS.indexOf('setPageFixed');
export const ST_SET_DIRECT = RELOCATION_STEPS.indexOf('setDirect');
export const ST_DISPATCH = RELOCATION_STEPS.indexOf('dispatch');
export const PRIOR_STEPS: readonly PriorArtStep[] = ['suspend', 'copy', 'resume'];
export const PR_SUSPEND = PRIOR_STEPS.indexOf('suspend');
export const PR_COPY = PRIOR_STEPS.indexOf('copy');
export const PR_RESUME = PRIOR_STEPS.indexOf('resume');
export const PURPOSES: readonly Relocation['purpose'][] = ['relocate', 'toPageable', 'toPageFixed', 'resize'];
export const P_RELOCATE = PURPOSES.indexOf('relocate');
export const P_TO_PAGEABLE = PURPOSES.indexOf('toPageable');
export const P_TO_PAGE_FIXED = PURPOSES.indexOf('toPageFixed');
export const P_RESIZE = PURPOSES.indexOf('resize');
export const RESIZE_STEPS: readonly ResizeStep[] = ['shrink', 'relocate', 'grow', 'reassignCpus'];
export const RS_SHRINK = RESIZE_STEPS.indexOf('shrink');
export const RS_RELOCATE = RESIZE_STEPS.indexOf('relocate');
export const RS_GROW = RESIZE_STEPS.indexOf('grow');
export const RS_REASSIGN = RESIZE_STEPS.indexOf('reassignCpus');
export const EVENT_STATUSES: readonly EventStatus[] = ['waiting', 'pending', 'running', 'done', 'refused'];
export const E_WAITING = EVENT_STATUSES.indexOf('waiting');
export const E_PENDING = EVENT_STATUSES.indexOf('pending');
export const E_RUNNING = EVENT_STATUSES.indexOf('running');
export const E_DONE = EVENT_STATUSES.indexOf('done');
export const E_REFUSED = EVENT_STATUSES.indexOf('refused');
export const INCIDENT_KINDS: readonly Incident['kind'][] = [
  'staleWrite',
  'staleRead',
  'strayAccess',
  'movedTargetedPage',
  'boundsBreach',
  'overwroteLivePage',
];
/** Incident bits of `G_INCIDENTS`: bit i is `INCIDENT_KINDS[i]`. */
export const I_STALE_WRITE = 1 << INCIDENT_KINDS.indexOf('staleWrite');
export const I_STALE_READ = 1 << INCIDENT_KINDS.indexOf('staleRead');
export const I_STRAY_ACCESS = 1 << INCIDENT_KINDS.indexOf('strayAccess');
export const I_MOVED_TARGETED = 1 << INCIDENT_KINDS.indexOf('movedTargetedPage');
export const I_BOUNDS_BREACH = 1 << INCIDENT_KINDS.indexOf('boundsBreach');
export const I_OVERWROTE_LIVE = 1 << INCIDENT_KINDS.indexOf('overwroteLivePage');

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
  /**
   * Scratch: holders per frame (count, VM bitmask, distinct pairs capped at 2, first pair), of
   * state `holdersOf`. Two sets of buffers take turns (`spareHolders`, lean/queries.ts): read them
   * through the layout after `computeHolders`, never keep one across it.
   */
  hCount: Int32Array;
  hMask: Int32Array;
  hDistinct: Int32Array;
  hFirstVm: Int32Array;
  hFirstPage: Int32Array;
  /** Scratch: per-page target counts (`dataPages` slots) and how far they reach. */
  readonly targets: Int32Array;
  /** Scratch: page contents during a copy. */
  readonly contents: Int32Array;
  /** Scratch: the VM holding each frame while `tableFits` simulates a resize's moves (-1 free). */
  readonly owners: Int32Array;
  /** The state the holder buffers describe (states are values: never mutated once built). */
  holdersOf: Int32Array | null;
  /** The other set of holder buffers: of the state asked about before `holdersOf`. */
  readonly spareHolders: HolderBuffers;
  /**
   * Per-VM target counts of host and of direct programs (`v * dataPages + page`), and of which
   * state; like the holders, two sets take turns (`spareTargets`).
   */
  hostTargets: Int32Array;
  directTargets: Int32Array;
  /** Per VM: one past the highest page targeted by a host / direct program, 0 when none. */
  hostReach: Int32Array;
  directReach: Int32Array;
  targetsOf: Int32Array | null;
  readonly spareTargets: TargetBuffers;
}

/** A set of holder buffers (`LeanLayout.hCount`...) and the state they describe. */
export interface HolderBuffers {
  of: Int32Array | null;
  hCount: Int32Array;
  hMask: Int32Array;
  hDistinct: Int32Array;
  hFirstVm: Int32Array;
  hFirstPage: Int32Array;
}

/** A set of target-count buffers (`LeanLayout.hostTargets`...) and the state they describe. */
export interface TargetBuffers {
  of: Int32Array | null;
  hostTargets: Int32Array;
  directTargets: Int32Array;
  hostReach: Int32Array;
  directReach: Int32Array;
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
  const vmStride = VM_SCALAR_FIELDS.length + VM_PAGE_ARRAYS.length * maxPages;
  const ioStride = IO_FRAMES + maxTransfers;
  // Each part's size, in `DESCRIPTION` order; offsets are the running sums.
  const sizes: Record<(typeof DESCRIPTION)[number], number> = {
    globals: GLOBAL_FIELDS.length,
    frames: ctx.frameCount,
    vms: vmCount * vmStride,
    channels: s.channels,
    io: ctx.io.length * ioStride,
    access: ctx.access.length,
    running: s.cpus,
    events: ctx.events.length,
  };
  const at = {} as Record<(typeof DESCRIPTION)[number], number>;
  let length = 0;
  for (const part of DESCRIPTION) {
    at[part] = length;
    length += sizes[part];
  }
  const { frames, vms, channels, io, access, running, events } = at;
  const pageArray = (name: (typeof VM_PAGE_ARRAYS)[number]) =>
    VM_SCALAR_FIELDS.length + VM_PAGE_ARRAYS.indexOf(name) * maxPages;
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
    pte: pageArray('pte'),
    pins: pageArray('pins'),
    expected: pageArray('expected'),
    paging: pageArray('paging'),
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
    ...holderBuffers(ctx.frameCount),
    targets: new Int32Array(dataPages),
    contents: new Int32Array(maxPages),
    owners: new Int32Array(ctx.frameCount),
    holdersOf: null,
    spareHolders: { of: null, ...holderBuffers(ctx.frameCount) },
    ...targetBuffers(vmCount, dataPages),
    targetsOf: null,
    spareTargets: { of: null, ...targetBuffers(vmCount, dataPages) },
  };
}

function holderBuffers(frames: number): Omit<HolderBuffers, 'of'> {
  return {
    hCount: new Int32Array(frames),
    hMask: new Int32Array(frames),
    hDistinct: new Int32Array(frames),
    hFirstVm: new Int32Array(frames),
    hFirstPage: new Int32Array(frames),
  };
}

function targetBuffers(vmCount: number, dataPages: number): Omit<TargetBuffers, 'of'> {
  return {
    hostTargets: new Int32Array(vmCount * dataPages),
    directTargets: new Int32Array(vmCount * dataPages),
    hostReach: new Int32Array(vmCount),
    directReach: new Int32Array(vmCount),
  };
}

/** Forget the holders and target counts cached for `s` (about to change: a scratch state), or for every state (null). */
export function forgetCached(L: LeanLayout, s: Int32Array | null): void {
  if (s === null || L.holdersOf === s) L.holdersOf = null;
  if (s === null || L.spareHolders.of === s) L.spareHolders.of = null;
  if (s === null || L.targetsOf === s) L.targetsOf = null;
  if (s === null || L.spareTargets.of === s) L.spareTargets.of = null;
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

/** Where a word of a lean state lies: its field (as `LayoutField`) and the block and slot indices. */
export interface FieldRef {
  readonly field: LayoutField;
  /** VM, I/O entry, frame, channel, access, CPU or event index; -1 for a global. */
  readonly index: number;
  /** Page or transfer slot of a per-page / per-transfer array; -1 otherwise. */
  readonly slot: number;
}

/** The field holding word `offset` of a state of layout `L` (derived from the description). */
export function fieldAt(L: LeanLayout, offset: number): FieldRef {
  if (offset < 0 || offset >= L.length) throw new RangeError(`offset ${offset} outside the layout`);
  if (offset < L.frames) return { field: GLOBAL_FIELDS[offset]!, index: -1, slot: -1 };
  if (offset < L.vms) return { field: 'frames', index: offset - L.frames, slot: -1 };
  if (offset < L.channels) {
    const index = Math.floor((offset - L.vms) / L.vmStride);
    const within = offset - L.vms - index * L.vmStride;
    if (within < VM_SCALAR_FIELDS.length)
      return { field: `vm.${VM_SCALAR_FIELDS[within]!}`, index, slot: -1 };
    const k = within - VM_SCALAR_FIELDS.length;
    const array = VM_PAGE_ARRAYS[Math.floor(k / L.maxPages)]!;
    return { field: `vm.${array}`, index, slot: k % L.maxPages };
  }
  if (offset < L.io) return { field: 'channels', index: offset - L.channels, slot: -1 };
  if (offset < L.access) {
    const index = Math.floor((offset - L.io) / L.ioStride);
    const within = offset - L.io - index * L.ioStride;
    if (within < IO_SCALAR_FIELDS.length)
      return { field: `io.${IO_SCALAR_FIELDS[within]!}`, index, slot: -1 };
    return { field: 'io.hostFrames', index, slot: within - IO_FRAMES };
  }
  if (offset < L.running) return { field: 'access', index: offset - L.access, slot: -1 };
  if (offset < L.events) return { field: 'running', index: offset - L.running, slot: -1 };
  return { field: 'events', index: offset - L.events, slot: -1 };
}

/** A readable name of word `offset`, e.g. `vm[1].pins[3]`, `io[0].done`, `frames[7]`, `nextRequest`. */
export function fieldName(L: LeanLayout, offset: number): string {
  const r = fieldAt(L, offset);
  if (r.index < 0) return r.field;
  const dot = r.field.indexOf('.');
  const name =
    dot < 0 ? `${r.field}[${r.index}]` : `${r.field.slice(0, dot)}[${r.index}].${r.field.slice(dot + 1)}`;
  return r.slot < 0 ? name : `${name}[${r.slot}]`;
}
