/**
 * Loading and validating scenarios: JSON syntax, then the schema, then consistency of the machine
 * (areas that overlap, sizes that do not fit, tables that oversubscribe storage or CPUs).
 * Every problem names its field; nothing here ends in a stack trace for bad input.
 */
import { readFileSync } from 'node:fs';
import type { z } from 'zod';
import { type CpuAssignment, type Scenario, scenarioSchema } from './schema.ts';

/** One problem in a scenario: where (a field path such as `vms[1].origin`) and what. */
export interface ScenarioIssue {
  readonly path: string;
  readonly message: string;
}

/** A scenario that cannot be used, with every problem found. */
export class ScenarioError extends Error {
  readonly code = 'bad-scenario';
  constructor(
    readonly source: string,
    readonly issues: readonly ScenarioIssue[],
  ) {
    super(`${source}: ${issues.map((i) => (i.path ? `${i.path}: ${i.message}` : i.message)).join('; ')}`);
    this.name = 'ScenarioError';
  }
}

/** Read, parse and validate a scenario file. Throws `ScenarioError` naming each bad field. */
export function loadScenarioFile(path: string): Scenario {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    throw new ScenarioError(path, [
      { path: '', message: `cannot read file (${(error as NodeJS.ErrnoException).code ?? 'error'})` },
    ]);
  }
  return parseScenarioText(text, path);
}

/** Parse and validate scenario JSON text. */
export function parseScenarioText(text: string, source = 'scenario'): Scenario {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (error) {
    throw new ScenarioError(source, [{ path: '', message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return parseScenario(raw, source);
}

/** Validate an already-parsed scenario value. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const parsed = scenarioSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ScenarioError(source, parsed.error.issues.map(fromZodIssue));
  }
  const issues = consistencyIssues(parsed.data);
  if (issues.length > 0) throw new ScenarioError(source, issues);
  return parsed.data;
}

function fromZodIssue(issue: z.core.$ZodIssue): ScenarioIssue {
  return { path: formatPath(issue.path), message: issue.message };
}

function formatPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const key of path) {
    if (typeof key === 'number') out += `[${key}]`;
    else out += out === '' ? String(key) : `.${String(key)}`;
  }
  return out;
}

/** Frames [first, first+size) as text. */
function span(first: number, size: number): string {
  return size === 1 ? `frame ${first}` : `frames ${first}..${first + size - 1}`;
}

/** Consistency checks the schema cannot express. Returns every problem found, in field order. */
export function consistencyIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const add = (path: string, message: string) => issues.push({ path, message });
  const { frames, vmmFrames } = s.storage;
  if (vmmFrames >= frames)
    add('storage.vmmFrames', `the VMM's ${vmmFrames} frames leave no storage for guests (${frames} frames)`);

  const names = new Map<string, number>();
  s.vms.forEach((vm, i) => {
    if (names.has(vm.name))
      add(`vms[${i}].name`, `duplicate VM name ${vm.name} (also vms[${names.get(vm.name)}])`);
    else names.set(vm.name, i);
  });
  const vmIndex = (name: string, path: string): number | undefined => {
    const i = names.get(name);
    if (i === undefined) add(path, `unknown VM ${name} (known: ${[...names.keys()].join(', ')})`);
    return i;
  };

  // Who holds each frame initially.
  const owner: (string | undefined)[] = new Array(frames).fill(undefined);
  for (let f = 0; f < Math.min(vmmFrames, frames); f++) owner[f] = 'the VMM';
  s.vms.forEach((vm, i) => {
    const claim = (frame: number, path: string) => {
      if (frame >= frames) add(path, `frame ${frame} is past main storage (${frames} frames)`);
      else if (owner[frame] !== undefined) add(path, `frame ${frame} already belongs to ${owner[frame]}`);
      else owner[frame] = vm.name;
    };
    if (vm.pageFixed) {
      if (vm.origin === undefined) add(`vms[${i}].origin`, 'a page-fixed VM needs an origin');
      if (vm.frames !== undefined)
        add(`vms[${i}].frames`, 'a page-fixed VM has no page frames list (it uses origin)');
      if (vm.origin !== undefined) {
        if (vm.origin + vm.size > frames) {
          add(
            `vms[${i}].origin`,
            `area ${span(vm.origin, vm.size)} does not fit in main storage (${frames} frames)`,
          );
        } else {
          for (let p = 0; p < vm.size; p++) {
            const f = vm.origin + p;
            if (owner[f] !== undefined) {
              add(`vms[${i}].origin`, `area ${span(vm.origin, vm.size)} overlaps ${owner[f]} at frame ${f}`);
              break;
            }
          }
          for (let p = 0; p < vm.size; p++) owner[vm.origin + p] ??= vm.name;
        }
      }
    } else {
      if (vm.direct) add(`vms[${i}].direct`, 'bit 431 may be 1 only for a page-fixed VM (SPEC 7.7)');
      if (vm.origin !== undefined) add(`vms[${i}].origin`, 'a pageable VM has no origin (it uses frames)');
      if (vm.frames === undefined)
        add(`vms[${i}].frames`, 'a pageable VM needs a frame (or null) for each page');
      else if (vm.frames.length !== vm.size)
        add(`vms[${i}].frames`, `has ${vm.frames.length} entries, size is ${vm.size}`);
      else {
        vm.frames.forEach((f, p) => {
          if (f !== null) claim(f, `vms[${i}].frames[${p}]`);
        });
      }
    }
    checkCpus(vm.cpus, `vms[${i}].cpus`, s.cpus, add);
  });
  checkDedicated(
    s.vms.map((vm, i) => ({ name: vm.name, cpus: vm.cpus, path: `vms[${i}].cpus` })),
    add,
  );

  s.io.forEach((io, i) => {
    const v = vmIndex(io.vm, `io[${i}].vm`);
    if (io.channel >= s.channels)
      add(`io[${i}].channel`, `channel ${io.channel} does not exist (${s.channels} channels)`);
    if (v === undefined) return;
    const size = s.vms[v]!.size;
    io.program.forEach((t, k) => {
      // One page past the size is allowed, to exercise the limit check (refused, SPEC 3, 7.6).
      if (t.page + t.length > size + 1) {
        add(
          `io[${i}].program[${k}]`,
          `pages ${t.page}..${t.page + t.length - 1} reach more than one page past ${io.vm}'s size (${size} pages)`,
        );
      }
    });
  });

  s.cpuAccess.forEach((a, i) => {
    const v = vmIndex(a.vm, `cpuAccess[${i}].vm`);
    if (v !== undefined && a.page > s.vms[v]!.size) {
      add(
        `cpuAccess[${i}].page`,
        `page ${a.page} is more than one page past ${a.vm}'s size (${s.vms[v]!.size})`,
      );
    }
  });

  s.reconfigurations.forEach((r, i) => {
    const v = vmIndex(r.vm, `reconfigurations[${i}].vm`);
    if (v === undefined) return;
    const vm = s.vms[v]!;
    if (r.kind === 'relocate' || r.kind === 'toPageFixed') {
      if (r.to < vmmFrames)
        add(
          `reconfigurations[${i}].to`,
          `frame ${r.to} is in the VMM's storage (frames 0..${vmmFrames - 1})`,
        );
      else if (r.to + vm.size > frames) {
        add(
          `reconfigurations[${i}].to`,
          `area ${span(r.to, vm.size)} does not fit in main storage (${frames} frames)`,
        );
      }
    }
    if (r.kind === 'toPageable' && (r.resident < 1 || r.resident > vm.size)) {
      add(`reconfigurations[${i}].resident`, `must be 1..${vm.size} resident pages`);
    }
  });

  issues.push(...requestSequenceIssues(s));

  s.events.forEach((e, i) => {
    const base = `events[${i}].table`;
    for (const name of Object.keys(e.table)) vmIndex(name, `${base}.${name}`);
    s.vms.forEach((vm) => {
      if (!(vm.name in e.table)) add(base, `no entry for ${vm.name}`);
    });
    let total = 0;
    const after = new Array<string | undefined>(frames).fill(undefined);
    for (let f = 0; f < Math.min(vmmFrames, frames); f++) after[f] = 'the VMM';
    for (const [name, entry] of Object.entries(e.table)) {
      const v = names.get(name);
      const path = `${base}.${name}`;
      if (v !== undefined && entry.before.size !== s.vms[v]!.size) {
        add(`${path}.before.size`, `is ${entry.before.size} but ${name} has ${s.vms[v]!.size} pages`);
      }
      total += entry.after.size;
      const { origin, size } = entry.after;
      if (origin + size > frames)
        add(`${path}.after`, `area ${span(origin, size)} does not fit in main storage (${frames} frames)`);
      else {
        for (let f = origin; f < origin + size; f++) {
          if (after[f] !== undefined) {
            add(`${path}.after`, `area ${span(origin, size)} overlaps ${after[f]} at frame ${f}`);
            break;
          }
        }
        for (let f = origin; f < origin + size; f++) after[f] ??= name;
      }
      checkCpus(entry.before.cpus, `${path}.before.cpus`, s.cpus, add);
      checkCpus(entry.after.cpus, `${path}.after.cpus`, s.cpus, add);
    }
    if (total > frames - vmmFrames) {
      add(base, `after sizes total ${total} pages but only ${frames - vmmFrames} frames are outside the VMM`);
    }
    checkDedicated(
      Object.entries(e.table).map(([name, entry]) => ({
        name,
        cpus: entry.after.cpus,
        path: `${base}.${name}.after.cpus`,
      })),
      add,
    );
  });
  return issues;
}

function checkCpus(a: CpuAssignment, path: string, cpus: number, add: (p: string, m: string) => void): void {
  a.cpus.forEach((c, k) => {
    if (c >= cpus) add(`${path}.cpus[${k}]`, `CPU ${c} does not exist (${cpus} CPUs)`);
  });
  if (new Set(a.cpus).size !== a.cpus.length) add(`${path}.cpus`, 'lists a CPU twice');
}

function checkDedicated(
  list: readonly { name: string; cpus: CpuAssignment; path: string }[],
  add: (p: string, m: string) => void,
): void {
  for (const a of list) {
    if (a.cpus.mode !== 'dedicated') continue;
    for (const c of a.cpus.cpus) {
      const other = list.find((b) => b !== a && b.cpus.cpus.includes(c));
      if (other) add(a.path, `CPU ${c} is dedicated to ${a.name} but also assigned to ${other.name}`);
    }
  }
}

/**
 * The request sequence's footprint, simulated in order: which frames each VM holds after each
 * request. Refuses a request on a VM an earlier request terminated, and a relocation or
 * conversion to page-fixed whose destination another live VM still holds at that point (the
 * storage manager would refuse it with `does-not-fit`; the model must not run it either).
 */
export function requestSequenceIssues(s: Scenario): ScenarioIssue[] {
  const issues: ScenarioIssue[] = [];
  const held = new Map<string, Set<number>>();
  const terminatedBy = new Map<string, number>();
  for (const vm of s.vms) {
    const frames = new Set<number>();
    if (vm.pageFixed && vm.origin !== undefined) for (let p = 0; p < vm.size; p++) frames.add(vm.origin + p);
    if (!vm.pageFixed) for (const f of vm.frames ?? []) if (f !== null) frames.add(f);
    held.set(vm.name, frames);
  }
  s.reconfigurations.forEach((r, i) => {
    const path = `reconfigurations[${i}]`;
    const vm = s.vms.find((v) => v.name === r.vm);
    if (vm === undefined) return; // reported with the field already
    const ended = terminatedBy.get(r.vm);
    if (ended !== undefined) {
      issues.push({
        path,
        message: `${r.vm} was terminated by reconfigurations[${ended}]; nothing is left to ${r.kind}`,
      });
      return;
    }
    if (r.kind === 'terminate') {
      terminatedBy.set(r.vm, i);
      held.set(r.vm, new Set());
      return;
    }
    if (r.kind === 'relocate' || r.kind === 'toPageFixed') {
      for (let f = r.to; f < r.to + vm.size; f++) {
        const other = [...held].find(([name, frames]) => name !== r.vm && frames.has(f));
        if (other !== undefined) {
          issues.push({
            path,
            message: `${r.kind} ${r.vm} to ${span(r.to, vm.size)}: frame ${f} is still held by ${other[0]} at this point (no earlier request terminates or moves it); the storage manager refuses this (does-not-fit)`,
          });
          return;
        }
      }
      const dest = new Set<number>();
      for (let f = r.to; f < r.to + vm.size; f++) dest.add(f);
      held.set(r.vm, dest);
    }
  });
  return issues;
}
