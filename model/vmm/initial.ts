/** The initial state of a scenario: every page holds version 0, nothing in flight. */
import type { VmmContext } from './context.ts';
import { datum, type MachineState, type VmState } from './state.ts';

/** The one initial state of the scenario behind `ctx`. */
export function initialState(ctx: VmmContext): MachineState {
  const s = ctx.scenario;
  const frames: (string | null)[] = new Array(ctx.frameCount).fill(null);
  const vms = s.vms.map((spec): VmState => {
    const origin = spec.origin ?? 0;
    const pageFrames = spec.pageFixed ? null : spec.frames!;
    for (let page = 0; page < spec.size; page++) {
      const f = spec.pageFixed ? origin + page : pageFrames![page];
      if (f !== null && f !== undefined) frames[f] = datum(spec.name, page, 0);
    }
    return {
      name: spec.name,
      alive: true,
      direct: spec.direct,
      pageFixed: spec.pageFixed,
      origin: spec.pageFixed ? origin : 0,
      end: spec.pageFixed ? origin + spec.size - 1 : 0,
      hostSt: pageFrames ? buildSegments(ctx, spec.size, (page) => pageFrames[page] ?? null) : null,
      size: spec.size,
      online: spec.size,
      pins: new Array(spec.size).fill(0),
      expected: new Array(spec.size).fill(0),
      pagingStore: pageFrames
        ? pageFrames.map((f, page) => (f === null ? datum(spec.name, page, 0) : null))
        : new Array(spec.size).fill(null),
      cpus: spec.cpus,
      programInterrupts: 0,
      shrinkRequest: null,
      residentLimit: null,
    };
  });
  return {
    frames,
    vms,
    channels: new Array(s.channels).fill(null),
    channelsSuspended: false,
    io: ctx.io.map(() => ({
      status: 'idle',
      mode: null,
      hostFrames: null,
      done: 0,
      startedBeforeRelocation: false,
    })),
    cpuAccessDone: ctx.access.map(() => false),
    running: new Array(s.cpus).fill(null),
    reconfig: null,
    heldRelocation: null,
    nextRequest: 0,
    requestArrived: false,
    events: ctx.events.map(() => 'waiting'),
    settledEvent: null,
    incidents: [],
  };
}

/** Segment table for `size` pages with page j mapped by `frameFor(j)`. */
function buildSegments(
  ctx: VmmContext,
  size: number,
  frameFor: (page: number) => number | null,
): (number | null)[][] {
  const segments: (number | null)[][] = [];
  for (let page = 0; page < size; page++) {
    const s = Math.floor(page / ctx.pagesPerSegment);
    (segments[s] ??= []).push(frameFor(page));
  }
  return segments;
}
