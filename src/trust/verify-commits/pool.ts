/**
 * Verifies many raw commits, spreading the work over worker threads when there
 * are enough of them: signature checks are CPU-bound (openpgp.js, node:crypto)
 * and one thread per core is what makes bulk verification beat a
 * `git verify-commit` loop by a wide margin. Small jobs stay in-process.
 *
 * A pool is started before the commits are read, so that the workers load their
 * modules and keys while git is still reading, and it takes commits in chunks as
 * they arrive.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { WorkerPool } from '../../core/worker-pool.js';
import type { KeySet, KeySetSources } from '../signatures/keyset.js';
import type { VerifyOptions } from '../signatures/types.js';
import { verifyRawCommit, type RawCommit, type VerifiedCommit } from './verify-raw.js';

/** Commits per message: big enough to amortise messaging, small enough to balance the load. */
const MAX_BATCH = 50;

/** Below this many commits, worker start-up (module loading, key parsing) costs more than it saves. */
export function parallelMinimum(): number {
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
  const file = fileURLToPath(new URL('./worker.js', import.meta.url));
  return fs.existsSync(file) ? file : undefined;
}

export interface VerifySetup {
  keys: KeySet;
  /** How to rebuild `keys` in a worker thread. */
  keySources: KeySetSources;
  opts: VerifyOptions;
  splitBlocks: boolean;
}

/** One-shot: verify `commits` (in workers when there are enough of them). */
export async function verifyRawCommits(
  commits: RawCommit[],
  keys: KeySet,
  keySources: KeySetSources,
  opts: VerifyOptions,
  splitBlocks: boolean,
): Promise<VerifiedCommit[]> {
  const setup = { keys, keySources, opts, splitBlocks };
  const pool = VerifyPool.start(setup, commits.length);
  if (!pool) return verifyInProcess(commits, setup);
  try {
    return await pool.verify(commits);
  } finally {
    await pool.close();
  }
}

export function verifyInProcess(commits: RawCommit[], s: VerifySetup): Promise<VerifiedCommit[]> {
  return Promise.all(commits.map((c) => verifyRawCommit(c, s.keys, s.opts, s.splitBlocks)));
}

/**
 * Worker threads, and the main thread itself, verifying batches of commits pulled
 * from one queue (core/worker-pool.ts). The main thread has its modules and keys
 * loaded already, so it is the cheapest lane; each worker costs a module load and a
 * key parse, which it does while git is still reading.
 */
export class VerifyPool {
  /**
   * A pool for about `expected` commits, or undefined when in-process is better
   * (few commits, one core, or no compiled worker script).
   */
  static start(setup: VerifySetup, expected: number): VerifyPool | undefined {
    // Threads in all, the main thread included.
    const threads = Math.min(threadCount(), expected);
    const file = workerFile();
    if (expected < parallelMinimum() || threads < 2 || !file) return undefined;
    return new VerifyPool(
      new WorkerPool<RawCommit, VerifiedCommit>({
        script: file,
        workers: threads - 1,
        workerData: { keySources: setup.keySources, opts: setup.opts, splitBlocks: setup.splitBlocks },
        batchSize: Math.max(1, Math.min(MAX_BATCH, Math.ceil(expected / (threads * 4)))),
        local: (commits) => verifyInProcess(commits, setup),
      }),
    );
  }

  private constructor(private readonly pool: WorkerPool<RawCommit, VerifiedCommit>) {}

  /** Verifies `commits`; results in the same order. Rejects if a worker fails (nothing is judged good then). */
  verify(commits: RawCommit[]): Promise<VerifiedCommit[]> {
    return this.pool.run(commits);
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
