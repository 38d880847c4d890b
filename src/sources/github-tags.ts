/**
 * Tags through the GitHub REST API: `GET /repos/O/R/git/ref/tags/NAME` names
 * a commit (lightweight tag) or a tag object, and `GET /repos/O/R/git/tags/SHA`
 * gives that object. As for commits, GitHub's `verification.verified` is never
 * used: the raw tag object is rebuilt from `verification.payload` + `signature`
 * and must hash to its sha, or it is not handed on as signed.
 */
import type { Got } from 'got';
import { UserError } from '../core/errors.js';
import type { GitHubRepo } from '../model/pin-types.js';
import { gitObjectId } from './github.js';
import { explainGitHubError, githubClient, type GitHubHttpOptions } from './github-http.js';
import { checkTagName, MAX_TAG_DEPTH, type ResolvedTag, type TagObjectRead, type TagResolver } from './tags.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';

interface RefResponse {
  object?: { type?: string; sha?: string };
}

/** The shape of `GET /repos/{o}/{r}/git/tags/{sha}` this reader relies on. */
export interface GitTagResponse {
  sha?: string;
  tag?: string;
  message?: string;
  tagger?: { name: string; email: string; date: string };
  object?: { type?: string; sha?: string };
  verification?: { verified?: boolean; reason?: string; signature?: string | null; payload?: string | null };
}

export class GitHubTags implements TagResolver {
  private readonly http: Got;
  private readonly label: string;

  constructor(private readonly opts: GitHubHttpOptions & { repo: GitHubRepo; onRequest?: (url: string) => void }) {
    this.http = githubClient(opts);
    this.label = `github:${opts.repo.owner}/${opts.repo.repo}`;
  }

  private async get<T>(url: string): Promise<T> {
    this.opts.onRequest?.(url);
    try {
      return await this.http.get(url).json<T>();
    } catch (err) {
      throw explainGitHubError(err, this.label, url);
    }
  }

  async resolveTag(name: string): Promise<ResolvedTag> {
    checkTagName(name);
    const { owner, repo } = this.opts.repo;
    const base = `repos/${owner}/${repo}/git`;
    const ref = await this.get<RefResponse>(`${base}/ref/tags/${name.split('/').map(encodeURIComponent).join('/')}`);
    let type = ref.object?.type;
    let sha = ref.object?.sha;
    const objects: TagObjectRead[] = [];
    for (let depth = 0; type === 'tag'; depth++) {
      if (depth >= MAX_TAG_DEPTH) throw new UserError(`${this.label}: tag ${name} is nested more than ${MAX_TAG_DEPTH} deep`);
      if (!sha || !FULL_COMMIT_ID.test(sha)) break;
      const data = await this.get<GitTagResponse>(`${base}/tags/${sha}`);
      objects.push(readTagObject(sha, data));
      type = data.object?.type;
      sha = data.object?.sha;
    }
    if (!sha || !FULL_COMMIT_ID.test(sha)) throw new UserError(`${this.label}: unexpected answer resolving tag ${name}`);
    if (type !== 'commit') throw new UserError(`${this.label}: tag ${name} names a ${type ?? 'thing of unknown type'}, not a commit`);
    return { name, commit: sha, objects };
  }

  async close(): Promise<void> {}
}

/** The raw tag object, checked to hash to `sha`; a signed payload that does not is refused, never verified in its place. */
export function readTagObject(sha: string, data: GitTagResponse): TagObjectRead {
  const algo = sha.length === 64 ? 'sha256' : 'sha1';
  const v = data.verification;
  if (v && typeof v.payload === 'string' && typeof v.signature === 'string' && v.signature.length > 0) {
    // git appends the signature block to the message; GitHub hands the two back apart.
    for (const raw of [v.payload + v.signature, `${v.payload + v.signature}\n`]) {
      const bytes = Buffer.from(raw, 'utf8');
      if (gitObjectId('tag', bytes, algo) === sha) return { oid: sha, raw: bytes };
    }
    return { oid: sha, error: `GitHub's signed payload does not hash to tag object ${sha}; refusing to verify it` };
  }
  // Unsigned: rebuilt from the fields (its bytes may differ, e.g. time zones GitHub drops); it has no signature to check.
  if (!data.object?.sha || !data.object.type || !data.tag) return { oid: sha, error: 'GitHub returned an incomplete tag object' };
  const t = data.tagger;
  const tagger = t ? `tagger ${t.name} <${t.email}> ${Math.floor(Date.parse(t.date) / 1000)} +0000\n` : '';
  return { oid: sha, raw: Buffer.from(`object ${data.object.sha}\ntype ${data.object.type}\ntag ${data.tag}\n${tagger}\n${data.message ?? ''}`, 'utf8') };
}
