/**
 * Runs many Ed25519 checks (narinfo signatures) on every core: the checks are
 * split into equal shares, one per worker thread and one for the main thread,
 * each verified synchronously with node:crypto. Small batches, one core, or no
 * compiled worker script (tests from TypeScript sources): all on the main thread.
 */
import fs from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { createPublicKey, verify } from 'node:crypto';

export interface Ed25519Check {
  /** Raw 32-byte public key. */
  key: Buffer;
  message: string;
  signature: Buffer;
}

/** Below this many checks a worker's start-up costs more than it saves (same variable as commit verification). */
function parallelMinimum(): number {
  const env = Number(process.env.NIXHARDEN_VERIFY_PARALLEL_MIN);
  return Number.isInteger(env) && env > 0 ? env : 1000;
}

function threadCount(): number {
  const env = Number(process.env.NIXHARDEN_VERIFY_THREADS);
  if (Number.isInteger(env) && env >= 0) return env;
  return Math.min(os.availableParallelism(), 4);
}

function workerFile(): string | undefined {
  if (!import.meta.url.endsWith('.js')) return undefined;
  const file = fileURLToPath(new URL('./verify-worker.js', import.meta.url));
  return fs.existsSync(file) ? file : undefined;
}

/** One result per check, in order. */
export async function verifyEd25519All(checks: Ed25519Check[]): Promise<boolean[]> {
  const threads = threadCount();
  const file = workerFile();
  if (checks.length < parallelMinimum() || threads < 2 || !file) return verifyEd25519Sync(checks);
  const share = Math.ceil(checks.length / threads);
  const parts = Array.from({ length: threads }, (_, i) => checks.slice(i * share, (i + 1) * share));
  const remote = parts.slice(1).map((part) => runWorker(file, part));
  const local = verifyEd25519Sync(parts[0]!);
  return [local, ...(await Promise.all(remote))].flat();
}

export function verifyEd25519Sync(checks: Ed25519Check[]): boolean[] {
  const keys = new Map<string, ReturnType<typeof createPublicKey>>();
  return checks.map((c) => {
    const id = c.key.toString('base64');
    let key = keys.get(id);
    if (!key) keys.set(id, (key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: c.key.toString('base64url') }, format: 'jwk' })));
    try {
      return verify(null, Buffer.from(c.message, 'utf8'), key, c.signature);
    } catch {
      return false;
    }
  });
}

function runWorker(file: string, checks: Ed25519Check[]): Promise<boolean[]> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(file, { workerData: checks });
    worker.once('message', (results: boolean[]) => {
      resolve(results);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => {
      if (code !== 0) reject(new Error(`signature worker exited with code ${code}`));
    });
  });
}
