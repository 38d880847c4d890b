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
import { commitTime, selectCommit, verifyRevs, withIdentity, type Selection, type TrustInput } from '../pin/select-commit.js';
import { selectTag } from '../pin/select-tag.js';
import { LocalTags } from '../sources/tags.js';
import { GitHubTags } from '../sources/github-tags.js';
import { NO_PROGRESS, type Progress } from '../core/progress.js';
import { githubArchiveUrl } from '../pin/source-url.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';
import type { GitHubRepo, Pin } from '../model/pin-types.js';
import type { GroupOutcome, PinOutcome, PinPlan, TagOutcome } from '../pin/plan-types.js';

export interface PinOptions extends TrustInput {
  paths: string[];
  /** Pin only these (flake input, lock node, niv/npins entry or owner/repo names). */
  inputs?: string[];
  /** Every GitHub pin, not only nixpkgs. */
  all?: boolean;
  /** Move pins already on an accepted commit to the newest accepted one too (`--update`). */
  update?: boolean;
  /** Tag pins need an accepted annotated tag object, whatever the policy entry says. */
  requireSignedTag?: boolean;
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
  progress?: Progress;
}

const NIXPKGS = { owner: 'nixos', repo: 'nixpkgs' };

function repoId(r: GitHubRepo): string {
  return `${r.owner}/${r.repo}`.toLowerCase();
}

const short = (rev: string) => rev.slice(0, 12);

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

/** A file that reads `.tag` of a fetcher's result (`src.tag` in `meta.changelog`) breaks when `tag` becomes `rev`. */
const READS_TAG = /\b[A-Za-z_][\w'-]*\.tag\b(?!\s*=)/;

/** Why a fetchFromGitHub pinned by tag must stay a tag, if it must. */
function tagMustStay(p: Pin): string | undefined {
  if (p.origin.type !== 'fetch' || p.kind !== 'fetchFromGitHub') return undefined;
  const tag = p.origin.call.args.get('tag');
  if (!tag || p.rev) return undefined;
  if (tag.kind !== 'string') return 'its `tag` is computed (not a plain string), so it cannot be resolved without evaluating; it stays a tag';
  const reads = READS_TAG.exec(p.model.text);
  if (reads) return `${p.file} reads \`${reads[0]}\`, which a \`rev\` in place of \`tag\` would break; it stays a tag`;
  return undefined;
}

interface BranchGroup {
  repo: GitHubRepo;
  branch: string;
  pins: Pin[];
}

interface TagGroup {
  repo: GitHubRepo;
  tag: string;
  pins: Pin[];
}

/** Everything the groups share while planning. */
interface Planning {
  opts: PinOptions;
  progress: Progress;
  base: string;
  all: Pin[];
  outcomes: PinOutcome[];
  edits: TextEdit[];
  warnings: Set<string>;
}

export async function planPins(opts: PinOptions): Promise<PinPlan> {
  const progress = opts.progress ?? NO_PROGRESS;
  const base = archiveBase(opts);
  const model = await loadConfigModel(opts.paths);
  progress.detail(`read ${model.files.length} file${model.files.length === 1 ? '' : 's'}: ${model.files.map((f) => f.file).join(', ')}`);
  const all = listPins(model);
  const pins = all.filter((p) => selected(p, opts));
  const run: Planning = { opts, progress, base, all, outcomes: [], edits: [], warnings: new Set() };
  const branchGroups = new Map<string, BranchGroup>();
  const tagGroups = new Map<string, TagGroup>();
  for (const p of pins) {
    progress.detail(`${p.file}:${p.line}: ${p.label}${p.github ? ` (${p.github.owner}/${p.github.repo}${p.tag ? ` tag ${p.tag}` : p.ref ? ` ${p.ref}` : ''})` : ''}`);
    const skip = (message: string) => run.outcomes.push({ pin: p, action: 'skipped', message });
    if (p.kind === 'channel') {
      skip(`<${p.name}> comes from NIX_PATH and cannot be pinned in place; use a pinned fetchTarball`);
      continue;
    }
    if (!p.github) {
      skip('not a GitHub source');
      continue;
    }
    const stays = tagMustStay(p);
    if (stays) {
      skip(stays);
      continue;
    }
    if (p.tag && p.kind === 'fetchFromGitHub') {
      const key = `${repoId(p.github)}@${p.tag}`;
      const g = tagGroups.get(key) ?? { repo: p.github, tag: p.tag, pins: [] };
      g.pins.push(p);
      tagGroups.set(key, g);
      continue;
    }
    const partner = partnerOf(p, all);
    const branch = opts.branch ?? p.ref ?? partner?.ref;
    if (!branch) {
      skip('no branch is known for this pin; pass --branch');
      continue;
    }
    const key = `${repoId(p.github)}#${branch}`;
    const g = branchGroups.get(key) ?? { repo: p.github, branch, pins: [] };
    g.pins.push(p);
    branchGroups.set(key, g);
  }

  const groups: GroupOutcome[] = [];
  for (const g of branchGroups.values()) groups.push(await planBranchGroup(g, run));
  const tags: TagOutcome[] = [];
  for (const g of tagGroups.values()) {
    const t = await planTagGroup(g, run);
    if (t) tags.push(t);
  }

  const texts = new Map(model.files.map((f) => [f.absPath, { original: f.text }]));
  const files = planFileEdits(texts, run.edits, guardForFile(), { diffRoot: process.cwd() });
  // A pin whose edits leave the text as it was is unchanged, not pinned, and says why it stays.
  for (const o of run.outcomes) {
    const f = files.find((r) => r.file === o.pin.model.absPath);
    if (!(o.action === 'pinned' && f && f.after === f.before && !f.error && o.pin.rev === o.rev)) continue;
    o.action = 'unchanged';
    if (o.tag !== undefined) o.message = `already on the commit tag ${o.tag} names`;
    else if (groups.some((g) => g.branch === o.branch && g.selection.rev === o.rev && g.selection.explanation === o.message)) o.message = 'already on the newest accepted commit';
  }
  return { update: opts.update === true, outcomes: run.outcomes, groups, tags, files, warnings: [...run.warnings] };
}

/** Hashes of a commit's tree, computed once per commit per group; `summary` reports one only if it was needed. */
function treeHasher(repo: GitHubRepo, run: Planning): { hashOf: (rev: string) => Promise<ArchiveHashes>; summary: (rev: string) => { hashes?: GroupOutcome['hashes'] } } {
  const hashes = new Map<string, ArchiveHashes>();
  return {
    hashOf: async (rev) => {
      if (!hashes.has(rev)) hashes.set(rev, await hashTree(repo, rev, run.base, run.opts, run.progress));
      return hashes.get(rev)!;
    },
    summary: (rev) => {
      const h = hashes.get(rev);
      return h ? { hashes: { rev, sri: h.nar.sri, base32: h.nar.base32 } } : {};
    },
  };
}

/**
 * One repository and branch: choose the newest accepted commit; move the pins to
 * it, except (without --update) pins already on an accepted commit, which stay.
 */
async function planBranchGroup(g: BranchGroup, run: Planning): Promise<GroupOutcome> {
  const { opts, progress } = run;
  const name = `${g.repo.owner}/${g.repo.repo}`;
  const source = await openSource(g.repo, opts, progress);
  try {
    progress.status(`choosing a commit on ${g.branch} of ${name}`);
    const checked = progress.start(`${name} ${g.branch}: commits checked`);
    let selection: Selection;
    try {
      selection = await selectCommit({ ...opts, source, repo: g.repo, branch: g.branch, onProgress: (n) => checked.update(n) });
    } finally {
      checked.end();
    }
    progress.detail(`${name} ${g.branch}: newest accepted commit ${selection.rev} (${selection.explanation})`);
    selection.warnings.forEach((w) => run.warnings.add(w));
    // Without --update, pins already on an accepted commit stay where they are (their hash is still checked).
    const verifying = new Set<string>([selection.rev]);
    if (!opts.update) {
      const current = [...new Set(g.pins.map((p) => p.rev).filter((r): r is string => !!r && FULL_COMMIT_ID.test(r) && r !== selection.rev))];
      for (const rev of current) {
        progress.detail(`${name}: checking the pinned commit ${rev}`);
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
    }
    const { hashOf, summary } = treeHasher(g.repo, run);
    const stays = (p: Pin) => !opts.update && p.rev !== undefined && verifying.has(p.rev) && p.rev !== selection.rev;
    const keep = 'pass --update to move it to the newest accepted commit';
    for (const p of g.pins.filter(stays)) {
      await checkDeclaredHash(p, await hashOf(p.rev!));
      run.outcomes.push({ pin: p, action: 'unchanged', rev: p.rev, branch: g.branch, message: `already on a verified commit; ${keep}` });
    }
    const moving = g.pins.filter((p) => !stays(p));
    const target = async (rev: string): Promise<PinTarget> => {
      const h = await hashOf(rev);
      const committedAt = rev === selection.rev ? selection.committedAt : await commitTime(source, rev);
      return { repo: g.repo, branch: g.branch, rev, lastModified: committedAt, nar: h.nar, flat: h.flat, archiveUrl: githubArchiveUrl(g.repo, rev, run.base) };
    };
    for (const p of moving) {
      const partner = partnerOf(p, run.all);
      const partnerStays = partner !== undefined && g.pins.includes(partner) && stays(partner);
      // A mutable flake input whose lock node stays on an accepted commit is already pinned by that lock.
      if (p.origin.type === 'flake-input' && partnerStays && p.rev === undefined) {
        run.outcomes.push({ pin: p, action: 'unchanged', branch: g.branch, message: `its flake.lock node stays on verified commit ${short(partner.rev!)}; ${keep}` });
        continue;
      }
      // Otherwise a flake.nix input and its lock node must name the same commit.
      const t = await target(partnerStays ? partner.rev! : selection.rev);
      if (p.rev === t.rev) await checkDeclaredHash(p, await hashOf(t.rev));
      const pinOriginal = p.origin.type === 'flake-lock' && partner !== undefined && (partnerStays || moving.includes(partner));
      run.edits.push(...rewritePin(p, t, { pinOriginal }));
      const message = partnerStays ? `follows its ${p.origin.type === 'flake-lock' ? 'flake.nix input' : 'flake.lock node'}, which is on verified commit ${short(t.rev)}` : selection.explanation;
      run.outcomes.push({ pin: p, action: 'pinned', rev: t.rev, branch: g.branch, message });
    }
    return { repo: g.repo, branch: g.branch, selection, ...summary(selection.rev) };
  } finally {
    await source.close();
  }
}

/** One repository and tag: the tagged commit (and, when asked, the tag object) must be accepted. */
async function planTagGroup(g: TagGroup, run: Planning): Promise<TagOutcome | undefined> {
  const { opts, progress } = run;
  const name = `${g.repo.owner}/${g.repo.repo}`;
  const source = await openSource(g.repo, opts, progress);
  const tags = opts.repoDir
    ? new LocalTags(opts.repoDir)
    : new GitHubTags({ repo: g.repo, apiBase: opts.githubApi, onRequest: (url) => progress.detail(`GET ${url}`) });
  try {
    progress.status(`resolving tag ${g.tag} of ${name}`);
    const selection = await selectTag({ ...opts, source, tags, repo: g.repo, tag: g.tag });
    selection.warnings.forEach((w) => run.warnings.add(w));
    progress.detail(`${name} tag ${g.tag}: ${selection.explanation}`);
    const { hashOf, summary } = treeHasher(g.repo, run);
    for (const p of g.pins) {
      if (p.rev && p.rev !== selection.rev) {
        // A tag that moved is a red flag, not an update: say so and leave the pin for a person to check.
        const why = `tag ${g.tag} of ${name} now names ${selection.rev}, not the pinned ${p.rev}; tags should not move, so check it and re-pin by hand`;
        run.warnings.add(`${p.file}:${p.line}: ${why}`);
        run.outcomes.push({ pin: p, action: 'skipped', tag: g.tag, message: why });
        continue;
      }
      const h = await hashOf(selection.rev);
      const t: PinTarget = { repo: g.repo, branch: g.tag, tag: g.tag, rev: selection.rev, lastModified: selection.committedAt, nar: h.nar, flat: h.flat, archiveUrl: githubArchiveUrl(g.repo, selection.rev, run.base) };
      if (p.rev === t.rev) await checkDeclaredHash(p, h);
      run.edits.push(...rewritePin(p, t));
      run.outcomes.push({ pin: p, action: 'pinned', rev: t.rev, tag: g.tag, message: selection.explanation });
    }
    return { repo: g.repo, tag: g.tag, selection, ...summary(selection.rev) };
  } finally {
    await tags.close();
    await source.close();
  }
}

async function openSource(repo: GitHubRepo, opts: PinOptions, progress: Progress): Promise<RangeCapable> {
  if (opts.repoDir) return LocalGitSource.open(opts.repoDir);
  const fallback = new GitHubSource({ repository: `${repo.owner}/${repo.repo}`, apiBase: opts.githubApi, cacheDir: opts.cacheDir });
  return new GitHubHistory({
    repo,
    apiBase: opts.githubApi,
    cacheDir: opts.cacheDir,
    branchTtlSeconds: opts.branchTtlSeconds,
    fallback,
    onPage: (n) => progress.detail(`${repo.owner}/${repo.repo}: ${n} commits listed from the GitHub API`),
  });
}

async function hashTree(repo: GitHubRepo, rev: string, base: string, opts: PinOptions, progress: Progress): Promise<ArchiveHashes> {
  const label = `${repo.owner}/${repo.repo}@${short(rev)}`;
  if (opts.repoDir) {
    progress.status(`hashing ${label} (git archive)`);
    return hashCommitTree(opts.repoDir, rev, { maxUnpackedBytes: opts.download?.maxUnpackedBytes });
  }
  const url = githubArchiveUrl(repo, rev, base);
  progress.detail(`GET ${url}`);
  const task = progress.start(`downloading ${label}`, { bytes: true });
  try {
    return await hashArchiveUrl(url, { ...opts.download, onBytes: (n, total) => task.update(n, total) });
  } finally {
    task.end();
  }
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
