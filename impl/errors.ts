/**
 * Typed errors of the storage manager. Every error has a stable `code` and JSON-safe `details`;
 * a call that throws one leaves the machine as it was (except where an error says otherwise).
 */

/** JSON-safe facts behind an error. */
export type ErrorDetails = {
  readonly [key: string]: string | number | boolean | null | readonly (string | number)[];
};

/** Every code a `MachineError` may carry. */
export type MachineErrorCode =
  | 'unknown-vm'
  | 'unknown-channel'
  | 'addressing'
  | 'channel-busy'
  | 'reconfiguration-in-progress'
  | 'does-not-fit'
  | 'out-of-frames'
  | 'invalid-request'
  | 'vm-state'
  | 'unknown-event'
  | 'not-dispatched';

/** Base of every error the machine throws on purpose. */
export abstract class MachineError extends Error {
  /** Stable machine-readable code. */
  abstract readonly code: MachineErrorCode;
  constructor(
    message: string,
    /** JSON-safe facts naming the VM, page, frame or channel involved. */
    readonly details: ErrorDetails = {},
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** A VM name that the machine does not know (or that has been terminated, for guest operations). */
export class UnknownVmError extends MachineError {
  readonly code = 'unknown-vm';
  constructor(vm: string, known: readonly string[]) {
    super(`unknown VM ${JSON.stringify(vm)} (known: ${known.join(', ') || 'none'})`, { vm, known });
  }
}

/** A channel number outside 0..channels-1. */
export class UnknownChannelError extends MachineError {
  readonly code = 'unknown-channel';
  constructor(channel: number, count: number) {
    super(`channel ${channel} does not exist (${count} channels: 0..${count - 1})`, { channel, count });
  }
}

/** Why an access was refused with an addressing exception. */
export type AddressingReason = 'past-end' | 'past-size' | 'offline' | 'outside-storage' | 'bad-address';

/**
 * Addressing exception [4320]: the access did not happen and the guest gets a program interrupt.
 * Thrown by guest CPU accesses and by start-I/O whose program names storage the guest may not use.
 */
export class AddressingException extends MachineError {
  readonly code = 'addressing';
  constructor(
    readonly vm: string,
    readonly address: number,
    readonly reason: AddressingReason,
    explanation: string,
  ) {
    super(`addressing exception for ${vm} at guest address ${address}: ${explanation}`, {
      vm,
      address,
      reason,
    });
  }
}

/**
 * Start-I/O refused with condition code 2 ("busy"): the channel is running another program.
 * Nothing was started and nothing stays pinned; the caller may retry once the channel is free.
 */
export class ChannelBusyError extends MachineError {
  readonly code = 'channel-busy';
  /** Start-subchannel condition code for "busy". */
  readonly conditionCode = 2 as const;
  /** Condition in words. */
  readonly condition = 'busy' as const;
  constructor(channel: number, vm: string, busyWith: string) {
    super(
      `channel ${channel} is busy with a program of ${busyWith}; start-I/O of ${vm} refused (cc 2), retry later`,
      {
        channel,
        vm,
        busyWith,
      },
    );
  }
}

/** A relocation, conversion, terminate or resize asked for while another reconfiguration runs. */
export class ReconfigurationInProgressError extends MachineError {
  readonly code = 'reconfiguration-in-progress';
  constructor(requested: string, active: string) {
    super(`${requested} refused: ${active} is still running (one reconfiguration at a time, SPEC 7.13)`, {
      requested,
      active,
    });
  }
}

/** A destination area or configuration table that does not fit in main storage as it is now. */
export class DoesNotFitError extends MachineError {
  readonly code = 'does-not-fit';
}

/** A page-in found no frame to use, even after trying to steal one of the VM's own pages. */
export class OutOfFramesError extends MachineError {
  readonly code = 'out-of-frames';
  constructor(vm: string, page: number) {
    super(`no free frame to page in page ${page} of ${vm}, and none of its pages can be stolen`, {
      vm,
      page,
    });
  }
}

/** Arguments that make no sense (negative lengths, empty programs, a CPU that does not exist, ...). */
export class InvalidRequestError extends MachineError {
  readonly code = 'invalid-request';
}

/** The VM is not in the mode the request needs (e.g. relocating a pageable VM). */
export class VmStateError extends MachineError {
  readonly code = 'vm-state';
  constructor(vm: string, request: string, state: string) {
    super(`${request} needs ${vm} to be ${state}`, { vm, request, state });
  }
}

/** An event signal that matches no event of the scenario. */
export class UnknownEventError extends MachineError {
  readonly code = 'unknown-event';
}

/** A guest CPU access by a VM not dispatched on any CPU, when the machine enforces dispatch. */
export class NotDispatchedError extends MachineError {
  readonly code = 'not-dispatched';
  constructor(vm: string) {
    super(`${vm} is not dispatched on any CPU; dispatch it first`, { vm });
  }
}
