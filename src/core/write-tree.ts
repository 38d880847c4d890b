/**
 * Writing a set of directories of files as a whole. Every file is first
 * written (with writeFileAtomic) into a temp directory beside the output; each
 * finished directory is then renamed into place. A failure while writing leaves
 * the output untouched; a failure while renaming puts back what was replaced.
 */
import { randomBytes } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { describeFsError, writeFileAtomic } from './fs.js';
import { UserError } from './errors.js';

export interface TreeFile {
  /** Relative to its directory, with `/` separators; no `..`. */
  path: string;
  content: string | Buffer;
  mode?: number;
}

export interface TreeDir {
  /** The directory's name inside the output (one path segment). */
  name: string;
  files: TreeFile[];
  /** Files to carry over from the directory being replaced (matched against relative paths). */
  keep?: RegExp;
}

async function exists(p: string): Promise<boolean> {
  return fs.lstat(p).then(
    () => true,
    () => false,
  );
}

function checkRelative(rel: string, dir: string): void {
  if (!rel || rel.startsWith('/') || rel.split('/').some((s) => s === '' || s === '.' || s === '..')) {
    throw new Error(`bad generated path ${dir}/${rel}`);
  }
}

async function listFiles(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const e of await fs.readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${e.name}` : e.name;
    if (e.isDirectory()) out.push(...(await listFiles(path.join(dir, e.name), rel)));
    else if (e.isFile()) out.push(rel);
  }
  return out;
}

/**
 * Writes each directory to `<out>/<name>`. An existing `<out>/<name>` is refused
 * (nothing is written) unless `force`, in which case it is replaced whole, keeping
 * the files that match its `keep`.
 */
export async function writeTreeAtomic(out: string, dirs: TreeDir[], opts: { force?: boolean } = {}): Promise<void> {
  const outAbs = path.resolve(out);
  for (const d of dirs) {
    if (!d.name || d.name.includes('/') || d.name === '.' || d.name === '..') throw new Error(`bad output directory name ${d.name}`);
    if (!opts.force && (await exists(path.join(outAbs, d.name)))) throw new UserError('already exists; not overwriting (use --force to replace it)', undefined, path.join(out, d.name));
  }
  const parent = path.dirname(outAbs);
  try {
    await fs.mkdir(parent, { recursive: true });
  } catch (err) {
    throw new UserError(`cannot create: ${describeFsError(err)}`, undefined, path.dirname(out));
  }
  const tmp = path.join(parent, `.${path.basename(outAbs)}.nixharden-${process.pid}-${randomBytes(4).toString('hex')}`);
  const replaced: { target: string; backup: string }[] = [];
  const placed: string[] = [];
  try {
    await fs.mkdir(tmp);
    for (const d of dirs) {
      const base = path.join(tmp, d.name);
      for (const f of d.files) {
        checkRelative(f.path, d.name);
        const target = path.join(base, ...f.path.split('/'));
        await fs.mkdir(path.dirname(target), { recursive: true });
        await writeFileAtomic(target, f.content, { exclusive: true, ...(f.mode !== undefined ? { mode: f.mode } : {}) });
      }
      const old = path.join(outAbs, d.name);
      if (d.keep && (await exists(old))) {
        const generated = new Set(d.files.map((f) => f.path));
        for (const rel of await listFiles(old)) {
          if (!d.keep.test(rel) || generated.has(rel)) continue;
          const target = path.join(base, ...rel.split('/'));
          await fs.mkdir(path.dirname(target), { recursive: true });
          await fs.copyFile(path.join(old, rel), target);
        }
      }
    }
    if (!(await exists(outAbs))) {
      // The whole output at once.
      await fs.rename(tmp, outAbs);
      return;
    }
    for (const d of dirs) {
      const target = path.join(outAbs, d.name);
      if (await exists(target)) {
        const backup = path.join(tmp, `.old-${d.name}`);
        await fs.rename(target, backup);
        replaced.push({ target, backup });
      }
      await fs.rename(path.join(tmp, d.name), target);
      placed.push(target);
    }
  } catch (err) {
    // Undo: remove what was placed, put back what it replaced.
    for (const p of placed) await fs.rm(p, { recursive: true, force: true }).catch(() => undefined);
    for (const r of replaced.reverse()) await fs.rename(r.backup, r.target).catch(() => undefined);
    const e = err as NodeJS.ErrnoException;
    if (err instanceof UserError || typeof e?.code !== 'string') throw err;
    throw new UserError(`cannot write: ${describeFsError(err)}`, undefined, e.path ? path.relative(process.cwd(), e.path) || e.path : out);
  } finally {
    await fs.rm(tmp, { recursive: true, force: true }).catch(() => undefined);
  }
}
