/**
 * Misuse as a coded error: applying an action that is not enabled in a state raises
 * `VmcheckError('not-enabled')`, naming the action and why it is not enabled. Shared by both
 * views of the model (the packed one and its JSON view).
 */
import { VmcheckError } from '../core/model.ts';
import type { Action } from './actions.ts';
import type { VmmContext } from './context.ts';
import { describeAction } from './machine.ts';
import type { MachineState } from './state.ts';

/** Structural equality of two actions (kind and parameters). */
export function sameAction(a: Action, b: Action): boolean {
  if (a === b) return true;
  if (a.kind !== b.kind) return false;
  const x = a as unknown as Record<string, unknown>;
  const y = b as unknown as Record<string, unknown>;
  const keys = Object.keys(x);
  return keys.length === Object.keys(y).length && keys.every((k) => x[k] === y[k]);
}

/**
 * The `not-enabled` error for `action` given the actions `enabled` in `state`; the reason says
 * what the machine is doing (e.g. `relocation of VM-1 at step movePages`). The reason says whether
 * no action of that kind is enabled (its phase or guard is false) or which parameters are.
 */
export function notEnabledError(
  ctx: VmmContext,
  action: Action,
  enabled: readonly Action[],
  state: MachineState,
): VmcheckError {
  const phase = phaseOf(ctx, state);
  const sameKind = enabled.filter((a) => a.kind === action.kind);
  let name: string;
  try {
    name = describeAction(ctx, action);
  } catch {
    name = JSON.stringify(action); // parameters outside the scenario
  }
  const why =
    sameKind.length === 0
      ? `no ${action.kind} action is enabled in this state (${phase})`
      : `its guard is false for these parameters; enabled ${action.kind}: ${sameKind.map((a) => JSON.stringify(a)).join(', ')}`;
  return new VmcheckError('not-enabled', `${name} is not enabled: ${why}`, {
    action: action as unknown as { [key: string]: string | number },
    kind: action.kind,
    reason: why,
    enabled: enabled.map((a) => a.kind),
  });
}

/** What the VMM is doing in `state`, in words: the phase a reason refers to. */
export function phaseOf(ctx: VmmContext, state: MachineState): string {
  const r = state.reconfig;
  const vm = (i: number) => ctx.vmNames[i] ?? `VM#${i}`;
  if (r === null) return 'the VMM is idle';
  if (r.kind === 'terminate') return `terminating ${vm(r.vm)}`;
  if (r.kind === 'relocation' || r.kind === 'priorArt') return `${r.kind} of ${vm(r.vm)} at step ${r.step}`;
  const inner = r.relocation
    ? `, ${r.relocation.kind} of ${vm(r.relocation.vm)} at step ${r.relocation.step}`
    : '';
  return `resize for event ${r.event} at step ${r.step}${r.asked ? ' (asked)' : ''}${inner}`;
}
