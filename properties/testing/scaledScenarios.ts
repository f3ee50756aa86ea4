/**
 * Generated scenarios of shapes the `tiny` and `small` scopes cannot make, for the model-based
 * tests: a scope of VMs up to five pages (`SCALED`), so a relocation or a conversion to page-fixed
 * moves enough adjacent pages for the machine's `run()` to move them in batches; and a second
 * event added to a scenario that has one (`withSecondEvent`), so two resizes can wait behind a
 * reconfiguration at once, in the order they arrived.
 *
 * Pure and deterministic: data only.
 */
import type { ScenarioScope } from '../../scenario/generate/build.ts';
import type { EventSpec, Scenario, TableEntry } from '../../scenario/schema.ts';

/** Up to two VMs of up to five pages (seven in all), three free frames, two programs, three features. */
export const SCALED: ScenarioScope = {
  name: 'scaled',
  maxVms: 2,
  maxPages: 5,
  maxTotalPages: 7,
  maxFree: 3,
  maxPrograms: 2,
  maxChannels: 2,
  maxCpus: 2,
  maxFeatures: 3,
};

/**
 * `s` (with exactly one event) with a second one, a failover of `CPC-B`, whose table puts every VM
 * back where it started (its size, origin and CPUs; a table's sizes before are the scenario's).
 * After the first, it fits where the first kept every size, and is refused where the first
 * resized a VM; so two resizes wait behind a reconfiguration, begin in turn, or the second is
 * refused when its turn comes. Named `name`.
 */
export function withSecondEvent(s: Scenario, name: string): Scenario {
  const first = s.events[0]!;
  const table: Record<string, TableEntry> = {};
  for (const [vm, entry] of Object.entries(first.table)) {
    const spec = s.vms.find((v) => v.name === vm)!;
    table[vm] = {
      before: entry.before,
      after: { size: spec.size, origin: spec.origin!, cpus: spec.cpus },
    };
  }
  const second: EventSpec = { trigger: { kind: 'failover', partner: 'CPC-B' }, table };
  return {
    ...s,
    name,
    description: `${s.description}; and a failover of CPC-B undoing the event`,
    events: [first, second],
  };
}
