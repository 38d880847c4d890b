/**
 * The verify-commit use case: open the commit source (a local repository or the GitHub
 * REST API), load the policy or keys, verify, and always close the source.
 */
import { UserError } from '../core/errors.js';
import { defaultCacheDir } from '../sources/cache.js';
import { GitHubSource } from '../sources/github.js';
import { LocalGitSource } from '../sources/local-git.js';
import { loadPolicy } from '../trust/policy/policy.js';
import { verifyCommits, type CommitReport, type RangeCapable } from '../trust/verify-commits/pipeline.js';
import { NO_PROGRESS, type Progress } from '../core/progress.js';

export interface VerifyCommitRequest {
  revs: string[];
  /** Local repository (default `.`); exclusive with `github`. */
  repo?: string;
  /** `OWNER/REPO` read through the GitHub REST API. */
  github?: string;
  range?: string;
  firstParent?: boolean;
  limit?: number;
  keyrings: string[];
  allowedSigners?: string;
  /** Trust policy file; exclusive with keyrings/allowedSigners. */
  policy?: string;
  cacheDir?: string;
  githubApi?: string;
  progress?: Progress;
}

export interface VerifyCommitOutcome {
  commits: CommitReport[];
  warnings: string[];
}

export async function runVerifyCommit(req: VerifyCommitRequest): Promise<VerifyCommitOutcome> {
  if (req.repo && req.github) throw new UserError('give either --repo or --github, not both');
  if (req.policy && (req.keyrings.length || req.allowedSigners)) {
    throw new UserError('--policy names its own keys; do not combine it with --keyring/--allowed-signers');
  }
  const policy = req.policy ? await loadPolicy(req.policy) : undefined;
  const source: RangeCapable = req.github
    ? new GitHubSource({ repository: req.github, apiBase: req.githubApi, cacheDir: req.cacheDir ?? defaultCacheDir() })
    : await LocalGitSource.open(req.repo ?? '.');
  const progress = req.progress ?? NO_PROGRESS;
  progress.detail(`reading commits from ${source.label}${policy ? `, judged by ${policy.file}` : ''}`);
  const task = progress.start('commits verified');
  try {
    return await verifyCommits({
      source,
      revs: req.revs,
      range: req.range,
      firstParent: req.firstParent,
      limit: req.limit,
      keyrings: req.keyrings,
      allowedSigners: req.allowedSigners,
      policy,
      onProgress: (done, total) => task.update(done, total),
    });
  } finally {
    task.end();
    await source.close();
  }
}
