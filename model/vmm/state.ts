/**
 * The JSON view of a state of the machine of SPEC sections 1-6: plain, immutable, JSON-safe
 * records, decoded from the packed state (lean/codec.ts) for traces, ITF, reports, `replay` and
 * tests. The model itself runs on the packed state (lean/layout.ts).
 *
 * Storage contents are abstract data: each write makes a fresh version of a guest page, written as
 * a datum `VM-2.p1.v3` (VM-2, page 1, version 3). Ghost fields (`expected`, `incidents`) record
 * what the guest should see and what went wrong (incident kinds; their messages are made at report
 * time), so invariants are predicates on states.
 */
import type { CpuAssignment } from '../../scenario/schema.ts';

/** Content of a frame or paging slot: `VM-n.pP.vV`, or null for no live data. */
export type Datum = string;

/** Make the datum for version `version` of `page` of the VM named `vm`. */
export function datum(vm: string, page: number, version: number): Datum {
  return `${vm}.p${page}.v${version}`;
}

/** A VM: its control block [430] and its guest-visible ghost state. */
export interface VmState {
  readonly name: string;
  /** False once the VM has ended. */
  readonly alive: boolean;
  /** Direct-execution bit [431]. */
  readonly direct: boolean;
  /** Page-fixed bit [432]. */
  readonly pageFixed: boolean;
  /** Origin [433]: first frame of the page-fixed area. */
  readonly origin: number;
  /** End [434]: last frame of the page-fixed area (inclusive). */
  readonly end: number;
  /**
   * Host segment table [435] of a pageable VM: segments of page-table entries, each the frame
   * holding the page or null (invalid: paged out, offline, or being moved). Null when page-fixed.
   */
  readonly hostSt: readonly (readonly (number | null)[])[] | null;
  /** Guest main storage size in pages: guest absolute pages 0..size-1. */
  readonly size: number;
  /** Pages 0..online-1 are online; the high part online..size-1 is offline. */
  readonly online: number;
  /** Pin count of each page (host channel programs that touch it). */
  readonly pins: readonly number[];
  /** Ghost: the version of each page the guest should read. */
  readonly expected: readonly number[];
  /** Paging device slot of each page: the datum paged out there, or null. */
  readonly pagingStore: readonly (Datum | null)[];
  /** CPUs the VM may run on. */
  readonly cpus: CpuAssignment;
  /** Addressing exceptions (program interrupts) delivered to the guest. */
  readonly programInterrupts: number;
  /** Pages the guest has been asked to take offline (7000), or null. */
  readonly shrinkRequest: number | null;
  /**
   * Footprint a conversion to pageable left ([0030]): a page fault with this many pages resident
   * steals one of the VM's own frames even when frames are free; null: none (cleared when a
   * conversion back to page-fixed begins).
   */
  readonly residentLimit: number | null;
}

/** Progress of one guest I/O entry of the scenario. */
/** `refused`: the start named storage past `end` or offline, refused with an addressing exception (SPEC 3, 7.6). */
export type IoStatus = 'idle' | 'requested' | 'translated' | 'running' | 'done' | 'failed' | 'refused';

/** A guest I/O entry: its status and, once translated or started, how its pages are addressed. */
export interface IoState {
  readonly status: IoStatus;
  /** `direct`: the channel relocates with the VM's origin; `host`: a host channel program. */
  readonly mode: 'direct' | 'host' | null;
  /** Host program: the frame of each page transfer, fixed when the program was built. */
  readonly hostFrames: readonly number[] | null;
  /** Page transfers done so far. */
  readonly done: number;
  /** True when started before the running relocation's step 5000 (direct start). */
  readonly startedBeforeRelocation: boolean;
}

/** Steps of the relocation procedure (Fig. 5). */
export type RelocationStep =
  | 'clearDirect' // 5000
  | 'buildSpace' // 5010
  | 'pageOut' // 5020-5030
  | 'checkInflight' // 5035 -> 5040 or 5050
  | 'movePages' // 5050-5085
  | 'setOrigin' // 5090-5100
  | 'setPageFixed' // 5110
  | 'setDirect' // 5120
  | 'dispatch'; // 5130-5160

/** Steps of the prior art's relocation ([0005]). */
export type PriorArtStep = 'suspend' | 'copy' | 'resume';

/** The section-5 procedure (and its conversions) for one VM. */
export interface Relocation {
  readonly kind: 'relocation';
  /** What asked for it: a request of the scenario, or a resize (7020). */
  readonly purpose: 'relocate' | 'toPageable' | 'toPageFixed' | 'resize';
  readonly vm: number;
  /** Destination origin, or null to end as a pageable VM (claims 8-9). */
  readonly dest: number | null;
  /** Footprint to page out to (5020-5030), or null for none. */
  readonly resident: number | null;
  /** Guest size after the procedure (smaller after a resize shrink). */
  readonly size: number;
  readonly step: RelocationStep;
  /** A page copied to its destination whose PT entry is not yet switched: page and old frame. */
  readonly transit: { readonly page: number; readonly from: number } | null;
}

/** The prior art's suspend-copy-resume relocation. */
export interface PriorArtRelocation {
  readonly kind: 'priorArt';
  readonly purpose: 'relocate' | 'resize';
  readonly vm: number;
  readonly dest: number;
  readonly size: number;
  readonly step: PriorArtStep;
}

/** Steps of resizing on an event (Fig. 8). */
export type ResizeStep = 'shrink' | 'relocate' | 'grow' | 'reassignCpus';

/** Resizing on an event (7000-7050): works through the plan one VM at a time. */
export interface Resize {
  readonly kind: 'resize';
  readonly event: number;
  readonly step: ResizeStep;
  /** Position in the plan's list for this step. */
  readonly cursor: number;
  /** Sub-state of the current VM: asked (7000/7030) and waiting for the guest (7010/7040). */
  readonly asked: boolean;
  /** The relocation under way for 7020, if any. */
  readonly relocation: Relocation | PriorArtRelocation | null;
}

/** What the VMM is doing: one reconfiguration at a time. */
export type Reconfiguration =
  | Relocation
  | PriorArtRelocation
  | Resize
  | { readonly kind: 'terminate'; readonly vm: number };

/** What went wrong, recorded when it happens so invariants can see it afterwards (first of each kind). */
export interface Incident {
  readonly kind:
    | 'staleWrite' // a channel wrote a frame that does not map the page it names
    | 'staleRead' // a guest or channel read something other than the last write
    | 'strayAccess' // a channel accessed a released frame or another VM's frame
    | 'movedTargetedPage' // a page was copied or remapped while a transfer targets it
    | 'boundsBreach' // an access past end or to offline storage went through
    | 'overwroteLivePage'; // a copy landed on a frame holding another live page
}

/**
 * Status of a scenario event. `refused`: its configuration table no longer fitted the machine when
 * its turn came (a reconfiguration before it moved a VM, say), so nothing was resized (SPEC 7.13).
 */
export type EventStatus = 'waiting' | 'pending' | 'running' | 'done' | 'refused';

/** The whole abstract machine. */
export interface MachineState {
  /** Content of each frame of main storage (frames 0..vmmFrames-1 are the VMM's). */
  readonly frames: readonly (Datum | null)[];
  readonly vms: readonly VmState[];
  /** The I/O entry running on each channel, or null when free. */
  readonly channels: readonly (number | null)[];
  /** True while the prior art has suspended channel access. */
  readonly channelsSuspended: boolean;
  readonly io: readonly IoState[];
  /** Which scenario CPU accesses have happened. */
  readonly cpuAccessDone: readonly boolean[];
  /** The VM running on each CPU, or null. */
  readonly running: readonly (number | null)[];
  /** The reconfiguration under way, or null when the VMM is idle. */
  readonly reconfig: Reconfiguration | null;
  /**
   * A relocation held while a newer one runs interleaved with it, resumed when that ends: only
   * under `fault-interleaved-reconfiguration` (SPEC 7.13); null otherwise.
   */
  readonly heldRelocation: Relocation | null;
  /** Index of the next scenario reconfiguration request not yet begun. */
  readonly nextRequest: number;
  /** The next request arrived while a reconfiguration ran, and waits for it to end (7.13). */
  readonly requestArrived: boolean;
  readonly events: readonly EventStatus[];
  /** The event whose resize completed most recently, while nothing else has begun since. */
  readonly settledEvent: number | null;
  /** Ghost: what went wrong, first of each kind. */
  readonly incidents: readonly Incident[];
}
