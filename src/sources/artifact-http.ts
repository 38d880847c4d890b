/**
 * The got client for artifact sources (registries, signature lookasides,
 * binary caches): keep-alive sockets bounded by the concurrency, per-phase
 * timeouts, and retries with capped exponential backoff (Retry-After
 * honoured) on 5xx, 408, 429 and network errors. Never a 4xx other than those.
 */
import http from 'node:http';
import https from 'node:https';
import got, { HTTPError, RequestError, type Got } from 'got';

export interface ArtifactHttpOptions {
  /** Retries after the first attempt (default 3). */
  retries?: number;
  /** Per-phase timeout (connect, response, idle socket), default 30 s. */
  timeoutMs?: number;
  /** First backoff delay, doubled per retry (default 500 ms). */
  backoffMs?: number;
  /** Sockets per host (default 16). */
  sockets?: number;
}

export const RETRY_STATUS = [408, 429, 500, 502, 503, 504, 520, 521, 522, 524];

export function artifactClient(opts: ArtifactHttpOptions = {}): Got {
  const timeout = opts.timeoutMs ?? 30_000;
  const backoff = opts.backoffMs ?? 500;
  const sockets = opts.sockets ?? 16;
  return got.extend({
    headers: { 'user-agent': 'nixharden' },
    agent: { http: new http.Agent({ keepAlive: true, maxSockets: sockets }), https: new https.Agent({ keepAlive: true, maxSockets: sockets }) },
    timeout: { lookup: timeout, connect: timeout, secureConnect: timeout, send: timeout, response: timeout, socket: timeout },
    retry: {
      limit: opts.retries ?? 3,
      methods: ['GET', 'HEAD'],
      statusCodes: RETRY_STATUS,
      calculateDelay: ({ computedValue, attemptCount, retryAfter }) => {
        if (computedValue === 0) return 0;
        if (retryAfter !== undefined && Number.isFinite(retryAfter)) return Math.min(retryAfter, 60_000);
        return Math.min(backoff * 2 ** (attemptCount - 1), 30_000);
      },
    },
  });
}

/** The status of a got HTTPError (a 404 is an answer, not a failure), else undefined. */
export function httpStatus(err: unknown): number | undefined {
  return err instanceof HTTPError ? err.response.statusCode : undefined;
}

/** A one-line reason for a failed request, after got's retries. */
export function describeHttpFailure(err: unknown): string {
  const attempts = err instanceof RequestError ? (err.request?.retryCount ?? 0) + 1 : 1;
  const after = attempts > 1 ? ` after ${attempts} attempts` : '';
  if (err instanceof HTTPError) return `HTTP ${err.response.statusCode}${after}`;
  if (err instanceof RequestError) return `${err.code ?? 'network error'}${after}: ${err.message.split('\n')[0]}`;
  return (err as Error).message;
}
