/**
 * A disk cache for immutable data (commit objects keyed by their sha).
 * Entries are written atomically (temp file in the same directory, then
 * rename) so a crash never leaves a half-written entry. Entries are only a
 * speed-up: callers re-check that a cached commit hashes to its name.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';

/** `--cache-dir` > `$NIXHARDEN_CACHE_DIR` > `$XDG_CACHE_HOME/nixharden` > `~/.cache/nixharden`. */
export function defaultCacheDir(env: NodeJS.ProcessEnv = process.env): string {
  if (env.NIXHARDEN_CACHE_DIR) return path.resolve(env.NIXHARDEN_CACHE_DIR);
  if (env.XDG_CACHE_HOME && path.isAbsolute(env.XDG_CACHE_HOME)) return path.join(env.XDG_CACHE_HOME, 'nixharden');
  return path.join(os.homedir(), '.cache', 'nixharden');
}

const SAFE = /^[A-Za-z0-9._-]+$/;

export class DiskCache {
  constructor(readonly dir: string) {}

  private file(namespace: string, key: string): string {
    // Keys come from remote data: never let one climb out of the cache directory.
    if (!namespace.split('/').every((p) => SAFE.test(p) && p !== '..' && p !== '.') || !SAFE.test(key) || key.startsWith('.')) {
      throw new Error(`unsafe cache key ${namespace}/${key}`);
    }
    return path.join(this.dir, namespace, key);
  }

  async get(namespace: string, key: string): Promise<Buffer | undefined> {
    try {
      return await fs.readFile(this.file(namespace, key));
    } catch {
      return undefined;
    }
  }

  async put(namespace: string, key: string, data: Buffer | string): Promise<void> {
    const target = this.file(namespace, key);
    await fs.mkdir(path.dirname(target), { recursive: true });
    const tmp = `${target}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
    try {
      await fs.writeFile(tmp, data);
      await fs.rename(tmp, target);
    } catch (err) {
      await fs.rm(tmp, { force: true });
      throw err;
    }
  }
}
