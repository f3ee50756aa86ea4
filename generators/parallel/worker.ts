/**
 * A worker thread of `checkParallel`: builds the model the coordinator names, then runs a
 * `LevelExpander` on each level it is sent and reports back.
 */
import { parentPort } from 'node:worker_threads';
import { LevelExpander } from './expander.ts';
import type { ToWorker } from './protocol.ts';
import { loadSpecModel } from './specModel.ts';

const port = parentPort!;
let expander: LevelExpander | undefined;

port.on('message', (message: ToWorker) => {
  if (message.type === 'init') {
    void loadSpecModel(message.spec).then(
      (model) => {
        expander = new LevelExpander(model, message.control, message.table, message);
        port.postMessage({ type: 'ready' });
      },
      (error: Error) =>
        port.postMessage({ type: 'failed', error: { name: error.name, message: error.message } }),
    );
    return;
  }
  if (message.type === 'level') expander!.beginLevel(message);
  else expander!.resume(message.table);
  const outcome = expander!.runChunks();
  port.postMessage(outcome === 'paused' ? { type: 'paused' } : outcome);
});
