/**
 * Scan worker thread: receives batches of WorkItems and answers with their
 * results, the FileModels in the compact encoding of model-codec.ts (its
 * numbers transferred, not copied). Loaded only from the compiled dist/ (see
 * scan/index.ts).
 */
import { parentPort } from 'node:worker_threads';
import { encodeModels } from './model-codec.js';
import { processItem, type WorkItem } from './model-file.js';

export interface WorkerReply {
  /** Per item: its index and read error, if any. */
  meta: { index: number; readError?: string }[];
  models: ReturnType<typeof encodeModels>;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (batch: WorkItem[]) => {
    const results = batch.map(processItem);
    const reply: WorkerReply = {
      meta: results.map((r) => (r.readError === undefined ? { index: r.index } : { index: r.index, readError: r.readError })),
      models: encodeModels(results.map((r) => r.model)),
    };
    port.postMessage(reply, [reply.models.nums.buffer as ArrayBuffer]);
  });
}
