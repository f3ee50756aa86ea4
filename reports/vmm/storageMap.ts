/**
 * The storage map of the HTML trace: the model's picture of each frame (`storageView`) plus what
 * causes a stale write, not only its effect: which frames each in-flight channel program will
 * access next, and which pages are pinned.
 */
import type { Json } from '../../model/core/model.ts';
import type { VmmContext } from '../../model/vmm/context.ts';
import { frameOf } from '../../model/vmm/queries.ts';
import type { MachineState } from '../../model/vmm/state.ts';
import type { StorageView } from '../index.ts';
import { storageView } from './storage.ts';

/**
 * The frames each in-flight channel program (host program built, or running) will access with its
 * remaining transfers: a host program at the frames fixed when it was built (`hostFrames`), a
 * direct one at origin + page of the VM now. One entry per remaining transfer.
 */
export function channelTargets(ctx: VmmContext, state: MachineState) {
  const targets: {
    io: number;
    channel: number;
    vm: string;
    op: string;
    page: number;
    frame: number;
    mode: string;
  }[] = [];
  ctx.io.forEach((entry, io) => {
    const status = state.io[io];
    if (status === undefined || (status.status !== 'running' && status.status !== 'translated')) return;
    const vm = state.vms[entry.vm]!;
    for (let k = status.done; k < entry.transfers.length; k++) {
      const t = entry.transfers[k]!;
      const frame = status.mode === 'direct' ? vm.origin + t.page : status.hostFrames?.[k];
      if (frame === undefined || frame === null) continue;
      targets.push({
        io,
        channel: entry.channel,
        vm: vm.name,
        op: t.op,
        page: t.page,
        frame,
        mode: status.mode ?? '',
      });
    }
  });
  return targets;
}

/**
 * The map of one state (its JSON, `stateToJson`): `storageView`'s frames, each with the in-flight
 * transfers aimed at it (`ch0 write VM-2.p1`) and the pins on the page it holds (`VM-2.p1 pinned x1`),
 * and a note per in-flight program saying where its transfers go and whether that frame still
 * holds the page.
 */
export function storageMapOf(ctx: VmmContext, stateJson: Json): StorageView {
  const state = stateJson as unknown as MachineState;
  const base = storageView(ctx, stateJson);
  const targetsAt = new Map<number, string[]>();
  const pinsAt = new Map<number, string[]>();
  const notes: string[] = [];
  const byProgram = new Map<number, string[]>();
  for (const t of channelTargets(ctx, state)) {
    const page = `${t.vm}.p${t.page}`;
    (targetsAt.get(t.frame) ?? targetsAt.set(t.frame, []).get(t.frame)!).push(
      `ch${t.channel} ${t.op} ${page}`,
    );
    const vm = state.vms.find((v) => v.name === t.vm)!;
    const mapped = frameOf(ctx, vm, t.page);
    const where =
      mapped === t.frame
        ? `frame ${t.frame}`
        : `frame ${t.frame}, but ${page} is ${mapped === null ? 'not mapped' : `at frame ${mapped}`}`;
    (byProgram.get(t.io) ?? byProgram.set(t.io, []).get(t.io)!).push(`${t.op} p${t.page} at ${where}`);
  }
  for (const [io, transfers] of byProgram) {
    const entry = ctx.io[io]!;
    const mode =
      state.io[io]!.mode === 'host' ? 'host program (frames fixed when built)' : 'direct (origin + page)';
    notes.push(
      `channel ${entry.channel}, io${io} of ${state.vms[entry.vm]!.name}, ${mode}: ${transfers.join('; ')}`,
    );
  }
  state.vms.forEach((vm) => {
    vm.pins.forEach((count, page) => {
      if (count <= 0) return;
      const frame = frameOf(ctx, vm, page);
      const text = `${vm.name}.p${page} pinned x${count}`;
      if (frame !== null) (pinsAt.get(frame) ?? pinsAt.set(frame, []).get(frame)!).push(text);
      else notes.push(`${text}, not mapped`);
    });
  });
  const frames = base.frames.map((frame) => {
    const targets = targetsAt.get(frame.index);
    const pins = pinsAt.get(frame.index);
    return { ...frame, ...(targets ? { targets } : {}), ...(pins ? { pins } : {}) };
  });
  return { frames, notes: [...base.notes, ...notes] };
}
