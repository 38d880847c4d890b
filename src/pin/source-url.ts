/**
 * Reads what a pin's URL says about its source: GitHub owner/repo, a ref,
 * or a commit id. Covers the URL shapes real configurations use:
 * `github:O/R[/REF]`, flake `?ref=`/`?rev=` parameters, GitHub archive and
 * tarball URLs, and git URLs. Anything else yields only the URL.
 */
import { FULL_COMMIT_ID } from '../core/commit-id.js';
import type { GitHubRepo } from './types.js';

export interface ParsedSourceUrl {
  github?: GitHubRepo;
  ref?: string;
  rev?: string;
}

const NAME = '[A-Za-z0-9_.-]+';

export function parseSourceUrl(url: string): ParsedSourceUrl {
  const [base, query = ''] = url.split('?', 2) as [string, string?];
  const params = new URLSearchParams(query);
  const out: ParsedSourceUrl = {};
  const fromParams = () => {
    const ref = params.get('ref');
    const rev = params.get('rev');
    if (ref) out.ref = ref;
    if (rev && FULL_COMMIT_ID.test(rev)) out.rev = rev;
  };
  let m = new RegExp(`^github:(${NAME})/(${NAME})(?:/(.+))?$`).exec(base);
  if (m) {
    out.github = { owner: m[1]!, repo: m[2]! };
    if (m[3]) assignRefOrRev(out, m[3]);
    fromParams();
    return out;
  }
  m = new RegExp(`^https?://(?:www\\.)?github\\.com/(${NAME})/(${NAME})/(?:archive|tarball)/(.+?)(?:\\.tar\\.gz|\\.zip)?$`).exec(base);
  if (m) {
    out.github = { owner: m[1]!, repo: m[2]! };
    assignRefOrRev(out, m[3]!.replace(/^refs\/heads\//, ''));
    return out;
  }
  m = new RegExp(`^https?://codeload\\.github\\.com/(${NAME})/(${NAME})/tar\\.gz/(.+)$`).exec(base);
  if (m) {
    out.github = { owner: m[1]!, repo: m[2]! };
    assignRefOrRev(out, m[3]!);
    return out;
  }
  m = new RegExp(`^(?:git\\+)?(?:https?|ssh|git)://(?:[^@/]+@)?github\\.com/(${NAME}?)/(${NAME}?)(?:\\.git)?/?$`).exec(base);
  if (m) {
    out.github = { owner: m[1]!, repo: m[2]! };
    fromParams();
    return out;
  }
  m = new RegExp(`^git@github\\.com:(${NAME}?)/(${NAME}?)(?:\\.git)?$`).exec(base);
  if (m) out.github = { owner: m[1]!, repo: m[2]! };
  fromParams();
  return out;
}

function assignRefOrRev(out: ParsedSourceUrl, refOrRev: string): void {
  if (FULL_COMMIT_ID.test(refOrRev)) out.rev = refOrRev;
  else out.ref = refOrRev;
}

/** The commit archive URL GitHub serves (`https://github.com/O/R/archive/REV.tar.gz`). */
export function githubArchiveUrl(repo: GitHubRepo, rev: string, base = 'https://github.com'): string {
  return `${base.replace(/\/+$/, '')}/${repo.owner}/${repo.repo}/archive/${rev}.tar.gz`;
}

export function sameRepo(a: GitHubRepo | undefined, b: GitHubRepo | undefined): boolean {
  return !!a && !!b && a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}
