/**
 * Expands chunks of one BFS level for `checkParallel`: takes work items from the shared cursor,
 * writes new states into its own segments of the next level, adds fingerprints to the shared
 * table, and checks the open properties on every new state. Runs in a worker thread, or in the
 * coordinator itself for the first, small levels. Decides nothing global.
 */
import { threadId } from 'node:worker_threads';
import { keepsVerdict, type Model, type StateCarry } from '../../model/core/index.ts';
import { actionsToExpand, noReductions, type ReductionCounts } from '../partialOrder.ts';
import { EdgeLog } from '../progressGraph.ts';
import {
  CONTROL,
  type DoneMessage,
  type InitMessage,
  type LevelMessage,
  type Segment,
  STOP_REASONS,
} from './protocol.ts';
import { SharedFingerprintTable, type SharedTableBuffers } from './sharedTable.ts';

const STOP_MAX_STATES = STOP_REASONS.indexOf('max-states');
const STOP_ERROR = STOP_REASONS.indexOf('error');
/** States a slab of `freshState` holds. */
const SLAB_STATES = 256;

/** Settings an expander takes from the coordinator's `InitMessage`. */
export type ExpanderSettings = Pick<
  InitMessage,
  'maxStates' | 'segmentStates' | 'maxLoad' | 'progress' | 'partialOrder'
>;

/** One thread's share of the work of each level. */
export class LevelExpander {
  private readonly control: Int32Array;
  private table: SharedFingerprintTable;
  private readonly words: number;
  /** What the model carries beside a state it will expand, when it can (kept in `Segment.carried`). */
  private readonly carry: StateCarry<Int32Array> | undefined;
  private readonly kindCode: Map<string, number>;

  private level!: LevelMessage;
  private segments: Segment[] = [];
  /** Segments of an earlier level nobody reads any more, to fill before allocating new ones. */
  private spare: SharedArrayBuffer[] = [];
  /** The segments being filled: one of narrow states, one of wide. */
  private narrow: Filling | undefined;
  private wide: Filling | undefined;
  private generated = 0;
  private coverage: number[] = [];
  private extraCoverage: { [kind: string]: number } = {};
  /** Properties broken or witnessed in this level (which states did it is decided afterwards). */
  private found = new Set<number>();
  /** `foundMark[i]` is 1 exactly when `found` has property `i`. */
  private foundMark = new Uint8Array(0);
  private deadlocked = false;
  private depthCut = false;
  private failure: DoneMessage['error'];
  private reductions: ReductionCounts = noReductions();
  /** The cycle proviso's question: was `hi:lo` stored before this level (levels 0..d)? */
  private readonly isOld = (hi: number, lo: number): boolean => {
    const position = this.table.storedPosition(hi, lo);
    return position > 0 && position <= this.level.levelStart;
  };
  /** With `progress`: this thread's edge records, across levels. */
  private readonly edges: EdgeLog | undefined;
  /** Where the states being expanded are copied to (`freshState`). */
  private slab = new Int32Array(0);
  private slabOffset = 0;

  constructor(
    private readonly model: Model<Int32Array, number>,
    control: SharedArrayBuffer,
    table: SharedTableBuffers,
    private readonly settings: ExpanderSettings,
    /** Called after every work item (the coordinator reads its clock there when it expands itself). */
    private readonly afterItem: () => void = () => {},
  ) {
    this.control = new Int32Array(control);
    this.table = new SharedFingerprintTable(table);
    this.words = model.initialStates()[0]!.length;
    this.carry =
      model.scratch !== undefined && model.scratch.next === model.next ? model.scratch.carry : undefined;
    this.kindCode = new Map(model.actionKinds.map((kind, i) => [kind, i]));
    this.edges = settings.progress ? new EdgeLog(true) : undefined;
  }

  /** Start a level: forget the last one's findings. */
  beginLevel(message: LevelMessage): void {
    this.level = message;
    this.table = new SharedFingerprintTable(message.table);
    this.segments = [];
    this.spare = [...message.spare];
    this.narrow = undefined;
    this.wide = undefined;
    this.generated = 0;
    this.coverage = new Array(this.model.actionKinds.length).fill(0);
    this.extraCoverage = {};
    this.found = new Set();
    this.foundMark = new Uint8Array(this.model.properties.length);
    this.deadlocked = false;
    this.depthCut = false;
    this.failure = undefined;
    this.reductions = noReductions();
  }

  /** Go on with the (possibly grown) table after a pause. */
  resume(table: SharedTableBuffers): void {
    this.table = new SharedFingerprintTable(table);
  }

  /**
   * Claim and expand work items until the level is done or the run stops (then the report), or
   * a pause is asked for (then `paused`: call `resume`, then this again).
   */
  runChunks(): DoneMessage | 'paused' {
    const control = this.control;
    const items = this.level.items;
    for (;;) {
      if (Atomics.load(control, CONTROL.stop) !== 0) break;
      if (Atomics.load(control, CONTROL.pause) !== 0) return 'paused';
      const item = Atomics.add(control, CONTROL.cursor, 1);
      if (item >= items.length) break;
      const [segment, first, count] = items[item]!;
      const before = this.generated;
      try {
        this.expandRun(this.level.segments[segment]!, first, count);
      } catch (error) {
        const e = error as { name?: string; message?: string; code?: string };
        this.failure = {
          name: String(e?.name ?? 'Error'),
          message: String(e?.message ?? error),
          ...(typeof e?.code === 'string' ? { code: e.code } : {}),
        };
        this.stop(STOP_ERROR);
        break;
      }
      Atomics.add(control, CONTROL.expanded, count);
      Atomics.add(control, CONTROL.generated, this.generated - before);
      if (this.table.isCrowded(this.settings.maxLoad)) Atomics.store(control, CONTROL.pause, 1);
      this.afterItem();
    }
    this.finish(this.narrow);
    this.finish(this.wide);
    this.narrow = this.wide = undefined;
    return {
      type: 'done',
      segments: this.segments,
      generated: this.generated,
      coverage: this.coverage,
      extraCoverage: this.extraCoverage,
      found: [...this.found],
      deadlocked: this.deadlocked,
      depthCut: this.depthCut,
      edges: this.edges?.takeRanges() ?? [],
      thread: threadId,
      edgeLogBytes: this.edges?.bytes ?? 0,
      reducedStates: this.reductions.reducedStates,
      skippedActions: this.reductions.skippedActions,
      error: this.failure,
    };
  }

  private stop(reason: number): void {
    Atomics.compareExchange(this.control, CONTROL.stopReason, 0, reason);
    Atomics.store(this.control, CONTROL.stop, 1);
  }

  private expandRun(segment: Segment, first: number, count: number): void {
    const W = this.words;
    const narrow = segment.narrow ? new Int8Array(segment.buffer) : undefined;
    const wide = segment.narrow ? undefined : new Int32Array(segment.buffer);
    const model = this.model;
    const level = this.level;
    const table = this.table;
    const pending = level.pendingProperties;
    const properties = model.properties;
    const maxStates = this.settings.maxStates;
    const edges = this.edges;
    const positions = edges === undefined ? undefined : new Int32Array(segment.positions!);
    const carry = this.carry;
    const carried = segment.carried === undefined ? undefined : new Int32Array(segment.carried);
    // The model's scratch step, while it stands for `next`: `append` copies what is kept.
    const scratch =
      model.scratch !== undefined && model.scratch.next === model.next ? model.scratch : undefined;
    let lastKind: string | undefined;
    let lastCode: number | undefined;
    const found = this.found;
    const foundMark = this.foundMark;
    for (let s = first; s < first + count; s++) {
      // A fresh array per state (models may cache derived data by state identity), carved from a
      // slab (the model's, with what it carried): an `Int32Array` of its own would cost a backing
      // store each.
      const words = (narrow ?? wide)!.subarray(s * W, s * W + W);
      let state: Int32Array;
      if (carried !== undefined) state = carry!.restore(words, carried, s * carry!.words);
      else {
        state = this.freshState();
        state.set(words);
      }
      const enabled = model.actions(state);
      const por = this.settings.partialOrder;
      const actions =
        por === false || !level.expand
          ? enabled
          : actionsToExpand(model, state, enabled, this.isOld, por, this.reductions);
      const actionCount = actions.length;
      if (edges !== undefined && (level.expand || actionCount === 0))
        edges.expanded(positions![s]! - 1, model.isFinal(state), actionCount);
      if (actionCount === 0) {
        if (level.checkDeadlocks && !this.deadlocked && !model.isFinal(state)) this.deadlocked = true;
        continue;
      }
      if (!level.expand) {
        if (edges !== undefined) {
          if (!this.depthCut && !this.recordBoundary(state, positions![s]! - 1, actions))
            this.depthCut = true;
        } else if (!this.depthCut) this.depthCut = this.hasUnvisitedSuccessor(state, actions);
        continue;
      }
      for (let a = 0; a < actionCount; a++) {
        const action = actions[a]!;
        const next = scratch === undefined ? model.next(state, action) : scratch.into(state, action);
        this.generated++;
        const kind = model.actionKind(action);
        // Successors come grouped by kind: the last kind's code first.
        const code = kind === lastKind ? lastCode : this.kindCode.get(kind);
        lastKind = kind;
        lastCode = code;
        if (code === undefined) this.extraCoverage[kind] = (this.extraCoverage[kind] ?? 0) + 1;
        else this.coverage[code]!++;
        const [hi, lo] = model.fingerprint(next);
        let position: number;
        if (edges === undefined && por !== false) {
          // An indexed table, for the cycle proviso.
          position = table.addIndexed(hi, lo);
          if (position < 0) continue;
        } else if (edges === undefined) {
          position = table.add(hi, lo);
          if (position === 0) continue;
        } else {
          position = table.addIndexed(hi, lo);
          edges.edge((position < 0 ? -position : position) - 1);
          if (position < 0) continue;
        }
        if (position > maxStates) {
          this.stop(STOP_MAX_STATES);
          return;
        }
        this.append(next, position);
        // A property the step cannot change keeps its verdict on `state`, checked when it was stored:
        // a violation there counts at `state`'s level, before this one (Property.sameAfter).
        const step = model.stepClass === undefined ? -1 : model.stepClass(next);
        for (let p = 0; p < pending.length; p++) {
          const index = pending[p]!;
          if (foundMark[index] === 1) continue;
          const property = properties[index]!;
          if (keepsVerdict(property, step)) continue;
          if (property.check(next) !== undefined) {
            found.add(index);
            foundMark[index] = 1;
          }
        }
      }
    }
  }

  /**
   * At the depth bound with `progress`: record the edges of the state at `source` if every
   * successor is stored (no thread adds at the bound); false (the bound cut something) otherwise.
   */
  private recordBoundary(state: Int32Array, source: number, actions: readonly number[]): boolean {
    const targets: number[] = [];
    for (let a = 0; a < actions.length; a++) {
      const [hi, lo] = this.model.fingerprint(this.model.next(state, actions[a]!));
      const position = this.table.positionOf(hi, lo);
      if (position === 0) return false;
      targets.push(position - 1);
    }
    const edges = this.edges!;
    edges.expanded(source, this.model.isFinal(state), targets.length);
    for (const t of targets) edges.edge(t);
    return true;
  }

  private hasUnvisitedSuccessor(state: Int32Array, actions: readonly number[]): boolean {
    for (let a = 0; a < actions.length; a++) {
      const [hi, lo] = this.model.fingerprint(this.model.next(state, actions[a]!));
      if (!this.table.has(hi, lo)) return true;
    }
    return false;
  }

  /** A state-sized array no other state shares, from `slab`. */
  private freshState(): Int32Array {
    const W = this.words;
    if (this.slabOffset + W > this.slab.length) {
      this.slab = new Int32Array(W * SLAB_STATES);
      this.slabOffset = 0;
    }
    const state = this.slab.subarray(this.slabOffset, this.slabOffset + W);
    this.slabOffset += W;
    return state;
  }

  /** Copy `state`, stored at `position` in the table, into the segment being filled of its width. */
  private append(state: Int32Array, position: number): void {
    let fits = true;
    for (let i = 0; i < state.length; i++) {
      const w = state[i]!;
      if (w < -128 || w > 127) {
        fits = false;
        break;
      }
    }
    let filling = fits ? this.narrow : this.wide;
    const perSegment = this.settings.segmentStates;
    if (filling === undefined || filling.count === perSegment) {
      this.finish(filling);
      const bytes = perSegment * this.words * (fits ? 1 : 4);
      const buffer = this.sharedBuffer(bytes);
      filling = {
        buffer,
        view: fits ? new Int8Array(buffer) : new Int32Array(buffer),
        count: 0,
        positions:
          this.edges === undefined ? undefined : new Int32Array(new SharedArrayBuffer(perSegment * 4)),
        carried:
          this.carry === undefined
            ? undefined
            : new Int32Array(this.sharedBuffer(perSegment * this.carry.words * 4)),
      };
      if (fits) this.narrow = filling;
      else this.wide = filling;
    }
    filling.view.set(state, filling.count * this.words);
    if (filling.positions !== undefined) filling.positions[filling.count] = position;
    if (filling.carried !== undefined)
      this.carry!.save(state, filling.carried, filling.count * this.carry!.words);
    filling.count++;
  }

  /** A shared buffer of `bytes` bytes: a spare one of that size, or a new one. */
  private sharedBuffer(bytes: number): SharedArrayBuffer {
    const spareAt = this.spare.findIndex((b) => b.byteLength === bytes);
    return spareAt < 0 ? new SharedArrayBuffer(bytes) : this.spare.splice(spareAt, 1)[0]!;
  }

  private finish(filling: Filling | undefined): void {
    if (filling === undefined || filling.count === 0) return;
    this.segments.push({
      buffer: filling.buffer,
      narrow: filling.view instanceof Int8Array,
      count: filling.count,
      ...(filling.positions === undefined
        ? {}
        : { positions: filling.positions.buffer as SharedArrayBuffer }),
      ...(filling.carried === undefined ? {} : { carried: filling.carried.buffer as SharedArrayBuffer }),
    });
  }
}

/** A segment being filled. */
interface Filling {
  readonly buffer: SharedArrayBuffer;
  readonly view: Int8Array | Int32Array;
  count: number;
  /** With `progress`: the positions of the states in the segment. */
  readonly positions: Int32Array | undefined;
  /** With a model's `StateCarry`: the words it carries beside each state. */
  readonly carried: Int32Array | undefined;
}
