/**
 * Static facts derived once from a scenario: name lookups, flattened channel programs and the
 * configuration tables by VM index. Read-only; shared by every state of a model.
 */

import { behaviourOf, type VariantBehaviour } from '../../scenario/behaviour.ts';
import type { CpuAssignment, Scenario } from '../../scenario/schema.ts';
import type { Variant } from '../../scenario/variants.ts';

/** One page transfer of a channel program: the channel moves one page per step. */
export interface PageTransfer {
  readonly op: 'write' | 'read';
  readonly page: number;
}

/** A guest I/O entry with its program flattened into page transfers. */
export interface IoEntry {
  readonly vm: number;
  readonly channel: number;
  readonly transfers: readonly PageTransfer[];
}

/** A reconfiguration request with its VM resolved to an index. */
export type Request =
  | { readonly kind: 'terminate'; readonly vm: number }
  | { readonly kind: 'relocate'; readonly vm: number; readonly to: number }
  | { readonly kind: 'toPageable'; readonly vm: number; readonly resident: number }
  | { readonly kind: 'toPageFixed'; readonly vm: number; readonly to: number };

/** A VM's entry of a configuration table, after the event. */
export interface TableAfter {
  readonly size: number;
  readonly origin: number;
  readonly cpus: CpuAssignment;
}

/** An event with its table by VM index. */
export interface EventEntry {
  readonly trigger: 'timeOfDay' | 'failover';
  /** `22:00` or the failed partner's name. */
  readonly label: string;
  readonly before: readonly { readonly size: number; readonly cpus: CpuAssignment }[];
  readonly after: readonly TableAfter[];
}

/** Everything a step needs besides the state. */
export interface VmmContext {
  readonly scenario: Scenario;
  readonly variant: Variant;
  /** What the variant changes (scenario/behaviour.ts): the only switch on the variant. */
  readonly behaviour: VariantBehaviour;
  readonly vmNames: readonly string[];
  /** Direct-execution bit of each VM as configured, restored at step 5120. */
  readonly configuredDirect: readonly boolean[];
  readonly io: readonly IoEntry[];
  readonly access: readonly { readonly vm: number; readonly op: 'read' | 'write'; readonly page: number }[];
  readonly requests: readonly Request[];
  readonly events: readonly EventEntry[];
  readonly frameCount: number;
  readonly vmmFrames: number;
  readonly pagesPerSegment: number;
  readonly channelErrors: boolean;
  readonly dispatch: boolean;
}

/** Build the context of a validated scenario. */
export function buildContext(scenario: Scenario, variant: Variant): VmmContext {
  const vmNames = scenario.vms.map((vm) => vm.name);
  const index = (name: string): number => {
    const i = vmNames.indexOf(name);
    if (i < 0) throw new Error(`unknown VM ${name}`); // unreachable for a validated scenario
    return i;
  };
  return {
    scenario,
    variant,
    behaviour: behaviourOf(variant),
    vmNames,
    configuredDirect: scenario.vms.map((vm) => vm.direct),
    io: scenario.io.map((io) => ({
      vm: index(io.vm),
      channel: io.channel,
      transfers: io.program.flatMap((t) =>
        Array.from({ length: t.length }, (_, k) => ({ op: t.op, page: t.page + k })),
      ),
    })),
    access: scenario.cpuAccess.map((a) => ({ vm: index(a.vm), op: a.op, page: a.page })),
    requests: scenario.reconfigurations.map((r) => ({ ...r, vm: index(r.vm) }) as Request),
    events: scenario.events.map((e) => ({
      trigger: e.trigger.kind,
      label: e.trigger.kind === 'timeOfDay' ? e.trigger.at : e.trigger.partner,
      before: vmNames.map((name) => e.table[name]!.before),
      after: vmNames.map((name) => e.table[name]!.after),
    })),
    frameCount: scenario.storage.frames,
    vmmFrames: scenario.storage.vmmFrames,
    pagesPerSegment: scenario.storage.pagesPerSegment,
    channelErrors: scenario.bounds.channelErrors,
    dispatch: scenario.bounds.dispatch,
  };
}
