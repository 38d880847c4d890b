/** Worker thread for verify-pool.ts: verifies its share of Ed25519 checks and posts the results. */
import { parentPort, workerData } from 'node:worker_threads';
import { verifyEd25519Sync, type Ed25519Check } from './verify-pool.js';

const checks = (workerData as Ed25519Check[]).map((c) => ({ key: Buffer.from(c.key), message: c.message, signature: Buffer.from(c.signature) }));
parentPort!.postMessage(verifyEd25519Sync(checks));
