/**
 * The channel subsystem [200]: channels that run channel programs asynchronously, one page-piece
 * at a time, moving bytes between main storage and a simulated device.
 *
 * A direct program (bit 431 = 1) relocates each access with the VM's origin at the moment of the
 * access. An intercepted program carries the host frames the VMM put in its host channel program
 * when it was started, and keeps using them until it ends: that is the prior art's hazard.
 */
import { SimulatedDevice } from './device.ts';
import { ChannelBusyError, MachineError } from './errors.ts';
import type { ChannelScheduler, ChannelUnitReport, ChannelWork } from './scheduler.ts';
import type { MainStorage } from './storage.ts';
import type { VmState } from './vm.ts';

/** One transfer of a guest channel program, in guest absolute bytes. */
export interface Transfer {
  /** `write`: device -> storage (the channel writes storage); `read`: storage -> device. */
  readonly op: 'write' | 'read';
  readonly address: number;
  readonly length: number;
}

/** A guest channel program: its transfers, and where on the device the first one starts. */
export interface ChannelProgram {
  readonly transfers: readonly Transfer[];
  /** Device byte offset of the first transfer; later transfers follow on (default 0). */
  readonly deviceOffset?: number;
}

/** How a program was started. */
export type IoMode = 'direct' | 'intercepted';

/** How a program ended: normally, with an error, or halted by terminate. */
export type IoStatus = 'ok' | 'error' | 'halted';

/** The I/O interrupt a guest receives when its program ends. */
export interface IoCompletion {
  readonly program: number;
  readonly vm: string;
  readonly channel: number;
  readonly mode: IoMode;
  readonly status: IoStatus;
  /** Why it ended with an error or was halted, else null. */
  readonly reason: string | null;
  readonly bytesTransferred: number;
}

/** The part of one transfer that lies in one guest page: the unit a channel moves in one step. */
export interface Piece {
  readonly op: 'write' | 'read';
  /** Index of the transfer in the program. */
  readonly transfer: number;
  readonly page: number;
  readonly guestAddress: number;
  readonly length: number;
  readonly deviceOffset: number;
  /** Intercepted: the host frame in the host channel program; direct: -1 (relocated at access). */
  hostFrame: number;
}

/** A channel program in flight. */
export class ProgramRun {
  /** Index of the next piece to move; `pieces.length` means only the end remains. */
  next = 0;
  bytesTransferred = 0;
  /** Settles with the I/O interrupt. Never rejects. */
  readonly done: Promise<IoCompletion>;
  /** @internal */
  resolve!: (completion: IoCompletion) => void;

  constructor(
    readonly id: number,
    readonly vm: VmState,
    readonly channel: number,
    readonly mode: IoMode,
    readonly pieces: readonly Piece[],
  ) {
    this.done = new Promise((resolve) => {
      this.resolve = resolve;
    });
  }
}

/** Split a program into per-page pieces (host frames left unset). */
export function splitProgram(program: ChannelProgram, pageSize: number): Piece[] {
  const pieces: Piece[] = [];
  let deviceOffset = program.deviceOffset ?? 0;
  program.transfers.forEach((t, transfer) => {
    let address = t.address;
    let remaining = t.length;
    while (remaining > 0) {
      const page = Math.floor(address / pageSize);
      const length = Math.min(remaining, (page + 1) * pageSize - address);
      pieces.push({ op: t.op, transfer, page, guestAddress: address, length, deviceOffset, hostFrame: -1 });
      address += length;
      deviceOffset += length;
      remaining -= length;
    }
  });
  return pieces;
}

/** What the channel subsystem needs from the rest of the machine. */
export interface ChannelHooks {
  /** Frame for a direct access to `page` of `vm` now (origin relocation and limit check); throws a `MachineError` if refused. */
  directFrame(vm: VmState, page: number): number;
  /** A program ended: release what it held and deliver the interrupt. */
  ended(run: ProgramRun, completion: IoCompletion): void;
  /** Anything changed. */
  changed(): void;
}

interface ChannelState {
  run: ProgramRun | null;
  failNext: string | null;
  readonly device: SimulatedDevice;
}

/** The channels of the host. Implements `ChannelWork` for the scheduler. */
export class ChannelSubsystem implements ChannelWork {
  private readonly channels: ChannelState[];
  private readonly suspendedVms = new Set<number>();
  private nextProgramId = 1;

  constructor(
    readonly channelCount: number,
    private readonly storage: MainStorage,
    private readonly scheduler: ChannelScheduler,
    private readonly hooks: ChannelHooks,
  ) {
    this.channels = Array.from({ length: channelCount }, () => ({
      run: null,
      failNext: null,
      device: new SimulatedDevice(),
    }));
  }

  /** The device behind `channel`. */
  device(channel: number): SimulatedDevice {
    return this.channels[channel]!.device;
  }

  /** The program in flight on `channel`, or null. */
  current(channel: number): ProgramRun | null {
    return this.channels[channel]!.run;
  }

  /** Throw the busy condition if `channel` has a program in flight. */
  assertFree(channel: number, vm: string): void {
    const run = this.channels[channel]!.run;
    if (run !== null) throw new ChannelBusyError(channel, vm, `${run.vm.name} (program ${run.id})`);
  }

  /** A new run for `vm` on `channel` (not started yet). */
  createRun(vm: VmState, channel: number, mode: IoMode, pieces: readonly Piece[]): ProgramRun {
    return new ProgramRun(this.nextProgramId++, vm, channel, mode, pieces);
  }

  /** Start `run` on its channel. Throws `ChannelBusyError` (cc 2) if the channel is busy. */
  start(run: ProgramRun): void {
    this.assertFree(run.channel, run.vm.name);
    this.channels[run.channel]!.run = run;
    this.scheduler.notify(run.channel);
    this.hooks.changed();
  }

  /** Programs of VM `vmId` in flight. */
  runsOf(vmId: number): ProgramRun[] {
    const runs: ProgramRun[] = [];
    for (const c of this.channels) if (c.run !== null && c.run.vm.id === vmId) runs.push(c.run);
    return runs;
  }

  /** True when the programs of VM `vmId` are suspended (prior-art relocation). */
  isSuspended(vmId: number): boolean {
    return this.suspendedVms.has(vmId);
  }

  /** Stop channel access for VM `vmId`'s programs (the prior art's suspension). */
  suspendVm(vmId: number): void {
    this.suspendedVms.add(vmId);
    this.hooks.changed();
  }

  /** Let VM `vmId`'s programs continue, with the host frames they were built with. */
  resumeVm(vmId: number): void {
    this.suspendedVms.delete(vmId);
    this.channels.forEach((c, channel) => {
      if (c.run !== null && c.run.vm.id === vmId) this.scheduler.notify(channel);
    });
    this.hooks.changed();
  }

  /** Make the next unit on `channel` end its program with an error (kept until a unit runs there). */
  injectError(channel: number, reason = 'injected channel error'): void {
    this.channels[channel]!.failNext = reason;
    this.scheduler.notify(channel);
  }

  /** End every program of VM `vmId` as halted (terminate). */
  haltVm(vmId: number): void {
    this.channels.forEach((c, channel) => {
      if (c.run !== null && c.run.vm.id === vmId) this.end(channel, 'halted', 'VM terminated');
    });
  }

  hasWork(channel: number): boolean {
    const c = this.channels[channel];
    return c !== undefined && c.run !== null && !this.suspendedVms.has(c.run.vm.id);
  }

  runUnit(channel: number): ChannelUnitReport {
    const c = this.channels[channel]!;
    const run = c.run!;
    if (c.failNext !== null) {
      const reason = c.failNext;
      c.failNext = null;
      return this.end(channel, 'error', reason);
    }
    if (run.next >= run.pieces.length) return this.end(channel, 'ok', null);
    const piece = run.pieces[run.next]!;
    let frame: number;
    if (run.mode === 'direct') {
      try {
        frame = this.hooks.directFrame(run.vm, piece.page);
      } catch (error) {
        if (error instanceof MachineError)
          return this.end(channel, 'error', `channel program check: ${error.message}`);
        throw error;
      }
    } else {
      frame = piece.hostFrame;
    }
    const ps = this.storage.pageSize;
    const hostAddress = frame * ps + (piece.guestAddress % ps);
    if (piece.op === 'write') {
      this.storage.bytes.set(c.device.view(piece.deviceOffset, piece.length), hostAddress);
    } else {
      c.device.write(
        piece.deviceOffset,
        this.storage.bytes.subarray(hostAddress, hostAddress + piece.length),
      );
    }
    run.next++;
    run.bytesTransferred += piece.length;
    this.hooks.changed();
    return {
      kind: 'transfer',
      channel,
      program: run.id,
      vm: run.vm.name,
      mode: run.mode,
      op: piece.op,
      guestAddress: piece.guestAddress,
      length: piece.length,
      frame,
      deviceOffset: piece.deviceOffset,
    };
  }

  fail(channel: number, reason: string): ChannelUnitReport {
    return this.end(channel, 'error', reason);
  }

  private end(channel: number, status: IoStatus, reason: string | null): ChannelUnitReport {
    const c = this.channels[channel]!;
    const run = c.run!;
    c.run = null;
    c.failNext = null;
    const completion: IoCompletion = {
      program: run.id,
      vm: run.vm.name,
      channel,
      mode: run.mode,
      status,
      reason,
      bytesTransferred: run.bytesTransferred,
    };
    this.hooks.ended(run, completion);
    run.resolve(completion);
    this.hooks.changed();
    return { kind: 'end', channel, program: run.id, vm: run.vm.name, status, reason };
  }
}
