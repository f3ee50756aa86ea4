import { describe, expect, it } from 'vitest';
import { channelTargets, storageMapOf } from '../reports/vmm/storageMap.ts';
import { runCheck } from './run.ts';
import { loadScenarioArg } from './scenarios.ts';

describe('the storage map of the HTML trace', () => {
  const { scenario } = loadScenarioArg('fig6-relocation');
  const { model, result } = runCheck(scenario, {
    variant: 'prior-art',
    strategy: 'bfs',
    invariants: ['noStaleWrite'],
    progress: false,
  });
  const [stale] = result.discoveries;
  const states = [stale!.trace.initial, ...stale!.trace.steps.map((s) => s.state)];
  const mapAt = (i: number) => storageMapOf(model.ctx, model.stateToJson(states[i]!));

  it("should show, before the prior art's stale write, the frame the host program aims at and the pinned page", () => {
    expect(stale!.violation.message).toBe(
      'channel 0 wrote VM-2 page 1 at frame 4, but the page is at frame 5',
    );
    const before = mapAt(states.length - 2);
    const marked = before.frames
      .filter((f) => f.targets || f.pins)
      .map((f) => [f.index, f.label, f.targets ?? [], f.pins ?? []]);
    expect(marked).toEqual([
      [4, 'VM-2.p0.v0', ['ch0 write VM-2.p1'], []],
      [5, 'VM-2.p1.v0', [], ['VM-2.p1 pinned x1']],
    ]);
    expect(before.notes).toContain(
      'channel 0, io0 of VM-2, host program (frames fixed when built): write p1 at frame 4, but VM-2.p1 is at frame 5',
    );
  });

  it('should mark nothing before any I/O, and the target only while the transfer is to come', () => {
    expect(mapAt(0).frames.some((f) => f.targets || f.pins)).toBe(false);
    // After the write has landed, no transfer is left to come; the page stays pinned until the end.
    const after = mapAt(states.length - 1);
    expect(after.frames.some((f) => f.targets)).toBe(false);
    expect(channelTargets(model.ctx, states[2]!)).toEqual([
      { io: 0, channel: 0, vm: 'VM-2', op: 'write', page: 1, frame: 4, mode: 'host' },
    ]);
  });
});
