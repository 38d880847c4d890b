import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from './errors.js';

export interface AtomicWriteOptions {
  /**
   * What the file held when it was read. If the file on disk differs now
   * (someone edited it meanwhile), nothing is written and a UserError names the file.
   */
  expectedOriginal?: string | Buffer;
  /** Mode for a file that does not exist yet (default 0o644). Existing files keep theirs. */
  mode?: number;
  /** Refuse to replace anything that exists (`policy init` without `--force`). */
  exclusive?: boolean;
}

/** Symlink hops we follow before calling it a loop (the kernel's own limit is 40). */
const MAX_LINK_HOPS = 40;

/**
 * The one file writer of the project: every command that writes a file goes through it.
 *
 * - A regular file (or a new one) is replaced all at once: temp file in the same
 *   directory, fsync, the original's mode (and owner, when we can), rename. A reader
 *   sees the old or the new content, never half of it.
 * - A symlink is resolved first and its final target is written; the link stays.
 * - A character device, FIFO or socket (`-o /dev/null`, `-o /dev/stdout`, a pipe) is
 *   written through, as a shell redirection would; replacing it by a regular file
 *   would clobber a system file when run as root.
 * - A directory is refused.
 * On any failure the temp file is removed and nothing at the path has changed.
 */
export async function writeFileAtomic(file: string, content: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  // An exclusive write judges the path itself: even a dangling symlink there is "exists".
  if (opts.exclusive && (await lstatOrUndefined(file))) throw new UserError('already exists; not overwriting', undefined, file);
  const target = opts.exclusive ? await parentResolved(path.resolve(file), file) : await resolveLinks(file);
  const st = await statOrUndefined(target, file);
  if (st?.isDirectory()) throw new UserError('is a directory; give a file path', undefined, file);
  if (st && !st.isFile()) {
    await writeThrough(target, content, file);
    return;
  }
  if (opts.expectedOriginal !== undefined) await checkUnchanged(file, target, opts.expectedOriginal);

  const dir = path.dirname(target);
  const tmp = path.join(dir, `.${path.basename(target)}.nixharden-${process.pid}-${randomBytes(4).toString('hex')}.tmp`);
  const mode = st ? st.mode & 0o7777 : (opts.mode ?? 0o644);
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(tmp, fsc.O_WRONLY | fsc.O_CREAT | fsc.O_EXCL, 0o600);
    await fh.writeFile(content);
    await fh.chmod(mode); // open()'s mode is masked by the umask; chmod is not
    if (st && process.getuid?.() === 0 && (st.uid !== 0 || st.gid !== 0)) await fh.chown(st.uid, st.gid);
    await fh.sync();
    await fh.close();
    fh = undefined;
    // Check again just before the rename: the window for a lost update is now tiny.
    if (opts.expectedOriginal !== undefined) await checkUnchanged(file, target, opts.expectedOriginal);
    // link() refuses to replace an existing path, so an exclusive write never clobbers
    // a file created by someone else since the stat above.
    if (opts.exclusive) await fs.link(tmp, target);
    else await fs.rename(tmp, target);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    throw asUserError(err, file);
  }
  if (opts.exclusive) await fs.unlink(tmp).catch(() => undefined);
  await syncDir(dir);
}

/**
 * Follows a chain of symlinks to the path that would really be written, also when the
 * last link dangles (a shell's `>` creates the target then, and so do we).
 */
async function resolveLinks(file: string): Promise<string> {
  let current = path.resolve(file);
  for (let hop = 0; hop < MAX_LINK_HOPS; hop++) {
    let st;
    try {
      st = await fs.lstat(current);
    } catch (e) {
      const code = (e as NodeJS.ErrnoException).code;
      if (code === 'ENOENT') return parentResolved(current, file);
      throw asUserError(e, file);
    }
    if (!st.isSymbolicLink()) return parentResolved(current, file);
    const link = await fs.readlink(current);
    current = path.resolve(path.dirname(current), link);
  }
  throw new UserError('too many levels of symbolic links', undefined, file);
}

/** The directory part may itself hold links; the temp file must sit beside the real target. */
async function parentResolved(p: string, file: string): Promise<string> {
  try {
    return path.join(await fs.realpath(path.dirname(p)), path.basename(p));
  } catch (e) {
    throw asUserError(e, file);
  }
}

async function lstatOrUndefined(file: string) {
  try {
    return await fs.lstat(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw asUserError(e, file);
  }
}

async function statOrUndefined(target: string, file: string) {
  try {
    return await fs.stat(target);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw asUserError(e, file);
  }
}

async function writeThrough(target: string, content: string | Buffer, file: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    // No O_CREAT and no O_TRUNC: the node exists, and a device or pipe is not truncated.
    fh = await fs.open(target, fsc.O_WRONLY);
    await fh.writeFile(content);
  } catch (err) {
    throw asUserError(err, file);
  } finally {
    await fh?.close().catch(() => undefined);
  }
}

async function checkUnchanged(file: string, target: string, expected: string | Buffer): Promise<void> {
  const current = await fs.readFile(target).catch(() => undefined);
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  if (!current || !current.equals(want)) {
    throw new UserError(`changed on disk since it was read; not writing (re-run to edit the current content)`, undefined, file);
  }
}

/** One short reason per errno, the way the other commands word them. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  switch (e?.code) {
    case 'ENOENT':
      return 'no such file or directory';
    case 'EACCES':
    case 'EPERM':
      return 'permission denied';
    case 'EISDIR':
      return 'is a directory';
    case 'ENOTDIR':
      return 'a parent is not a directory';
    case 'EEXIST':
      return 'already exists; not overwriting';
    case 'ELOOP':
      return 'too many levels of symbolic links';
    case 'ENOSPC':
      return 'no space left on device';
    case 'EROFS':
      return 'read-only file system';
    default:
      return e?.code ?? String(e?.message ?? err);
  }
}

function asUserError(err: unknown, file: string): UserError {
  if (err instanceof UserError) return err;
  return new UserError(`cannot write: ${describeFsError(err)}`, undefined, file);
}

/** Makes the rename itself durable; not every filesystem allows fsync on a directory. */
async function syncDir(dir: string): Promise<void> {
  let fh: fs.FileHandle | undefined;
  try {
    fh = await fs.open(dir, 'r');
    await fh.sync();
  } catch {
    // best effort
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
