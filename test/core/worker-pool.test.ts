import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { WorkerPool } from '../../src/core/worker-pool.js';

let dir: string;
beforeAll(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-pool-'));
  // Squares numbers, answering batches in order, with uneven delays.
  fs.writeFileSync(
    path.join(dir, 'square.mjs'),
    `import { parentPort } from 'node:worker_threads';
     let prev = Promise.resolve();
     parentPort.on('message', (batch) => {
       prev = prev.then(async () => {
         await new Promise((r) => setTimeout(r, (batch[0] * 7) % 5));
         parentPort.postMessage(batch.map((n) => n * n));
       });
     });`,
  );
  fs.writeFileSync(path.join(dir, 'crash.mjs'), `import { parentPort } from 'node:worker_threads'; parentPort.on('message', (b) => { if (b.includes(13)) throw new Error('unlucky'); parentPort.postMessage(b); });`);
});
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('WorkerPool', () => {
  it('returns results in input order, with workers and this thread both working', async () => {
    let local = 0;
    const pool = new WorkerPool<number, number>({
      script: path.join(dir, 'square.mjs'),
      workers: 2,
      batchSize: 3,
      local: (items) => {
        local += items.length;
        return items.map((n) => n * n);
      },
    });
    try {
      const input = Array.from({ length: 200 }, (_, i) => i);
      const [a, b] = await Promise.all([pool.run(input), pool.run([5, 6, 7])]);
      expect(a).toEqual(input.map((n) => n * n));
      expect(b).toEqual([25, 36, 49]);
      expect(local).toBeGreaterThan(0);
      expect(local).toBeLessThan(203);
    } finally {
      await pool.close();
    }
  });

  it('a worker that fails fails the run: never a partial answer', async () => {
    const pool = new WorkerPool<number, number>({ script: path.join(dir, 'crash.mjs'), workers: 1, batchSize: 2 });
    try {
      await expect(pool.run(Array.from({ length: 40 }, (_, i) => i))).rejects.toThrow(/unlucky|exited/);
      await expect(pool.run([1])).rejects.toThrow();
    } finally {
      await pool.close();
    }
  });

  it('decodes replies when asked to', async () => {
    const pool = new WorkerPool<number, string, number[]>({ script: path.join(dir, 'square.mjs'), workers: 1, batchSize: 4, decode: (r) => r.map(String) });
    try {
      expect(await pool.run([1, 2, 3, 4, 5])).toEqual(['1', '4', '9', '16', '25']);
    } finally {
      await pool.close();
    }
  });
});
