import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../core/errors.js';

/**
 * Writes via a temporary file in the same directory and a rename, so readers see
 * either the old file or the complete new one, never a half-written report.
 */
export function writeFileAtomic(file: string, content: string): void {
  const dir = path.dirname(path.resolve(file));
  const tmp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  try {
    fs.writeFileSync(tmp, content, { flag: 'wx' });
    fs.renameSync(tmp, file);
  } catch (err) {
    fs.rmSync(tmp, { force: true });
    const code = (err as NodeJS.ErrnoException).code ?? 'error';
    const why = code === 'ENOENT' ? 'directory does not exist' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'is a directory' : code;
    throw new UserError(`cannot write output (${why})`, undefined, file);
  }
}
