/**
 * `nixharden pin PATH…`: move pins to the newest commit of their branch that
 * the trust policy (or the given keys) accepts, with matching hashes.
 * Dry run by default (a unified diff); `--write` writes every file or none.
 */
import path from 'node:path';
import { Option } from 'commander';
import { UserError } from '../core/errors.js';
import { pinToJson } from '../pin/list.js';
import { planPins, writePinPlan, type PinPlan } from '../pin/pin-config.js';
import { DEFAULT_BRANCH_TTL_SECONDS } from '../sources/github-history.js';
import { DEFAULT_LIMIT } from '../pin/select-commit.js';
import { loadPolicy } from '../trust/policy/policy.js';
import { defaultCacheDir } from '../sources/cache.js';
import type { Register } from './types.js';

interface Flags {
  policy?: string;
  keyring: string[];
  allowedSigners?: string;
  input: string[];
  all?: boolean;
  repo?: string;
  branch?: string;
  limit: string;
  write?: boolean;
  format: 'text' | 'json';
  githubApi?: string;
  archiveBase?: string;
  cacheDir?: string;
  ttl?: string;
  maxSize?: string;
  retries: string;
}

const collect = (value: string, previous: string[]) => [...previous, value];

function positiveInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new UserError(`${flag} wants a positive integer, got ${JSON.stringify(value)}`);
  return Number(value);
}

function nonNegativeInt(flag: string, value: string): number {
  if (!/^\d+$/.test(value)) throw new UserError(`${flag} wants a whole number of seconds, got ${JSON.stringify(value)}`);
  return Number(value);
}

export const register: Register = (program) => {
  program
    .command('pin')
    .description('pin to the newest commit of each tracked branch that satisfies a trust policy, with its hashes')
    .argument('<paths...>', 'configuration files or directories')
    .option('--policy <file>', 'trust policy (nixharden-policy.toml/.yaml)')
    .option('--keyring <file>', 'without a policy: OpenPGP certificates whose good signature is enough; repeatable', collect, [])
    .option('--allowed-signers <file>', 'without a policy: SSH allowed-signers file whose good signature is enough')
    .option('--input <name>', 'pin only this input / entry / owner/repo (repeatable; default: every nixpkgs pin)', collect, [])
    .option('--all', 'pin every GitHub pin, not only nixpkgs')
    .option('--repo <dir>', 'read commits and trees from this local clone (no network)')
    .option('--branch <name>', 'track this branch instead of the one each pin names')
    .option('--limit <n>', `examine at most N commits per branch (default ${DEFAULT_LIMIT})`, String(DEFAULT_LIMIT))
    .option('--write', 'apply the edits (default: print a unified diff)')
    .addOption(new Option('--format <format>', 'output format').choices(['text', 'json']).default('text'))
    .option('--github-api <url>', 'GitHub API base URL (default $NIXHARDEN_GITHUB_API or https://api.github.com)')
    .option('--archive-base <url>', 'where commit archives are fetched from and what rewritten URLs say (default https://github.com)')
    .option('--cache-dir <dir>', 'cache for GitHub history (default $NIXHARDEN_CACHE_DIR, $XDG_CACHE_HOME/nixharden)')
    .option('--ttl <seconds>', `reuse a cached branch tip this long without asking GitHub, like Nix's tarball-ttl; 0 always asks (default ${DEFAULT_BRANCH_TTL_SECONDS})`)
    .option('--max-size <bytes>', 'refuse archive downloads larger than this (default 4 GiB)')
    .option('--retries <n>', 'download retries after HTTP 5xx/429, network errors or truncation', '3')
    .action(async (paths: string[], flags: Flags) => {
      await run(paths, flags);
    });
};

async function run(paths: string[], flags: Flags): Promise<void> {
  const trustGiven = [flags.policy, flags.keyring.length ? 'k' : undefined, flags.allowedSigners].filter(Boolean).length;
  if (trustGiven === 0) throw new UserError('say which commits to trust: --policy FILE, or --keyring FILE / --allowed-signers FILE');
  if (flags.policy && (flags.keyring.length || flags.allowedSigners)) throw new UserError('--policy names its own keys; do not combine it with --keyring/--allowed-signers');
  if (flags.all && flags.input.length) throw new UserError('give either --input or --all, not both');
  if (!/^\d+$/.test(flags.retries)) throw new UserError(`--retries wants a count, got ${JSON.stringify(flags.retries)}`);
  const progress = process.stderr.isTTY ? (m: string) => process.stderr.write(`\r\x1b[2K${m}`) : undefined;
  const plan = await planPins({
    paths,
    policy: flags.policy ? await loadPolicy(flags.policy) : undefined,
    keyrings: flags.keyring,
    allowedSigners: flags.allowedSigners,
    inputs: flags.input,
    all: flags.all,
    repoDir: flags.repo,
    branch: flags.branch,
    limit: positiveInt('--limit', flags.limit),
    githubApi: flags.githubApi,
    archiveBase: flags.archiveBase,
    cacheDir: flags.cacheDir ?? defaultCacheDir(),
    ...(flags.ttl !== undefined ? { branchTtlSeconds: nonNegativeInt('--ttl', flags.ttl) } : {}),
    download: { retries: Number(flags.retries), ...(flags.maxSize ? { maxBytes: positiveInt('--max-size', flags.maxSize) } : {}) },
    progress,
  });
  if (progress) process.stderr.write('\r\x1b[2K');
  for (const w of plan.warnings) process.stderr.write(`nixharden: warning: ${w}\n`);
  const written = flags.write ? await writePinPlan(plan) : [];
  if (flags.format === 'json') process.stdout.write(`${JSON.stringify(toJson(plan, written), null, 2)}\n`);
  else process.stdout.write(toText(plan, written, flags.write === true));
}

function toJson(plan: PinPlan, written: string[]): object {
  return {
    version: 1,
    branches: plan.groups.map((g) => ({
      source: `${g.repo.owner}/${g.repo.repo}`,
      branch: g.branch,
      tip: g.selection.tip,
      rev: g.selection.rev,
      behind: g.selection.behind,
      lastModified: g.selection.committedAt ?? null,
      explanation: g.selection.explanation,
      narHash: g.hashes?.sri ?? null,
      narHashBase32: g.hashes?.base32 ?? null,
    })),
    pins: plan.outcomes.map((o) => ({ ...pinToJson(o.pin), action: o.action, newRev: o.rev ?? null, branch: o.branch ?? null, message: o.message })),
    files: plan.files.filter((f) => f.after !== f.before || f.error).map((f) => ({ file: path.relative(process.cwd(), f.file), diff: f.diff, error: f.error ?? null })),
    written: written.map((f) => path.relative(process.cwd(), f)),
  };
}

function toText(plan: PinPlan, written: string[], write: boolean): string {
  const out: string[] = [];
  for (const g of plan.groups) {
    out.push(`${g.repo.owner}/${g.repo.repo} ${g.branch}: ${g.selection.rev} (${g.selection.explanation})`);
  }
  for (const o of plan.outcomes) {
    const what = o.action === 'pinned' ? `-> ${o.rev}` : o.action === 'unchanged' ? `unchanged (${o.message})` : `skipped: ${o.message}`;
    out.push(`  ${o.pin.file}:${o.pin.line}: ${o.pin.kind} ${o.pin.name} ${what}`);
  }
  if (plan.outcomes.length === 0) out.push('no pins selected (default: nixpkgs pins; see --input and --all)');
  const diffs = plan.files.filter((f) => f.diff).map((f) => f.diff);
  if (!write && diffs.length) out.push('', ...diffs.map((d) => d.replace(/\n$/, '')));
  if (write) out.push(written.length ? `wrote ${written.map((f) => path.relative(process.cwd(), f)).join(', ')}` : 'nothing to change');
  else if (!diffs.length) out.push('nothing to change');
  return `${out.join('\n')}\n`;
}
