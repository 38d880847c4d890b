import got, { HTTPError, RequestError, type Got } from 'got';
import { UserError } from '../core/errors.js';

export const DEFAULT_GITHUB_API = 'https://api.github.com';

export interface GitHubHttpOptions {
  apiBase?: string;
  token?: string;
  retries?: number;
  backoffMs?: number;
}

/**
 * The one got client every GitHub reader uses: API base and token from options or
 * the environment, retries with capped exponential backoff on server errors only.
 * Rate limits (403/429) are not retried: they are reported with the time to retry.
 */
export function githubClient(opts: GitHubHttpOptions): Got {
  const base = (opts.apiBase ?? process.env.NIXHARDEN_GITHUB_API ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
  const token = opts.token ?? process.env.GITHUB_TOKEN;
  const backoff = opts.backoffMs ?? 1000;
  return got.extend({
    prefixUrl: base,
    headers: {
      accept: 'application/vnd.github+json',
      'x-github-api-version': '2022-11-28',
      'user-agent': 'nixharden',
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    timeout: { request: 30_000 },
    retry: {
      limit: opts.retries ?? 4,
      methods: ['GET'],
      statusCodes: [500, 502, 503, 504, 520, 521, 522, 524],
      calculateDelay: ({ computedValue, attemptCount }) => (computedValue === 0 ? 0 : Math.min(backoff * 2 ** (attemptCount - 1), 30_000)),
    },
  });
}

/** Turns got errors into one-line UserErrors; rate limits say when to retry. */
export function explainGitHubError(err: unknown, label: string, url: string): Error {
  if (err instanceof HTTPError) {
    const { statusCode, headers } = err.response;
    const remaining = headers['x-ratelimit-remaining'];
    const reset = Number(headers['x-ratelimit-reset']);
    const retryAfter = Number(headers['retry-after']);
    if ((statusCode === 403 || statusCode === 429) && (remaining === '0' || Number.isFinite(retryAfter))) {
      let when: Date | undefined;
      if (Number.isFinite(retryAfter) && headers['retry-after'] !== undefined) when = new Date(Date.now() + retryAfter * 1000);
      else if (Number.isFinite(reset) && reset > 0) when = new Date(reset * 1000);
      const at = when ? `retry after ${when.toISOString().replace(/\.\d+Z$/, 'Z')}` : 'retry later';
      const hint = process.env.GITHUB_TOKEN ? '' : ' (set GITHUB_TOKEN for a higher limit)';
      return new UserError(`GitHub API rate limit exceeded for ${label}: ${at}${hint}`);
    }
    if (statusCode === 404) return new UserError(`GitHub API: not found: ${url}`);
    return new UserError(`GitHub API: HTTP ${statusCode} for ${url}`);
  }
  if (err instanceof RequestError) return new UserError(`GitHub API: ${err.code ?? 'network error'} for ${url}: ${err.message.split('\n')[0]}`);
  return err as Error;
}
