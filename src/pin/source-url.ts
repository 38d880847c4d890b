/**
 * GitHub URLs that `pin` writes. Reading URLs is the model's job (src/model/flake-ref.ts).
 */
import type { GitHubRepo } from '../model/pin-types.js';

/** The commit archive URL GitHub serves (`https://github.com/O/R/archive/REV.tar.gz`). */
export function githubArchiveUrl(repo: GitHubRepo, rev: string, base = 'https://github.com'): string {
  return `${base.replace(/\/+$/, '')}/${repo.owner}/${repo.repo}/archive/${rev}.tar.gz`;
}

export function sameRepo(a: GitHubRepo | undefined, b: GitHubRepo | undefined): boolean {
  return !!a && !!b && a.owner.toLowerCase() === b.owner.toLowerCase() && a.repo.toLowerCase() === b.repo.toLowerCase();
}
