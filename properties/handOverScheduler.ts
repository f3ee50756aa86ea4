/**
 * The model-based tests' channel scheduler: a `ManualScheduler` while a model path is replayed
 * (the adapter picks every unit), handed over to the machine's real `EventLoopScheduler` to drain
 * the channels (`handOver`), as a machine built without a scheduler runs them. No wall clock: the
 * event loop runs the units from `setImmediate` callbacks while the drain awaits `whenIdle()`.
 */
import {
  type ChannelScheduler,
  type ChannelWork,
  EventLoopScheduler,
  type ManualScheduler,
} from '../impl/index.ts';

/** `manual` until `handOver`, then an `EventLoopScheduler` of the same channels. */
export class HandOverScheduler implements ChannelScheduler {
  private work: ChannelWork | undefined;
  private loop: EventLoopScheduler | null = null;

  constructor(readonly manual: ManualScheduler) {}

  attach(work: ChannelWork): void {
    this.manual.attach(work);
    this.work = work;
  }

  notify(channel: number): void {
    this.loop?.notify(channel);
  }

  /** From now on the event loop runs the channels, `unitsPerTurn` units a turn; every busy one starts now. */
  handOver(unitsPerTurn: number): void {
    const work = this.work!;
    const loop = new EventLoopScheduler({ unitsPerTurn });
    loop.attach(work);
    this.loop = loop;
    for (let c = 0; c < work.channelCount; c++) if (work.hasWork(c)) loop.notify(c);
  }
}
