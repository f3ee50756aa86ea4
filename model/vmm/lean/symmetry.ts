/**
 * The symmetry group of a scenario, found from its description, and each element as a permutation
 * of the words of a lean state, derived from the layout (`PART_OF_BLOCK`, `FIELD_HOLDS`).
 *
 * What may be permuted, and why only these (conservatively: a permutation is kept only when the
 * scenario's description, renamed by it, is the same description):
 * - **I/O entries** with the same VM and the same page transfers, together with a permutation of
 *   the **channels** that maps each entry's channel to its image's channel (so identical programs
 *   on one channel, or channels carrying identical programs, are interchangeable). No guard, effect,
 *   invariant, `sometimes` property or `isFinal` looks at an entry's or a channel's index except to
 *   find its block or its static description (each loops over all of them and asks the same of
 *   each), and the only words naming an entry are `channels` (`FIELD_HOLDS`).
 * - **CPU accesses** with the same VM, operation and page: their `access` flags are the only state.
 * - Not **frames**: their positions matter (contiguous areas, origins, the lowest free frame, the
 *   requests' destinations). Not **VMs**: with frames fixed, two VMs could only be swapped with
 *   their contents, origins and data codes where their whole configurations (areas, requests in
 *   their order, event tables, the resize's VM-by-VM order) coincide, which a valid scenario's
 *   distinct areas rule out for page-fixed VMs; the renaming of data codes is not derived, so VMs
 *   are never permuted. Not **CPUs**: a permutation would rename interned CPU assignments, and
 *   interchangeable CPUs appear only in identical assignments, where permuting them changes no
 *   reachable state (a CPU no VM may use stays idle); nothing would be saved.
 * - **Events** and **requests** run in their list order, so they stay.
 */
import { canonicaliser, movedWords, type SymmetryInfo, type WordPermutation } from '../../core/symmetry.ts';
import type { VmmContext } from '../context.ts';
import {
  DESCRIPTION,
  FIELD_HOLDS,
  fieldAt,
  type LayoutField,
  type LeanLayout,
  PART_OF_BLOCK,
  type Part,
} from './layout.ts';

/** A permutation of the parts of a scenario: `of[part][i]` is the image of index `i`; absent: identity. */
export type PartPermutation = Partial<Record<Part, Int32Array>>;

/** The group of a scenario: its elements other than the identity, and what it permutes. */
export interface ScenarioSymmetry {
  readonly elements: readonly PartPermutation[];
  readonly info: SymmetryInfo;
}

/** Most group elements enumerated; a larger group is cut to the factors that fit (a subgroup: still sound). */
export const MAX_GROUP = 720;

/** Rules left out of the state permutation (unsound: only for tests that show each rule matters). */
export interface SymmetryFaults {
  /** A field not renamed though it names a permuted part. */
  readonly forgetRename?: LayoutField;
  /** A field not moved with the block of the part that indexes it. */
  readonly forgetMove?: LayoutField;
  /** I/O entries of one VM on one channel taken as interchangeable whatever their transfers (a wrong group). */
  readonly ignoreTransfers?: boolean;
}

/** Every permutation of `items` (lexicographic order, the identity first). */
function permutations<T>(items: readonly T[]): T[][] {
  if (items.length <= 1) return [[...items]];
  const out: T[][] = [];
  items.forEach((x, i) => {
    for (const rest of permutations([...items.slice(0, i), ...items.slice(i + 1)])) out.push([x, ...rest]);
  });
  return out;
}

/** Indices `0..n-1` grouped by `key`, groups of two or more only, in order of first index. */
function classes(n: number, key: (i: number) => string): number[][] {
  const by = new Map<string, number[]>();
  for (let i = 0; i < n; i++) {
    const k = key(i);
    const list = by.get(k);
    if (list) list.push(i);
    else by.set(k, [i]);
  }
  return [...by.values()].filter((c) => c.length > 1);
}

/** The permutations of `0..n-1` that permute each class among itself: the product of their symmetric groups. */
function productOfSymmetric(n: number, cls: readonly number[][]): Int32Array[] {
  let out: Int32Array[] = [Int32Array.from({ length: n }, (_, i) => i)];
  for (const c of cls) {
    const next: Int32Array[] = [];
    for (const base of out)
      for (const image of permutations(c)) {
        const p = base.slice();
        c.forEach((from, j) => {
          p[from] = image[j]!;
        });
        next.push(p);
      }
    out = next;
  }
  return out;
}

const factorial = (n: number): number => (n <= 1 ? 1 : n * factorial(n - 1));
const isIdentity = (p: Int32Array): boolean => p.every((x, i) => x === i);

/**
 * The symmetry group of `ctx`'s scenario (see the module comment for what may be permuted), as
 * its elements other than the identity; empty when nothing is interchangeable.
 */
export function scenarioSymmetry(ctx: VmmContext, faults: SymmetryFaults = {}): ScenarioSymmetry {
  const ioKey = (i: number): string => {
    const io = ctx.io[i]!;
    return JSON.stringify([io.vm, faults.ignoreTransfers ? [] : io.transfers.map((t) => [t.op, t.page])]);
  };
  const channelCount = ctx.scenario.channels;
  // Channels carrying the same multiset of programs (by VM and transfers) are candidates.
  const channelKey = (c: number): string =>
    JSON.stringify(
      ctx.io
        .map((io, i) => (io.channel === c ? ioKey(i) : null))
        .filter((k) => k !== null)
        .sort(),
    );
  // A channel no program uses stays idle: permuting those would save nothing.
  const channelClasses = classes(channelCount, (c) =>
    ctx.io.some((io) => io.channel === c) ? channelKey(c) : `unused ${c}`,
  ).filter((cl) => ctx.io.some((io) => io.channel === cl[0]));
  // I/O entries: same VM, transfers and channel class (the channel itself may then be permuted).
  const channelClassOf = (c: number) => channelClasses.findIndex((cl) => cl.includes(c));
  const ioClasses = classes(ctx.io.length, (i) => {
    const cc = channelClassOf(ctx.io[i]!.channel);
    return `${ioKey(i)}@${cc < 0 ? `c${ctx.io[i]!.channel}` : `class${cc}`}`;
  });
  const accessClasses = classes(ctx.access.length, (i) => {
    const a = ctx.access[i]!;
    return `${a.vm}:${a.op}:${a.page}`;
  });

  const size = (cls: number[][]) => cls.reduce((n, c) => n * factorial(c.length), 1);
  const ioCandidates = size(channelClasses) * size(ioClasses);
  // The I/O-and-channel factor: candidates kept only where the description maps onto itself.
  let ioChannel: { io: Int32Array; channel: Int32Array }[] = [];
  if (ioCandidates > 1 && ioCandidates <= MAX_GROUP * 8) {
    for (const channel of productOfSymmetric(channelCount, channelClasses))
      for (const io of productOfSymmetric(ctx.io.length, ioClasses))
        if (mapsOntoItself(ctx, io, channel, faults)) ioChannel.push({ io, channel });
  }
  if (ioChannel.length <= 1) ioChannel = [];
  let access = size(accessClasses) > 1 ? productOfSymmetric(ctx.access.length, accessClasses) : [];
  // Cut to what fits: drop the access factor first, then the I/O one.
  const total = () => Math.max(1, ioChannel.length) * Math.max(1, access.length);
  if (total() > MAX_GROUP) access = [];
  if (total() > MAX_GROUP) ioChannel = [];

  const elements: PartPermutation[] = [];
  const ioPart = ioChannel.length > 0 ? ioChannel : [undefined];
  const accessPart = access.length > 0 ? access : [undefined];
  for (const ic of ioPart)
    for (const a of accessPart) {
      const p: PartPermutation = {};
      if (ic && !isIdentity(ic.io)) p.io = ic.io;
      if (ic && !isIdentity(ic.channel)) p.channel = ic.channel;
      if (a && !isIdentity(a)) p.access = a;
      if (Object.keys(p).length > 0) elements.push(p);
    }
  const named = [
    ...orbitNames('io', ctx.io.length, elements, (p) => p.io),
    ...orbitNames('channel', channelCount, elements, (p) => p.channel),
    ...orbitNames('access', ctx.access.length, elements, (p) => p.access),
  ];
  return { elements, info: { groupSize: elements.length + 1, classes: named } };
}

/** The orbits of two or more indices of a part under the group, as `io 0,2`. */
function orbitNames(
  part: string,
  n: number,
  elements: readonly PartPermutation[],
  pick: (p: PartPermutation) => Int32Array | undefined,
): string[] {
  const root = Int32Array.from({ length: n }, (_, i) => i);
  const find = (i: number): number => (root[i] === i ? i : find(root[i]!));
  for (const p of elements) {
    const perm = pick(p);
    if (perm) perm.forEach((to, from) => void (root[find(to)] = find(from)));
  }
  const orbits = new Map<number, number[]>();
  for (let i = 0; i < n; i++) orbits.set(find(i), [...(orbits.get(find(i)) ?? []), i]);
  return [...orbits.values()].filter((o) => o.length > 1).map((o) => `${part} ${o.join(',')}`);
}

/** True when I/O permutation `io` with channel permutation `channel` maps the scenario's I/O list onto itself. */
function mapsOntoItself(
  ctx: VmmContext,
  io: Int32Array,
  channel: Int32Array,
  faults: SymmetryFaults,
): boolean {
  return ctx.io.every((entry, i) => {
    const image = ctx.io[io[i]!]!;
    if (faults.ignoreTransfers) return image.vm === entry.vm && image.channel === channel[entry.channel];
    return (
      image.vm === entry.vm &&
      image.channel === channel[entry.channel] &&
      image.transfers.length === entry.transfers.length &&
      image.transfers.every((t, x) => t.op === entry.transfers[x]!.op && t.page === entry.transfers[x]!.page)
    );
  });
}

/** The block of `DESCRIPTION` a layout field lies in. */
function blockOf(field: LayoutField): (typeof DESCRIPTION)[number] {
  if (field.startsWith('vm.')) return 'vms';
  if (field.startsWith('io.')) return 'io';
  return (DESCRIPTION as readonly string[]).includes(field)
    ? (field as (typeof DESCRIPTION)[number])
    : 'globals';
}

/** Words per index of each block of `L` (1 for the arrays of scalars). */
function strideOf(L: LeanLayout, block: (typeof DESCRIPTION)[number]): number {
  return block === 'vms' ? L.vmStride : block === 'io' ? L.ioStride : 1;
}

/**
 * Part permutation `p` as a permutation of the words of a state of layout `L`: word `o` of the
 * image is word `source[o]` of the state (the same field of the block of the preimage index),
 * renamed when the field names a permuted part (`FIELD_HOLDS`). Throws for a permuted part some
 * field names in a way not derived here (data codes, CPU assignments).
 */
export function statePermutation(
  L: LeanLayout,
  p: PartPermutation,
  faults: SymmetryFaults = {},
): WordPermutation {
  const inverse: Partial<Record<Part, Int32Array>> = {};
  for (const [part, perm] of Object.entries(p) as [Part, Int32Array][]) {
    const inv = new Int32Array(perm.length);
    perm.forEach((to, from) => {
      inv[to] = from;
    });
    inverse[part] = inv;
  }
  if (p.vm || p.cpu)
    throw new Error('symmetry: permuting VMs or CPUs is not derived (data codes, CPU assignments)');
  const renamings: Int32Array[] = [];
  const renamingOf = new Map<Part, number>();
  for (const [part, perm] of Object.entries(p) as [Part, Int32Array][]) {
    renamings.push(perm);
    renamingOf.set(part, renamings.length);
  }
  const source = new Int32Array(L.length);
  const renaming = new Uint8Array(L.length);
  for (let o = 0; o < L.length; o++) {
    const { field, index } = fieldAt(L, o);
    const block = blockOf(field);
    const part = PART_OF_BLOCK[block];
    const inv = part === null ? undefined : inverse[part];
    source[o] =
      inv === undefined || faults.forgetMove === field ? o : o + (inv[index]! - index) * strideOf(L, block);
    const holds = FIELD_HOLDS[field];
    if (holds !== undefined && holds !== 'data' && holds !== 'cpuAssignment' && faults.forgetRename !== field)
      renaming[o] = renamingOf.get(holds) ?? 0;
  }
  return { source, renaming, renamings };
}

/** A scenario's symmetry as the lean model uses it: the canonical form, the words it may change, the report. */
export interface LeanSymmetry {
  /** The least image of a state over the group: the state itself, or a scratch array (valid until the next call). */
  readonly canonical: (s: Int32Array) => Int32Array;
  /** The words an element moves or renames, increasing: where a canonical form may differ from its state. */
  readonly moved: Int32Array;
  readonly info: SymmetryInfo;
}

/** The symmetry of layout `L`'s scenario, or undefined where the group is trivial. */
export function leanSymmetry(L: LeanLayout, faults: SymmetryFaults = {}): LeanSymmetry | undefined {
  const group = scenarioSymmetry(L.ctx, faults);
  if (group.elements.length === 0) return undefined;
  const elements = group.elements.map((p) => statePermutation(L, p, faults));
  return {
    canonical: canonicaliser(elements, L.length),
    moved: movedWords(elements, L.length),
    info: group.info,
  };
}
