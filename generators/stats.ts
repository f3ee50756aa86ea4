import type { CheckStats } from '../model/core/index.ts';

/**
 * Counts how often each action kind fired.
 *
 * Starts with every kind the model declares at zero, so kinds that never fired show up; a kind the
 * model produces without declaring it is counted too, after the declared ones.
 */
export class ActionCoverage {
  private readonly slots = new Map<string, number>();
  private readonly kinds: string[] = [];
  private readonly counts: number[] = [];

  constructor(declaredKinds: readonly string[]) {
    for (const kind of declaredKinds) this.slotOf(kind);
  }

  /** The kind last recorded and its slot: successors of a state come grouped by kind. */
  private lastKind: string | undefined = undefined;
  private lastSlot = 0;

  /** Count one firing of `kind`. */
  record(kind: string): void {
    if (kind === this.lastKind) {
      this.counts[this.lastSlot]!++;
      return;
    }
    const slot = this.slots.get(kind) ?? this.slotOf(kind);
    this.lastKind = kind;
    this.lastSlot = slot;
    this.counts[slot]!++;
  }

  /** Count `n` firings of `kind` (merging counts kept elsewhere, e.g. by worker threads). */
  recordMany(kind: string, n: number): void {
    const slot = this.slots.get(kind) ?? this.slotOf(kind);
    this.counts[slot]! += n;
  }

  /** Firings per kind, declared kinds first in declaration order. */
  toRecord(): { [kind: string]: number } {
    return Object.fromEntries(this.kinds.map((kind, slot) => [kind, this.counts[slot]!]));
  }

  /** Kinds that never fired, in declaration order. */
  neverFired(): string[] {
    return this.kinds.filter((_, slot) => this.counts[slot] === 0);
  }

  private slotOf(kind: string): number {
    const known = this.slots.get(kind);
    if (known !== undefined) return known;
    this.slots.set(kind, this.kinds.length);
    this.kinds.push(kind);
    this.counts.push(0);
    return this.kinds.length - 1;
  }
}

/** Raw figures an explorer gathers, before rates are derived. */
export interface RawStats {
  readonly statesGenerated: number;
  readonly distinctStates: number;
  readonly maxDepth: number;
  readonly elapsedMs: number;
  readonly coverage: ActionCoverage;
  /** Bytes of the visited-state table and parent store; omitted where not measured. */
  readonly tableBytes?: number;
}

/**
 * Assemble `CheckStats`, deriving the rate and bytes per state.
 *
 * A zero elapsed time (a fake clock) gives a rate of 0, not Infinity, so stats stay JSON-safe.
 */
export function buildStats(raw: RawStats): CheckStats {
  const stats: CheckStats = {
    statesGenerated: raw.statesGenerated,
    distinctStates: raw.distinctStates,
    maxDepth: raw.maxDepth,
    elapsedMs: raw.elapsedMs,
    statesPerSecond: raw.elapsedMs > 0 ? Math.round((raw.distinctStates * 1000) / raw.elapsedMs) : 0,
    actionCoverage: raw.coverage.toRecord(),
    neverFired: raw.coverage.neverFired(),
  };
  if (raw.tableBytes === undefined || raw.distinctStates === 0) return stats;
  return { ...stats, bytesPerState: Math.round((raw.tableBytes / raw.distinctStates) * 100) / 100 };
}
