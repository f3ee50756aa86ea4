/**
 * A live progress line on a terminal: distinct states, depth, rate and queue, redrawn in place.
 * Written by hand (a dozen lines) because the total is unknown, so a progress *bar* would mislead.
 */
import type { Progress } from '../generators/options.ts';

/** A progress callback that redraws one line on `stream`, or undefined when `stream` is not a terminal. */
export function progressLine(
  stream: NodeJS.WriteStream,
  label: string,
): { onProgress?: (p: Progress) => void; done: () => void } {
  if (!stream.isTTY) return { done: () => {} };
  let drawn = false;
  return {
    onProgress: (p) => {
      const rate = p.elapsedMs > 0 ? Math.round((p.distinct / p.elapsedMs) * 1000) : 0;
      stream.write(
        `\r\x1b[2K${label}: ${p.distinct.toLocaleString('en')} distinct, depth ${p.depth}, ${rate.toLocaleString('en')} states/s, queue ${p.queue.toLocaleString('en')}`,
      );
      drawn = true;
    },
    done: () => {
      if (drawn) stream.write('\r\x1b[2K');
    },
  };
}
