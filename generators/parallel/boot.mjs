// Worker thread entry of the parallel explorer: makes TypeScript importable (through tsx, as
// bin/vmcheck.mjs does) when the worker module is a .ts file, then loads it. Node 20 does not pass
// the main thread's loader hooks on to worker threads.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(workerData.entry);
