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
import { Worker } from 'node:worker_threads';
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

interface Batch {
  commits: RawCommit[];
  done: (results: VerifiedCommit[]) => void;
}

/**
 * Worker threads, and the main thread itself, verifying batches of commits pulled
 * from one queue. The main thread has its modules and keys loaded already, so it
 * is the cheapest lane; each worker costs a module load and a key parse.
 */
export class VerifyPool {
  private readonly queue: Batch[] = [];
  private readonly idle: Worker[] = [];
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<Worker, Batch>();
  private readonly waiting = new Set<(e: Error) => void>();
  private failure: Error | undefined;
  private closed = false;
  private mainBusy = false;

  /**
   * A pool for about `expected` commits, or undefined when in-process is better
   * (few commits, one core, or no compiled worker script).
   */
  static start(setup: VerifySetup, expected: number): VerifyPool | undefined {
    // Threads in all, the main thread included.
    const threads = Math.min(threadCount(), expected);
    const file = workerFile();
    if (expected < parallelMinimum() || threads < 2 || !file) return undefined;
    return new VerifyPool(file, threads - 1, setup, Math.max(1, Math.min(MAX_BATCH, Math.ceil(expected / (threads * 4)))));
  }

  private constructor(
    file: string,
    workers: number,
    private readonly setup: VerifySetup,
    private readonly batchSize: number,
  ) {
    const workerData = { keySources: setup.keySources, opts: setup.opts, splitBlocks: setup.splitBlocks };
    for (let i = 0; i < workers; i++) {
      const worker = new Worker(file, { workerData });
      this.workers.push(worker);
      worker.on('message', (msg: { ready?: boolean; results?: VerifiedCommit[] }) => {
        const batch = this.inFlight.get(worker);
        this.inFlight.delete(worker);
        if (msg.results !== undefined && batch) batch.done(msg.results);
        this.idle.push(worker);
        this.pump();
      });
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`verification worker exited with code ${code}`));
      });
    }
  }

  /** Verifies `commits`; results in the same order. Rejects if a worker fails (nothing is judged good then). */
  async verify(commits: RawCommit[]): Promise<VerifiedCommit[]> {
    if (this.failure) throw this.failure;
    const parts: Promise<VerifiedCommit[]>[] = [];
    for (let i = 0; i < commits.length; i += this.batchSize) {
      const slice = commits.slice(i, i + this.batchSize);
      parts.push(
        new Promise<VerifiedCommit[]>((resolve, reject) => {
          this.waiting.add(reject);
          this.queue.push({
            commits: slice,
            done: (r) => {
              this.waiting.delete(reject);
              resolve(r);
            },
          });
        }),
      );
    }
    this.pump();
    return (await Promise.all(parts)).flat();
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private pump(): void {
    while (this.idle.length > 0 && this.queue.length > 0) {
      const worker = this.idle.shift()!;
      const batch = this.queue.shift()!;
      this.inFlight.set(worker, batch);
      worker.postMessage({ commits: batch.commits });
    }
    if (!this.mainBusy && this.queue.length > 0 && !this.failure) void this.runOnMain(this.queue.shift()!);
  }

  /** One batch on the main thread, then back to the event loop so the workers are fed. */
  private async runOnMain(batch: Batch): Promise<void> {
    this.mainBusy = true;
    try {
      batch.done(await verifyInProcess(batch.commits, this.setup));
    } catch (e) {
      this.fail(e as Error);
    } finally {
      this.mainBusy = false;
    }
    setImmediate(() => this.pump());
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const reject of this.waiting) reject(e);
    this.waiting.clear();
  }
}
