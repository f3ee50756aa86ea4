/**
 * One description of every generated scenario: a builder that makes each decision (how many VMs,
 * their sizes and kinds, the free space, the reconfigurations, the event and its table, the I/O,
 * the CPU access, channel errors) by asking a `choose(n)` function for an option `0..n-1`, options
 * ordered simplest first. The enumerator (`enumerate.ts`) walks every sequence of choices; the
 * fast-check arbitrary (`arbitrary.ts`) draws them at random, so shrinking a failing scenario is
 * shrinking its choices towards 0: fewer, smaller, simpler.
 *
 * Every scenario built is valid by construction (tests load each one through `scenario/load.ts`):
 * destinations are free or the moving VM's own frames when the request runs, tables fit storage,
 * I/O names online pages. Symmetric duplicates are not built: VMs are named in origin order, the
 * I/O programs of a scenario are in non-decreasing catalogue order (their order in the list does not
 * matter: each starts at most once, in any order), a second channel is used only by a second program.
 *
 * Pure and deterministic: data only, no model.
 */
import type { EventSpec, IoSpec, Reconfiguration, Scenario, TableEntry, VmSpec } from '../schema.ts';

/** The bounds of a generated scope. */
export interface ScenarioScope {
  readonly name: string;
  /** Most VMs (1..). */
  readonly maxVms: number;
  /** Most pages of one VM. */
  readonly maxPages: number;
  /** Most guest pages over all VMs. */
  readonly maxTotalPages: number;
  /** Most free frames (placed in one gap, before any VM or at the end). */
  readonly maxFree: number;
  /** Most guest channel programs (each one transfer of one page). */
  readonly maxPrograms: number;
  /** Most channels (a second one only for a second program). */
  readonly maxChannels: number;
  /** Most CPUs (a second one only for an event that dedicates a CPU). */
  readonly maxCpus: number;
  /** Most "features": each reconfiguration request, event, CPU dedication, I/O program, CPU access and channel errors count one. */
  readonly maxFeatures: number;
}

/** Picks an option `0..n-1` (n >= 1) for the next decision. */
export type Choose = (n: number) => number;

type VmKind = 'fixed-direct' | 'fixed-host' | 'pageable' | 'pageable-out';

interface Layout {
  readonly frames: number;
  readonly vms: readonly { kind: VmKind; size: number; first: number }[];
}

const VMM_FRAMES = 1;

/** Frames a VM of this kind and size holds at the start. */
const heldFrames = (kind: VmKind, size: number) => (kind === 'pageable-out' ? size - 1 : size);

/** Build one scenario from the choices `choose` makes. `name` is used as given. */
export function buildScenario(scope: ScenarioScope, choose: Choose, name: string): Scenario | null {
  let features = 0;
  const budget = () => scope.maxFeatures - features;

  // The machine: VMs in origin order, free frames in one gap.
  const n = 1 + choose(scope.maxVms);
  const kinds: VmKind[] = [];
  const sizes: number[] = [];
  let pages = 0;
  for (let v = 0; v < n; v++) {
    const room = scope.maxTotalPages - pages - (n - v - 1); // leave a page for each VM still to come
    const size = 1 + choose(Math.max(1, Math.min(scope.maxPages, room)));
    pages += size;
    const options: VmKind[] = ['fixed-direct', 'fixed-host', 'pageable'];
    if (size >= 2) options.push('pageable-out');
    kinds.push(options[choose(options.length)]!);
    sizes.push(size);
  }
  // As many free frames as pages on the paging device, or more; then fewer: a page-in with no frame
  // free steals one of its own VM's (each pageable-out VM keeps a resident page to steal).
  const pagedOut = kinds.filter((k) => k === 'pageable-out').length;
  const freeOptions: number[] = [];
  for (let f = pagedOut; f <= scope.maxFree; f++) freeOptions.push(f);
  for (let f = 0; f < Math.min(pagedOut, scope.maxFree + 1); f++) freeOptions.push(f);
  const free = freeOptions[choose(freeOptions.length)]!;
  const gapAt = free > 0 ? choose(n + 1) : n;
  const vms: { kind: VmKind; size: number; first: number }[] = [];
  let next = VMM_FRAMES;
  for (let v = 0; v < n; v++) {
    if (v === gapAt) next += free;
    vms.push({ kind: kinds[v]!, size: sizes[v]!, first: next });
    next += heldFrames(kinds[v]!, sizes[v]!);
  }
  if (gapAt === n) next += free;
  const layout: Layout = { frames: next, vms };

  // Reconfigurations (run in order), and an event with its table (page-fixed machines only): alone,
  // or with one relocation, so that one arrives while the other runs and waits or is refused
  // (7.13), and the event's table may no longer fit once the relocation moved a VM.
  const plans = reconfigurationPlans(layout).filter((p) => p.length <= budget());
  const plan = plans[choose(plans.length)]!;
  features += plan.length;
  let event: { spec: EventSpec; cpus: number } | null = null;
  const eventMayCome = plan.length === 0 || (plan.length === 1 && plan[0]!.kind === 'relocate');
  if (eventMayCome && budget() >= 1 && vms.every((vm) => vm.kind.startsWith('fixed'))) {
    const tables = eventTables(layout, scope).filter((t) => t.features <= budget());
    const pick = choose(tables.length + 1);
    if (pick > 0) {
      const t = tables[pick - 1]!;
      event = { spec: t.spec, cpus: t.cpus };
      features += t.features;
    }
  }

  // Guest I/O: up to maxPrograms one-page transfers, in non-decreasing catalogue order.
  const catalogue: { vm: number; op: 'write' | 'read'; page: number }[] = [];
  vms.forEach((vm, v) => {
    for (const op of ['write', 'read'] as const)
      for (let page = 0; page < vm.size; page++) catalogue.push({ vm: v, op, page });
  });
  const programs = choose(Math.min(scope.maxPrograms, budget()) + 1);
  features += programs;
  const picked: number[] = [];
  for (let i = 0; i < programs; i++) {
    const from = picked.at(-1) ?? 0;
    picked.push(from + choose(catalogue.length - from));
  }
  const twoChannels = programs >= 2 && scope.maxChannels >= 2 && choose(2) === 1;
  const io: IoSpec[] = picked.map((k, i) => {
    const t = catalogue[k]!;
    return {
      vm: vmName(t.vm),
      channel: twoChannels && i === programs - 1 ? 1 : 0,
      program: [{ op: t.op, page: t.page, length: 1 }],
    };
  });

  // One CPU access, possibly one page past the end (the limit check).
  const accesses: { vm: number; op: 'read' | 'write'; page: number }[] = [];
  if (budget() >= 1) {
    vms.forEach((vm, v) => {
      for (const op of ['write', 'read'] as const)
        for (let page = 0; page <= vm.size; page++) accesses.push({ vm: v, op, page });
    });
  }
  const access = choose(accesses.length + 1);
  if (access > 0) features++;
  const cpuAccess = access > 0 ? [toAccess(accesses[access - 1]!)] : [];

  const channelErrors = programs > 0 && budget() >= 1 && choose(2) === 1;
  if (
    !everyVmMatters(
      vms,
      plan,
      event !== null,
      picked.map((k) => catalogue[k]!.vm),
      cpuAccess.length > 0 ? accesses[access - 1]!.vm : -1,
    )
  )
    return null;
  const cpus = event?.cpus ?? 1;
  const everyCpu = { mode: 'shared' as const, cpus: Array.from({ length: cpus }, (_, c) => c) };
  const vmSpecs: VmSpec[] = vms.map((vm, v) => {
    const base = { name: vmName(v), size: vm.size, cpus: everyCpu };
    if (vm.kind === 'fixed-direct' || vm.kind === 'fixed-host')
      return { ...base, origin: vm.first, pageFixed: true, direct: vm.kind === 'fixed-direct' };
    const frames = Array.from({ length: vm.size }, (_, p) =>
      vm.kind === 'pageable-out' && p === vm.size - 1 ? null : vm.first + p,
    );
    return { ...base, pageFixed: false, direct: false, frames };
  });
  const scenario: Scenario = {
    name,
    description: '',
    variant: 'patent',
    storage: { frames: layout.frames, vmmFrames: VMM_FRAMES, pageSize: 4096, pagesPerSegment: 2 },
    channels: twoChannels ? 2 : 1,
    cpus,
    vms: vmSpecs,
    io,
    cpuAccess,
    reconfigurations: plan.map((r) => ({ ...r, vm: vmName(r.vm) }) as Reconfiguration),
    events: event ? [event.spec] : [],
    bounds: { channelErrors, dispatch: false },
  };
  return { ...scenario, description: describeScenario(scenario) };
}

const vmName = (v: number) => `VM-${v + 1}`;

/**
 * Whether the machine is canonical for what happens in it: a VM that no request, I/O program or CPU
 * access names (and no event, whose table names every VM) only takes up frames, so only its
 * simplest kind (page-fixed, direct) is built; its size still counts (it shapes the free space).
 */
function everyVmMatters(
  vms: readonly { kind: VmKind }[],
  plan: readonly PlannedRequest[],
  event: boolean,
  ioVms: readonly number[],
  accessVm: number,
): boolean {
  if (event) return true;
  return vms.every(
    (vm, v) =>
      vm.kind === 'fixed-direct' || plan.some((r) => r.vm === v) || ioVms.includes(v) || accessVm === v,
  );
}

function toAccess(a: { vm: number; op: 'read' | 'write'; page: number }) {
  return { vm: vmName(a.vm), op: a.op, page: a.page };
}

type PlannedRequest =
  | { kind: 'terminate'; vm: number }
  | { kind: 'relocate'; vm: number; to: number }
  | { kind: 'toPageable'; vm: number; resident: number }
  | { kind: 'toPageFixed'; vm: number; to: number };

/** Destinations of a VM of `size` whose area is inside `usable` frames, other than `except`. */
function destinations(
  layout: Layout,
  size: number,
  usable: (f: number) => boolean,
  except: number,
): number[] {
  const out: number[] = [];
  for (let to = VMM_FRAMES; to + size <= layout.frames; to++) {
    if (to === except) continue;
    let ok = true;
    for (let f = to; f < to + size; f++) ok &&= usable(f);
    if (ok) out.push(to);
  }
  return out;
}

/**
 * Every list of requests for this machine, simplest first: none; one terminate, relocation (every
 * destination: up, down, overlapping its own area or not), conversion to pageable (every resident
 * count) or to page-fixed; a terminate then a relocation into the space freed; a conversion to
 * pageable then back to page-fixed anywhere it fits.
 */
function reconfigurationPlans(layout: Layout): PlannedRequest[][] {
  const holder = new Array<number>(layout.frames).fill(-1);
  layout.vms.forEach((vm, v) => {
    for (let f = vm.first; f < vm.first + heldFrames(vm.kind, vm.size); f++) holder[f] = v;
  });
  const freeOr =
    (...vs: number[]) =>
    (f: number) =>
      holder[f] === -1 || vs.includes(holder[f]!);
  const plans: PlannedRequest[][] = [[]];
  for (let v = 0; v < layout.vms.length; v++) plans.push([{ kind: 'terminate', vm: v }]);
  layout.vms.forEach((vm, v) => {
    if (!vm.kind.startsWith('fixed')) return;
    for (const to of destinations(layout, vm.size, freeOr(v), vm.first))
      plans.push([{ kind: 'relocate', vm: v, to }]);
  });
  layout.vms.forEach((vm, v) => {
    if (!vm.kind.startsWith('fixed')) return;
    for (let resident = 1; resident <= vm.size; resident++)
      plans.push([{ kind: 'toPageable', vm: v, resident }]);
  });
  layout.vms.forEach((vm, v) => {
    if (vm.kind.startsWith('fixed')) return;
    for (const to of destinations(layout, vm.size, freeOr(v), -1))
      plans.push([{ kind: 'toPageFixed', vm: v, to }]);
  });
  layout.vms.forEach((_, b) => {
    layout.vms.forEach((vm, a) => {
      if (a === b || !vm.kind.startsWith('fixed')) return;
      for (const to of destinations(layout, vm.size, freeOr(a, b), vm.first)) {
        // Only destinations that need the terminated VM's frames: the others are single relocations.
        if (destinations(layout, vm.size, freeOr(a), vm.first).includes(to)) continue;
        plans.push([
          { kind: 'terminate', vm: b },
          { kind: 'relocate', vm: a, to },
        ]);
      }
    });
  });
  layout.vms.forEach((vm, v) => {
    if (!vm.kind.startsWith('fixed')) return;
    for (let resident = 1; resident <= vm.size; resident++)
      for (const to of destinations(layout, vm.size, freeOr(v), -1))
        plans.push([
          { kind: 'toPageable', vm: v, resident },
          { kind: 'toPageFixed', vm: v, to },
        ]);
  });
  return plans;
}

/**
 * Every configuration table [9000] for a page-fixed machine, simplest first: each VM keeps its size
 * or shrinks or grows by one page (moving first if its origin changes), the VMs are packed in the same order after the VMM with the free
 * frames in one gap, and either every CPU stays shared or (two CPUs) one VM gets CPU 0 dedicated
 * while the others share CPU 1. Tables that change nothing are left out.
 */
function eventTables(
  layout: Layout,
  scope: ScenarioScope,
): { spec: EventSpec; cpus: number; features: number }[] {
  const n = layout.vms.length;
  const out: { spec: EventSpec; cpus: number; features: number }[] = [];
  const sizeChoices = layout.vms.map((vm) =>
    [vm.size, vm.size - 1, vm.size + 1].filter((s) => s >= 1 && s <= scope.maxPages),
  );
  const room = layout.frames - VMM_FRAMES;
  const dedications = scope.maxCpus >= 2 ? [-1, ...layout.vms.map((_, v) => v)] : [-1];
  for (const afterSizes of product(sizeChoices)) {
    const total = afterSizes.reduce((a, b) => a + b, 0);
    if (total > room) continue;
    const free = room - total;
    for (let gapAt = 0; gapAt <= (free > 0 ? n : 0); gapAt++) {
      const origins: number[] = [];
      let next = VMM_FRAMES;
      for (let v = 0; v < n; v++) {
        if (v === gapAt && free > 0) next += free;
        origins.push(next);
        next += afterSizes[v]!;
      }
      for (const dedicated of dedications) {
        const unchanged = layout.vms.every((vm, v) => vm.size === afterSizes[v] && vm.first === origins[v]);
        if (unchanged && dedicated < 0) continue;
        const cpus = dedicated < 0 ? 1 : 2;
        const all = { mode: 'shared' as const, cpus: Array.from({ length: cpus }, (_, c) => c) };
        const table: Record<string, TableEntry> = {};
        layout.vms.forEach((vm, v) => {
          const after =
            dedicated < 0
              ? all
              : v === dedicated
                ? { mode: 'dedicated' as const, cpus: [0] }
                : { mode: 'shared' as const, cpus: [1] };
          table[vmName(v)] = {
            before: { size: vm.size, cpus: all },
            after: { size: afterSizes[v]!, origin: origins[v]!, cpus: after },
          };
        });
        out.push({
          spec: { trigger: { kind: 'timeOfDay', at: '22:00' }, table },
          cpus,
          features: dedicated < 0 ? 1 : 2,
        });
      }
    }
  }
  return out;
}

function product(lists: readonly (readonly number[])[]): number[][] {
  let out: number[][] = [[]];
  for (const list of lists) out = out.flatMap((prefix) => list.map((x) => [...prefix, x]));
  return out;
}

/** A one-line description of a generated scenario. */
export function describeScenario(s: Scenario): string {
  const vms = s.vms
    .map((vm) =>
      vm.pageFixed
        ? `${vm.name} ${vm.size}p@${vm.origin}${vm.direct ? ' direct' : ''}`
        : `${vm.name} ${vm.size}p pageable [${vm.frames!.map((f) => f ?? '-').join(',')}]`,
    )
    .join(', ');
  const parts = [`${s.storage.frames} frames: ${vms}`];
  for (const r of s.reconfigurations)
    parts.push(
      r.kind === 'terminate'
        ? `terminate ${r.vm}`
        : r.kind === 'toPageable'
          ? `${r.vm} to pageable (${r.resident} resident)`
          : `${r.kind === 'relocate' ? 'relocate' : 'to page-fixed'} ${r.vm} to ${r.to}`,
    );
  for (const e of s.events)
    parts.push(
      `event: ${Object.entries(e.table)
        .map(
          ([vm, t]) =>
            `${vm} ${t.after.size}p@${t.after.origin}${t.after.cpus.mode === 'dedicated' ? ' dedicated' : ''}`,
        )
        .join(', ')}`,
    );
  for (const io of s.io) parts.push(`${io.vm} ch${io.channel} ${io.program[0]!.op} p${io.program[0]!.page}`);
  for (const a of s.cpuAccess) parts.push(`${a.vm} cpu ${a.op} p${a.page}`);
  if (s.bounds.channelErrors) parts.push('channel errors');
  return parts.join('; ');
}
