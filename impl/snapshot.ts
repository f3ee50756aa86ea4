/**
 * Observation: plain JSON-safe views of the machine, fresh on every call, so a test can compare
 * them with the abstract model after each step. Nothing here changes the machine.
 */
import type { CpuAssignment } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import type { ChannelSubsystem, IoMode } from './channel.ts';
import type { CpuComplex, CpuSnapshot } from './cpus.ts';
import { FREE, type FrameTable, NO_PAGE, VMM } from './frames.ts';
import type { ReconfigurationSnapshot } from './reconfiguration.ts';
import type { VmState } from './vm.ts';

/** The control block fields [431]-[435]. Origin and end are frame numbers (end inclusive). */
export interface ControlBlockSnapshot {
  readonly direct: boolean;
  readonly pageFixed: boolean;
  readonly origin: number | null;
  readonly end: number | null;
  readonly hostSt: number | null;
}

/** One VM. */
export interface VmSnapshot {
  readonly name: string;
  readonly state: 'running' | 'terminated';
  /** Guest size in pages. */
  readonly size: number;
  /** Online pages 0..onlineSize-1. */
  readonly onlineSize: number;
  /** First page the guest is vacating after a request to shrink (7000), else null. */
  readonly vacatingFrom: number | null;
  readonly controlBlock: ControlBlockSnapshot;
  /** Per guest page: the frame translation gives now, or null (paged out). */
  readonly pageTable: readonly (number | null)[];
  /** Per guest page: pins (transfers of in-flight intercepted programs targeting it). */
  readonly pins: readonly number[];
  /** Per guest page: transfers of in-flight direct programs targeting it. */
  readonly directTargets: readonly number[];
  /** Online pages on the paging device (pageable VMs). */
  readonly pagedOut: readonly number[];
  readonly residentLimit: number | null;
  /** CPU assignment, or null once terminated. */
  readonly cpus: CpuAssignment | null;
  readonly dispatched: boolean;
}

/** Who holds one frame: the VMM, nobody, or a VM (page null: reserved, no live page). */
export type FrameSnapshot =
  | { readonly owner: 'vmm' }
  | { readonly owner: 'free' }
  | { readonly owner: 'vm'; readonly vm: string; readonly page: number | null };

/** One piece of a program in flight: one transfer's part in one guest page. */
export interface PieceSnapshot {
  readonly op: 'write' | 'read';
  readonly transfer: number;
  readonly page: number;
  readonly guestAddress: number;
  readonly length: number;
  /** Host frame of the host channel program (intercepted), or null (direct: relocated at access). */
  readonly hostFrame: number | null;
}

/** A program in flight. */
export interface ProgramSnapshot {
  readonly id: number;
  readonly vm: string;
  readonly mode: IoMode;
  readonly suspended: boolean;
  /** Index of the next piece; equal to `pieces.length` when only the end remains. */
  readonly nextPiece: number;
  readonly pieces: readonly PieceSnapshot[];
}

/** One channel. */
export interface ChannelSnapshot {
  readonly channel: number;
  readonly busy: boolean;
  readonly program: ProgramSnapshot | null;
}

/** The whole machine. */
export interface MachineSnapshot {
  readonly variant: Variant;
  readonly pageSize: number;
  readonly frameCount: number;
  readonly vmmFrames: number;
  readonly vms: readonly VmSnapshot[];
  readonly frames: readonly FrameSnapshot[];
  readonly channels: readonly ChannelSnapshot[];
  readonly cpus: readonly CpuSnapshot[];
  /** The running reconfiguration, or null. */
  readonly reconfiguration: ReconfigurationSnapshot | null;
  /** Reconfigurations waiting their turn, in order. */
  readonly queued: readonly ReconfigurationSnapshot[];
}

/** View of `vm`. */
export function vmSnapshot(vm: VmState, cpus: CpuComplex): VmSnapshot {
  const { cb } = vm;
  const pageTable: (number | null)[] = [];
  const pagedOut: number[] = [];
  for (let p = 0; p < vm.size; p++) {
    const frame = vm.terminated ? -1 : vm.frameOf(p);
    pageTable.push(frame < 0 ? null : frame);
    if (frame < 0 && !vm.terminated && !cb.pageFixed && p < vm.onlineSize) pagedOut.push(p);
  }
  return {
    name: vm.name,
    state: vm.terminated ? 'terminated' : 'running',
    size: vm.size,
    onlineSize: vm.onlineSize,
    vacatingFrom: vm.vacatingFrom,
    controlBlock: controlBlockSnapshot(vm),
    pageTable,
    pins: Array.from(vm.pins),
    directTargets: Array.from(vm.directTargets),
    pagedOut,
    residentLimit: vm.residentLimit,
    cpus: cpus.assignmentOf(vm.name) ?? null,
    dispatched: cpus.isDispatched(vm.name),
  };
}

/** View of `vm`'s control block. */
export function controlBlockSnapshot(vm: VmState): ControlBlockSnapshot {
  const { direct, pageFixed, origin, end, hostSt } = vm.cb;
  return { direct, pageFixed, origin, end, hostSt };
}

/** View of every frame. */
export function frameSnapshots(frames: FrameTable, nameOf: (id: number) => string): FrameSnapshot[] {
  const out: FrameSnapshot[] = [];
  for (let f = 0; f < frames.frameCount; f++) {
    const owner = frames.owner[f]!;
    if (owner === VMM) out.push({ owner: 'vmm' });
    else if (owner === FREE) out.push({ owner: 'free' });
    else {
      const page = frames.page[f]!;
      out.push({ owner: 'vm', vm: nameOf(owner), page: page === NO_PAGE ? null : page });
    }
  }
  return out;
}

/** View of every channel. */
export function channelSnapshots(channels: ChannelSubsystem): ChannelSnapshot[] {
  const out: ChannelSnapshot[] = [];
  for (let c = 0; c < channels.channelCount; c++) {
    const run = channels.current(c);
    out.push({
      channel: c,
      busy: run !== null,
      program:
        run === null
          ? null
          : {
              id: run.id,
              vm: run.vm.name,
              mode: run.mode,
              suspended: channels.isSuspended(run.vm.id),
              nextPiece: run.next,
              pieces: run.pieces.map((p) => ({
                op: p.op,
                transfer: p.transfer,
                page: p.page,
                guestAddress: p.guestAddress,
                length: p.length,
                hostFrame: run.mode === 'direct' ? null : p.hostFrame,
              })),
            },
    });
  }
  return out;
}
