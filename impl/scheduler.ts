/**
 * Who decides when channels make progress. The channel subsystem only says which channels have
 * work; a scheduler runs their units (one page-piece transfer, or the program's end) when it
 * chooses. The default runs on the event loop; the manual one lets a test pick every unit.
 */
import { InvalidRequestError } from './errors.ts';

/** What one channel unit did. */
export type ChannelUnitReport =
  | {
      readonly kind: 'transfer';
      readonly channel: number;
      readonly program: number;
      readonly vm: string;
      readonly mode: 'direct' | 'intercepted';
      /** `write`: device -> storage; `read`: storage -> device. */
      readonly op: 'write' | 'read';
      readonly guestAddress: number;
      readonly length: number;
      /** Host frame the bytes went to or came from. */
      readonly frame: number;
      readonly deviceOffset: number;
    }
  | {
      readonly kind: 'end';
      readonly channel: number;
      readonly program: number;
      readonly vm: string;
      readonly status: 'ok' | 'error' | 'halted';
      readonly reason: string | null;
    };

/** The channel subsystem as a scheduler sees it. */
export interface ChannelWork {
  readonly channelCount: number;
  /** True when `channel` has a unit ready (a program in flight and not suspended). */
  hasWork(channel: number): boolean;
  /** Run the next unit of `channel`; only call when `hasWork(channel)`. */
  runUnit(channel: number): ChannelUnitReport;
  /** End the program on `channel` now with an error (an injected channel fault). */
  fail(channel: number, reason: string): ChannelUnitReport;
}

/** Decides when channel units run. One scheduler serves one machine. */
export interface ChannelScheduler {
  /** Called once by the machine that owns this scheduler. */
  attach(work: ChannelWork): void;
  /** `channel` may have new work (a program started or resumed). */
  notify(channel: number): void;
}

/** Options of `EventLoopScheduler`. */
export interface EventLoopSchedulerOptions {
  /** Units a channel runs per event-loop turn (default 1). */
  readonly unitsPerTurn?: number;
}

/** Runs channel units from `setImmediate` callbacks, so channels progress while other code awaits. */
export class EventLoopScheduler implements ChannelScheduler {
  private work: ChannelWork | undefined;
  private readonly scheduled = new Set<number>();
  private readonly unitsPerTurn: number;

  constructor(options: EventLoopSchedulerOptions = {}) {
    this.unitsPerTurn = Math.max(1, options.unitsPerTurn ?? 1);
  }

  attach(work: ChannelWork): void {
    if (this.work !== undefined)
      throw new InvalidRequestError('this scheduler already serves a machine; create one per machine');
    this.work = work;
  }

  notify(channel: number): void {
    if (this.scheduled.has(channel)) return;
    this.scheduled.add(channel);
    setImmediate(() => this.turn(channel));
  }

  private turn(channel: number): void {
    this.scheduled.delete(channel);
    const work = this.work;
    if (work === undefined) return;
    for (let i = 0; i < this.unitsPerTurn && work.hasWork(channel); i++) work.runUnit(channel);
    if (work.hasWork(channel)) this.notify(channel);
  }
}

/** Runs nothing by itself: a test calls `runOne` to pick exactly which channel moves next. */
export class ManualScheduler implements ChannelScheduler {
  private work: ChannelWork | undefined;

  attach(work: ChannelWork): void {
    if (this.work !== undefined)
      throw new InvalidRequestError('this scheduler already serves a machine; create one per machine');
    this.work = work;
  }

  notify(): void {}

  /** Channels that have a unit ready, ascending. */
  ready(): number[] {
    const work = this.attached();
    const ready: number[] = [];
    for (let c = 0; c < work.channelCount; c++) if (work.hasWork(c)) ready.push(c);
    return ready;
  }

  /** Run exactly one unit of `channel`. Throws `InvalidRequestError` if it has none ready. */
  runOne(channel: number): ChannelUnitReport {
    const work = this.attached();
    if (!work.hasWork(channel)) {
      throw new InvalidRequestError(`channel ${channel} has no unit ready (idle or suspended)`, { channel });
    }
    return work.runUnit(channel);
  }

  /** End the program on `channel` with an error now (an injected channel fault). */
  fail(channel: number, reason = 'injected channel error'): ChannelUnitReport {
    const work = this.attached();
    if (!work.hasWork(channel))
      throw new InvalidRequestError(`channel ${channel} has no program to fail`, { channel });
    return work.fail(channel, reason);
  }

  /** Run units round-robin until no channel has work or `limit` units ran. */
  runAll(limit = Number.POSITIVE_INFINITY): ChannelUnitReport[] {
    const reports: ChannelUnitReport[] = [];
    for (;;) {
      const ready = this.ready();
      if (ready.length === 0) return reports;
      for (const channel of ready) {
        if (reports.length >= limit) return reports;
        reports.push(this.runOne(channel));
      }
    }
  }

  private attached(): ChannelWork {
    if (this.work === undefined)
      throw new InvalidRequestError('this scheduler is not attached to a machine yet');
    return this.work;
  }
}
