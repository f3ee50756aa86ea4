/**
 * The common shape of every reconfiguration (relocation, conversion, resize): it advances one
 * small step per `step()` call and reports what it did, or `run()` keeps stepping and yields to
 * the event loop (so channels progress) until it is done.
 */
import type { MachineContext } from './context.ts';
import { MachineError } from './errors.ts';

/** Kinds of reconfiguration. */
export type ReconfigurationKind = 'relocate' | 'toPageable' | 'toPageFixed' | 'resize';

/** Lifecycle: waiting behind another one, running, or finished. */
export type ReconfigurationStatus = 'queued' | 'running' | 'done' | 'failed';

/** What one step did, in the patent's terms. JSON-safe. */
export interface StepReport {
  /** Action name, e.g. `reloc.movePage`, `resize.offline`. */
  readonly action: string;
  /** Flowchart step or paragraph of the patent, e.g. `5085`, `7010`, `[0005]`. */
  readonly spec: string;
  readonly vm: string | null;
  readonly page?: number;
  readonly from?: number;
  readonly to?: number;
  readonly pages?: readonly number[];
  readonly detail?: string;
}

/** Outcome of a finished reconfiguration. */
export interface ReconfigurationResult {
  readonly id: number;
  readonly kind: ReconfigurationKind;
  readonly description: string;
  readonly status: 'done' | 'failed';
  /** Steps that did something (waiting steps not counted). */
  readonly steps: number;
  readonly error?: { readonly code: string; readonly message: string };
}

/**
 * Result of one `step()`:
 * - `progress`: it did `report` and has more to do;
 * - `waiting`: nothing can be done now (in-flight I/O, or queued behind another reconfiguration);
 * - `done`: finished; `report` is the last action (null when called again after the end).
 */
export type StepResult =
  | { readonly status: 'progress'; readonly report: StepReport }
  | { readonly status: 'waiting'; readonly report: StepReport }
  | { readonly status: 'done'; readonly report: StepReport | null; readonly result: ReconfigurationResult };

/** What a subclass's `advance` returns. */
export type StepOutcome =
  | { readonly status: 'progress' | 'waiting'; readonly report: StepReport }
  | { readonly status: 'finished'; readonly report: StepReport };

/** A reconfiguration as observed. */
export interface ReconfigurationSnapshot {
  readonly id: number;
  readonly kind: ReconfigurationKind;
  readonly description: string;
  readonly vm: string | null;
  readonly status: ReconfigurationStatus;
  /** Current phase, e.g. `move`, `offline VM-2`. */
  readonly phase: string;
  readonly steps: number;
}

/** Options of `step()`. */
export interface StepOptions {
  /** Most pages one move step may move (default 1: one page per step). */
  readonly maxPages?: number;
}

/** Options of `run()`. */
export interface RunOptions {
  /** Steps between yields to the event loop while making progress (default 16). */
  readonly yieldEvery?: number;
  /** Most pages one move step may move (default 64). */
  readonly maxPages?: number;
}

/** Base of every reconfiguration. */
export abstract class Reconfiguration {
  abstract readonly kind: ReconfigurationKind;
  /** Settles with the result when finished. Never rejects. */
  readonly done: Promise<ReconfigurationResult>;
  private resolveDone!: (result: ReconfigurationResult) => void;
  private state: ReconfigurationStatus;
  private stepsTaken = 0;
  private outcome: ReconfigurationResult | null = null;
  /** The error that made it fail, if any. */
  failure: MachineError | null = null;

  protected constructor(
    protected readonly ctx: MachineContext,
    readonly id: number,
    readonly description: string,
    private readonly onEnd: ((r: Reconfiguration) => void) | null,
  ) {
    // Queued until `activate()` (at once for one that starts now, later for one that waits its turn).
    this.state = 'queued';
    this.done = new Promise((resolve) => {
      this.resolveDone = resolve;
    });
  }

  /** Where it is in its lifecycle. */
  get status(): ReconfigurationStatus {
    return this.state;
  }

  /** Steps that did something so far. */
  get steps(): number {
    return this.stepsTaken;
  }

  /** The result once finished, else null. */
  get result(): ReconfigurationResult | null {
    return this.outcome;
  }

  /** Name of the VM this is about, or null (a resize touches several). */
  abstract get vmName(): string | null;

  /** The current phase, for observation while queued or running (`snapshot` shows a finished one's status). */
  protected abstract get phase(): string;

  /**
   * Validate and claim what this needs; called when it starts running (at once, or when the one
   * before it ends). Must throw a `MachineError` *before* changing anything when it cannot run.
   */
  protected abstract prepare(): void;

  /**
   * Do one small step. A move step may move up to `maxPages` pages at once (the fast path, used
   * by `run`). May throw a `MachineError`, which fails the reconfiguration.
   */
  protected abstract advance(maxPages: number): StepOutcome;

  /**
   * Start running: `prepare()` and, for a queued one, leave the queue. Throws what `prepare`
   * throws, leaving the status unchanged. Called by the machine.
   */
  activate(): void {
    this.prepare();
    this.state = 'running';
  }

  /** End as failed with `error` without running (a queued one that cannot start). */
  abandon(error: MachineError): void {
    this.finish('failed', error);
  }

  /**
   * Do one small step and say what it did. With `maxPages` > 1 a page-moving step may move up to
   * that many adjacent pages with one copy (same end state as that many single steps).
   */
  step(options: StepOptions = {}): StepResult {
    const maxPages = Math.max(1, Math.floor(options.maxPages ?? 1));
    if (this.outcome !== null) return { status: 'done', report: null, result: this.outcome };
    if (this.state === 'queued') {
      return {
        status: 'waiting',
        report: {
          action: 'reconfig.queued',
          spec: '7.13',
          vm: this.vmName,
          detail: 'waits for the reconfiguration before it',
        },
      };
    }
    let outcome: StepOutcome;
    try {
      outcome = this.advance(maxPages);
    } catch (error) {
      if (!(error instanceof MachineError)) throw error;
      const result = this.finish('failed', error);
      return {
        status: 'done',
        report: { action: 'reconfig.failed', spec: '', vm: this.vmName, detail: error.message },
        result,
      };
    }
    if (outcome.status === 'waiting') return outcome;
    this.stepsTaken++;
    this.ctx.notifyChange();
    if (outcome.status === 'progress') return outcome;
    return { status: 'done', report: outcome.report, result: this.finish('done', null) };
  }

  /**
   * Keep stepping until finished, yielding to the event loop every `yieldEvery` steps and
   * awaiting a change of the machine whenever a step has to wait. With a manual scheduler,
   * something else must drive the channels meanwhile, or this never finishes.
   */
  async run(options: RunOptions = {}): Promise<ReconfigurationResult> {
    const yieldEvery = Math.max(1, options.yieldEvery ?? 16);
    const maxPages = options.maxPages ?? 64;
    let sinceYield = 0;
    for (;;) {
      const result = this.step({ maxPages });
      if (result.status === 'done') return result.result;
      if (result.status === 'waiting') {
        sinceYield = 0;
        await this.ctx.changed();
      } else if (++sinceYield >= yieldEvery) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
    }
  }

  /** Plain-data view. */
  snapshot(): ReconfigurationSnapshot {
    return {
      id: this.id,
      kind: this.kind,
      description: this.description,
      vm: this.vmName,
      status: this.state,
      phase: this.outcome === null ? this.phase : this.state,
      steps: this.stepsTaken,
    };
  }

  private finish(status: 'done' | 'failed', error: MachineError | null): ReconfigurationResult {
    this.state = status;
    this.failure = error;
    const result: ReconfigurationResult = {
      id: this.id,
      kind: this.kind,
      description: this.description,
      status,
      steps: this.stepsTaken,
      ...(error === null ? {} : { error: { code: error.code, message: error.message } }),
    };
    this.outcome = result;
    this.resolveDone(result);
    this.onEnd?.(this);
    this.ctx.notifyChange();
    return result;
  }
}
