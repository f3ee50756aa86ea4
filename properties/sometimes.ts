/**
 * `sometimes` properties: states that a faithful model must reach. A model that never reaches them
 * (a bound too tight, a guard too strong) fails loudly instead of passing vacuously.
 */
import type { Property } from '../model/core/model.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { activeRelocation } from '../model/vmm/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';
import { hostProgramInFlight } from './invariants.ts';

const witness = (
  name: string,
  description: string,
  holds: (s: MachineState) => boolean,
): Property<MachineState> => ({
  name,
  kind: 'sometimes',
  description,
  check: (state) => (holds(state) ? { invariant: name, message: description, details: {} } : undefined),
});

/** The `sometimes` properties that apply to a scenario and variant of the patent's method. */
export function sometimesProperties(ctx: VmmContext): Property<MachineState>[] {
  if (ctx.behaviour.priorArt) return [];
  const out: Property<MachineState>[] = [];
  const relocates =
    ctx.requests.some((r) => r.kind === 'relocate' || r.kind === 'toPageFixed') || ctx.events.length > 0;
  // Without guest I/O no transfer can be in flight: the property does not apply.
  if (relocates && ctx.io.length > 0) {
    out.push(
      witness(
        'relocationCompletesWithTransferInFlight',
        'A relocation completes while a channel transfer is in flight.',
        (s) => {
          const r = activeRelocation(s);
          return r !== null && r.dest !== null && r.step === 'dispatch' && s.channels.some((c) => c !== null);
        },
      ),
    );
  }
  if (ctx.io.some((io) => ctx.requests.some((r) => r.vm === io.vm && r.kind !== 'terminate'))) {
    out.push(
      witness(
        'interceptedStartMidRelocation',
        'A simulated (intercepted) start-I/O runs while its VM is being relocated.',
        (s) => {
          const r = activeRelocation(s);
          return (
            r !== null &&
            r.step !== 'clearDirect' &&
            r.step !== 'buildSpace' &&
            hostProgramInFlight(ctx, s, r.vm)
          );
        },
      ),
    );
  }
  if (ctx.events.length > 0) {
    out.push(
      witness(
        'resizeCompletes',
        'A resize on an event completes and matches its table.',
        (s) => s.settledEvent !== null,
      ),
    );
  }
  if (ctx.requests.some((r) => r.kind === 'toPageable')) {
    out.push(
      witness('pageableWithSmallerFootprint', 'A VM runs pageable with pages on the paging device.', (s) =>
        s.vms.some((vm) => vm.alive && !vm.pageFixed && vm.pagingStore.some((d) => d !== null)),
      ),
    );
  }
  return out;
}
