import type { Fingerprint, Model, Trace } from '../model/core/index.ts';
import { rerunTraces, type TraceTarget } from './rerunTraces.ts';
import type { RunRecorder } from './runRecorder.ts';

/**
 * Traces a BFS run promises during the run and rebuilds after it (`rerunTraces`): each discovery
 * or witness is committed with a stand-in trace, swapped for the real one at the end.
 */
export class PendingTraces<S, A> {
  private readonly pending: { readonly target: TraceTarget; readonly standIn: Trace<S, A> }[] = [];

  /** A stand-in for the trace to the state `fingerprint`, first reached at BFS level `depth`. */
  standIn(fingerprint: Fingerprint, depth: number): Trace<S, A> {
    const standIn: Trace<S, A> = { initial: undefined as S, steps: [] };
    this.pending.push({ target: { fingerprint, depth }, standIn });
    return standIn;
  }

  /**
   * Rebuild every stand-in `recorder` still holds and swap them in; a trace that cannot be rebuilt
   * drops its discovery and fails the run. With `witnessTraces` false, witnesses keep no trace.
   * `release` is called before re-exploring, to let the run's own tables go. Returns the number of
   * states the rebuild explored.
   */
  resolve(
    model: Model<S, A>,
    recorder: RunRecorder<S, A>,
    witnessTraces: boolean,
    release: () => void = () => {},
  ): number {
    let pending = this.pending;
    if (!witnessTraces) {
      const needed = recorder.forgetWitnessTraces();
      pending = pending.filter((p) => needed.has(p.standIn));
    }
    if (pending.length === 0) return 0;
    release();
    const rebuilt = rerunTraces(
      model,
      pending.map((p) => p.target),
    );
    const traces = new Map<Trace<S, A>, Trace<S, A> | undefined>();
    pending.forEach(({ standIn }, i) => {
      const outcome = rebuilt.traces[i]!;
      if ('trace' in outcome) {
        traces.set(standIn, outcome.trace);
      } else {
        traces.set(standIn, undefined);
        recorder.fail(outcome.error);
      }
    });
    recorder.resolveTraces((standIn) => traces.get(standIn));
    return rebuilt.statesExplored;
  }
}
