/**
 * Model-based checks of what the machine's `snapshot()` and its reconfigurations show beyond the
 * projection (`modelVsImpl.ts`), each against the model's state at a comparable point:
 *
 * - per VM: `running` / `terminated` as the model's VM lives; a host segment table [435] exactly
 *   while the model's VM is pageable; the online pages on the paging device (`pagedOut`) as the
 *   pages the model's page table leaves invalid; the footprint a conversion to pageable left
 *   (`residentLimit`); the pages the guest is vacating (`vacatingFrom`) while the model's guest is
 *   asked to shrink (7000-7010);
 * - the frame table: the VMM's frames below `vmmFrames`, and, with nothing running, every frame no
 *   live page of the model maps is free;
 * - the running resize's phase: the step the model's resize takes next (its step, cursor and
 *   whether the guest was asked), and a queued one's `planned`; a prior-art relocation's phase:
 *   the model's step (suspend, copy, resume);
 * - a reconfiguration the model finished: a further `step()` does nothing and gives its result;
 * - the step reports of a resize: the sizes of 7000, the pages of 7010, 7030 and 7040, and the
 *   pages a waiting 7010 waits for (the pages going offline that transfers of the model's
 *   in-flight programs target).
 *
 * Each returns the problems found (empty: agreement). Pure but for `finishedProblems`, which steps
 * finished reconfigurations (a step of one changes nothing).
 */
import type { Machine, Reconfiguration, StepReport } from '../impl/index.ts';
import type { Action } from '../model/vmm/actions.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { frameHolders, frameOf } from '../model/vmm/queries.ts';
import type { MachineState, Resize } from '../model/vmm/state.ts';

/**
 * The snapshot's VMs and frames against the model's `state`; VMs in `diverged` (placed their own
 * way, see `ModelImplAdapter.placementDiverged`) are left out of what depends on placement.
 */
export function snapshotProblems(
  ctx: VmmContext,
  state: MachineState,
  machine: Machine,
  diverged: ReadonlySet<string>,
): string[] {
  const problems: string[] = [];
  const snap = machine.snapshot();
  state.vms.forEach((vm) => {
    const got = snap.vms.find((v) => v.name === vm.name);
    if (got === undefined) {
      problems.push(`${vm.name} is missing from the machine's snapshot`);
      return;
    }
    const want = vm.alive ? 'running' : 'terminated';
    if (got.state !== want) problems.push(`${vm.name} is ${got.state} in the machine, ${want} in the model`);
    if (!vm.alive) return;
    const pageable = vm.hostSt !== null;
    if ((typeof got.controlBlock.hostSt === 'number') !== pageable)
      problems.push(
        `${vm.name}'s host ST is ${JSON.stringify(got.controlBlock.hostSt)}, the model's VM is ${pageable ? 'pageable' : 'page-fixed'}`,
      );
    if (!diverged.has(vm.name)) {
      const out: number[] = [];
      if (pageable) for (let p = 0; p < vm.online; p++) if (frameOf(ctx, vm, p) === null) out.push(p);
      if (JSON.stringify(got.pagedOut) !== JSON.stringify(out))
        problems.push(
          `${vm.name} has pages ${JSON.stringify(got.pagedOut)} paged out, the model ${JSON.stringify(out)}`,
        );
    }
    if (got.residentLimit !== vm.residentLimit)
      problems.push(`${vm.name}'s resident limit is ${got.residentLimit}, the model's ${vm.residentLimit}`);
    if (vm.shrinkRequest !== null && got.vacatingFrom !== vm.shrinkRequest)
      problems.push(
        `${vm.name} is asked to keep ${vm.shrinkRequest} pages (7000), the machine vacates from ${got.vacatingFrom}`,
      );
    if (state.reconfig === null && got.vacatingFrom !== null)
      problems.push(`${vm.name} vacates from page ${got.vacatingFrom} with no resize running`);
  });
  const holders = frameHolders(ctx, state);
  const idle = state.reconfig === null && machine.reconfiguration === null && diverged.size === 0;
  snap.frames.forEach((fr, f) => {
    if ((fr.owner === 'vmm') !== f < ctx.vmmFrames)
      problems.push(`frame ${f} is ${JSON.stringify(fr)}; the VMM's frames are 0..${ctx.vmmFrames - 1}`);
    else if (idle && f >= ctx.vmmFrames && holders[f]!.length === 0 && fr.owner !== 'free')
      problems.push(`frame ${f} holds no live page in the model, the machine gives it ${JSON.stringify(fr)}`);
  });
  return problems;
}

/** The phase `Resize.snapshot()` shows for the model's running `resize`: the task it takes next. */
export function resizePhase(ctx: VmmContext, state: MachineState, r: Resize): string {
  const after = ctx.events[r.event]!.after;
  const name = (v: number) => ctx.vmNames[v]!;
  let step = r.step;
  if (step === 'shrink') {
    if (r.asked) return `offline ${name(r.cursor)}`;
    const v = state.vms.findIndex((vm, i) => vm.alive && after[i]!.size < vm.online);
    if (v >= 0) return `askShrink ${name(v)}`;
    step = 'relocate';
  }
  if (step === 'relocate') {
    if (r.relocation !== null) return `relocate ${name(r.relocation.vm)}`;
    let up = -1;
    let rest = -1;
    state.vms.forEach((vm, v) => {
      if (!vm.alive) return;
      const to = after[v]!.origin;
      if (to === vm.origin && after[v]!.size >= vm.size) return;
      if (to > vm.origin) {
        if (up < 0 || vm.origin > state.vms[up]!.origin) up = v;
      } else if (rest < 0 || vm.origin < state.vms[rest]!.origin) rest = v;
    });
    const v = up >= 0 ? up : rest;
    if (v >= 0) return `relocate ${name(v)}`;
    step = 'grow';
  }
  if (step === 'grow') {
    if (r.asked) return `online ${name(r.cursor)}`;
    const v = state.vms.findIndex((vm, i) => vm.alive && vm.size < after[i]!.size);
    if (v >= 0) return `askGrow ${name(v)}`;
  }
  return 'reassignCpus';
}

/** The machine's running resize's (or prior-art relocation's) phase against the model's, and every queued one's `planned`. */
export function phaseProblems(ctx: VmmContext, state: MachineState, machine: Machine): string[] {
  const problems: string[] = [];
  const active = machine.reconfiguration;
  const r = state.reconfig;
  if (r?.kind === 'resize' && active?.kind === 'resize') {
    const want = resizePhase(ctx, state, r);
    const got = active.snapshot().phase;
    if (got !== want) problems.push(`the model's resize takes ${want} next, the machine's is at ${got}`);
  }
  if (r?.kind === 'priorArt' && active !== null && active.snapshot().phase !== r.step)
    problems.push(
      `the model's prior-art relocation takes ${r.step} next, the machine's is at ${active.snapshot().phase}`,
    );
  for (const q of machine.queuedReconfigurations)
    if (q.kind === 'resize' && q.snapshot().phase !== 'planned')
      problems.push(`queued ${q.description} shows phase ${q.snapshot().phase}, not planned`);
  return problems;
}

/**
 * Reconfigurations the model finished (`finished`, the machine's, none of them running): a step of
 * each must do nothing and give its result again.
 */
export function finishedProblems(finished: readonly Reconfiguration[]): string[] {
  const problems: string[] = [];
  for (const r of finished) {
    const result = r.step();
    if (result.status !== 'done' || result.report !== null || result.result !== r.result || r.result === null)
      problems.push(`a step of finished ${r.description} gave ${JSON.stringify(result)}`);
  }
  return problems;
}

/**
 * The report of the machine's resize step for the model's `action` (`before` -> `after`): 7000
 * names the sizes before and after, 7010 the pages going offline, 7030 the pages added, 7040 the
 * pages coming online, 7020 the destination and the relocation it begins, 7050 no VM.
 */
export function resizeReportProblem(
  ctx: VmmContext,
  before: MachineState,
  a: Action,
  after: MachineState,
  report: StepReport,
): string | null {
  const range = (from: number, to: number) =>
    Array.from({ length: Math.max(0, to - from) }, (_, i) => from + i);
  let want: Partial<StepReport> | null = null;
  switch (a.kind) {
    case 'resize.askShrink':
      want = { detail: `${before.vms[a.vm]!.size} -> ${after.vms[a.vm]!.shrinkRequest} pages` };
      break;
    case 'guest.offline':
      want = { pages: range(after.vms[a.vm]!.online, before.vms[a.vm]!.online) };
      break;
    case 'resize.askGrow':
      want = { pages: range(before.vms[a.vm]!.size, after.vms[a.vm]!.size) };
      break;
    case 'guest.online':
      want = { pages: range(before.vms[a.vm]!.online, after.vms[a.vm]!.online) };
      break;
    case 'resize.relocate': {
      const r = after.reconfig?.kind === 'resize' ? after.reconfig.relocation : null;
      if (r === null || r === undefined) return `${a.kind}: the model begins no relocation`;
      const to = r.kind === 'relocation' ? r.dest : r.dest;
      want = {
        to: to ?? undefined,
        detail: `relocate ${ctx.vmNames[a.vm]} to frame ${to}${r.kind === 'priorArt' ? ' (prior art)' : ''}`,
      };
      break;
    }
    case 'resize.reassignCpus':
      want = { vm: null };
      break;
    default:
      return null;
  }
  for (const [key, value] of Object.entries(want))
    if (JSON.stringify(report[key as keyof StepReport]) !== JSON.stringify(value))
      return `${a.kind}: the machine reports ${JSON.stringify(report)}, the model's step has ${key} ${JSON.stringify(value)}`;
  return null;
}

/**
 * The report of a machine's resize that waits where the model's cannot go on: while the model's
 * guest is asked to shrink (and dispatched), 7010 waits for the pages going offline that
 * transfers of the model's in-flight programs (running or translated) of that VM target. Null
 * where the model's wait is another (a relocation's).
 */
export function waitingReportProblem(
  ctx: VmmContext,
  state: MachineState,
  report: StepReport,
): string | null {
  const r = state.reconfig;
  if (r?.kind !== 'resize' || r.step !== 'shrink' || !r.asked) return null;
  const v = r.cursor;
  const vm = state.vms[v]!;
  if (vm.shrinkRequest === null) return null;
  const targeted = new Set<number>();
  ctx.io.forEach((entry, i) => {
    const status = state.io[i]!.status;
    if (entry.vm !== v || (status !== 'running' && status !== 'translated')) return;
    for (const t of entry.transfers)
      if (t.page >= vm.shrinkRequest! && t.page < vm.online) targeted.add(t.page);
  });
  const pages = [...targeted].sort((x, y) => x - y);
  const want = { action: 'resize.wait', spec: '7010', vm: vm.name, pages };
  if (
    report.action !== want.action ||
    report.spec !== want.spec ||
    report.vm !== want.vm ||
    JSON.stringify(report.pages) !== JSON.stringify(pages) ||
    !report.detail
  )
    return `the model's 7010 waits for ${vm.name} pages ${JSON.stringify(pages)} under I/O; the machine's wait reports ${JSON.stringify(report)}`;
  return null;
}

/**
 * Whether the machine's page-in of a page of VM `v` at the model's `vmm.pageIn` from `before` must
 * take the model's frame: where no VM's placement diverged (`diverged` VMs: none), the machine
 * takes the lowest free frame as the model does, except for the VM of a running relocation with
 * a destination, whose page the machine may page straight into its destination frame.
 */
export function pageInIsStrict(before: MachineState, v: number, diverged: number): boolean {
  const r = before.reconfig;
  const reloc = r?.kind === 'relocation' ? r : r?.kind === 'resize' ? r.relocation : null;
  return diverged === 0 && !(reloc?.kind === 'relocation' && reloc.vm === v && reloc.dest !== null);
}

/**
 * The machine's page table of the VM before (`was`) and after (`now`) its page-in at the model's
 * `vmm.pageIn` `a`: the page is resident, no other page moved or went out (the model's page-in
 * takes a free frame, it steals none), and, `strict`, the page is in the model's frame.
 */
export function pageInProblem(
  ctx: VmmContext,
  a: Extract<Action, { kind: 'vmm.pageIn' }>,
  after: MachineState,
  was: readonly (number | null)[],
  now: readonly (number | null)[],
  strict: boolean,
): string | null {
  const name = ctx.vmNames[a.vm]!;
  const moved = was.flatMap((f, p) => (p !== a.page && now[p] !== f ? [p] : []));
  if (now[a.page] === null || now[a.page] === undefined || moved.length > 0)
    return `vmm.pageIn: the model pages ${name} page ${a.page} into a free frame; the machine's page table went from ${JSON.stringify(was)} to ${JSON.stringify(now)}`;
  const want = frameOf(ctx, after.vms[a.vm]!, a.page);
  if (strict && now[a.page] !== want)
    return `vmm.pageIn: the model pages ${name} page ${a.page} into frame ${want}, the machine into frame ${now[a.page]}`;
  return null;
}

/**
 * The code a refusal of event `e`'s table names, from the model's `state` where it refuses it (the
 * first reason `tableFits` finds, in the table's order as the machine checks it): a VM gone
 * (`unknown-vm`), pageable or not fully online (`vm-state`), of another size than the table expects
 * (`invalid-request`); else the moves or growths do not fit (`does-not-fit`).
 */
export function refusalCode(ctx: VmmContext, state: MachineState, e: number): string {
  for (const name of Object.keys(ctx.scenario.events[e]!.table)) {
    const v = ctx.vmNames.indexOf(name);
    const vm = state.vms[v]!;
    if (!vm.alive) return 'unknown-vm';
    if (!vm.pageFixed || vm.online !== vm.size) return 'vm-state';
  }
  for (const name of Object.keys(ctx.scenario.events[e]!.table)) {
    const v = ctx.vmNames.indexOf(name);
    if (ctx.events[e]!.before[v]!.size !== state.vms[v]!.size) return 'invalid-request';
  }
  return 'does-not-fit';
}

/**
 * At the model's `resize.refuse` of event `e` (from `state`): the machine refused it at arrival
 * with `arrival`, or its queued resize `r` ended `failed` with no step taken; either way with the
 * code the model's state gives (`refusalCode`) and a message.
 */
export function refusalProblem(
  ctx: VmmContext,
  state: MachineState,
  e: number,
  arrival: { readonly code: string; readonly message: string } | null,
  r: Reconfiguration | null,
): string | null {
  const code = refusalCode(ctx, state, e);
  if (arrival !== null)
    return arrival.code === code && arrival.message.length > 0
      ? null
      : `event ${e} refused at arrival with ${arrival.code} (${arrival.message}); the model's state says ${code}`;
  const result = r?.result ?? null;
  if (
    result === null ||
    result.status !== 'failed' ||
    result.steps !== 0 ||
    result.error?.code !== code ||
    !result.error.message
  )
    return `event ${e}'s queued resize ended ${JSON.stringify(result)}; the model refuses its table (${code})`;
  return null;
}
