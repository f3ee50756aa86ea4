/**
 * SPEC rules the model once got wrong (the sweep's known model gaps, issue 10): each test checks a
 * small scenario exhaustively under `patent` and fails when the model breaks the rule again.
 */
import { describe, expect, it } from 'vitest';
import { runCheck } from '../../cli/run.ts';
import { parseScenario } from '../../scenario/load.ts';
import type { Scenario } from '../../scenario/schema.ts';

/** A scenario from its parts, with one CPU, one channel, no dispatch and 4 KiB pages unless given. */
function scenario(parts: Record<string, unknown>): Scenario {
  return parseScenario({
    name: 'spec-rule',
    channels: 1,
    cpus: 1,
    bounds: { channelErrors: false, dispatch: false },
    ...parts,
    storage: { vmmFrames: 1, pageSize: 4096, pagesPerSegment: 2, ...(parts.storage as object) },
  });
}

const shared = { mode: 'shared', cpus: [0] } as const;

/** The exhaustive check of `s` under patent (invariants and progress). */
function check(s: Scenario) {
  return runCheck(s, { variant: 'patent', strategy: 'bfs' }).result;
}

/** The first violation's property and message, or null. */
function violation(s: Scenario): string | null {
  const d = check(s).discoveries[0];
  return d ? `${d.violation.invariant}: ${d.violation.message}` : null;
}

describe('SPEC 7.11 progress: terminate and an intercepted start-I/O requested before it', () => {
  it('should let the VMM handle the start before the VM ends, so nothing is stuck (was: deadlock)', () => {
    const s = scenario({
      storage: { frames: 2 },
      vms: [{ name: 'VM-1', size: 1, cpus: shared, origin: 1, pageFixed: true, direct: false }],
      io: [{ vm: 'VM-1', channel: 0, program: [{ op: 'write', page: 0, length: 1 }] }],
      reconfigurations: [{ kind: 'terminate', vm: 'VM-1' }],
    });
    expect(violation(s)).toBeNull();
  });
});
