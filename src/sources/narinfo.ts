/**
 * Reads `<hash>.narinfo` for many store paths from several binary caches:
 * http(s) caches through got (bounded concurrency, keep-alive, retries on
 * 5xx/timeouts), `file://` caches straight from disk. Every (cache, path)
 * gets an answer: found (the text), absent (404/403/410, as Nix reads them;
 * ENOENT on disk) or an error after retries, which callers report and never count.
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { mapConcurrent } from '../core/concurrency.js';
import { describeFsError } from '../core/fs.js';
import type { ArtifactHttpOptions } from './artifact-http.js';

/** What a cache answered for one path. */
export type CacheAnswer = { url: string; status: 'found'; text: string } | { url: string; status: 'absent' } | { url: string; status: 'error'; error: string };

export interface NarInfoFetchOptions extends ArtifactHttpOptions {
  /** Requests in flight at once (default 32). */
  concurrency?: number;
  /** Progress: store paths every cache has answered for so far, of how many. */
  onProgress?: (paths: number, total: number) => void;
}

/** A narinfo is a few hundred bytes; anything this large is not one. */
const MAX_NARINFO_BYTES = 1024 * 1024;
const ABSENT_STATUS = new Set([403, 404, 410]);

/**
 * answers[i][j]: what cache j said about hashParts[i] (the 32-character hash
 * part of a store path). Cache URLs have no trailing slash.
 */
export async function fetchNarInfos(cacheUrls: string[], hashParts: string[], opts: NarInfoFetchOptions = {}): Promise<CacheAnswer[][]> {
  const concurrency = opts.concurrency ?? 32;
  // got is loaded only for http(s) caches: local caches need none of it.
  const http = cacheUrls.some((u) => !u.startsWith('file:')) ? await import('./artifact-http.js') : undefined;
  const client = http?.artifactClient({ sockets: concurrency, ...opts });
  const dirs = new Map(cacheUrls.filter((u) => u.startsWith('file:')).map((u) => [u, fileURLToPath(u)]));
  const jobs = hashParts.flatMap((h, i) => cacheUrls.map((url, j) => ({ h, i, j, url })));
  const out: CacheAnswer[][] = hashParts.map(() => new Array<CacheAnswer>(cacheUrls.length));
  const waiting = hashParts.map(() => cacheUrls.length);
  let answered = 0;
  await mapConcurrent(jobs, concurrency, async ({ h, i, j, url }) => {
    out[i]![j] = dirs.has(url) ? readFromDisk(url, dirs.get(url)!, h) : await readOverHttp(http!, client!, url, h);
    if (--waiting[i]! === 0) opts.onProgress?.(++answered, hashParts.length);
  });
  return out;
}

/** Local files are read synchronously: a few hundred bytes each, faster than a thread-pool round trip. */
function readFromDisk(url: string, dir: string, hashPart: string): CacheAnswer {
  const file = `${dir}/${hashPart}.narinfo`;
  try {
    const text = readFileSync(file, 'utf8');
    if (text.length > MAX_NARINFO_BYTES) return { url, status: 'error', error: `${file}: too large for a narinfo` };
    return { url, status: 'found', text };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return { url, status: 'absent' };
    return { url, status: 'error', error: `${file}: ${describeFsError(err)}` };
  }
}

type HttpModule = typeof import('./artifact-http.js');

async function readOverHttp(http: HttpModule, client: ReturnType<HttpModule['artifactClient']>, url: string, hashPart: string): Promise<CacheAnswer> {
  const target = `${url}/${hashPart}.narinfo`;
  try {
    const res = await client.get(target, { responseType: 'text' });
    if (Buffer.byteLength(res.body) > MAX_NARINFO_BYTES) return { url, status: 'error', error: `${target}: too large for a narinfo` };
    return { url, status: 'found', text: res.body };
  } catch (err) {
    const status = http.httpStatus(err);
    if (status !== undefined && ABSENT_STATUS.has(status)) return { url, status: 'absent' };
    return { url, status: 'error', error: `${target}: ${http.describeHttpFailure(err)}` };
  }
}
