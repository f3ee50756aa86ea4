/**
 * Random interleavings of a resize on an event (fig1, fig8) with guest I/O, channel units and
 * guest CPU writes never lose a write to online storage under the patent, and end with the sizes
 * and CPUs of the configuration table.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Scenario } from '../scenario/schema.ts';
import type { Variant } from '../scenario/variants.ts';
import { AddressingException, ChannelBusyError, InvalidRequestError } from './errors.ts';
import type { EventTrigger } from './machine.ts';
import type { ChannelUnitReport } from './scheduler.ts';
import { manualMachine, mutationRuns, namedScenario, pattern } from './testSupport.ts';

const PS = 64;

type Command =
  | { kind: 'startIo'; vm: number; op: 'write' | 'read'; address: number; length: number }
  | { kind: 'unit' }
  | { kind: 'step' }
  | { kind: 'signal' }
  | { kind: 'cpuWrite'; vm: number; address: number; length: number; seed: number };

const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('startIo' as const),
      vm: fc.nat(2),
      op: fc.constantFrom('write' as const, 'read' as const),
      address: fc.nat(4 * PS - 1),
      length: fc.integer({ min: 1, max: PS + 8 }),
    }),
  },
  { weight: 5, arbitrary: fc.constant({ kind: 'unit' as const }) },
  { weight: 6, arbitrary: fc.constant({ kind: 'step' as const }) },
  { weight: 1, arbitrary: fc.constant({ kind: 'signal' as const }) },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('cpuWrite' as const),
      vm: fc.nat(2),
      address: fc.nat(4 * PS - 1),
      length: fc.integer({ min: 1, max: PS }),
      seed: fc.nat(),
    }),
  },
);

function run(
  scenario: Scenario,
  trigger: EventTrigger,
  commands: readonly Command[],
  variant: Variant = 'patent',
): void {
  const { machine, scheduler } = manualMachine(scenario, variant);
  const names = machine.vmNames();
  const shadow = new Map(names.map((vm) => [vm, new Uint8Array(8 * PS)]));
  let cursor = 0;
  const observe = (report: ChannelUnitReport): void => {
    if (report.kind !== 'transfer' || report.op !== 'write') return;
    if (Math.floor(report.guestAddress / PS) >= machine.vm(report.vm).onlineSize) return;
    shadow
      .get(report.vm)!
      .set(machine.device(0).view(report.deviceOffset, report.length), report.guestAddress);
  };
  const check = (): void => {
    for (const vm of names) {
      const online = machine.vm(vm).onlineSize;
      shadow.get(vm)!.fill(0, online * PS);
      const seen = machine.inspect(vm, 0, online * PS);
      const want = shadow.get(vm)!;
      const at = seen.findIndex((b, i) => b !== want[i]);
      if (at >= 0) throw new Error(`${vm} reads ${seen[at]} at ${at}, last written ${want[at]}`);
    }
  };
  const refusal = (error: unknown) =>
    error instanceof AddressingException ||
    error instanceof ChannelBusyError ||
    error instanceof InvalidRequestError;
  for (const command of commands) {
    try {
      switch (command.kind) {
        case 'startIo': {
          const vm = names[command.vm % names.length]!;
          machine.device(0).write(cursor, pattern(command.length, cursor + 1));
          machine.startIo(vm, 0, {
            deviceOffset: cursor,
            transfers: [{ op: command.op, address: command.address, length: command.length }],
          });
          cursor += command.length;
          break;
        }
        case 'unit':
          if (scheduler.ready().length > 0) observe(scheduler.runOne(0));
          break;
        case 'step':
          machine.reconfiguration?.step();
          break;
        case 'signal':
          machine.signalEvent(trigger);
          break;
        case 'cpuWrite': {
          const vm = names[command.vm % names.length]!;
          const data = pattern(command.length, command.seed);
          machine.write(vm, command.address, data);
          shadow.get(vm)!.set(data, command.address);
          break;
        }
      }
    } catch (error) {
      if (!refusal(error)) throw error;
    }
    check();
  }
  try {
    machine.signalEvent(trigger);
  } catch (error) {
    if (!(error instanceof InvalidRequestError)) throw error;
  }
  for (let i = 0; i < 1000 && machine.reconfiguration !== null; i++) {
    const result = machine.reconfiguration.step();
    if (result.status === 'waiting') observe(scheduler.runOne(scheduler.ready()[0]!));
    check();
  }
  while (scheduler.ready().length > 0) observe(scheduler.runOne(0));
  check();
  const table = scenario.events[0]!.table;
  for (const vm of names) {
    expect(machine.vm(vm)).toMatchObject({ size: table[vm]!.after.size, cpus: table[vm]!.after.cpus });
    expect(machine.controlBlock(vm)).toMatchObject({ origin: table[vm]!.after.origin, pageFixed: true });
  }
}

function smallPages(name: string): Scenario {
  const scenario = structuredClone(namedScenario(name));
  return { ...scenario, storage: { ...scenario.storage, pageSize: PS } };
}

describe('random interleavings of a resize', () => {
  it.each([
    ['fig8-resize', { kind: 'timeOfDay', at: '22:00' }],
    ['fig1-failover', { kind: 'failover', partner: 'CPC-B' }],
  ] as const)('should never lose a write to online storage in %s under the patent', (name, trigger) => {
    const scenario = smallPages(name);
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 5, maxLength: 50 }), (commands) =>
        run(scenario, trigger, commands),
      ),
      { numRuns: mutationRuns(300), seed: 99 },
    );
  });

  it('should find a lost write in fig8-resize under fault-offline-under-io', () => {
    const scenario = smallPages('fig8-resize');
    const result = fc.check(
      fc.property(fc.array(commandArb, { minLength: 5, maxLength: 50 }), (commands) =>
        run(scenario, { kind: 'timeOfDay', at: '22:00' }, commands, 'fault-offline-under-io'),
      ),
      { numRuns: 6000, seed: 99 },
    );
    expect(result.failed).toBe(true);
  });
});
