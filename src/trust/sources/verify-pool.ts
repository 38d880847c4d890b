/**
 * Verifies many raw commits, spreading the work over worker threads when there
 * are enough of them: signature checks are CPU-bound (openpgp.js, node:crypto)
 * and one thread per core is what makes bulk verification beat a
 * `git verify-commit` loop by a wide margin. Small jobs stay in-process.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { KeySet, KeySetSources } from '../keyset.js';
import type { VerifyOptions } from '../types.js';
import { verifyRawCommit, type RawCommit, type VerifiedCommit } from './verify-raw.js';

/** Commits per message: big enough to amortise messaging, small enough to balance the load. */
const MAX_BATCH = 50;

/** Below this many commits, worker start-up (module loading, key parsing) costs more than it saves. */
function parallelMinimum(): number {
  const env = Number(process.env.NIXHARDEN_VERIFY_PARALLEL_MIN);
  return Number.isInteger(env) && env > 0 ? env : 200;
}

function threadCount(): number {
  const env = Number(process.env.NIXHARDEN_VERIFY_THREADS);
  if (Number.isInteger(env) && env >= 0) return env;
  return Math.min(os.availableParallelism(), 4);
}

/** Compiled worker script beside this module; absent when running from TypeScript sources (tests). */
function workerFile(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const file = fileURLToPath(new URL('./verify-worker.js', import.meta.url));
  return fs.existsSync(file) ? file : undefined;
}

export async function verifyRawCommits(
  commits: RawCommit[],
  keys: KeySet,
  keySources: KeySetSources,
  opts: VerifyOptions,
  splitBlocks: boolean,
): Promise<VerifiedCommit[]> {
  const threads = Math.min(threadCount(), commits.length);
  const file = workerFile();
  if (commits.length < parallelMinimum() || threads < 2 || !file) {
    return Promise.all(commits.map((c) => verifyRawCommit(c, keys, opts, splitBlocks)));
  }
  const batch = Math.max(1, Math.min(MAX_BATCH, Math.ceil(commits.length / (threads * 4))));
  return inWorkers(file, threads, batch, commits, keySources, opts, splitBlocks);
}

async function inWorkers(file: string, threads: number, batchSize: number, commits: RawCommit[], keySources: KeySetSources, opts: VerifyOptions, splitBlocks: boolean): Promise<VerifiedCommit[]> {
  const batches: RawCommit[][] = [];
  for (let i = 0; i < commits.length; i += batchSize) batches.push(commits.slice(i, i + batchSize));
  const results: VerifiedCommit[][] = new Array(batches.length);
  let next = 0;
  const workers: Worker[] = [];
  try {
    await Promise.all(
      Array.from({ length: threads }, () => {
        const worker = new Worker(file, { workerData: { keySources, opts, splitBlocks } });
        workers.push(worker);
        return new Promise<void>((resolve, reject) => {
          // Each worker pulls the next batch when it is done: uneven batches balance out.
          const feed = () => {
            if (next >= batches.length) return resolve();
            const id = next++;
            worker.postMessage({ id, commits: batches[id] });
          };
          worker.on('message', (msg: { ready?: boolean; id?: number; results?: VerifiedCommit[] }) => {
            if (msg.results !== undefined && msg.id !== undefined) results[msg.id] = msg.results;
            feed();
          });
          worker.on('error', reject);
          worker.on('exit', (code) => (next < batches.length || code !== 0 ? reject(new Error(`verification worker exited with code ${code}`)) : resolve()));
        });
      }),
    );
  } finally {
    await Promise.all(workers.map((w) => w.terminate()));
  }
  return results.flat();
}
