/**
 * The machine's small parts as their users see them: the clocks, a device's byte store, main
 * storage addresses, host table addresses, and the texts of errors whose lists may be empty.
 */
import { describe, expect, it } from 'vitest';
import { ManualClock, parseTimeOfDay, systemClock } from './clock.ts';
import { SimulatedDevice } from './device.ts';
import { InvalidRequestError, OutOfFramesError, UnknownChannelError, UnknownVmError } from './errors.ts';
import { HostSpace, OUTSIDE_SPACE, PAGE_FAULT } from './pageTables.ts';
import { manualMachine, scenarioOf } from './testSupport.ts';

describe('time of day', () => {
  it.each([
    ['00:00', 0],
    ['09:59', 599],
    ['19:05', 1145],
    ['23:59', 1439],
  ])('should read %s as minute %i of the day', (text, minutes) => {
    expect(parseTimeOfDay(text)).toBe(minutes);
  });
  it.each(['24:00', '7:00', '07:60', ' 07:00', '07:00 ', 'x07:00', '07:00x', '0a:00', 'a0:00'])(
    'should refuse %j',
    (text) => {
      let caught: unknown;
      try {
        parseTimeOfDay(text);
      } catch (error) {
        caught = error;
      }
      expect(caught).toBeInstanceOf(InvalidRequestError);
      expect((caught as InvalidRequestError).message).toBe(
        `time of day ${JSON.stringify(text)} is not HH:MM`,
      );
      expect((caught as InvalidRequestError).details).toEqual({ text });
    },
  );
  it('should start a manual clock at midnight and move it forward and back, wrapping', () => {
    const clock = new ManualClock();
    expect(clock.minutesOfDay()).toBe(0);
    clock.advance(-1);
    expect(clock.minutesOfDay()).toBe(1439);
    clock.advance(2);
    expect(clock.minutesOfDay()).toBe(1);
    clock.advance(3 * 1440 + 5);
    expect(clock.minutesOfDay()).toBe(6);
    clock.set('12:30');
    clock.advance(-750 - 1440);
    expect(clock.minutesOfDay()).toBe(0);
  });
  it("should read the system clock as the host's local hours and minutes", () => {
    for (let attempt = 0; attempt < 3; attempt++) {
      const before = new Date();
      const minutes = systemClock.minutesOfDay();
      const after = new Date();
      const expected = before.getHours() * 60 + before.getMinutes();
      if (expected !== after.getHours() * 60 + after.getMinutes()) continue; // a minute turned meanwhile
      expect(minutes).toBe(expected);
      return;
    }
    throw new Error('the minute kept turning');
  });
});

describe('simulated device', () => {
  it('should read zeros where nothing was written, grow on demand and return copies', () => {
    const device = new SimulatedDevice();
    expect(device.capacity).toBe(0);
    expect(device.read(10, 4)).toEqual(new Uint8Array(4));
    expect(device.capacity).toBe(4096);
    device.write(4094, Uint8Array.of(1, 2, 3, 4));
    expect(device.capacity).toBe(8192);
    const copy = device.read(4094, 4);
    copy[0] = 99;
    expect(device.read(4094, 4)).toEqual(Uint8Array.of(1, 2, 3, 4));
    const view = device.view(4095, 2);
    view[0] = 7;
    expect(device.read(4095, 1)).toEqual(Uint8Array.of(7));
    expect(device.view(9000, 8000).length).toBe(8000);
    expect(device.capacity).toBe(17000);
    expect(new SimulatedDevice(8).capacity).toBe(8);
    const exact = new SimulatedDevice(8);
    exact.write(0, new Uint8Array(8).fill(5));
    expect(exact.capacity).toBe(8);
    expect(exact.read(0, 8)).toEqual(new Uint8Array(8).fill(5));
  });
});

describe('main storage and host tables', () => {
  const twoPageable = () =>
    scenarioOf({
      name: 'two-pageable',
      storage: { frames: 8, vmmFrames: 1, pageSize: 64, pagesPerSegment: 2 },
      channels: 1,
      cpus: 1,
      vms: [
        {
          name: 'A',
          size: 3,
          pageFixed: false,
          direct: false,
          frames: [1, null, 2],
          cpus: { mode: 'shared', cpus: [0] },
        },
        {
          name: 'B',
          size: 1,
          pageFixed: false,
          direct: false,
          frames: [3],
          cpus: { mode: 'shared', cpus: [0] },
        },
      ],
    });

  it('should give each pageable VM its own host ST address, one stride apart', () => {
    const { machine } = manualMachine(twoPageable());
    expect([machine.controlBlock('A').hostSt, machine.controlBlock('B').hostSt]).toEqual([0x1000, 0x1100]);
    expect(machine.storage.frameAddress(3)).toBe(3 * 64);
    expect(machine.storage.frame(2).byteOffset).toBe(2 * 64);
  });

  it('should split a host space into segments of pagesPerSegment pages, the last one shorter', () => {
    const space = new HostSpace(0x1000, 5, 2);
    expect(space.segments.map((t) => t.valid.length)).toEqual([2, 2, 1]);
    expect(new HostSpace(0x1000, 4, 2).segments.map((t) => t.valid.length)).toEqual([2, 2]);
    expect([space.walk(-1), space.walk(5), space.walk(4)]).toEqual([
      OUTSIDE_SPACE,
      OUTSIDE_SPACE,
      PAGE_FAULT,
    ]);
    space.map(4, 0);
    space.mapRun(0, 2, 6);
    expect([0, 1, 2, 3, 4].map((p) => space.walk(p))).toEqual([6, 7, PAGE_FAULT, PAGE_FAULT, 0]);
    space.unmap(0);
    expect(space.walk(0)).toBe(PAGE_FAULT);
  });
});

describe('error texts', () => {
  it('should say "none" for empty lists and name the last channel', () => {
    expect(new UnknownVmError('X', []).message).toBe('unknown VM "X" (known: none)');
    expect(new UnknownVmError('X', ['A']).details).toEqual({ vm: 'X', known: ['A'] });
    expect(new UnknownChannelError(4, 3).message).toBe('channel 4 does not exist (3 channels: 0..2)');
    const out = new OutOfFramesError('A', 2);
    expect([out.code, out.message, out.details]).toEqual([
      'out-of-frames',
      'no free frame to page in page 2 of A, and none of its pages can be stolen',
      { vm: 'A', page: 2 },
    ]);
  });
});
