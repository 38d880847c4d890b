/**
 * Reads git objects in bulk through ONE long-lived `git cat-file --batch`
 * process: a process per commit costs ~2 ms each, which dominates verifying
 * thousands of commits. Requests are pipelined; responses come back in order.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { UserError } from '../core/errors.js';
import { COMMIT_ID_PATTERN } from '../core/commit-id.js';

/** `<oid> <type> <size>`, the header line of each `git cat-file --batch` answer. */
const HEADER = new RegExp(`^(${COMMIT_ID_PATTERN}) (\\S+) (\\d+)$`);

export interface BatchObject {
  oid: string;
  type: string;
  content: Buffer;
}

interface Pending {
  request: string;
  resolve: (o: BatchObject | undefined) => void;
  reject: (e: Error) => void;
}

export class CatFileBatch {
  private readonly proc: ChildProcessWithoutNullStreams;
  private readonly queue: Pending[] = [];
  private buffer: Buffer = Buffer.alloc(0);
  private failure: Error | undefined;
  private stderr = '';

  constructor(readonly repoDir: string) {
    this.proc = spawn('git', ['-C', repoDir, 'cat-file', '--batch'], { stdio: ['pipe', 'pipe', 'pipe'] });
    this.proc.stdout.on('data', (chunk: Buffer) => this.onData(chunk));
    this.proc.stderr.on('data', (chunk: Buffer) => (this.stderr += chunk.toString('utf8')));
    this.proc.on('error', (err) => this.fail(new UserError(`cannot run git: ${err.message}`)));
    this.proc.on('close', (code) => this.fail(new UserError(`git cat-file exited (${code ?? 'signal'}) in ${repoDir}: ${this.stderr.trim().split('\n')[0] ?? ''}`)));
    // A closed pipe surfaces through 'close'; don't crash on EPIPE.
    this.proc.stdin.on('error', () => undefined);
  }

  /** Reads one object; undefined when git says `missing` (or `ambiguous`). */
  read(name: string): Promise<BatchObject | undefined> {
    if (this.failure) return Promise.reject(this.failure);
    // One request per line: a newline would desynchronise the protocol.
    if (/[\n\r]/.test(name) || name.length === 0) return Promise.reject(new UserError(`invalid object name ${JSON.stringify(name)}`));
    return new Promise((resolve, reject) => {
      this.queue.push({ request: name, resolve, reject });
      this.proc.stdin.write(`${name}\n`);
    });
  }

  /** Reads many objects, pipelined; the result is in the order of `names`. */
  readMany(names: string[]): Promise<(BatchObject | undefined)[]> {
    return Promise.all(names.map((n) => this.read(n)));
  }

  async close(): Promise<void> {
    if (this.proc.exitCode !== null || this.proc.signalCode !== null) return;
    const closed = new Promise<void>((resolve) => this.proc.once('close', () => resolve()));
    this.proc.stdin.end();
    await closed;
  }

  private fail(err: Error): void {
    this.failure ??= err;
    for (const p of this.queue.splice(0)) p.reject(this.failure);
  }

  /** Parses `<oid> <type> <size>\n<content>\n` or `<name> missing\n` responses. */
  private onData(chunk: Buffer): void {
    this.buffer = this.buffer.length ? Buffer.concat([this.buffer, chunk]) : chunk;
    for (;;) {
      const nl = this.buffer.indexOf(0x0a);
      if (nl < 0) return;
      const header = this.buffer.subarray(0, nl).toString('utf8');
      const pending = this.queue[0];
      if (!pending) {
        this.fail(new UserError(`unexpected output from git cat-file: ${header.slice(0, 80)}`));
        return;
      }
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.buffer = this.buffer.subarray(nl + 1);
        this.queue.shift();
        pending.resolve(undefined);
        continue;
      }
      const m = header.match(HEADER);
      if (!m) {
        this.fail(new UserError(`unexpected output from git cat-file: ${header.slice(0, 80)}`));
        return;
      }
      const size = Number(m[3]);
      const end = nl + 1 + size;
      if (this.buffer.length < end + 1) return; // wait for the rest of the content and its newline
      const content = Buffer.from(this.buffer.subarray(nl + 1, end));
      this.buffer = this.buffer.subarray(end + 1);
      this.queue.shift();
      pending.resolve({ oid: m[1], type: m[2], content });
    }
  }
}
