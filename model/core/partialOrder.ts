/**
 * Stubborn sets from declared footprints: the model half of the partial-order reduction (the
 * explorers add the cycle proviso, generators/partialOrder.ts).
 *
 * Actions are grouped by kind, and a kind declares the named fields its guard reads, its effect
 * reads and its effect writes (for the VMM: the action table, model/vmm/machine.ts, checked by
 * model/vmm/footprint.test.ts). Two kinds are dependent when one writes a field the other's guard
 * or effect reads or writes; otherwise any two of their actions commute and neither enables or
 * disables the other. `StubbornSets.choose` picks, at a state, a set T of kinds, closed under
 *
 * - an enabled kind in T brings every kind dependent on it (so an action outside T never changes
 *   what an action of T does, nor whether it is enabled);
 * - a disabled kind in T brings every kind that writes a field its guard reads (a necessary
 *   enabling set: no action outside T can enable it);
 *
 * and returns the enabled actions of T. That is an ample set with (C0) nonempty, since it is grown
 * from an enabled kind, and (C1) every path from the state that leaves T's actions out runs only
 * actions independent of them, each of T's enabled actions staying enabled along it. (C2) a
 * reduced set holds no visible action: a kind is visible when it writes a field that a property or
 * the final predicate reads, and a set with an enabled visible kind is refused. The explorer
 * expands the state fully unless the set is smaller than the enabled actions and (C3) no successor
 * by it closes a cycle.
 */

/** What one kind of action reads and writes, by field name. */
export interface KindFootprint {
  /** Fields its guard reads: whether, and with which parameters, its actions are enabled. */
  readonly guardReads: readonly string[];
  /** Fields its effect reads. */
  readonly reads: readonly string[];
  /** Fields its effect may change. */
  readonly writes: readonly string[];
}

/** The footprints of a model's kinds and the fields its properties read. */
export interface PartialOrderSpec {
  /** One footprint per kind, in the model's kind order. */
  readonly footprints: readonly KindFootprint[];
  /** Fields read by any property (`always` and `sometimes`) or the final predicate. */
  readonly visible: readonly string[];
}

/**
 * Rules to leave out, making the reduction unsound: only for tests that show each rule matters.
 * `visibility` drops C2; `enabling` drops the necessary enabling sets of disabled kinds.
 */
export interface PartialOrderFaults {
  readonly ignoreVisibility?: boolean;
  readonly ignoreEnabling?: boolean;
}

/** Stubborn sets over a model's kinds, cached by the set of enabled kinds. */
export class StubbornSets {
  private readonly kinds: number;
  /** Per kind: the kinds dependent on it (itself included). */
  private readonly dependent: number[][];
  /** Per kind: the kinds that write a field its guard reads. */
  private readonly enabling: number[][];
  private readonly visible: boolean[];
  /** False when every kind is visible: no set is ever reduced, so `choose` answers at once. */
  private readonly anyInvisible: boolean;
  /** Chosen kinds (a flag per kind) by enabled-kind mask; null where no proper set exists. */
  private readonly cache = new Map<number, Uint8Array | null>();
  private readonly inSet: Uint8Array;
  private readonly enabled: Uint8Array;

  constructor(spec: PartialOrderSpec, faults: PartialOrderFaults = {}) {
    const fps = spec.footprints;
    this.kinds = fps.length;
    if (this.kinds > 52) throw new RangeError('StubbornSets supports at most 52 kinds');
    const meets = (a: readonly string[], b: readonly string[]) => a.some((f) => b.includes(f));
    const touches = (f: KindFootprint) => [...f.guardReads, ...f.reads, ...f.writes];
    this.dependent = fps.map((x) =>
      fps.flatMap((y, j) => (meets(x.writes, touches(y)) || meets(y.writes, touches(x)) ? [j] : [])),
    );
    this.enabling = fps.map((x) =>
      faults.ignoreEnabling ? [] : fps.flatMap((y, j) => (meets(y.writes, x.guardReads) ? [j] : [])),
    );
    this.visible = fps.map((x) => !faults.ignoreVisibility && meets(x.writes, spec.visible));
    this.anyInvisible = this.visible.some((v) => !v);
    this.inSet = new Uint8Array(this.kinds);
    this.enabled = new Uint8Array(this.kinds);
  }

  /** True when every kind is visible, so that no set is ever reduced (`choose` always answers undefined). */
  get reducesNothing(): boolean {
    return !this.anyInvisible;
  }

  /** True when actions of `kind` may change what a property or the final predicate sees. */
  isVisible(kind: number): boolean {
    return this.visible[kind]!;
  }

  /**
   * The positions (in `kindOf` order) of the actions of a stubborn set of the state whose enabled
   * actions have the kinds `kindOf`, the smallest found; undefined when every such set holds all
   * of them or a visible one. Deterministic: a function of the kinds alone.
   */
  choose(kindOf: ArrayLike<number>): number[] | undefined {
    const n = kindOf.length;
    if (n < 2 || !this.anyInvisible) return undefined;
    let mask = 0;
    for (let i = 0; i < n; i++) {
      const kind = kindOf[i]!;
      if (kind < 0 || kind >= this.kinds) throw new RangeError(`kind ${kind} outside the footprints`);
      if (Math.floor(mask / 2 ** kind) % 2 === 0) mask += 2 ** kind;
    }
    let chosen = this.cache.get(mask);
    if (chosen === undefined) {
      chosen = this.smallest(kindOf);
      this.cache.set(mask, chosen);
    }
    if (chosen === null) return undefined;
    const out: number[] = [];
    for (let i = 0; i < n; i++) if (chosen[kindOf[i]!] === 1) out.push(i);
    return out;
  }

  /** Over every invisible enabled seed, the closed set with the fewest enabled actions, if proper. */
  private smallest(kindOf: ArrayLike<number>): Uint8Array | null {
    const enabled = this.enabled;
    enabled.fill(0);
    const count = new Int32Array(this.kinds);
    for (let i = 0; i < kindOf.length; i++) {
      enabled[kindOf[i]!] = 1;
      count[kindOf[i]!]!++;
    }
    let best: Uint8Array | null = null;
    let bestSize = kindOf.length;
    for (let seed = 0; seed < this.kinds; seed++) {
      if (enabled[seed] === 0 || this.visible[seed]) continue;
      const size = this.closure(seed, count);
      if (size >= 0 && size < bestSize) {
        best = Uint8Array.from(this.inSet);
        bestSize = size;
      }
    }
    return best;
  }

  /** Close `{seed}` into `inSet`; its enabled actions, or -1 when it takes in a visible enabled kind. */
  private closure(seed: number, count: Int32Array): number {
    const inSet = this.inSet;
    inSet.fill(0);
    inSet[seed] = 1;
    const work = [seed];
    let size = 0;
    while (work.length > 0) {
      const x = work.pop()!;
      const on = this.enabled[x] === 1;
      if (on) {
        if (this.visible[x]) return -1;
        size += count[x]!;
      }
      for (const j of on ? this.dependent[x]! : this.enabling[x]!) {
        if (inSet[j] === 0) {
          inSet[j] = 1;
          work.push(j);
        }
      }
    }
    return size;
  }
}
