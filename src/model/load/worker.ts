/**
 * Scan worker thread: receives batches of WorkItems and answers with their
 * results, the FileModels in the compact encoding of model-codec.ts (its
 * numbers transferred, not copied). Loaded only from the compiled dist/ (see
 * scan/index.ts).
 */
import { parentPort } from 'node:worker_threads';
import { encodeModels } from './model-codec.js';
import { processItem, type WorkItem, type WorkResult } from './model-file.js';

export interface WorkerReply {
  /** Per item: its index and read error, if any. */
  meta: Omit<WorkResult, 'model'>[];
  models: ReturnType<typeof encodeModels>;
}

if (parentPort) {
  const port = parentPort;
  port.on('message', (batch: WorkItem[]) => {
    const results = batch.map(processItem);
    const reply: WorkerReply = {
      meta: results.map(({ model: _model, ...meta }) => meta),
      models: encodeModels(results.map((r) => r.model)),
    };
    port.postMessage(reply, [reply.models.nums.buffer as ArrayBuffer]);
  });
}
