/**
 * What a relocation's waiting step must report, derived from the model state where the model's
 * relocation has no step enabled: the step it waits at (5030 paging out, 5085 moving, [0030] the
 * end of a conversion to pageable), the VM, and the pages it waits for. The model does not carry
 * those pages; they follow from its state: the pages in-flight transfers target (every transfer
 * of a running program of the VM, host or direct, as the model's 5020-5085 guards count them)
 * among those the step still has to page out (resident) or move (not at their destination).
 * Also the reasons some progress steps give, and the page a cycle break moves out of the way.
 *
 * Pure: reads the model state and the scenario only.
 */
import type { StepReport } from '../impl/index.ts';
import type { VmmContext } from '../model/vmm/context.ts';
import { activeRelocation, frameOf } from '../model/vmm/queries.ts';
import type { MachineState } from '../model/vmm/state.ts';

/** Pages of VM `v` that transfers of its running programs target (ascending). */
export function targetedPages(ctx: VmmContext, state: MachineState, v: number): number[] {
  const pages = new Set<number>();
  ctx.io.forEach((entry, i) => {
    if (entry.vm !== v || state.io[i]!.status !== 'running') return;
    for (const t of entry.transfers) pages.add(t.page);
  });
  return [...pages].sort((a, b) => a - b);
}

/** Running programs of VM `v` started directly. */
function directPrograms(ctx: VmmContext, state: MachineState, v: number): number {
  return ctx.io.filter(
    (entry, i) => entry.vm === v && state.io[i]!.status === 'running' && state.io[i]!.mode === 'direct',
  ).length;
}

/**
 * The problem with `report`, the machine's waiting step where the model's relocation in `state`
 * has no step enabled, or null. A resize's own waits (`resize.wait`) are not judged here.
 */
export function waitReportProblem(ctx: VmmContext, state: MachineState, report: StepReport): string | null {
  const r = activeRelocation(state);
  if (r === null || report.action === 'resize.wait') return null;
  const vm = state.vms[r.vm]!;
  const targeted = targetedPages(ctx, state, r.vm);
  let spec: string;
  let pages: number[];
  if (r.step === 'pageOut') {
    spec = '5030';
    pages = targeted.filter((p) => p < vm.size && frameOf(ctx, vm, p) !== null);
  } else if (r.step === 'movePages') {
    spec = '5085';
    pages = targeted.filter((p) => p < r.size && frameOf(ctx, vm, p) !== r.dest! + p);
  } else if (r.step === 'dispatch' && r.dest === null) {
    spec = '[0030]';
    pages = [];
  } else return null;
  const want = { action: 'reloc.wait', spec, vm: vm.name, pages };
  const got = { action: report.action, spec: report.spec, vm: report.vm, pages: report.pages };
  if (JSON.stringify(got) !== JSON.stringify(want))
    return `the machine waits with ${JSON.stringify(got)}, the model's state says ${JSON.stringify(want)}`;
  if (spec === '[0030]' && !report.detail?.startsWith(`${directPrograms(ctx, state, r.vm)} program(s) `))
    return `the machine waits at [0030] for ${JSON.stringify(report.detail)}, the model for ${directPrograms(ctx, state, r.vm)} direct program(s)`;
  if (!report.detail) return `the machine's wait at ${spec} gives no reason`;
  return null;
}

/**
 * The problem with the reason a relocation's progress `report` gives, taken where the model is in
 * `state` (before the model step it follows), or null: 5010 maps page j to the model's origin + j,
 * 5035-5050 counts the VM's programs in flight, 5090-5100 moves from the model's origin (none for
 * a pageable VM), 5120 sets bit 431 to the VM's configured value, 5130-5160 dispatches on a CPU of
 * the VM's assignment ('no CPU' without one), [0030] keeps the model's footprint. Other reports are not judged here.
 */
export function detailProblem(ctx: VmmContext, state: MachineState, report: StepReport): string | null {
  const r = activeRelocation(state);
  if (r === null) return null;
  const vm = state.vms[r.vm]!;
  const running = ctx.io.filter((entry, i) => entry.vm === r.vm && state.io[i]!.status === 'running').length;
  const want: { readonly [action: string]: RegExp } = {
    'reloc.buildSpace': new RegExp(`page j -> frame ${vm.origin}\\+j$`),
    'reloc.startPaging': new RegExp(`^${running} program\\(s\\) in flight`),
    'reloc.setDirect': new RegExp(`^bit 431 = ${ctx.scenario.vms[r.vm]!.direct ? 1 : 0}$`),
    'reloc.finishPageable': new RegExp(`^resident limit ${r.resident}$`),
  };
  if (report.action === 'reloc.setOrigin') {
    // From the old origin; a pageable VM made page-fixed has none.
    const from = r.purpose === 'toPageFixed' ? undefined : vm.origin;
    if (report.from !== from)
      return `the machine's 5090-5100 moves from ${report.from}, the model from ${from}`;
  }
  if (report.action === 'reloc.dispatch') {
    // 5130-5160 dispatches the VM on a CPU of its assignment, if it has one.
    const cpus = vm.cpus.cpus;
    const ok =
      cpus.length === 0 ? report.detail === 'no CPU' : cpus.some((c) => report.detail === `CPU ${c}`);
    if (!ok)
      return `the machine's 5130-5160 says ${JSON.stringify(report.detail)}, the VM's CPUs are ${JSON.stringify(cpus)}`;
  }
  const pattern = want[report.action];
  if (pattern === undefined || pattern.test(report.detail ?? '')) return null;
  return `the machine's ${report.action} says ${JSON.stringify(report.detail)}, the model's state ${pattern}`;
}

/**
 * The problem with `report`, the machine's step where the model breaks a cycle (5085) from
 * `before` to `after`, or null: the model moves the page that holds the destination frame of the
 * lowest page left out of the way, to the lowest free frame outside the destination or, with none,
 * out to the paging device; the machine's step must move that page from that frame (to that frame,
 * or paged out), saying whose way it was in. Judge it only where the machine tries the pages
 * lowest first, as its conversions do before their first move.
 */
export function cycleBreakProblem(
  ctx: VmmContext,
  before: MachineState,
  after: MachineState,
  report: StepReport,
): string | null {
  const r = activeRelocation(before);
  if (r === null || r.dest === null) return null;
  const was = before.vms[r.vm]!;
  const now = after.vms[r.vm]!;
  let page = 0;
  while (page < was.size && frameOf(ctx, was, page) === frameOf(ctx, now, page)) page++;
  if (page === was.size) return null;
  const from = frameOf(ctx, was, page)!;
  const to = frameOf(ctx, now, page);
  const detail = `out of the way of page ${from - r.dest}`;
  const want =
    to === null
      ? { action: 'reloc.pageOut', page, from, detail }
      : { action: 'reloc.movePage', page, from, to, detail };
  const got =
    to === null
      ? { action: report.action, page: report.page, from: report.from, detail: report.detail }
      : { action: report.action, page: report.page, from: report.from, to: report.to, detail: report.detail };
  if (JSON.stringify(got) === JSON.stringify(want)) return null;
  return `the machine breaks the cycle with ${JSON.stringify(got)}, the model ${JSON.stringify(want)}`;
}
