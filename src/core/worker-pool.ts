/**
 * The one worker pool of the project: worker threads, and the calling thread itself,
 * working through batches pulled from one queue. Scanning (parse + model) and bulk
 * signature verification are CPU-bound and run on it.
 *
 * - Each worker has up to two batches in flight (one it works on, one queued behind
 *   it), so it never waits for the main thread to hand it more.
 * - The calling thread takes a batch whenever it is free: its modules are loaded
 *   already, which makes it the cheapest lane, and on a 2-core machine one worker
 *   plus the main thread is the right size.
 * - Results come back in input order. A worker that fails or exits fails every batch
 *   still waiting: a caller never gets a partial answer that looks complete.
 */
import { Worker, type ResourceLimits } from 'node:worker_threads';

export interface WorkerPoolOptions<I, O, R> {
  /** The compiled worker script. It answers each posted `I[]` with one reply, in order. */
  script: string;
  /** Worker threads to start (the calling thread works too). */
  workers: number;
  workerData?: unknown;
  resourceLimits?: ResourceLimits;
  /** Items per message to a worker. */
  batchSize: number;
  /** Work on the calling thread; without it only the workers work. */
  local?: (items: I[]) => O[] | Promise<O[]>;
  /** A worker's reply to results (default: the reply is the results). */
  decode?: (reply: R) => O[];
}

interface Batch<I, O> {
  items: I[];
  done: (results: O[]) => void;
  fail: (e: Error) => void;
}

/** Batches each worker has been sent and not yet answered, oldest first. */
const IN_FLIGHT_PER_WORKER = 2;

export class WorkerPool<I, O, R = O[]> {
  private readonly workers: Worker[] = [];
  private readonly inFlight = new Map<Worker, Batch<I, O>[]>();
  private readonly queue: Batch<I, O>[] = [];
  private failure: Error | undefined;
  private closed = false;
  private localBusy = false;

  constructor(private readonly opts: WorkerPoolOptions<I, O, R>) {
    for (let i = 0; i < opts.workers; i++) {
      const worker = new Worker(opts.script, { workerData: opts.workerData, ...(opts.resourceLimits ? { resourceLimits: opts.resourceLimits } : {}) });
      worker.unref();
      this.workers.push(worker);
      this.inFlight.set(worker, []);
      worker.on('message', (reply: R) => this.answered(worker, reply));
      worker.on('error', (e) => this.fail(e));
      worker.on('exit', (code) => {
        if (!this.closed) this.fail(new Error(`worker thread exited with code ${code}`));
      });
    }
  }

  /** Runs every item; the results are in the order of `items`. */
  run(items: I[]): Promise<O[]> {
    if (this.failure) return Promise.reject(this.failure);
    const parts: Promise<O[]>[] = [];
    const size = Math.max(1, this.opts.batchSize);
    for (let i = 0; i < items.length; i += size) {
      parts.push(new Promise<O[]>((done, fail) => this.queue.push({ items: items.slice(i, i + size), done, fail })));
    }
    this.pump();
    return Promise.all(parts).then((p) => p.flat());
  }

  async close(): Promise<void> {
    this.closed = true;
    await Promise.all(this.workers.map((w) => w.terminate()));
  }

  private answered(worker: Worker, reply: R): void {
    const batch = this.inFlight.get(worker)!.shift();
    if (!batch) return; // nothing was asked of it: not an answer
    // Feed the worker before decoding its answer, so it never waits on this thread.
    this.pump();
    try {
      batch.done(this.opts.decode ? this.opts.decode(reply) : (reply as unknown as O[]));
    } catch (e) {
      this.fail(e as Error);
    }
  }

  private pump(): void {
    if (this.failure) return;
    for (const w of this.workers) {
      const mine = this.inFlight.get(w)!;
      while (mine.length < IN_FLIGHT_PER_WORKER && this.queue.length > 0) {
        const batch = this.queue.shift()!;
        mine.push(batch);
        w.postMessage(batch.items);
      }
    }
    if (this.opts.local && !this.localBusy && this.queue.length > 0) {
      this.localBusy = true;
      setImmediate(() => void this.runLocal());
    }
  }

  /** One batch on this thread, then back to the event loop to hear from the workers. */
  private async runLocal(): Promise<void> {
    const batch = this.queue.shift();
    if (batch && !this.failure) {
      try {
        batch.done(await this.opts.local!(batch.items));
      } catch (e) {
        this.fail(e as Error);
      }
    }
    this.localBusy = false;
    this.pump();
  }

  private fail(e: Error): void {
    if (this.failure) return;
    this.failure = e;
    for (const b of [...this.queue, ...[...this.inFlight.values()].flat()]) b.fail(e);
    this.queue.length = 0;
    for (const list of this.inFlight.values()) list.length = 0;
  }
}
