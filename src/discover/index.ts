/**
 * Finds the Nix-relevant files under the paths given to a scan:
 * `*.nix`, `flake.lock`, `nix.conf` / `nix.custom.conf`, niv's
 * `nix/sources.json` and npins' `npins/sources.json`. Directories are walked
 * honouring `.gitignore` files (the repository's ones above the walked
 * directory too); `.git`, `node_modules` and `result*` symlinks are skipped,
 * and so are symlinked directories (no cycles, no /nix/store). The order is
 * deterministic: sorted by path relative to the root.
 */
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { ExitCode, UserError } from '../core/errors.js';
import { kindOfPath } from './kind.js';
import type { SourceKind } from '../model/types.js';

export interface DiscoveredFile {
  absPath: string;
  /** Path relative to the root, with `/` separators: what users see. */
  file: string;
  kind: SourceKind;
  /** Named on the command line (its read errors are usage errors), not found by walking. */
  explicit: boolean;
}

export interface Discovery {
  /** Absolute scan root: the given directory, a given file's directory, or the common ancestor of several paths. */
  root: string;
  files: DiscoveredFile[];
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

function walk(dir: string, layers: IgnoreLayer[], out: string[]): void {
  const own = readGitignore(dir);
  const here = own ? [...layers, own] : layers;
  let entries: fs.Dirent[];
  try {
    entries = fs.readdirSync(dir, { withFileTypes: true });
  } catch {
    return; // an unreadable directory found while walking holds nothing we can scan
  }
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const e of entries) {
    const abs = path.join(dir, e.name);
    if (e.isSymbolicLink()) {
      if (/^result(-|$)/.test(e.name)) continue;
      let st: fs.Stats;
      try {
        st = fs.statSync(abs);
      } catch {
        continue; // dangling
      }
      if (!st.isFile()) continue; // symlinked directories are not followed
      if (kindWhenWalking(abs) && !isIgnored(here, abs, false)) out.push(abs);
      continue;
    }
    if (e.isDirectory()) {
      if (SKIP_DIRS.has(e.name)) continue;
      if (isIgnored(here, abs, true)) continue;
      walk(abs, here, out);
    } else if (e.isFile()) {
      if (kindWhenWalking(abs) && !isIgnored(here, abs, false)) out.push(abs);
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

  const seen = new Map<string, DiscoveredFile>();
  for (const g of given) {
    if (g.isDir) {
      const found: string[] = [];
      walk(g.abs, ancestorLayers(g.abs), found);
      for (const abs of found) {
        if (!seen.has(abs)) seen.set(abs, { absPath: abs, file: toDisplayPath(root, abs), kind: kindWhenWalking(abs)!, explicit: false });
      }
    } else {
      const kind = kindOfPath(g.abs);
      if (!kind) throw new UserError('not a file nixharden scans (*.nix, flake.lock, nix.conf, sources.json)', ExitCode.Usage, g.shown);
      seen.set(g.abs, { absPath: g.abs, file: toDisplayPath(root, g.abs), kind, explicit: true });
    }
  }
  const files = [...seen.values()].sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return { root, files };
}
