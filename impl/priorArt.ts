/**
 * The prior art's relocation (JP H03-211629 as described in [0005], [0012]): suspend channel
 * access for the VM, copy the whole area, set the new origin, resume. Host channel programs that
 * were in flight resume with the host frames they were built with, so their remaining writes land
 * in the old area: the stale-write hazard the patent removes.
 */
import type { MachineContext } from './context.ts';
import { checkDestination, claimDestination, inArea } from './destination.ts';
import { VmStateError } from './errors.ts';
import { Reconfiguration, type StepOutcome } from './reconfiguration.ts';
import type { VmState } from './vm.ts';

type Phase = 'suspend' | 'copy' | 'resume';
const PHASES: readonly Phase[] = ['suspend', 'copy', 'resume'];

/** Relocation of a page-fixed area the prior art's way. */
export class PriorArtRelocation extends Reconfiguration {
  readonly kind = 'relocate' as const;
  private phaseIndex = 0;
  private pages = 0;

  constructor(
    ctx: MachineContext,
    id: number,
    readonly vm: VmState,
    readonly to: number,
    onEnd: ((r: Reconfiguration) => void) | null,
  ) {
    super(ctx, id, `relocate ${vm.name} to frame ${to} (prior art)`, onEnd);
  }

  get vmName(): string {
    return this.vm.name;
  }

  protected get phase(): string {
    // Asked only while running (a finished one shows its status), so a phase is left.
    return PHASES[this.phaseIndex]!;
  }

  protected prepare(): void {
    const { vm } = this;
    if (!vm.cb.pageFixed) throw new VmStateError(vm.name, 'relocate', 'page-fixed');
    this.pages = vm.onlineSize;
    checkDestination(this.ctx, vm, this.to, this.pages);
    claimDestination(this.ctx, vm, this.to, this.pages);
  }

  protected advance(): StepOutcome {
    const { vm, ctx, to } = this;
    const phase = PHASES[this.phaseIndex++]!;
    const origin = vm.cb.origin!;
    const n = this.pages;
    switch (phase) {
      case 'suspend':
        ctx.channels.suspendVm(vm.id);
        return { status: 'progress', report: { action: 'prior.suspend', spec: '[0005]', vm: vm.name } };
      case 'copy': {
        // Copy the area and set origin/end; storage the guest took offline is dropped.
        ctx.storage.copyFrames(origin, to, n);
        for (let p = 0; p < vm.size; p++) {
          const frame = origin + p;
          if (!inArea(frame, to, n) && ctx.frames.owner[frame] === vm.id) ctx.frames.release(frame);
        }
        for (let p = 0; p < n; p++) ctx.frames.assign(to + p, vm.id, p);
        ctx.store.dropFrom(vm.id, n);
        vm.setSize(n);
        vm.vacatingFrom = null;
        vm.cb.origin = to;
        vm.cb.end = to + n - 1;
        return {
          status: 'progress',
          report: { action: 'prior.copy', spec: '[0005]', vm: vm.name, from: origin, to },
        };
      }
      case 'resume': {
        vm.reservedOrigin = null;
        vm.reservedPages = 0;
        ctx.channels.resumeVm(vm.id);
        ctx.cpus.dispatchVm(vm.name);
        return {
          status: 'finished',
          report: {
            action: 'prior.resume',
            spec: '[0012]',
            vm: vm.name,
            detail: 'host channel programs resume with the frame addresses they were built with',
          },
        };
      }
    }
  }
}
