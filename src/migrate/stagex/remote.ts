import { createHash } from 'node:crypto';
import { UserError } from '../../core/errors.js';
import { DiskCache } from '../../sources/cache.js';

export interface FetchTextOptions {
  cacheDir: string;
  retries?: number;
  retryDelayMs?: number;
  progress?: (message: string) => void;
}

interface CacheMeta {
  url: string;
  etag?: string;
  lastModified?: string;
}

const NAMESPACE = 'stagex-digests';
const RETRY_STATUS = [408, 429, 500, 502, 503, 504, 520, 521, 522, 524];

/**
 * GETs a small text file (a digests/<stage>.txt) with got: retries with exponential
 * backoff (or the server's Retry-After) on 5xx/429/network errors, then one clear
 * UserError. The body is cached by URL with its ETag/Last-Modified, so a later import
 * revalidates (304) instead of downloading again; the cache never answers without
 * asking the server, so a changed digest list is always seen.
 */
export async function fetchText(url: string, opts: FetchTextOptions): Promise<string> {
  const { default: got, HTTPError, RequestError } = await import('got');
  const cache = new DiskCache(opts.cacheDir);
  const key = createHash('sha256').update(url).digest('hex');
  const [cachedBody, cachedMeta] = await Promise.all([cache.get(NAMESPACE, `${key}.txt`), cache.get(NAMESPACE, `${key}.json`)]);
  const meta = cachedBody && cachedMeta ? readMeta(cachedMeta, url) : undefined;
  const base = opts.retryDelayMs ?? 500;
  opts.progress?.(`fetching ${url}`);
  try {
    const res = await got(url, {
      headers: {
        'user-agent': 'nixharden',
        ...(meta?.etag ? { 'if-none-match': meta.etag } : {}),
        ...(meta?.lastModified ? { 'if-modified-since': meta.lastModified } : {}),
      },
      timeout: { lookup: 30_000, connect: 30_000, secureConnect: 30_000, send: 30_000, response: 60_000 },
      retry: {
        limit: opts.retries ?? 3,
        methods: ['GET'],
        statusCodes: RETRY_STATUS,
        calculateDelay: ({ computedValue, attemptCount, retryAfter }) => {
          if (computedValue === 0) return 0;
          if (retryAfter !== undefined) return Math.min(retryAfter, 60_000);
          return Math.min(base * 2 ** (attemptCount - 1), 30_000);
        },
      },
      hooks: { beforeRetry: [(_err, count) => opts.progress?.(`retrying ${url} (attempt ${(count ?? 0) + 1})`)] },
    });
    if (res.statusCode === 304 && cachedBody) return cachedBody.toString('utf8');
    const body = res.body;
    const fresh: CacheMeta = { url, etag: header(res.headers.etag), lastModified: header(res.headers['last-modified']) };
    await cache.put(NAMESPACE, `${key}.txt`, body);
    await cache.put(NAMESPACE, `${key}.json`, JSON.stringify(fresh));
    return body;
  } catch (err) {
    const tries = err instanceof RequestError ? (err.request?.retryCount ?? 0) + 1 : 1;
    const after = tries > 1 ? ` after ${tries} attempts` : '';
    if (err instanceof HTTPError) throw new UserError(`cannot fetch ${url}: HTTP ${err.response.statusCode}${after}`);
    if (err instanceof RequestError) throw new UserError(`cannot fetch ${url}: ${err.code ?? 'network error'}${after}: ${err.message.split('\n')[0]}`);
    throw err;
  }
}

function readMeta(buf: Buffer, url: string): CacheMeta | undefined {
  try {
    const m = JSON.parse(buf.toString('utf8')) as CacheMeta;
    return m.url === url ? m : undefined;
  } catch {
    return undefined;
  }
}

function header(v: string | string[] | undefined): string | undefined {
  return typeof v === 'string' ? v : undefined;
}
