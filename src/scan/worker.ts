/**
 * Scan worker thread: receives batches of WorkItems, answers with their
 * WorkResults in the compact encoding of codec.ts (the numbers transferred,
 * not copied). Loaded only from the compiled dist/ (see scan/index.ts).
 */
import { parentPort } from 'node:worker_threads';
import { encode } from './codec.js';
import { processItem, type WorkItem } from './model-file.js';

if (parentPort) {
  const port = parentPort;
  port.on('message', (batch: WorkItem[]) => {
    const enc = encode(batch.map(processItem));
    port.postMessage(enc, [enc.nums.buffer as ArrayBuffer]);
  });
}
