/**
 * `nixharden verify-commit`: verify commit signatures (like `git verify-commit`,
 * in bulk) or judge commits against a quorum trust policy.
 */
import { Option } from 'commander';
import { ExitCode, UserError } from '../core/errors.js';
import { loadPolicy } from '../trust/policy/policy.js';
import { defaultCacheDir } from '../sources/cache.js';
import { GitHubSource } from '../sources/github.js';
import { LocalGitSource } from '../sources/local-git.js';
import { verifyCommits, type CommitReport, type RangeCapable } from '../trust/verify-commits/pipeline.js';
import type { Register } from './types.js';

interface Flags {
  repo?: string;
  github?: string;
  range?: string;
  firstParent?: boolean;
  limit?: string;
  keyring: string[];
  allowedSigners?: string;
  policy?: string;
  format: 'text' | 'json';
  cacheDir?: string;
  githubApi?: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

export const register: Register = (program, setExitCode) => {
  program
    .command('verify-commit')
    .description('verify commit signatures, or check commits against a quorum trust policy')
    .argument('[revs...]', 'commits to verify (default: the policy branch, else HEAD)')
    .option('--repo <path>', 'local git repository (default: current directory)')
    .option('--github <owner/repo>', 'read commits through the GitHub REST API instead')
    .option('--range <A..B>', 'verify every commit reachable from B and not from A')
    .option('--first-parent', 'walk only first parents')
    .option('--limit <n>', 'walk at most N commits back from each revision')
    .option('--keyring <file>', 'OpenPGP certificates (armored or binary); repeatable', collect, [])
    .option('--allowed-signers <file>', "SSH allowed-signers file (git's gpg.ssh.allowedSignersFile)")
    .option('--policy <file>', 'trust policy (nixharden-policy.toml/.yaml)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--cache-dir <dir>', 'cache for commits fetched from GitHub (default $NIXHARDEN_CACHE_DIR, $XDG_CACHE_HOME/nixharden)')
    .option('--github-api <url>', 'GitHub API base URL (default $NIXHARDEN_GITHUB_API or https://api.github.com)')
    .action(async (revs: string[], flags: Flags) => {
      setExitCode(await run(revs, flags));
    });
};

async function run(revs: string[], flags: Flags): Promise<number> {
  if (flags.repo && flags.github) throw new UserError('give either --repo or --github, not both');
  let limit: number | undefined;
  if (flags.limit !== undefined) {
    limit = Number(flags.limit);
    if (!/^\d+$/.test(flags.limit) || limit < 1) throw new UserError(`--limit wants a positive integer, got ${JSON.stringify(flags.limit)}`);
  }
  if (flags.policy && (flags.keyring.length || flags.allowedSigners)) {
    throw new UserError('--policy names its own keys; do not combine it with --keyring/--allowed-signers');
  }
  const policy = flags.policy ? await loadPolicy(flags.policy) : undefined;
  const source: RangeCapable = flags.github
    ? new GitHubSource({ repository: flags.github, apiBase: flags.githubApi, cacheDir: flags.cacheDir ?? defaultCacheDir() })
    : await LocalGitSource.open(flags.repo ?? '.');
  try {
    const { commits, warnings } = await verifyCommits({
      source,
      revs,
      range: flags.range,
      firstParent: flags.firstParent,
      limit,
      keyrings: flags.keyring,
      allowedSigners: flags.allowedSigners,
      policy,
    });
    for (const w of warnings) process.stderr.write(`nixharden: warning: ${w}\n`);
    if (commits.length === 0) process.stderr.write('nixharden: no commits to verify\n');
    for (const c of commits) process.stdout.write(flags.format === 'json' ? `${JSON.stringify(toJson(c))}\n` : renderText(c));
    return commits.every((c) => c.verified) ? ExitCode.Ok : ExitCode.Findings;
  } finally {
    await source.close();
  }
}

/** One JSON object per line; `signatures` keeps every verdict for auditors. */
function toJson(c: CommitReport): Record<string, unknown> {
  return {
    rev: c.rev,
    ...(c.requested ? { requested: c.requested } : {}),
    verified: c.verified,
    reason: c.reason,
    detail: c.detail,
    signer: c.signer ?? null,
    key: c.key ?? null,
    algorithm: c.algorithm ?? null,
    signedAt: c.signedAt ?? null,
    signatures: c.signatures.map((v) => ({
      verified: v.verified,
      reason: v.reason,
      detail: v.detail,
      format: v.format,
      key: v.keyFingerprint ?? v.signingKeyId ?? null,
      algorithm: v.algorithm ?? null,
      identity: v.identity ?? null,
      signedAt: v.signedAt ? v.signedAt.toISOString() : null,
    })),
    ...(c.policy ? { policy: c.policy } : {}),
  };
}

function renderText(c: CommitReport): string {
  const status = c.verified ? 'good' : `NOT VERIFIED (${c.reason})`;
  const facts = [
    c.signer && `signer ${c.signer}`,
    c.key && `key ${c.key}`,
    c.algorithm,
    c.signedAt && `signed ${c.signedAt}`,
  ].filter(Boolean);
  const lines = [`${c.rev}${c.requested && c.requested !== c.rev ? ` (${c.requested})` : ''} ${status}${facts.length ? `: ${facts.join(', ')}` : ''}`];
  if (!c.policy) {
    if (!c.verified) lines.push(`  ${c.detail}`);
  } else {
    for (const n of c.policy.notes) lines.push(`  note: ${n}`);
    for (const r of c.policy.rules) lines.push(`  ${r.satisfied ? 'ok' : 'FAILED'} ${r.explanation}`);
    for (const r of c.policy.rejected) lines.push(`  rejected ${r.key ?? 'signature'}: ${r.why}`);
  }
  return `${lines.join('\n')}\n`;
}
