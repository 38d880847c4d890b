/**
 * Finds the Nix-relevant files under the paths given to a scan:
 * `*.nix`, `flake.lock`, `nix.conf` / `nix.custom.conf`, niv's
 * `nix/sources.json` and npins' `npins/sources.json`. Directories are walked
 * honouring `.gitignore` files (the repository's ones above the walked
 * directory too); `.git`, `node_modules` and `result*` symlinks are skipped,
 * and so are symlinked directories (no cycles, no /nix/store). A file whose real
 * path lies outside the scanned roots (a symlink out of the tree) is never read:
 * it is listed as skipped, so a hostile tree cannot make a report print a host
 * file or make `--fix` write to one. The order is deterministic: sorted by path
 * relative to the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ExitCode, UserError } from '../core/errors.js';
import { kindOfPath } from './kind.js';
import type { SourceKind } from './kind.js';

export interface DiscoveredFile {
  absPath: string;
  /** Path relative to the root, with `/` separators: what users see. */
  file: string;
  kind: SourceKind;
  /** Named on the command line (its read errors are usage errors), not found by walking. */
  explicit: boolean;
}

/** A file or directory the scan did not read, and why; reports list every one. */
export interface SkippedFile {
  /** As shown to users (relative to the scan root). */
  file: string;
  reason: 'outside-roots' | 'too-large' | 'encrypted' | 'binary';
  message: string;
}

/** A directory found while walking that could not be listed: the scan cannot vouch for it. */
export interface UnreadableDir {
  absPath: string;
  file: string;
  error: string;
}

export interface Discovery {
  /** Absolute scan root: the given directory, a given file's directory, or the common ancestor of several paths. */
  root: string;
  files: DiscoveredFile[];
  skipped: SkippedFile[];
  unreadableDirs: UnreadableDir[];
  /** Real paths of the scanned roots: nothing outside them is read (imports included). */
  realRoots: string[];
}

const SKIP_DIRS = new Set(['.git', 'node_modules', '.direnv', '.jj', '.hg', '.svn']);

/** The kind of a file found while walking: sources.json counts only where niv and npins put it. */
export function kindWhenWalking(absPath: string): SourceKind | undefined {
  const kind = kindOfPath(absPath);
  if (kind !== 'sources.json') return kind;
  const parent = path.basename(path.dirname(absPath));
  return parent === 'nix' || parent === 'npins' ? kind : undefined;
}

function commonAncestor(dirs: string[]): string {
  let common = dirs[0]!.split(path.sep);
  for (const d of dirs.slice(1)) {
    const parts = d.split(path.sep);
    let i = 0;
    while (i < common.length && i < parts.length && common[i] === parts[i]) i++;
    common = common.slice(0, i);
  }
  return common.join(path.sep) || path.sep;
}

export function toDisplayPath(root: string, absPath: string): string {
  const rel = path.relative(root, absPath);
  return (rel === '' ? path.basename(absPath) : rel).split(path.sep).join('/');
}

interface IgnoreLayer {
  /** Absolute directory the .gitignore lives in. */
  dir: string;
  ig: Ignore;
}

function readGitignore(dir: string): IgnoreLayer | undefined {
  let text: string;
  try {
    text = fs.readFileSync(path.join(dir, '.gitignore'), 'utf8');
  } catch {
    return undefined;
  }
  return { dir, ig: ignore().add(text) };
}

/** .gitignore files of the enclosing git repository, from its top down to (excluding) `dir`. */
function ancestorLayers(dir: string): IgnoreLayer[] {
  const chain: string[] = [];
  let d = path.dirname(dir);
  let top: string | undefined;
  let cur = dir;
  for (;;) {
    if (fs.existsSync(path.join(cur, '.git'))) {
      top = cur;
      break;
    }
    const up = path.dirname(cur);
    if (up === cur) break;
    cur = up;
  }
  if (!top || top === dir) return [];
  while (d.length >= top.length) {
    chain.unshift(d);
    if (d === top) break;
    d = path.dirname(d);
  }
  return chain.map(readGitignore).filter((l): l is IgnoreLayer => !!l);
}

function isIgnored(layers: IgnoreLayer[], absPath: string, isDir: boolean): boolean {
  let ignored = false;
  for (const l of layers) {
    const rel = path.relative(l.dir, absPath).split(path.sep).join('/');
    if (!rel || rel.startsWith('..')) continue;
    const r = l.ig.test(isDir ? `${rel}/` : rel);
    if (r.ignored) ignored = true;
    else if (r.unignored) ignored = false;
  }
  return ignored;
}

/** Whether the real path `p` lies inside one of the real roots. */
export function insideRoots(realRoots: readonly string[], p: string): boolean {
  return realRoots.some((root) => {
    const rel = path.relative(root, p);
    return rel === '' || (!rel.startsWith(`..${path.sep}`) && rel !== '..' && !path.isAbsolute(rel));
  });
}

/** The real path, or undefined for a dangling link or a path we may not resolve. */
export function realPathOrUndefined(p: string): string | undefined {
  try {
    return fs.realpathSync(p);
  } catch {
    return undefined;
  }
}

interface WalkState {
  realRoots: string[];
  found: string[];
  outside: string[];
  unreadable: { abs: string; error: string }[];
}

function walk(dir: string, layers: IgnoreLayer[], st: WalkState): void {
  const own = readGitignore(dir);
  const here = own ? [...layers, own] : layers;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    st.unreadable.push({ abs: dir, error: code === 'EACCES' || code === 'EPERM' ? 'permission denied' : (code ?? (err as Error).message) });
    return;
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isSymbolicLink()) {
      if (/^result(-|$)/.test(e.name)) continue;
      let target: fs.Stats;
      try {
        target = fs.statSync(abs);
      } catch {
        continue; // dangling
      }
      if (!target.isFile()) continue; // symlinked directories are not followed
      if (!kindWhenWalking(abs) || isIgnored(here, abs, false)) continue;
      const real = realPathOrUndefined(abs);
      if (real && insideRoots(st.realRoots, real)) st.found.push(abs);
      else st.outside.push(abs);
      continue;
    }
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name)) continue;
      if (isIgnored(here, abs, true)) continue;
      walk(abs, here, st);
    } else if (e.isFile()) {
      if (kindWhenWalking(abs) && !isIgnored(here, abs, false)) st.found.push(abs);
    }
  }
}

/** Discovers the files to scan. A path that does not exist is a UserError. */
export function discover(paths: string[], opts: { root?: string } = {}): Discovery {
  if (paths.length === 0) paths = ['.'];
  const given: { abs: string; isDir: boolean; shown: string }[] = [];
  for (const p of paths) {
    const abs = path.resolve(p);
    let st: fs.Stats;
    try {
      st = fs.statSync(abs);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      if (code === 'ENOENT' || code === 'ENOTDIR') throw new UserError('no such file or directory', ExitCode.Usage, p);
      throw new UserError(`cannot access: ${(err as Error).message}`, ExitCode.Usage, p);
    }
    if (!st.isDirectory() && !st.isFile()) throw new UserError('not a regular file or directory', ExitCode.Usage, p);
    given.push({ abs, isDir: st.isDirectory(), shown: p });
  }
  const root = opts.root ? path.resolve(opts.root) : commonAncestor(given.map((g) => (g.isDir ? g.abs : path.dirname(g.abs))));
  // A named file's root is its directory: naming `x.nix` does not vouch for where a link there points.
  const realRoots = given.map((g) => realPathOrUndefined(g.isDir ? g.abs : path.dirname(g.abs))).filter((r): r is string => !!r);

  const seen = new Map<string, DiscoveredFile>();
  const state: WalkState = { realRoots, found: [], outside: [], unreadable: [] };
  for (const g of given) {
    if (g.isDir) {
      state.found = [];
      walk(g.abs, ancestorLayers(g.abs), state);
      for (const abs of state.found) {
        if (!seen.has(abs)) seen.set(abs, { absPath: abs, file: toDisplayPath(root, abs), kind: kindWhenWalking(abs)!, explicit: false });
      }
    } else {
      const kind = kindOfPath(g.abs);
      if (!kind) throw new UserError('not a file nixharden scans (*.nix, flake.lock, nix.conf, sources.json)', ExitCode.Usage, g.shown);
      const real = realPathOrUndefined(g.abs);
      if (!real || !insideRoots(realRoots, real)) state.outside.push(g.abs);
      else seen.set(g.abs, { absPath: g.abs, file: toDisplayPath(root, g.abs), kind, explicit: true });
    }
  }
  const byFile = (a: { file: string }, b: { file: string }): number => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0);
  const files = [...seen.values()].sort(byFile);
  const skipped = [...new Set(state.outside)]
    .map((abs): SkippedFile => ({ file: toDisplayPath(root, abs), reason: 'outside-roots', message: OUTSIDE_MESSAGE }))
    .sort(byFile);
  const unreadableDirs = state.unreadable.map((u) => ({ absPath: u.abs, file: toDisplayPath(root, u.abs), error: u.error })).sort(byFile);
  return { root, files, skipped, unreadableDirs, realRoots };
}

export const OUTSIDE_MESSAGE = 'not read: a symlink to a file outside the scanned tree';
