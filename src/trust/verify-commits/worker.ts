/**
 * Worker thread for pool.ts: loads the key set once, then verifies
 * batches of raw commits sent by the main thread.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadKeySet, type KeySetSources } from '../signatures/keyset.js';
import type { VerifyOptions } from '../signatures/types.js';
import { verifyRawCommit, type RawCommit } from './verify-raw.js';

interface Setup {
  keySources: KeySetSources;
  opts: VerifyOptions;
  splitBlocks: boolean;
}

const setup = workerData as Setup;
const keys = await loadKeySet(setup.keySources);
parentPort!.on('message', async (batch: { commits: RawCommit[] }) => {
  const results = [];
  for (const c of batch.commits) results.push(await verifyRawCommit({ oid: c.oid, raw: Buffer.from(c.raw) }, keys, setup.opts, setup.splitBlocks));
  parentPort!.postMessage({ results });
});
parentPort!.postMessage({ ready: true });
