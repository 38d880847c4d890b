/**
 * Commits from a local repository: revisions resolve and history is listed
 * with one `git rev-parse` / `git rev-list` each, and objects are read through
 * a single long-lived `git cat-file --batch` (see git-batch.ts).
 */
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';
import { UserError } from '../core/errors.js';
import { CatFileBatch } from './git-batch.js';
import type { CommitNode, CommitRead, CommitSource, WalkOptions } from './types.js';

const run = promisify(execFile);

async function git(dir: string, args: string[]): Promise<string> {
  try {
    const { stdout } = await run('git', ['-C', dir, ...args], { maxBuffer: 1 << 30, encoding: 'utf8' });
    return stdout;
  } catch (err) {
    const e = err as { stderr?: string; message: string };
    const first = (e.stderr ?? e.message).trim().split('\n')[0];
    throw new UserError(`git ${args[0]}: ${first}`, undefined, dir);
  }
}

/** A revision argument must never be read as an option by git. */
function checkRev(rev: string): void {
  if (rev.length === 0 || rev.startsWith('-') || /[\0\n\r]/.test(rev)) throw new UserError(`invalid revision ${JSON.stringify(rev)}`);
}

export class LocalGitSource implements CommitSource {
  private batch: CatFileBatch | undefined;

  private constructor(
    readonly dir: string,
    readonly label: string,
  ) {}

  static async open(dir: string): Promise<LocalGitSource> {
    const abs = path.resolve(dir);
    if (!fs.existsSync(abs)) throw new UserError('no such directory', undefined, abs);
    const top = (await git(abs, ['rev-parse', '--absolute-git-dir'])).trim();
    if (!top) throw new UserError('not a git repository', undefined, abs);
    return new LocalGitSource(abs, abs);
  }

  async identity(): Promise<string[]> {
    const refs = [this.dir, fs.realpathSync(this.dir)];
    const top = await git(this.dir, ['rev-parse', '--show-toplevel']).catch(() => '');
    if (top.trim()) refs.push(top.trim());
    const remotes = await git(this.dir, ['config', '--get-regexp', '^remote\\..*\\.url$']).catch(() => '');
    for (const line of remotes.split('\n')) {
      const url = line.split(' ')[1];
      if (url) refs.push(url);
    }
    return refs;
  }

  async currentBranch(): Promise<string | undefined> {
    const out = await git(this.dir, ['symbolic-ref', '--quiet', '--short', 'HEAD']).catch(() => '');
    return out.trim() || undefined;
  }

  /** Resolves through the cat-file process (no process per revision: users pass hundreds). */
  async resolve(rev: string): Promise<string> {
    checkRev(rev);
    this.batch ??= new CatFileBatch(this.dir);
    const obj = await this.batch.read(`${rev}^{commit}`);
    if (!obj) throw new UserError(`unknown revision or not a commit: ${rev}`, undefined, this.dir);
    return obj.oid;
  }

  /** Resolves `A..B` (either side may be empty, meaning HEAD) into tips and exclusions. */
  async resolveRange(range: string): Promise<{ tips: string[]; exclude: string[] }> {
    const m = range.match(/^(.*?)\.\.(?!\.)(.*)$/);
    if (!m) throw new UserError(`--range wants A..B, got ${JSON.stringify(range)}`);
    const [from, to] = [m[1] || 'HEAD', m[2] || 'HEAD'];
    return { tips: [await this.resolve(to)], exclude: [await this.resolve(from)] };
  }

  async walk(opts: WalkOptions): Promise<CommitNode[]> {
    const args = ['rev-list', '--parents'];
    if (opts.firstParent) args.push('--first-parent');
    if (opts.limit !== undefined) args.push(`--max-count=${opts.limit}`);
    for (const t of opts.tips) checkRev(t);
    for (const x of opts.exclude) checkRev(x);
    args.push(...opts.tips, ...opts.exclude.map((x) => `^${x}`), '--');
    const out = await git(this.dir, args);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [oid, ...parents] = line.split(' ');
        return { oid, parents };
      });
  }

  async readCommits(oids: string[]): Promise<Map<string, CommitRead>> {
    this.batch ??= new CatFileBatch(this.dir);
    const objects = await this.batch.readMany(oids);
    const out = new Map<string, CommitRead>();
    objects.forEach((o, i) => {
      if (!o) out.set(oids[i], { error: 'object not found in the repository' });
      else if (o.type !== 'commit') out.set(oids[i], { error: `object is a ${o.type}, not a commit` });
      else out.set(oids[i], { raw: o.content });
    });
    return out;
  }

  async close(): Promise<void> {
    await this.batch?.close();
    this.batch = undefined;
  }
}
