/**
 * Random interleavings (manual scheduler) of channel page-transfers, relocation and conversion
 * steps, guest start-I/Os and guest CPU writes never lose a write under the patent: after every
 * command, what each guest reads equals a shadow copy updated at the moment each write happened,
 * and every channel read delivers what the guest had there at that moment.
 * The same property fails under the prior art and a seeded fault, so it has teeth.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Variant } from '../scenario/variants.ts';
import {
  AddressingException,
  ChannelBusyError,
  DoesNotFitError,
  InvalidRequestError,
  OutOfFramesError,
  ReconfigurationInProgressError,
  VmStateError,
} from './errors.ts';
import type { Machine } from './machine.ts';
import type { ChannelUnitReport } from './scheduler.ts';
import { manualMachine, mutationRuns, pattern, scenarioOf } from './testSupport.ts';

const PS = 32;
const VMS = ['A', 'B', 'C'] as const;
type VmName = (typeof VMS)[number];

const SCENARIO = scenarioOf({
  name: 'interleavings',
  storage: { frames: 20, vmmFrames: 1, pageSize: PS, pagesPerSegment: 2 },
  channels: 2,
  cpus: 1,
  vms: [
    { name: 'A', size: 3, origin: 1, direct: true, cpus: { mode: 'shared', cpus: [0] } },
    { name: 'B', size: 3, origin: 4, direct: false, cpus: { mode: 'shared', cpus: [0] } },
    {
      name: 'C',
      size: 3,
      pageFixed: false,
      direct: false,
      frames: [8, null, null],
      cpus: { mode: 'shared', cpus: [0] },
    },
  ],
});

type Command =
  | { kind: 'startIo'; vm: VmName; channel: number; op: 'write' | 'read'; address: number; length: number }
  | { kind: 'unit'; channel: number }
  | { kind: 'fail'; channel: number }
  | { kind: 'step'; maxPages: number }
  | { kind: 'relocate'; vm: VmName; offset: number }
  | { kind: 'toPageable'; vm: VmName; resident: number }
  | { kind: 'toPageFixed'; vm: VmName; to: number }
  | { kind: 'cpuWrite'; vm: VmName; address: number; length: number; seed: number };

const vmArb = fc.constantFrom(...VMS);
const commandArb: fc.Arbitrary<Command> = fc.oneof(
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('startIo' as const),
      vm: vmArb,
      channel: fc.nat(1),
      op: fc.constantFrom('write' as const, 'read' as const),
      address: fc.nat(3 * PS - 1),
      length: fc.integer({ min: 1, max: 2 * PS }),
    }),
  },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('unit' as const), channel: fc.nat(1) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('fail' as const), channel: fc.nat(1) }) },
  {
    weight: 12,
    arbitrary: fc.record({ kind: fc.constant('step' as const), maxPages: fc.constantFrom(1, 1, 3) }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('relocate' as const),
      vm: vmArb,
      offset: fc.oneof(fc.integer({ min: -2, max: 2 }), fc.integer({ min: -8, max: 16 })),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('toPageable' as const),
      vm: vmArb,
      resident: fc.integer({ min: 1, max: 3 }),
    }),
  },
  {
    weight: 2,
    arbitrary: fc.record({
      kind: fc.constant('toPageFixed' as const),
      vm: vmArb,
      to: fc.oneof(fc.integer({ min: 9, max: 17 }), fc.integer({ min: 1, max: 17 })),
    }),
  },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('cpuWrite' as const),
      vm: vmArb,
      address: fc.nat(3 * PS - 1),
      length: fc.integer({ min: 1, max: PS + 4 }),
      seed: fc.nat(),
    }),
  },
);

/** Errors a guest or the VMM may legitimately get for a command that does not apply now. */
function isRefusal(error: unknown): boolean {
  return (
    error instanceof AddressingException ||
    error instanceof ChannelBusyError ||
    error instanceof DoesNotFitError ||
    error instanceof ReconfigurationInProgressError ||
    error instanceof VmStateError ||
    error instanceof OutOfFramesError ||
    error instanceof InvalidRequestError
  );
}

/** Counts of what happened across runs, to show the generator reaches the interesting states. */
type Coverage = Map<string, number>;

/** Run `commands` then finish everything; the first problem found, or null. */
function runInterleaving(variant: Variant, commands: readonly Command[], coverage?: Coverage): string | null {
  const count = (what: string) => coverage?.set(what, (coverage.get(what) ?? 0) + 1);
  const { machine, scheduler } = manualMachine(SCENARIO, variant);
  const shadow = new Map<VmName, Uint8Array>(VMS.map((vm) => [vm, new Uint8Array(machine.vm(vm).size * PS)]));
  let deviceCursor = 0;
  let problem: string | null = null;

  const observe = (report: ChannelUnitReport): void => {
    if (report.kind !== 'transfer') return;
    const guest = shadow.get(report.vm as VmName)!;
    const device = machine.device(report.channel);
    if (report.op === 'write')
      guest.set(device.view(report.deviceOffset, report.length), report.guestAddress);
    else if (
      !equal(
        device.view(report.deviceOffset, report.length),
        guest.subarray(report.guestAddress, report.guestAddress + report.length),
      )
    ) {
      problem ??= `channel read of ${report.vm} at ${report.guestAddress} saw other bytes than the guest had`;
    }
  };
  const attempt = (f: () => void): void => {
    try {
      f();
    } catch (error) {
      if (!isRefusal(error)) throw error;
    }
  };

  for (const command of commands) {
    switch (command.kind) {
      case 'startIo':
        attempt(() => {
          const data = pattern(command.length, deviceCursor + 1);
          machine.device(command.channel).write(deviceCursor, data);
          const io = machine.startIo(command.vm, command.channel, {
            deviceOffset: deviceCursor,
            transfers: [{ op: command.op, address: command.address, length: command.length }],
          });
          deviceCursor += command.length;
          count(`io.${io.mode}${machine.reconfiguration === null ? '' : '.duringReconfiguration'}`);
        });
        break;
      case 'unit':
        if (scheduler.ready().includes(command.channel)) observe(scheduler.runOne(command.channel));
        break;
      case 'fail':
        if (scheduler.ready().includes(command.channel)) scheduler.fail(command.channel);
        break;
      case 'step': {
        const result = machine.reconfiguration?.step({ maxPages: command.maxPages });
        if (result?.report) count(result.report.action);
        if (result?.report && machine.channelStatus().some((c) => c.busy))
          count(`${result.report.action}.withIoInFlight`);
        break;
      }
      case 'relocate':
        attempt(() =>
          machine.relocate(command.vm, (machine.controlBlock(command.vm).origin ?? 9) + command.offset),
        );
        break;
      case 'toPageable':
        attempt(() => machine.toPageable(command.vm, command.resident));
        break;
      case 'toPageFixed':
        attempt(() => machine.toPageFixed(command.vm, command.to));
        break;
      case 'cpuWrite':
        attempt(() => {
          const data = pattern(command.length, command.seed);
          machine.write(command.vm, command.address, data);
          shadow.get(command.vm)!.set(data, command.address);
        });
        break;
    }
    problem ??= checkMachine(machine, shadow);
    if (problem !== null) return problem;
  }
  // Finish: complete the reconfiguration (channels move only when it waits), then drain.
  for (let i = 0; i < 10_000 && machine.reconfiguration !== null; i++) {
    const result = machine.reconfiguration.step();
    if (result.report) count(result.report.action);
    if (result.report && machine.channelStatus().some((c) => c.busy))
      count(`${result.report.action}.withIoInFlight`);
    if (result.status === 'waiting') {
      const ready = scheduler.ready();
      if (ready.length === 0) return `deadlock: ${JSON.stringify(result.report)}`;
      observe(scheduler.runOne(ready[0]!));
    }
  }
  while (scheduler.ready().length > 0) observe(scheduler.runOne(scheduler.ready()[0]!));
  return problem ?? checkMachine(machine, shadow, true);
}

/** What each guest reads equals its shadow; frames, pins and page-fixed areas are consistent. */
function checkMachine(machine: Machine, shadow: Map<VmName, Uint8Array>, final = false): string | null {
  const snapshot = machine.snapshot();
  const holder = new Map<number, string>();
  for (const vm of snapshot.vms) {
    const pins = new Array<number>(vm.size).fill(0);
    for (const c of snapshot.channels) {
      if (c.program?.vm === vm.name && c.program.mode === 'intercepted')
        for (const p of c.program.pieces) pins[p.page]!++;
    }
    if (JSON.stringify(pins) !== JSON.stringify(vm.pins))
      return `${vm.name}: pins ${vm.pins} but in-flight pieces ${pins}`;
    vm.pageTable.forEach((frame, page) => {
      if (frame === null) return;
      const other = holder.get(frame);
      if (other !== undefined) return;
      holder.set(frame, `${vm.name}:${page}`);
    });
    const { controlBlock: cb } = vm;
    if (cb.pageFixed && (cb.origin === null || vm.pageTable.some((f, p) => f !== cb.origin! + p))) {
      return `${vm.name}: page-fixed but not contiguous at ${cb.origin}`;
    }
    if (cb.direct && !cb.pageFixed) return `${vm.name}: bit 431 without bit 432`;
  }
  const mapped = snapshot.vms.flatMap((vm) => vm.pageTable.filter((f) => f !== null));
  if (new Set(mapped).size !== mapped.length)
    return `a frame holds two live pages: ${JSON.stringify(snapshot.vms.map((v) => v.pageTable))}`;
  for (const vm of VMS) {
    // `inspect` reads like the guest would, without paging anything in (so the check does not
    // steer the run); `final` also reads for real.
    const seen = machine.inspect(vm, 0, shadow.get(vm)!.length);
    if (final) {
      try {
        if (!equal(machine.read(vm, 0, seen.length), seen)) return `${vm}: read and inspect disagree`;
      } catch (error) {
        if (!(error instanceof OutOfFramesError)) throw error;
      }
    }
    if (!equal(seen, shadow.get(vm)!)) {
      const at = seen.findIndex((b, i) => b !== shadow.get(vm)![i]);
      return `${vm} reads ${seen[at]} at ${at}, last written ${shadow.get(vm)![at]}`;
    }
  }
  return null;
}

function equal(a: Uint8Array, b: Uint8Array): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) return false;
  return true;
}

describe('random interleavings', () => {
  it('should never lose a write under the patent', () => {
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 5, maxLength: 80 }), (commands) => {
        expect(runInterleaving('patent', commands)).toBeNull();
      }),
      { numRuns: mutationRuns(1000), seed: 20240601 },
    );
  });

  it('should reach relocation with I/O in flight, waits, page-outs and page-ins', () => {
    const coverage: Coverage = new Map();
    fc.assert(
      fc.property(fc.array(commandArb, { minLength: 5, maxLength: 80 }), (commands) => {
        runInterleaving('patent', commands, coverage);
      }),
      { numRuns: 600, seed: 7 },
    );
    for (const reached of [
      'reloc.movePage.withIoInFlight',
      'reloc.wait',
      'reloc.copyAll',
      'reloc.pageOut',
      'reloc.pageInToDest',
      'reloc.setDirect',
      'io.intercepted.duringReconfiguration',
      'io.direct',
    ]) {
      expect(coverage.get(reached) ?? 0, reached).toBeGreaterThan(0);
    }
  });

  it.each(['prior-art', 'fault-move-targeted-page', 'fault-overlap-copy'] as const)(
    'should find a lost write under %s',
    (variant) => {
      const result = fc.check(
        fc.property(
          fc.array(commandArb, { minLength: 5, maxLength: 80 }),
          (commands) => runInterleaving(variant, commands) === null,
        ),
        { numRuns: 2000, seed: 20240601 },
      );
      expect(result.failed).toBe(true);
    },
  );
});
