/** Turning the scenario format's page-granular I/O entries into byte-addressed channel programs. */
import type { IoSpec } from '../scenario/schema.ts';
import type { ChannelProgram } from './channel.ts';

/**
 * The channel program of a scenario I/O entry: each transfer covers whole pages
 * (`page * pageSize`, `length * pageSize` bytes); the device offset defaults to 0.
 */
export function programFromIoSpec(io: IoSpec, pageSize: number, deviceOffset = 0): ChannelProgram {
  return {
    deviceOffset,
    transfers: io.program.map((t) => ({ op: t.op, address: t.page * pageSize, length: t.length * pageSize })),
  };
}
