/**
 * Progress on a terminal, none when piped: a status line redrawn about once a second for `check`
 * and `simulate` (the total is unknown, so no bar), and a bar for `summary` (its total is known).
 * Written by hand (a few lines) rather than with a progress library: the explorers are synchronous,
 * so redraws come from their `onProgress` callback, throttled by the injected clock, which a
 * timer-driven library could not do. Considered for the `summary` bar: cli-progress 3.12 (the
 * well-kept choice) redraws from a timer and, inside a synchronous loop, from `update()` only when
 * its wall-clock throttle allows (`Date.now`, also for its ETA), so what it draws depends on the
 * machine's speed and could not be pinned by the in-process tests (`cli/cli.test.ts`), and it would
 * add a run-time dependency to the package for ten lines.
 */
import type { Progress } from '../generators/options.ts';
import type { CliStream } from './io.ts';

/** Least time between two redraws, in milliseconds. */
export const REDRAW_MS = 1000;

/** A throttled progress line on `stream`, or nothing when `stream` is not a terminal. */
export function progressLine(
  stream: CliStream,
  label: string,
): { onProgress?: (p: Progress) => void; done: () => void } {
  if (!stream.isTTY) return { done: () => {} };
  let drawn = false;
  let last = Number.NEGATIVE_INFINITY;
  return {
    onProgress: (p) => {
      if (p.elapsedMs - last < REDRAW_MS) return;
      last = p.elapsedMs;
      const rate = p.elapsedMs > 0 ? Math.round((p.distinct / p.elapsedMs) * 1000) : 0;
      stream.write(
        `\r\x1b[2K${label}: ${p.distinct.toLocaleString('en')} distinct, depth ${p.depth}, ${rate.toLocaleString('en')} states/s, queue ${p.queue.toLocaleString('en')}, ${(p.elapsedMs / 1000).toFixed(0)} s`,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}

/** A progress bar of `total` steps on `stream`, or nothing when `stream` is not a terminal. */
export function progressBar(
  stream: CliStream,
  total: number,
): { step: (done: number, label: string) => void; done: () => void } {
  if (!stream.isTTY) return { step: () => {}, done: () => {} };
  const width = 30;
  return {
    step: (done, label) => {
      const filled = Math.round((done / Math.max(1, total)) * width);
      stream.write(`\r\x1b[2K[${'#'.repeat(filled)}${'.'.repeat(width - filled)}] ${done}/${total} ${label}`);
    },
    done: () => stream.write('\r\x1b[2K'),
  };
}
