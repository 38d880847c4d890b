/**
 * A branch's history from the GitHub REST API, 100 commits per request.
 *
 * The list endpoint (`GET /repos/O/R/commits?sha=…&per_page=100`) already
 * carries each commit's `verification.payload` and `signature`, so the raw
 * objects are rebuilt from the pages themselves (with sources/github.ts'
 * rebuildCommit, checked to hash to their sha, never trusting `verified`):
 * choosing a commit costs one request per 100 commits examined, instead of
 * one per commit. Pages below the tip are keyed by the tip's sha, hence
 * immutable, and come from the disk cache on later runs.
 */
import { createHash } from 'node:crypto';
import type { Got } from 'got';
import { UserError } from '../core/errors.js';
import { DiskCache } from './cache.js';
import { gitObjectId, rebuildCommit, type GitCommitResponse } from './github.js';
import { DEFAULT_GITHUB_API, explainGitHubError, githubClient } from './github-http.js';
import type { CommitNode, CommitRead, CommitSource, WalkOptions } from './types.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';
import type { GitHubRepo } from '../model/pin-types.js';
import { DEFAULT_BRANCH_TTL_SECONDS } from '../core/defaults.js';

export interface GitHubHistoryOptions {
  repo: GitHubRepo;
  /** API base URL; default `$NIXHARDEN_GITHUB_API` or https://api.github.com. */
  apiBase?: string;
  token?: string;
  cacheDir?: string;
  retries?: number;
  backoffMs?: number;
  /** Reads commits the walk did not list (a pin's current rev, deep in history), e.g. sources/github.ts' GitHubSource. */
  fallback?: Pick<CommitSource, 'readCommits'>;
  /** Called after each page request (progress on a TTY). */
  onPage?: (commitsListed: number) => void;
  /**
   * How long a branch's cached tip (and first page) is reused without asking
   * GitHub again, in seconds; 0 always asks. Like Nix's `tarball-ttl` (default
   * 3600), this bounds how stale "the newest verified commit" can be in exchange
   * for re-runs that make no request at all.
   */
  branchTtlSeconds?: number;
  /** Clock, injectable for tests. */
  now?: () => number;
}

/** Default tip freshness: the same hour Nix uses for `tarball-ttl`. */

interface CachedTip {
  fetchedAt: number;
  items: ListItem[];
}

interface ListItem {
  sha: string;
  parents?: { sha: string }[];
  commit?: Omit<GitCommitResponse, 'sha' | 'parents'>;
}

const PER_PAGE = 100;

export class GitHubHistory implements CommitSource {
  readonly label: string;
  private readonly http: Got;
  private readonly cache: DiskCache | undefined;
  private readonly nodes = new Map<string, CommitNode>();
  private readonly raws = new Map<string, CommitRead>();
  /** Pages fetched per tip, so a deeper walk continues where the last one stopped. */
  private readonly pagesByTip = new Map<string, { next: number; done: boolean }>();
  /** API requests made (tests check the one-per-100-commits budget). */
  readonly stats = { requests: 0, cachedPages: 0 };

  constructor(private readonly opts: GitHubHistoryOptions) {
    const { owner, repo } = opts.repo;
    this.label = `github:${owner}/${repo}`;
    this.cache = opts.cacheDir ? new DiskCache(opts.cacheDir) : undefined;
    this.http = githubClient(opts);
  }

  async identity(): Promise<string[]> {
    return [`${this.opts.repo.owner}/${this.opts.repo.repo}`];
  }

  async currentBranch(): Promise<string | undefined> {
    return undefined;
  }

  /** A branch or tag name resolves with the first page of its history (which the walk then reuses). */
  async resolve(rev: string): Promise<string> {
    if (FULL_COMMIT_ID.test(rev)) return rev;
    if (!/^[A-Za-z0-9._/-]+$/.test(rev) || rev.includes('..') || rev.startsWith('-')) {
      throw new UserError(`${this.label}: only full commit ids, branch and tag names are supported, got ${JSON.stringify(rev)}`);
    }
    const items = (await this.cachedTip(rev)) ?? (await this.fetchTip(rev));
    const tip = items[0]?.sha;
    if (!tip || !FULL_COMMIT_ID.test(tip)) throw new UserError(`${this.label}: unknown branch ${rev}`);
    this.pagesByTip.set(tip, { next: 2, done: items.length < PER_PAGE });
    return tip;
  }

  private tipKey(rev: string): string {
    // Branch names may hold '/', so the key is a digest; the API base and owner/repo keep
    // entries of different servers and repositories apart.
    const base = (this.opts.apiBase ?? process.env.NIXHARDEN_GITHUB_API ?? DEFAULT_GITHUB_API).replace(/\/+$/, '');
    return createHash('sha256').update(`${base}\0${this.opts.repo.owner}/${this.opts.repo.repo}\0${rev}`).digest('hex');
  }

  /** The first page of `rev` from the disk cache, when younger than the TTL. */
  private async cachedTip(rev: string): Promise<ListItem[] | undefined> {
    const ttl = this.opts.branchTtlSeconds ?? DEFAULT_BRANCH_TTL_SECONDS;
    if (!this.cache || ttl <= 0) return undefined;
    const raw = await this.cache.get('github-tips', this.tipKey(rev));
    if (!raw) return undefined;
    try {
      const entry = JSON.parse(raw.toString('utf8')) as CachedTip;
      const age = (this.now() - entry.fetchedAt) / 1000;
      if (!Array.isArray(entry.items) || !(age >= 0 && age < ttl)) return undefined;
      this.absorb(entry.items);
      this.stats.cachedPages++;
      return entry.items;
    } catch {
      return undefined;
    }
  }

  private async fetchTip(rev: string): Promise<ListItem[]> {
    const items = await this.request(rev === 'HEAD' ? undefined : rev, 1);
    const entry: CachedTip = { fetchedAt: this.now(), items };
    await this.cache?.put('github-tips', this.tipKey(rev), JSON.stringify(entry)).catch(() => undefined);
    return items;
  }

  private now(): number {
    return this.opts.now ? this.opts.now() : Date.now();
  }

  async resolveRange(range: string): Promise<{ tips: string[]; exclude: string[] }> {
    const m = range.match(/^(.+?)\.\.(?!\.)(.+)$/);
    if (!m) throw new UserError(`--range wants A..B, got ${JSON.stringify(range)}`);
    return { tips: [await this.resolve(m[2]!)], exclude: [await this.resolve(m[1]!)] };
  }

  /** First-parent history only (what pinning walks); pages are fetched until the chain is long enough. */
  async walk(opts: WalkOptions): Promise<CommitNode[]> {
    if (!opts.firstParent) throw new UserError(`${this.label}: only first-parent history can be walked here`);
    const exclude = new Set(opts.exclude);
    const out: CommitNode[] = [];
    for (const tip of opts.tips) {
      for (;;) {
        const chain = this.chain(tip, exclude);
        const want = opts.limit ?? Infinity;
        const last = chain[chain.length - 1];
        const complete = chain.length >= want || (last && (last.parents.length === 0 || exclude.has(last.parents[0]!)));
        const state = this.pagesByTip.get(tip) ?? { next: 1, done: false };
        if (complete || state.done) {
          out.push(...chain.slice(0, want));
          break;
        }
        await this.fetchPage(tip, state);
      }
    }
    return out;
  }

  private chain(tip: string, exclude: Set<string>): CommitNode[] {
    const chain: CommitNode[] = [];
    const seen = new Set<string>();
    for (let n = this.nodes.get(tip); n && !exclude.has(n.oid) && !seen.has(n.oid); n = this.nodes.get(n.parents[0] ?? '')) {
      seen.add(n.oid);
      chain.push(n);
    }
    return chain;
  }

  private async fetchPage(tip: string, state: { next: number; done: boolean }): Promise<void> {
    const key = `${this.opts.repo.owner}__${this.opts.repo.repo}__${tip}__${state.next}`;
    let items: ListItem[] | undefined;
    // Page 1 may be asked for by branch name elsewhere; any page under a fixed sha never changes.
    const cached = await this.cache?.get('github-pages', key);
    if (cached) {
      try {
        items = JSON.parse(cached.toString('utf8')) as ListItem[];
        this.stats.cachedPages++;
      } catch {
        items = undefined;
      }
    }
    if (!items) {
      items = await this.request(tip, state.next);
      await this.cache?.put('github-pages', key, JSON.stringify(items)).catch(() => undefined);
    }
    this.absorb(items);
    this.pagesByTip.set(tip, { next: state.next + 1, done: items.length < PER_PAGE });
  }

  private async request(ref: string | undefined, page: number): Promise<ListItem[]> {
    const url = `repos/${this.opts.repo.owner}/${this.opts.repo.repo}/commits`;
    this.stats.requests++;
    let items: unknown;
    try {
      items = await this.http.get(url, { searchParams: { per_page: PER_PAGE, page, ...(ref ? { sha: ref } : {}) } }).json();
    } catch (err) {
      throw this.explain(err, url);
    }
    if (!Array.isArray(items)) throw new UserError(`GitHub API: unexpected response listing commits of ${this.label}`);
    const list = items as ListItem[];
    this.absorb(list);
    this.opts.onPage?.(this.nodes.size);
    return list;
  }

  private absorb(items: ListItem[]): void {
    for (const it of items) {
      if (!it || typeof it.sha !== 'string' || !FULL_COMMIT_ID.test(it.sha) || this.nodes.has(it.sha)) continue;
      const parents = (it.parents ?? []).map((p) => p.sha);
      this.nodes.set(it.sha, { oid: it.sha, parents });
      this.raws.set(it.sha, rawFromListItem(it, parents));
    }
  }

  async readCommits(oids: string[]): Promise<Map<string, CommitRead>> {
    const out = new Map<string, CommitRead>();
    for (const oid of oids) {
      let read = this.raws.get(oid);
      if (!read && this.cache) {
        const raw = await this.cache.get('github-commits', oid);
        if (raw && gitObjectId('commit', raw, oid.length === 64 ? 'sha256' : 'sha1') === oid) read = { raw };
      }
      if (read) out.set(oid, read);
    }
    const missing = oids.filter((o) => !out.has(o));
    if (missing.length && this.opts.fallback) for (const [oid, r] of await this.opts.fallback.readCommits(missing)) out.set(oid, r);
    for (const oid of missing) if (!out.has(oid)) out.set(oid, { error: 'not in the listed history' });
    return out;
  }

  async close(): Promise<void> {}

  private explain(err: unknown, url: string): Error {
    return explainGitHubError(err, this.label, url);
  }
}

/** The exact raw object when the page's signed payload hashes to the sha; a reason otherwise. */
function rawFromListItem(it: ListItem, parents: string[]): CommitRead {
  const c = it.commit;
  if (!c) return { error: 'GitHub listed the commit without its data' };
  const rebuilt = rebuildCommit({ ...c, sha: it.sha, parents: parents.map((sha) => ({ sha })) } as GitCommitResponse);
  if (!rebuilt) return { error: 'GitHub returned an incomplete commit' };
  if (gitObjectId('commit', rebuilt.raw, it.sha.length === 64 ? 'sha256' : 'sha1') === it.sha) return { raw: rebuilt.raw };
  // A signed payload that is not this commit must never be verified in its place.
  if (rebuilt.signed) return { error: `GitHub's signed payload does not hash to ${it.sha}; refusing to verify it` };
  return { raw: rebuilt.raw };
}
