/**
 * Trigger and channel probes of the model-based tests (beside `modelVsImplProbes.ts`), at a
 * comparable state of a model path:
 *
 * - a time-of-day signal whose time is one of the scenario's event times with a character before
 *   or after it (`x22:00`, `22:00x`) names no event of the model's scenario: the machine refuses it
 *   as a time that is not `HH:MM` (where the scenario has a time-of-day event to compare it with),
 *   else as an event of no scenario;
 * - the `ManualScheduler` has no unit to run and no program to fail on a channel the model's
 *   scenario does not have (the first past its channels);
 * - with no reconfiguration running, a guest read of a page of a pageable VM that is not resident,
 *   where the model's page fault can take no frame (no frame is free and every other resident page
 *   of the VM is pinned, so none may be stolen: neither `vmm.pageIn` nor `vmm.stealPage` is
 *   enabled for it), is refused as out of frames;
 * - an access of no bytes touches no page, so it is accepted and changes nothing even inside a
 *   page the model's VM may not access (one byte into the page after its last): `read`, `inspect`
 *   and `write` of every live VM.
 */
import {
  type EventTrigger,
  InvalidRequestError,
  type Machine,
  type ManualScheduler,
  OutOfFramesError,
  UnknownEventError,
} from '../impl/index.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { frameHolders, frameOf } from '../model/vmm/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';
import type { Expected } from './modelVsImplProbes.ts';

type Probe = (what: string, call: () => unknown, expected: Expected) => void;

/** `probe(what, call, expected)` for malformed time-of-day triggers and a channel past the scenario's. */
export function probeTriggerRefusals(
  ctx: VmmContext,
  machine: Machine,
  scheduler: ManualScheduler | undefined,
  probe: Probe,
): void {
  const events = ctx.scenario.events;
  const times = events.flatMap((e) => (e.trigger.kind === 'timeOfDay' ? [e.trigger.at] : []));
  const known = events.map((e) =>
    e.trigger.kind === 'timeOfDay' ? `time ${e.trigger.at}` : `failover ${e.trigger.partner}`,
  );
  const at = times[0] ?? '22:00';
  for (const text of [`x${at}`, `${at}x`]) {
    const trigger: EventTrigger = { kind: 'timeOfDay', at: text };
    probe(
      `a time-of-day signal at ${JSON.stringify(text)}`,
      () => machine.signalEvent(trigger),
      times.length > 0
        ? {
            cls: InvalidRequestError,
            code: 'invalid-request',
            details: { text },
            message: `time of day ${JSON.stringify(text)} is not HH:MM`,
          }
        : {
            cls: UnknownEventError,
            code: 'unknown-event',
            details: { known },
            message: `no event of this scenario matches ${JSON.stringify(trigger)} (known: ${known.join(', ') || 'none'})`,
          },
    );
  }
  if (scheduler === undefined) return;
  const channel = ctx.scenario.channels;
  probe(`a unit of channel ${channel}, past the scenario's`, () => scheduler.runOne(channel), {
    cls: InvalidRequestError,
    code: 'invalid-request',
    details: { channel },
    message: `channel ${channel} has no unit ready (idle or suspended)`,
  });
  probe(`failing channel ${channel}, past the scenario's`, () => scheduler.fail(channel), {
    cls: InvalidRequestError,
    code: 'invalid-request',
    details: { channel },
    message: `channel ${channel} has no program to fail`,
  });
}

/** An access of no bytes one byte into the page after each live VM's last: accepted, nothing read; the problem, or null. */
export function probeEmptyAccesses(ctx: VmmContext, state: MachineState, machine: Machine): string | null {
  const ps = ctx.scenario.storage.pageSize;
  for (let v = 0; v < state.vms.length; v++) {
    const vm = state.vms[v]!;
    if (!vm.alive) continue;
    const name = ctx.vmNames[v]!;
    const address = vm.size * ps + 1;
    try {
      if (machine.read(name, address, 0).length !== 0)
        return `${name} read 0 bytes at ${address} and got some`;
      if (machine.inspect(name, address, 0).length !== 0)
        return `${name} inspected 0 bytes at ${address} and got some`;
      machine.write(name, address, new Uint8Array(0));
    } catch (error) {
      return `an access of 0 bytes by ${name} at ${address}, past its ${vm.size} pages, was refused: ${String(error)}`;
    }
  }
  return null;
}

/** `probe(what, call, expected)` for each page fault the model's `state` gives no frame (see the module comment). */
export function probeFaultsWithoutFrame(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  probe: Probe,
): void {
  if (state.reconfig !== null) return;
  const holders = frameHolders(ctx, state);
  if (holders.some((h, f) => f >= ctx.scenario.storage.vmmFrames && h.length === 0)) return;
  const ps = ctx.scenario.storage.pageSize;
  state.vms.forEach((vm, v) => {
    if (!vm.alive || vm.pageFixed) return;
    const resident = (p: number) => frameOf(ctx, vm, p) !== null;
    const name = ctx.vmNames[v]!;
    for (let page = 0; page < vm.online; page++) {
      if (resident(page)) continue;
      const stealable = Array.from({ length: vm.online }, (_, q) => q).some(
        (q) => q !== page && resident(q) && vm.pins[q] === 0,
      );
      if (stealable) continue;
      probe(
        `a page fault of ${name} page ${page} with no frame free and none to steal`,
        () => machine.read(name, page * ps, 1),
        {
          cls: OutOfFramesError,
          code: 'out-of-frames',
          details: { vm: name, page },
          message: `no free frame to page in page ${page} of ${name}, and none of its pages can be stolen`,
        },
      );
    }
  });
}
