/**
 * Chooses the commit a pin should move to: walk the tracked branch
 * first-parent, newest to oldest, 100 commits at a time, and take the newest
 * one the trust policy (or, without one, a keyring / allowed-signers file
 * with git's rule) accepts. Signature checks and policy evaluation are
 * trust/'s verifyCommits; this module only walks, stops early and explains.
 */
import { UserError } from '../core/errors.js';
import { selectRepository, type TrustPolicy } from '../trust/policy/policy.js';
import type { CommitSource } from '../sources/types.js';
import { verifyCommits, type CommitReport, type RangeCapable } from '../trust/verify-commits/pipeline.js';
import type { GitHubRepo } from '../model/pin-types.js';
import { DEFAULT_PIN_LIMIT as DEFAULT_LIMIT } from '../core/defaults.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';

export interface TrustInput {
  policy?: TrustPolicy;
  /** OpenPGP keyring files (git-like trust: one good signature by one of these keys). */
  keyrings?: string[];
  allowedSigners?: string;
  /** "Now" for key expiry (tests). */
  now?: Date;
}

export interface SelectOptions extends TrustInput {
  source: RangeCapable;
  /** The repository the pins name: a policy entry for it applies. */
  repo: GitHubRepo;
  branch: string;
  /** Commits to examine at most (default 1000). */
  limit?: number;
  /** Progress: commits checked so far. */
  onProgress?: (checked: number) => void;
}

export interface Selection {
  branch: string;
  /** The branch tip when the walk started. */
  tip: string;
  rev: string;
  /** How many newer commits on the branch were passed over. */
  behind: number;
  /** Those commits, newest first, with why each failed. */
  skipped: CommitReport[];
  /** Committer time of `rev`, seconds since the epoch (flake.lock `lastModified`). */
  committedAt?: number;
  report: CommitReport;
  /** One sentence: how far back and why the newer commits failed. */
  explanation: string;
  warnings: string[];
}

const CHUNK = 100;

/** A source that also answers to the pins' `owner/repo`, so the policy entry for that repository applies to a local clone. */
export function withIdentity(source: RangeCapable, repo: GitHubRepo): RangeCapable {
  return {
    label: source.label,
    identity: async () => [...(await source.identity()), `${repo.owner}/${repo.repo}`],
    currentBranch: () => source.currentBranch(),
    resolve: (r) => source.resolve(r),
    resolveRange: (r) => source.resolveRange(r),
    walk: (o) => source.walk(o),
    readCommits: (o) => source.readCommits(o),
    close: () => source.close(),
  };
}

/** The policy narrowed to the one repository entry that applies to this repo and branch. */
async function narrowPolicy(source: CommitSource, policy: TrustPolicy, branch: string | undefined): Promise<TrustPolicy> {
  const entry = selectRepository(policy, await source.identity(), branch);
  // The branch was matched here; verifyCommits is then given commit ids, not the branch.
  return { ...policy, repositories: [{ ...entry, branch: undefined }] };
}

/** Verifies the given commits (full ids) under the trust input; reports in the same order. */
export async function verifyRevs(source: RangeCapable, revs: string[], trust: TrustInput, branch: string | undefined): Promise<{ reports: CommitReport[]; warnings: string[] }> {
  const policy = trust.policy ? await narrowPolicy(source, trust.policy, branch) : undefined;
  const { commits, warnings } = await verifyCommits({
    source,
    revs,
    // With a trust root, the history from each commit down to the root is judged too.
    firstParent: policy?.repositories[0]?.trustRoot !== undefined,
    policy,
    keyrings: trust.keyrings,
    allowedSigners: trust.allowedSigners,
    now: trust.now,
  });
  const byRev = new Map(commits.map((c) => [c.rev, c]));
  return { reports: revs.map((r) => byRev.get(r)!), warnings };
}

export async function selectCommit(opts: SelectOptions): Promise<Selection> {
  const limit = opts.limit ?? DEFAULT_LIMIT;
  if (!Number.isInteger(limit) || limit < 1) throw new UserError(`--limit wants a positive integer, got ${limit}`);
  const source = withIdentity(opts.source, opts.repo);
  const tip = await resolveBranch(source, opts.branch);
  const skipped: CommitReport[] = [];
  const warnings = new Set<string>();
  for (let checked = 0; checked < limit; ) {
    const walked = await source.walk({ tips: [tip], exclude: [], firstParent: true, limit: Math.min(checked + CHUNK, limit) });
    const fresh = walked.slice(checked).map((n) => n.oid);
    if (fresh.length === 0) break;
    const { reports, warnings: w } = await verifyRevs(source, fresh, opts, opts.branch);
    w.forEach((x) => warnings.add(x));
    for (const report of reports) {
      if (report.verified) {
        return {
          branch: opts.branch,
          tip,
          rev: report.rev,
          behind: skipped.length,
          skipped,
          committedAt: await commitTime(source, report.rev),
          report,
          explanation: explainBehind(opts.branch, skipped),
          warnings: [...warnings],
        };
      }
      skipped.push(report);
    }
    checked += fresh.length;
    opts.onProgress?.(checked);
  }
  const why = skipped.length ? `: ${describeCommits(skipped, 'examined')}` : '';
  throw new UserError(
    `no commit on ${opts.branch} of ${opts.repo.owner}/${opts.repo.repo} satisfies ${opts.policy ? 'the trust policy' : 'the given keys'} within the newest ${skipped.length} commit${skipped.length === 1 ? '' : 's'} (limit ${limit})${why}; nothing changed`,
    1,
  );
}

async function resolveBranch(source: CommitSource, branch: string): Promise<string> {
  try {
    return await source.resolve(branch);
  } catch (err) {
    // A clone usually has the branch as a remote-tracking ref only.
    if (!(err instanceof UserError) || FULL_COMMIT_ID.test(branch)) throw err;
    return source.resolve(`refs/remotes/origin/${branch}`).catch(() => {
      throw err;
    });
  }
}

/** Committer time of `rev` (seconds since the epoch), read from the raw commit. */
export async function commitTime(source: CommitSource, rev: string): Promise<number | undefined> {
  const read = (await source.readCommits([rev])).get(rev);
  if (!read || 'error' in read) return undefined;
  const head = read.raw.toString('utf8', 0, Math.min(read.raw.length, 64 * 1024));
  const end = head.indexOf('\n\n');
  const m = /^committer .* (\d+) [+-]\d{4}$/m.exec(end >= 0 ? head.slice(0, end) : head);
  return m ? Number(m[1]) : undefined;
}

/**
 * Where the chosen commit sits on its branch, as one sentence:
 * "the tip of nixos-25.11", "1 commit behind nixos-25.11: the newer commit is unsigned",
 * "12 commits behind nixos-25.11: the 12 newer commits are …" or, with several reasons,
 * "4 commits behind nixos-25.11: of the 4 newer commits, 3 are …; 1 is …".
 */
export function explainBehind(branch: string, skipped: CommitReport[]): string {
  if (skipped.length === 0) return `the tip of ${branch}`;
  const n = skipped.length;
  return `${n} commit${n === 1 ? '' : 's'} behind ${branch}: ${describeCommits(skipped, 'newer')}`;
}

/**
 * Why these commits failed, grouped by reason, with `adjective` naming them
 * ("newer", "examined", "tagged"): "the newer commit is unsigned", "the 2 newer
 * commits are unsigned", "of the 3 newer commits, 2 are unsigned; 1 is …".
 */
export function describeCommits(reports: CommitReport[], adjective: string): string {
  const n = reports.length;
  const groups = new Map<string, number>();
  for (const r of reports) groups.set(reasonPhrase(r), (groups.get(reasonPhrase(r)) ?? 0) + 1);
  const subject = n === 1 ? `the ${adjective} commit` : `the ${n} ${adjective} commits`;
  if (groups.size === 1) return `${subject} ${n === 1 ? 'is' : 'are'} ${[...groups.keys()][0]}`;
  const parts = [...groups.entries()].sort((a, b) => b[1] - a[1]).map(([phrase, count]) => `${count} ${count === 1 ? 'is' : 'are'} ${phrase}`);
  return `of ${subject}, ${parts.join('; ')}`;
}

/** Why one commit failed, as a predicate: "unsigned", "signed only by the platform key, which …". */
export function reasonPhrase(r: CommitReport): string {
  if (r.policy) {
    if (r.policy.platformOnly) return 'signed only by the platform key, which your policy does not accept';
    if (r.reason === 'outside-trust-root') return 'outside the policy (not descended from its trust root)';
    if (r.signatures.length === 0) return 'unsigned';
    if (r.policy.signers.length === 0) return 'signed by no signer your policy knows';
    const failed = r.policy.rules.find((x) => !x.satisfied);
    return `short of the policy (${failed?.explanation ?? r.detail})`;
  }
  switch (r.reason) {
    case 'unsigned':
      return 'unsigned';
    case 'unknown-key':
      return 'signed by keys you have not given';
    case 'unreadable':
      return `unreadable (${r.detail})`;
    default:
      return `not verified (${r.reason})`;
  }
}
