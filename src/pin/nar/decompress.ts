import { spawn } from 'node:child_process';
import { createGunzip } from 'node:zlib';
import { Readable } from 'node:stream';
import { UserError } from '../../core/errors.js';

export type Compression = 'gzip' | 'xz' | 'bzip2' | 'zstd' | 'none';

const MAGIC: Array<[Compression | 'zip', number[]]> = [
  ['gzip', [0x1f, 0x8b]],
  ['xz', [0xfd, 0x37, 0x7a, 0x58, 0x5a, 0x00]],
  ['bzip2', [0x42, 0x5a, 0x68]],
  ['zstd', [0x28, 0xb5, 0x2f, 0xfd]],
  ['zip', [0x50, 0x4b, 0x03, 0x04]],
];

/** Tools that decompress formats Node cannot; found on PATH (xz-utils, bzip2, zstd packages). */
const EXTERNAL: Record<'xz' | 'bzip2' | 'zstd', string> = { xz: 'xz', bzip2: 'bzip2', zstd: 'zstd' };

export function detectCompression(head: Buffer): Compression | 'zip' {
  for (const [kind, magic] of MAGIC) if (magic.every((b, i) => head[i] === b)) return kind;
  return 'none';
}

/**
 * Decompresses a tarball stream, choosing by content, not name (as libarchive
 * does). gzip uses zlib; xz, bzip2 and zstd go through the system tool of that
 * name when it is installed, and are a clear error otherwise. zip is refused.
 */
export async function* decompressTarball(input: AsyncIterable<Buffer>, label: string): AsyncGenerator<Buffer> {
  const it = input[Symbol.asyncIterator]();
  const headChunks: Buffer[] = [];
  let headLen = 0;
  let done = false;
  while (headLen < 8) {
    const r = await it.next();
    if (r.done) {
      done = true;
      break;
    }
    headChunks.push(r.value);
    headLen += r.value.length;
  }
  const head = Buffer.concat(headChunks);
  const rest = (async function* () {
    if (head.length) yield head;
    if (!done) for (let r = await it.next(); !r.done; r = await it.next()) yield r.value;
  })();
  const kind = detectCompression(head);
  if (kind === 'zip') throw new UserError(`${label}: zip archives are not supported by --unpack (only tar, optionally gzip/xz/bzip2/zstd compressed)`);
  if (kind === 'none') {
    yield* rest;
    return;
  }
  if (kind === 'gzip') {
    const gunzip = createGunzip();
    const source = Readable.from(rest);
    source.on('error', (e) => gunzip.destroy(e));
    try {
      yield* source.pipe(gunzip);
    } catch (err) {
      if (err instanceof UserError) throw err;
      throw new UserError(`${label}: gzip data is corrupt or truncated (${(err as Error).message})`);
    }
    return;
  }
  yield* externalDecompress(EXTERNAL[kind], kind, rest, label);
}

async function* externalDecompress(tool: string, kind: string, input: AsyncIterable<Buffer>, label: string): AsyncGenerator<Buffer> {
  const child = spawn(tool, ['-dc'], { stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', (e: NodeJS.ErrnoException) =>
      reject(e.code === 'ENOENT' ? new UserError(`${label}: ${kind}-compressed tarball needs the '${tool}' program, which is not installed`) : e),
    );
    child.on('close', resolve);
  });
  exited.catch(() => undefined); // surfaced below
  const feeding = (async () => {
    try {
      for await (const chunk of input) {
        if (!child.stdin.write(chunk)) await new Promise((r) => child.stdin.once('drain', r));
      }
    } catch (err) {
      child.kill();
      throw err;
    } finally {
      child.stdin.end();
    }
  })();
  child.stdin.on('error', () => undefined); // EPIPE when the tool dies early; its exit status reports it
  feeding.catch(() => undefined);
  let finished = false;
  try {
    for await (const chunk of child.stdout) yield chunk as Buffer;
    finished = true;
  } finally {
    // Only a consumer that stopped early leaves the tool running; a finished one just has not been reaped yet.
    if (!finished) child.kill();
  }
  await feeding;
  const code = await exited;
  if (code !== 0) throw new UserError(`${label}: ${kind} data is corrupt or truncated (${stderr.trim().split('\n')[0] || `${tool} exited with ${code}`})`);
}
