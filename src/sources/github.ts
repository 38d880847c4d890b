/**
 * Commits from the GitHub REST API, through got. GitHub's
 * `verification.verified` is NEVER trusted: the raw commit object is rebuilt
 * from `verification.payload` + `verification.signature`, checked to hash to
 * the requested sha, and its signature is verified locally like any other.
 */
import { createHash } from 'node:crypto';
import type { Got } from 'got';
import { UserError } from '../core/errors.js';
import { DiskCache } from './cache.js';
import { explainGitHubError, githubClient } from './github-http.js';
import type { CommitNode, CommitRead, CommitSource, WalkOptions } from './types.js';
import { FULL_COMMIT_ID as OID } from '../core/commit-id.js';

export { DEFAULT_GITHUB_API } from './github-http.js';

export interface GitHubSourceOptions {
  /** `owner/repo`. */
  repository: string;
  /** API base URL; default `$NIXHARDEN_GITHUB_API` or https://api.github.com. */
  apiBase?: string;
  /** Default `$GITHUB_TOKEN`. */
  token?: string;
  /** Commit cache directory; no cache when undefined. */
  cacheDir?: string;
  /** Retries on 5xx and network errors (default 4). */
  retries?: number;
  /** First backoff delay in ms, doubled per attempt (default 1000). */
  backoffMs?: number;
  /** Refuse to page past this many commits when no limit is given (default 10,000). */
  maxWalk?: number;
}

interface ListedCommit {
  sha: string;
  parents: { sha: string }[];
}

/** The shape of `GET /repos/{o}/{r}/git/commits/{sha}` this source relies on. */
export interface GitCommitResponse {
  sha: string;
  tree: { sha: string };
  parents: { sha: string }[];
  author: { name: string; email: string; date: string };
  committer: { name: string; email: string; date: string };
  message: string;
  verification?: { verified?: boolean; reason?: string; signature?: string | null; payload?: string | null };
}



export class GitHubSource implements CommitSource {
  readonly label: string;
  readonly owner: string;
  readonly repo: string;
  private readonly http: Got;
  private readonly cache: DiskCache | undefined;
  private readonly maxWalk: number;
  /** Requests made, by kind (tests assert the cache saves round trips). */
  readonly stats = { list: 0, commit: 0, cacheHits: 0 };

  constructor(opts: GitHubSourceOptions) {
    const m = opts.repository.match(/^([A-Za-z0-9_.-]+)\/([A-Za-z0-9_.-]+)$/);
    if (!m || m[1] === '..' || m[2] === '..') throw new UserError(`--github wants OWNER/REPO, got ${JSON.stringify(opts.repository)}`);
    [this.owner, this.repo] = [m[1], m[2]];
    this.label = `github:${this.owner}/${this.repo}`;
    this.cache = opts.cacheDir ? new DiskCache(opts.cacheDir) : undefined;
    this.maxWalk = opts.maxWalk ?? 10_000;
    this.http = githubClient(opts);
  }

  async identity(): Promise<string[]> {
    return [`${this.owner}/${this.repo}`];
  }

  async currentBranch(): Promise<string | undefined> {
    return undefined;
  }

  private async getJson<T>(url: string, searchParams?: Record<string, string | number>): Promise<T> {
    try {
      return await this.http.get(url, { searchParams }).json<T>();
    } catch (err) {
      throw this.explain(err, url);
    }
  }

  private explain(err: unknown, url: string): Error {
    return explainGitHubError(err, this.label, url);
  }

  private listPage(ref: string | undefined, page: number, perPage = 100): Promise<ListedCommit[]> {
    this.stats.list++;
    const params: Record<string, string | number> = { per_page: perPage, page };
    if (ref !== undefined) params.sha = ref;
    return this.getJson<ListedCommit[]>(`repos/${this.owner}/${this.repo}/commits`, params).then((r) => {
      if (!Array.isArray(r)) throw new UserError(`GitHub API: unexpected response listing commits of ${this.label}`);
      return r;
    });
  }

  async resolve(rev: string): Promise<string> {
    if (OID.test(rev)) return rev;
    if (!/^[A-Za-z0-9._/-]+$/.test(rev) || rev.includes('..') || rev.startsWith('-')) {
      throw new UserError(`${this.label}: only full commit ids, branch and tag names are supported, got ${JSON.stringify(rev)}`);
    }
    const [first] = await this.listPage(rev === 'HEAD' ? undefined : rev, 1, 1);
    if (!first || !OID.test(first.sha)) throw new UserError(`${this.label}: unknown revision ${rev}`);
    return first.sha;
  }

  async resolveRange(range: string): Promise<{ tips: string[]; exclude: string[] }> {
    const m = range.match(/^(.+?)\.\.(?!\.)(.+)$/);
    if (!m) throw new UserError(`--range wants A..B, got ${JSON.stringify(range)}`);
    return { tips: [await this.resolve(m[2])], exclude: [await this.resolve(m[1])] };
  }

  /**
   * Pages through `commits?sha=TIP` (100 per page) until the limit, the end,
   * or every excluded commit has been seen; then drops the excluded commits'
   * ancestors, or keeps only the first-parent chain.
   */
  async walk(opts: WalkOptions): Promise<CommitNode[]> {
    const nodes = new Map<string, CommitNode>();
    const order: string[] = [];
    const exclude = new Set(opts.exclude);
    for (const tip of opts.tips) {
      for (let page = 1; ; page++) {
        const items = await this.listPage(tip, page);
        for (const c of items) {
          if (!nodes.has(c.sha)) {
            nodes.set(c.sha, { oid: c.sha, parents: (c.parents ?? []).map((p) => p.sha) });
            order.push(c.sha);
          }
        }
        const wanted = order.filter((o) => !exclude.has(o)).length;
        const seenAllExcluded = opts.exclude.length > 0 && opts.exclude.every((x) => nodes.has(x));
        if (items.length < 100 || seenAllExcluded || (opts.limit !== undefined && wanted >= opts.limit && !opts.firstParent)) break;
        if (opts.firstParent && opts.limit !== undefined && firstParentChain(tip, nodes, exclude).length >= opts.limit) break;
        if (opts.limit === undefined && order.length >= this.maxWalk) {
          throw new UserError(`${this.label}: more than ${this.maxWalk} commits to list; pass --limit or --range`);
        }
      }
    }
    let result: CommitNode[];
    if (opts.firstParent) {
      const seen = new Set<string>();
      result = opts.tips.flatMap((t) => firstParentChain(t, nodes, exclude)).filter((n) => !seen.has(n.oid) && seen.add(n.oid));
    } else {
      const hidden = ancestorsWithin(opts.exclude, nodes);
      result = order.filter((o) => !hidden.has(o)).map((o) => nodes.get(o)!);
    }
    return opts.limit !== undefined ? result.slice(0, opts.limit) : result;
  }

  /** Fetches `git/commits/{sha}` (or the cache) and rebuilds the raw object. */
  async readCommits(oids: string[]): Promise<Map<string, CommitRead>> {
    const out = new Map<string, CommitRead>();
    // A few requests in flight at once: polite to the API, much faster than serial.
    const queue = [...new Set(oids)];
    const worker = async () => {
      for (let oid = queue.shift(); oid !== undefined; oid = queue.shift()) {
        out.set(oid, await this.readCommit(oid));
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
    return out;
  }

  private async readCommit(oid: string): Promise<CommitRead> {
    if (!OID.test(oid)) return { error: `not a full commit id: ${oid}` };
    const algo = oid.length === 64 ? 'sha256' : 'sha1';
    const cached = await this.cache?.get('github-commits', oid);
    if (cached && gitObjectId('commit', cached, algo) === oid) {
      this.stats.cacheHits++;
      return { raw: cached };
    }
    this.stats.commit++;
    const data = await this.getJson<GitCommitResponse>(`repos/${this.owner}/${this.repo}/git/commits/${oid}`);
    const rebuilt = rebuildCommit(data);
    if (rebuilt === undefined) return { error: 'GitHub returned an incomplete commit' };
    if (gitObjectId('commit', rebuilt.raw, algo) === oid) {
      // Immutable and proven by its hash: safe to cache for good.
      await this.cache?.put('github-commits', oid, rebuilt.raw).catch(() => undefined);
      return { raw: rebuilt.raw };
    }
    // A signed payload that is not this commit must never be verified in its place.
    if (rebuilt.signed) return { error: `GitHub's signed payload does not hash to ${oid}; refusing to verify it` };
    return { raw: rebuilt.raw };
  }

  async close(): Promise<void> {}
}

function firstParentChain(tip: string, nodes: Map<string, CommitNode>, exclude: Set<string>): CommitNode[] {
  const chain: CommitNode[] = [];
  const seen = new Set<string>();
  for (let n = nodes.get(tip); n && !exclude.has(n.oid) && !seen.has(n.oid); n = nodes.get(n.parents[0])) {
    seen.add(n.oid);
    chain.push(n);
  }
  return chain;
}

function ancestorsWithin(starts: string[], nodes: Map<string, CommitNode>): Set<string> {
  const out = new Set<string>();
  const stack = [...starts];
  while (stack.length) {
    const oid = stack.pop()!;
    if (out.has(oid)) continue;
    out.add(oid);
    for (const p of nodes.get(oid)?.parents ?? []) stack.push(p);
  }
  return out;
}

/** `sha1("commit <size>\0" + raw)`, git's object id. */
export function gitObjectId(type: string, raw: Buffer, algo: 'sha1' | 'sha256' = 'sha1'): string {
  return createHash(algo).update(`${type} ${raw.length}\0`).update(raw).digest('hex');
}

/**
 * Rebuilds the raw commit from GitHub's signed payload: the signature goes in
 * a `gpgsig` header at the end of the header block (where git puts it), each
 * line continued with one space. Unsigned commits are rebuilt from the JSON
 * fields (their bytes may differ, e.g. time zones GitHub drops; they carry no
 * signature, so they fail verification either way).
 */
export function rebuildCommit(data: GitCommitResponse): { raw: Buffer; signed: boolean } | undefined {
  const v = data.verification;
  if (v && typeof v.payload === 'string' && typeof v.signature === 'string' && v.signature.length > 0) {
    const payload = v.payload;
    const end = payload.indexOf('\n\n');
    const headerEnd = end >= 0 ? end + 1 : payload.endsWith('\n') ? payload.length : -1;
    if (headerEnd < 0) return { raw: Buffer.from(payload, 'utf8'), signed: true };
    const sigLines = v.signature.replace(/\n$/, '').split('\n');
    const header = `gpgsig ${sigLines.map((l, i) => (i === 0 ? l : ` ${l}`)).join('\n')}\n`;
    return { raw: Buffer.from(payload.slice(0, headerEnd) + header + payload.slice(headerEnd), 'utf8'), signed: true };
  }
  if (!data.tree?.sha || !Array.isArray(data.parents) || !data.author || !data.committer) return undefined;
  const ident = (p: { name: string; email: string; date: string }) => `${p.name} <${p.email}> ${Math.floor(Date.parse(p.date) / 1000)} +0000`;
  const lines = [`tree ${data.tree.sha}`, ...data.parents.map((p) => `parent ${p.sha}`), `author ${ident(data.author)}`, `committer ${ident(data.committer)}`];
  return { raw: Buffer.from(`${lines.join('\n')}\n\n${data.message ?? ''}`, 'utf8'), signed: false };
}
