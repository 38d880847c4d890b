import { randomBytes } from 'node:crypto';
import { constants as fsc, promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

export interface AtomicWriteOptions {
  /**
   * What the file held when it was read. If the file on disk differs now
   * (someone edited it meanwhile), nothing is written and a UserError names the file.
   */
  expectedOriginal?: string | Buffer;
  /** Mode for a file that does not exist yet (default 0o644). Existing files keep theirs. */
  mode?: number;
}

/**
 * Replaces a file's content all at once: writes a temp file in the same
 * directory, fsyncs it, gives it the original's mode (and owner, when we can),
 * then renames it over the original, so a reader sees the old or the new
 * content and never a half-written file. A symlink is followed (its target is
 * replaced, the link stays). On any failure the temp file is removed.
 * Note: a rename gives the file a new inode, so other hard links keep the old content.
 */
export async function writeFileAtomic(file: string, content: string | Buffer, opts: AtomicWriteOptions = {}): Promise<void> {
  const target = await realTarget(file);
  const st = await fs.stat(target).catch((e: NodeJS.ErrnoException) => {
    if (e.code === 'ENOENT') return undefined;
    throw new UserError(`cannot stat: ${e.message}`, undefined, file);
  });
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
    await fs.rename(tmp, target);
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await fs.unlink(tmp).catch(() => undefined);
    if (err instanceof UserError) throw err;
    const e = err as NodeJS.ErrnoException;
    throw new UserError(`cannot write: ${e.code ?? ''} ${e.message}`.trim(), undefined, file);
  }
  await syncDir(dir);
}

async function realTarget(file: string): Promise<string> {
  try {
    return await fs.realpath(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return path.resolve(file);
    throw new UserError(`cannot resolve path: ${(e as Error).message}`, undefined, file);
  }
}

async function checkUnchanged(file: string, target: string, expected: string | Buffer): Promise<void> {
  const current = await fs.readFile(target).catch(() => undefined);
  const want = typeof expected === 'string' ? Buffer.from(expected, 'utf8') : expected;
  if (!current || !current.equals(want)) {
    throw new UserError(`changed on disk since it was read; not writing (re-run to edit the current content)`, undefined, file);
  }
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
