import { createReadStream, promises as fs } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { UserError } from '../../core/errors.js';

export interface DownloadOptions {
  /** Refuse bodies larger than this (default 4 GiB). */
  maxBytes?: number;
  /** Retries after a 5xx/429, a network error or a truncated body (default 3). */
  retries?: number;
  /** First backoff delay; doubles per retry (default 500 ms). */
  retryDelayMs?: number;
  /** Give up on a connection idle this long (default 60 s). */
  idleTimeoutMs?: number;
  /** Progress: bytes received in this attempt, and the size when the server or file says it. */
  onBytes?: (received: number, total?: number) => void;
}

export const DEFAULT_MAX_DOWNLOAD_BYTES = 4 * 1024 ** 3;

/** Shared between an attempt's body stream and the retry loop: why the transfer (not the consumer) failed. */
interface AttemptState {
  transportError?: Error;
  retriable: boolean;
  /** From a Retry-After header (429/503), when the server said how long to wait. */
  retryAfterMs?: number;
}

/**
 * Downloads `url` (http, https or file) and hands the body, as it streams, to
 * `consume`. When the transfer fails in a way worth retrying, `consume` is
 * called again from scratch on a fresh body after an exponential backoff, so
 * a consumer never sees a partial or spliced body. Errors the consumer raises
 * itself (a bad archive, a hash mismatch) are not retried.
 */
export async function withDownload<T>(url: string, consume: (body: AsyncIterable<Buffer>) => Promise<T>, opts: DownloadOptions = {}): Promise<T> {
  const parsed = parseUrl(url);
  const retries = opts.retries ?? 3;
  const baseDelay = opts.retryDelayMs ?? 500;
  for (let attempt = 0; ; attempt++) {
    const state: AttemptState = { retriable: false };
    const body = parsed.protocol === 'file:' ? fileBody(parsed, opts, state) : httpBody(parsed, opts, state);
    try {
      return await consume(body);
    } catch (err) {
      if (!state.transportError) throw err;
      const reason = state.transportError.message;
      if (!state.retriable || attempt >= retries) {
        throw new UserError(`download of ${url} failed${attempt ? ` after ${attempt + 1} attempts` : ''}: ${reason}`);
      }
      await new Promise((r) => setTimeout(r, Math.min(state.retryAfterMs ?? baseDelay * 2 ** attempt, 60_000)));
    }
  }
}

function parseUrl(url: string): URL {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UserError(`not a valid URL: ${url}`);
  }
  if (!['http:', 'https:', 'file:'].includes(u.protocol)) throw new UserError(`unsupported URL scheme '${u.protocol}' in ${url} (use http, https or file)`);
  return u;
}

async function* fileBody(url: URL, opts: DownloadOptions, state: AttemptState): AsyncGenerator<Buffer> {
  const path = fileURLToPath(url);
  const max = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  let size: number;
  try {
    size = (await fs.stat(path)).size;
  } catch (err) {
    state.transportError = new Error(`${path}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : (err as Error).message}`);
    throw state.transportError;
  }
  if (size > max) {
    state.transportError = new Error(`${size} bytes exceeds the size limit of ${max} bytes`);
    throw state.transportError;
  }
  let received = 0;
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) {
    received += (chunk as Buffer).length;
    opts.onBytes?.(received, size);
    yield chunk as Buffer;
  }
}

async function* httpBody(url: URL, opts: DownloadOptions, state: AttemptState): AsyncGenerator<Buffer> {
  const max = opts.maxBytes ?? DEFAULT_MAX_DOWNLOAD_BYTES;
  const idle = opts.idleTimeoutMs ?? 60_000;
  // Loaded on first use: every CLI command imports this module, few download anything.
  const { default: got, HTTPError, RequestError } = await import('got');
  // Retries are ours (see withDownload): got's own cannot restart a consumer that already read part of a stream.
  const stream = got.stream(url, { retry: { limit: 0 }, timeout: { lookup: 30_000, connect: 30_000, secureConnect: 30_000, socket: idle, response: idle } });
  let expected: number | undefined;
  stream.on('response', (res: { headers: Record<string, string | string[] | undefined> }) => {
    const len = res.headers['content-length'];
    // With a Content-Encoding, got decompresses and the length no longer counts what we see.
    if (typeof len === 'string' && /^\d+$/.test(len) && !res.headers['content-encoding']) expected = Number(len);
  });
  let received = 0;
  const fail = (message: string, retriable: boolean): Error => {
    state.transportError = new Error(message);
    state.retriable = retriable;
    return state.transportError;
  };
  try {
    for await (const chunk of stream) {
      if (expected !== undefined && expected > max) throw fail(`Content-Length ${expected} exceeds the size limit of ${max} bytes`, false);
      received += (chunk as Buffer).length;
      if (received > max) throw fail(`body exceeds the size limit of ${max} bytes`, false);
      opts.onBytes?.(received, expected);
      yield chunk as Buffer;
    }
  } catch (err) {
    if (state.transportError) throw err;
    if (err instanceof HTTPError) {
      const status = err.response.statusCode;
      state.retryAfterMs = parseRetryAfter(err.response.headers['retry-after']);
      throw fail(`HTTP ${status} ${err.response.statusMessage ?? ''}`.trim(), status >= 500 || status === 429 || status === 408);
    }
    if (err instanceof RequestError) throw fail(err.code ? `${err.code}: ${err.message}` : err.message, true);
    throw err;
  }
  if (expected !== undefined && received !== expected) throw fail(`truncated download: got ${received} of ${expected} bytes (Content-Length)`, true);
}

/** Retry-After as delay-seconds or an HTTP date; undefined when absent or unreadable. */
function parseRetryAfter(value: string | string[] | undefined): number | undefined {
  if (typeof value !== 'string') return undefined;
  if (/^\d+$/.test(value.trim())) return Number(value.trim()) * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}
