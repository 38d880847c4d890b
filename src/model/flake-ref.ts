/**
 * Reading flake references (`github:NixOS/nixpkgs/nixos-25.11`, `git+https://…?ref=x`,
 * tarball URLs, attribute-set inputs and flake.lock `original`/`locked` entries) into
 * one shape. The one reader of source references: the pin rules judge them, `pins`
 * lists them and `pin` rewrites them, so all three agree on what a URL names. GitHub
 * archive, codeload and git URLs also yield their owner, repo and ref or rev.
 */
import type { FlakeInput, LockNode, StaticValue } from './types.js';
import { FULL_COMMIT_ID_ANY_CASE as COMMIT_RE } from '../core/commit-id.js';



export interface FlakeRef {
  /** github | gitlab | sourcehut | git | tarball | file | path | indirect | mercurial | unknown */
  type: string;
  owner?: string;
  repo?: string;
  /** Branch or tag (`ref`), when one is named. */
  ref?: string;
  rev?: string;
  narHash?: string;
  /** The transport URL for git/tarball/file/mercurial types. */
  url?: string;
  /** Host for forges other than the default (`?host=` or the URL's host). */
  host?: string;
  /** Indirect (registry) id, e.g. `nixpkgs`. */
  id?: string;
}

function query(s: string): { base: string; params: URLSearchParams } {
  const q = s.indexOf('?');
  return q < 0 ? { base: s, params: new URLSearchParams() } : { base: s.slice(0, q), params: new URLSearchParams(s.slice(q + 1)) };
}

const TARBALL_EXT = /\.(?:zip|tar|tgz|tar\.gz|tar\.xz|tar\.bz2|tar\.zst)$/i;

/** Parses a flake URL as Nix does (enough of it to judge pinning and transport). */
export function parseFlakeUrl(url: string): FlakeRef {
  const { base, params } = query(url.trim());
  const common = (r: FlakeRef): FlakeRef => {
    const ref = params.get('ref');
    const rev = params.get('rev');
    const narHash = params.get('narHash');
    const host = params.get('host');
    if (ref) r.ref = ref;
    if (rev) r.rev = rev;
    if (narHash) r.narHash = narHash;
    if (host) r.host = host;
    return r;
  };
  const forge = /^(github|gitlab|sourcehut):([^/]+)\/([^/]+)(?:\/(.+))?$/.exec(base);
  if (forge) {
    const r = common({ type: forge[1]!, owner: forge[2]!, repo: forge[3]! });
    const last = forge[4];
    if (last) {
      if (COMMIT_RE.test(last)) r.rev = last;
      else r.ref = decodeURIComponent(last);
    }
    return r;
  }
  if (GITHUB_SCP.test(base)) return githubFromUrl(common({ type: 'git', url: base, host: 'github.com' }), base);
  const scheme = /^([a-z][a-z0-9+.-]*):/i.exec(base)?.[1]?.toLowerCase();
  if (!scheme || scheme === 'path' || base.startsWith('/') || base.startsWith('.')) {
    if (scheme === 'flake' || (!scheme && /^[A-Za-z][\w-]*(?:\/|$)/.test(base) && !base.startsWith('.'))) return indirect(base.replace(/^flake:/, ''), common);
    return { type: 'path', url };
  }
  if (scheme === 'flake') return indirect(base.slice('flake:'.length), common);
  if (scheme.startsWith('git+') || scheme === 'git') return githubFromUrl(common({ type: 'git', url: base, host: hostOf(base.replace(/^git\+/, '')) ?? scpHost(base) }), base);
  if (scheme.startsWith('hg+')) return common({ type: 'mercurial', url: base, host: hostOf(base) });
  if (scheme.startsWith('tarball+')) return githubFromUrl(common({ type: 'tarball', url: base, host: hostOf(base.slice('tarball+'.length)) }), base.slice('tarball+'.length));
  if (scheme.startsWith('file+')) return common({ type: 'file', url: base, host: hostOf(base) });
  if (scheme === 'http' || scheme === 'https') return githubFromUrl(common({ type: TARBALL_EXT.test(base) || /\/archive\//.test(base) || /codeload\.github\.com/.test(base) ? 'tarball' : 'file', url: base, host: hostOf(base) }), base);
  if (scheme === 'file') return { type: 'path', url };
  return { type: 'unknown', url };
}

/** `git@host:owner/repo`: scp-like syntax has no `//`. */
function scpHost(url: string): string | undefined {
  return /^(?:git\+)?[^@/:]+@([^:/]+):/.exec(url)?.[1]?.toLowerCase();
}

function indirect(rest: string, common: (r: FlakeRef) => FlakeRef): FlakeRef {
  const [id, a, b] = rest.split('/');
  const r = common({ type: 'indirect', id: id! });
  for (const part of [a, b]) {
    if (!part) continue;
    if (COMMIT_RE.test(part)) r.rev = part;
    else r.ref = part;
  }
  return r;
}

/** Where a pinned source lives on GitHub, when it can be told statically. */
export interface GitHubRepo {
  owner: string;
  repo: string;
}

const NAME = '[A-Za-z0-9_.-]+';
const GITHUB_ARCHIVE = new RegExp(`^https?://(?:www\\.)?github\\.com/(${NAME})/(${NAME})/(?:archive|tarball)/(.+?)(?:\\.tar\\.gz|\\.zip)?$`);
const GITHUB_CODELOAD = new RegExp(`^https?://codeload\\.github\\.com/(${NAME})/(${NAME})/tar\\.gz/(.+)$`);
const GITHUB_GIT = new RegExp(`^(?:git\\+)?(?:https?|ssh|git)://(?:[^@/]+@)?github\\.com/(${NAME}?)/(${NAME}?)(?:\\.git)?/?$`);
const GITHUB_SCP = new RegExp(`^(?:git\\+)?(?:ssh://)?git@github\\.com[:/](${NAME}?)/(${NAME}?)(?:\\.git)?/?$`);

/** Owner, repo and the ref or rev a GitHub archive/codeload/git URL names; `r` is filled in place. */
function githubFromUrl(r: FlakeRef, base: string): FlakeRef {
  const archive = GITHUB_ARCHIVE.exec(base) ?? GITHUB_CODELOAD.exec(base);
  const git = archive ? undefined : (GITHUB_GIT.exec(base) ?? GITHUB_SCP.exec(base));
  const m = archive ?? git;
  if (!m) return r;
  r.owner = m[1]!;
  r.repo = m[2]!;
  const refOrRev = archive?.[3]?.replace(/^refs\/heads\//, '');
  if (refOrRev && !r.rev && !r.ref) {
    if (COMMIT_RE.test(refOrRev)) r.rev = refOrRev;
    else r.ref = refOrRev;
  }
  return r;
}

/** The GitHub repository a reference points at (a `github:` ref, or a GitHub URL), if any. */
export function githubOf(r: FlakeRef): GitHubRepo | undefined {
  if (!r.owner || !r.repo) return undefined;
  if (r.type === 'github' && (!r.host || r.host === 'github.com')) return { owner: r.owner, repo: r.repo };
  if (r.host === 'github.com' || r.host === 'codeload.github.com' || r.host === 'www.github.com') return { owner: r.owner, repo: r.repo };
  return undefined;
}

export function hostOf(url: string): string | undefined {
  return /^[a-z0-9+.-]+:\/\/(?:[^@/]*@)?(\[[^\]]+\]|[^/:?#]+)/i.exec(url)?.[1]?.toLowerCase();
}

const str = (v: StaticValue | undefined): string | undefined => (v?.kind === 'string' ? v.value : undefined);

/** The reference a flake.nix input names, or undefined when it cannot be read statically. */
export function inputRef(input: FlakeInput): FlakeRef | undefined {
  if (input.follows) return undefined;
  if (input.url?.kind === 'unknown') return undefined;
  const url = str(input.url);
  const ref: FlakeRef = url !== undefined ? parseFlakeUrl(url) : { type: str(input.attrs.get('type')) ?? 'unknown' };
  if (url === undefined && input.attrs.size === 0) return undefined;
  for (const k of ['owner', 'repo', 'ref', 'rev', 'narHash', 'url', 'host', 'id'] as const) {
    const v = str(input.attrs.get(k));
    if (v !== undefined) ref[k] = v;
  }
  if (ref.url && url === undefined && ref.type === 'unknown') return { ...parseFlakeUrl(ref.url), ...ref, type: parseFlakeUrl(ref.url).type };
  return ref;
}

/** A flake.lock node's `original` (what flake.nix asked for) as a FlakeRef. */
export function lockOriginal(node: LockNode): FlakeRef | undefined {
  return fromLockFields(node.original);
}

export function lockLocked(node: LockNode): FlakeRef | undefined {
  return fromLockFields(node.locked);
}

function fromLockFields(fields: Map<string, string | number | boolean> | undefined): FlakeRef | undefined {
  if (!fields) return undefined;
  const get = (k: string): string | undefined => {
    const v = fields.get(k);
    return typeof v === 'string' ? v : undefined;
  };
  const type = get('type') ?? 'unknown';
  const r: FlakeRef = { type };
  for (const k of ['owner', 'repo', 'ref', 'rev', 'narHash', 'url', 'host', 'id'] as const) {
    const v = get(k);
    if (v !== undefined) r[k] = v;
  }
  if (r.url && !r.host) {
    const h = hostOf(r.url.replace(/^[a-z]+\+/i, ''));
    if (h) r.host = h;
  }
  return r;
}

/** True for references to a local directory: nothing is fetched. */
export function isLocalRef(r: FlakeRef): boolean {
  return r.type === 'path' || (r.type === 'git' && /^(?:git\+)?file:/.test(r.url ?? ''));
}

/** A branch or tag (or the default branch) rather than a commit. */
export function isMutableRef(r: FlakeRef): boolean {
  if (isLocalRef(r)) return false;
  if (r.rev && COMMIT_RE.test(r.rev)) return false;
  // A tarball/file URL is as mutable as the server makes it; a narHash pins its content.
  if ((r.type === 'tarball' || r.type === 'file') && r.narHash) return false;
  return true;
}

/** Human description of what a mutable reference follows. */
export function followsWhat(r: FlakeRef): string {
  if (r.ref) return `${/^v?\d/.test(r.ref) ? 'tag' : 'branch'} ${r.ref}`;
  if (r.type === 'tarball' || r.type === 'file') return `whatever ${r.url ?? 'the URL'} serves`;
  if (r.type === 'indirect') return `the flake registry entry ${r.id ?? ''}`.trimEnd();
  return 'the default branch';
}

/** Is this a reference to a nixpkgs repository (any owner, any forge)? */
export function isNixpkgsRepo(r: FlakeRef): boolean {
  if (r.type === 'indirect') return r.id === 'nixpkgs';
  if (r.repo) return r.repo.toLowerCase() === 'nixpkgs';
  return !!r.url && /\/nixpkgs(?:\.git)?(?:\/|$)/i.test(r.url.replace(/\?.*$/, ''));
}
