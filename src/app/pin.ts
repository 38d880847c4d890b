/**
 * `nixharden pin`, as a library: find the pins, choose a verified commit per
 * repository and branch, hash its tree, and plan the edits. Nothing is
 * written here except by `writePinPlan`, which writes every file or none.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { ExitCode, UserError } from '../core/errors.js';
import { guardForFile } from '../edit/guards.js';
import { planFileEdits } from '../edit/plan.js';
import { writeFileAtomic } from '../core/fs.js';
import type { TextEdit } from '../core/text-edit.js';
import { loadConfigModel } from '../model/load/index.js';
import { GitHubSource } from '../sources/github.js';
import { LocalGitSource } from '../sources/local-git.js';
import type { RangeCapable } from '../trust/verify-commits/pipeline.js';
import { hashArchiveUrl, hashCommitTree, type ArchiveHashes } from '../pin/archive.js';
import { GitHubHistory } from '../sources/github-history.js';
import { listPins, partnerOf } from '../model/pins.js';
import { verifyDeclaredHash } from '../core/nix-hash.js';
import type { DownloadOptions } from '../pin/nar/fetch.js';
import { rewritePin, type PinTarget } from '../pin/rewrite/index.js';
import { selectCommit, verifyRevs, withIdentity, type TrustInput } from '../pin/select-commit.js';
import { githubArchiveUrl } from '../pin/source-url.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';
import type { GitHubRepo, Pin } from '../model/pin-types.js';
import type { GroupOutcome, PinOutcome, PinPlan } from '../pin/plan-types.js';

export interface PinOptions extends TrustInput {
  paths: string[];
  /** Pin only these (flake input, lock node, niv/npins entry or owner/repo names). */
  inputs?: string[];
  /** Every GitHub pin, not only nixpkgs. */
  all?: boolean;
  /** A local clone to read commits and trees from (no network). */
  repoDir?: string;
  /** Track this branch instead of the one each pin names. */
  branch?: string;
  limit?: number;
  githubApi?: string;
  /** Where archives are downloaded from and what the rewritten URLs say (default https://github.com). */
  archiveBase?: string;
  cacheDir?: string;
  /** Seconds a cached branch tip is reused without asking GitHub (`--ttl`). */
  branchTtlSeconds?: number;
  download?: DownloadOptions & { maxUnpackedBytes?: number };
  /** Progress lines (stderr on a TTY). */
  progress?: (message: string) => void;
}

const NIXPKGS = { owner: 'nixos', repo: 'nixpkgs' };

function repoId(r: GitHubRepo): string {
  return `${r.owner}/${r.repo}`.toLowerCase();
}

function selected(p: Pin, opts: PinOptions): boolean {
  if (opts.inputs?.length) return opts.inputs.some((n) => n === p.name || (p.github && n.toLowerCase() === repoId(p.github)));
  if (p.kind === 'channel') return p.name === 'nixpkgs';
  if (opts.all) return p.github !== undefined;
  return p.github !== undefined && repoId(p.github) === `${NIXPKGS.owner}/${NIXPKGS.repo}`;
}

function archiveBase(opts: PinOptions): string {
  const base = (opts.archiveBase ?? 'https://github.com').replace(/\/+$/, '');
  if (!/^https?:\/\/[^\s"\\$]+$/.test(base)) throw new UserError(`--archive-base wants an http(s) URL, got ${JSON.stringify(opts.archiveBase)}`);
  return base;
}

export async function planPins(opts: PinOptions): Promise<PinPlan> {
  const base = archiveBase(opts);
  const model = await loadConfigModel(opts.paths);
  const all = listPins(model);
  const pins = all.filter((p) => selected(p, opts));
  const outcomes: PinOutcome[] = [];
  const groups = new Map<string, { repo: GitHubRepo; branch: string; pins: Pin[] }>();
  for (const p of pins) {
    if (p.kind === 'channel') {
      outcomes.push({ pin: p, action: 'skipped', message: `<${p.name}> comes from NIX_PATH and cannot be pinned in place; use a pinned fetchTarball` });
      continue;
    }
    if (!p.github) {
      outcomes.push({ pin: p, action: 'skipped', message: 'not a GitHub source' });
      continue;
    }
    const partner = partnerOf(p, all);
    const branch = opts.branch ?? p.ref ?? partner?.ref;
    if (!branch) {
      outcomes.push({ pin: p, action: 'skipped', message: 'no branch is known for this pin; pass --branch' });
      continue;
    }
    const key = `${repoId(p.github)}#${branch}`;
    const g = groups.get(key) ?? { repo: p.github, branch, pins: [] };
    g.pins.push(p);
    groups.set(key, g);
  }

  const edits: TextEdit[] = [];
  const groupOutcomes: GroupOutcome[] = [];
  const warnings = new Set<string>();
  for (const g of groups.values()) {
    const source = await openSource(g.repo, opts);
    try {
      opts.progress?.(`choosing a commit on ${g.branch} of ${g.repo.owner}/${g.repo.repo}…`);
      const selection = await selectCommit({ ...opts, source, repo: g.repo, branch: g.branch, onProgress: (n) => opts.progress?.(`${n} commits checked`) });
      selection.warnings.forEach((w) => warnings.add(w));
      // Pins already on a verifying commit stay where they are (their hash is still checked).
      const current = [...new Set(g.pins.map((p) => p.rev).filter((r): r is string => !!r && FULL_COMMIT_ID.test(r) && r !== selection.rev))];
      const verifying = new Set<string>([selection.rev]);
      for (const rev of current) {
        // A rev the source does not have (rewritten history, a typo) simply does not verify.
        const verified = await verifyRevs(withIdentity(source, g.repo), [rev], opts, g.branch).then(
          ({ reports }) => reports[0]?.verified === true,
          (err: unknown) => {
            if (err instanceof UserError) return false;
            throw err;
          },
        );
        if (verified) verifying.add(rev);
      }
      const hashes = new Map<string, ArchiveHashes>();
      const hashOf = async (rev: string) => {
        if (!hashes.has(rev)) {
          opts.progress?.(`hashing ${g.repo.owner}/${g.repo.repo}@${rev.slice(0, 12)}…`);
          hashes.set(rev, await hashTree(g.repo, rev, base, opts));
        }
        return hashes.get(rev)!;
      };
      const stays = (p: Pin) => p.rev !== undefined && verifying.has(p.rev) && p.rev !== selection.rev;
      const moving = g.pins.filter((p) => !stays(p));
      for (const p of g.pins.filter(stays)) {
        await checkDeclaredHash(p, await hashOf(p.rev!));
        outcomes.push({ pin: p, action: 'unchanged', rev: p.rev, branch: g.branch, message: 'already on a verified commit' });
      }
      if (moving.length) {
        const h = await hashOf(selection.rev);
        const target: PinTarget = { repo: g.repo, branch: g.branch, rev: selection.rev, lastModified: selection.committedAt, nar: h.nar, flat: h.flat, archiveUrl: githubArchiveUrl(g.repo, selection.rev, base) };
        for (const p of moving) {
          const partner = partnerOf(p, all);
          // A flake input whose lock node stays on its (verified) rev follows that rev, so the two agree.
          const t = p.origin.type === 'flake-input' && partner && stays(partner) ? { ...target, rev: partner.rev! } : target;
          const pinOriginal = p.origin.type === 'flake-lock' && partner !== undefined && moving.includes(partner);
          if (p.rev === t.rev) await checkDeclaredHash(p, h);
          const pinEdits = rewritePin(p, t, { pinOriginal });
          edits.push(...pinEdits);
          outcomes.push({ pin: p, action: 'pinned', rev: t.rev, branch: g.branch, message: t.rev === selection.rev ? selection.explanation : 'follows its flake.lock node' });
        }
      }
      groupOutcomes.push({
        repo: g.repo,
        branch: g.branch,
        selection,
        ...(hashes.has(selection.rev) ? { hashes: { rev: selection.rev, sri: hashes.get(selection.rev)!.nar.sri, base32: hashes.get(selection.rev)!.nar.base32 } } : {}),
      });
    } finally {
      await source.close();
    }
  }

  const texts = new Map(model.files.map((f) => [f.absPath, { original: f.text }]));
  const files = planFileEdits(texts, edits, guardForFile(), { diffRoot: process.cwd() });
  // A pin whose edits leave the text as it was is unchanged, not pinned.
  for (const o of outcomes) {
    const f = files.find((r) => r.file === o.pin.model.absPath);
    if (o.action === 'pinned' && f && f.after === f.before && !f.error && o.pin.rev === o.rev) o.action = 'unchanged';
  }
  return { outcomes, groups: groupOutcomes, files, warnings: [...warnings] };
}

async function openSource(repo: GitHubRepo, opts: PinOptions): Promise<RangeCapable> {
  if (opts.repoDir) return LocalGitSource.open(opts.repoDir);
  const fallback = new GitHubSource({ repository: `${repo.owner}/${repo.repo}`, apiBase: opts.githubApi, cacheDir: opts.cacheDir });
  return new GitHubHistory({ repo, apiBase: opts.githubApi, cacheDir: opts.cacheDir, branchTtlSeconds: opts.branchTtlSeconds, fallback, onPage: (n) => opts.progress?.(`${n} commits listed`) });
}

async function hashTree(repo: GitHubRepo, rev: string, base: string, opts: PinOptions): Promise<ArchiveHashes> {
  if (opts.repoDir) return hashCommitTree(opts.repoDir, rev, { maxUnpackedBytes: opts.download?.maxUnpackedBytes });
  return hashArchiveUrl(githubArchiveUrl(repo, rev, base), {
    ...opts.download,
    onBytes: (n) => opts.progress?.(`${(n / 1048576).toFixed(1)} MiB downloaded`),
  });
}

/** A pin that keeps its commit must still declare that commit's content (fail closed on anything else). */
async function checkDeclaredHash(p: Pin, h: ArchiveHashes): Promise<void> {
  if (!p.hash) return;
  const actual = p.kind === 'fetchurl' ? h.flat : h.nar;
  if (!actual) return;
  const v = verifyDeclaredHash(p.hash, actual);
  if (v.verdict === 'match') return;
  const why = v.verdict === 'mismatch' ? `declared hash ${p.hash} does not match the content of ${p.rev} (${actual.sri})` : `declared hash cannot be checked: ${v.reason}`;
  throw new UserError(`refusing to pin ${p.kind} ${p.name}: ${why}; nothing changed`, ExitCode.Findings, p.file, p.line);
}

/**
 * Writes every changed file atomically, but only when every one of them
 * still holds what was read and none was refused: all files or none.
 */
export async function writePinPlan(plan: PinPlan): Promise<string[]> {
  const refused = plan.files.find((f) => f.error);
  if (refused) throw new UserError(`not writing anything: ${refused.error}`, ExitCode.Findings, path.relative(process.cwd(), refused.file));
  const changed = plan.files.filter((f) => f.after !== f.before);
  for (const f of changed) {
    const now = await fs.readFile(f.file, 'utf8').catch(() => undefined);
    if (now !== f.before) throw new UserError('changed since it was read; not writing anything', ExitCode.Findings, path.relative(process.cwd(), f.file));
  }
  for (const f of changed) await writeFileAtomic(f.file, f.after, { expectedOriginal: f.before });
  return changed.map((f) => f.file);
}
