/**
 * Worker thread of the verification pool (core/worker-pool.ts): loads the key set
 * once, then verifies the batches of raw commits it is sent, answering each with its
 * results. Batches are answered strictly in the order they arrive, as the pool expects.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadKeySet, type KeySetSources } from '../signatures/keyset.js';
import type { VerifyOptions } from '../signatures/types.js';
import { verifyRawCommit, type RawCommit, type VerifiedCommit } from './verify-raw.js';

interface Setup {
  keySources: KeySetSources;
  opts: VerifyOptions;
  splitBlocks: boolean;
}

const setup = workerData as Setup;
const keys = await loadKeySet(setup.keySources);
let previous: Promise<void> = Promise.resolve();
// Messages sent while the keys loaded were queued on the port; they arrive now, in order.
parentPort!.on('message', (batch: RawCommit[]) => {
  previous = previous.then(async () => {
    const results: VerifiedCommit[] = [];
    for (const c of batch) results.push(await verifyRawCommit({ oid: c.oid, raw: Buffer.from(c.raw) }, keys, setup.opts, setup.splitBlocks));
    parentPort!.postMessage(results);
  });
});
