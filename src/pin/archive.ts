/**
 * The NAR hash of a commit's tree, the hash every pin kind but fetchurl
 * declares: either from GitHub's archive endpoint (streamed with retries and
 * a size limit by nar/fetch) or from a local clone (`git archive` piped into
 * the same in-memory tar hasher). Both strip the archive's single top-level
 * directory, as fetchTarball does, so the result is `nix hash path` of the tree.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import { UserError } from '../core/errors.js';
import { withDownload, type DownloadOptions } from './nar/fetch.js';
import { NixHash } from '../core/nix-hash.js';
import { narHashOfTarball } from './nar/prefetch.js';
import { FULL_COMMIT_ID } from '../core/commit-id.js';

export interface ArchiveHashes {
  /** NAR hash of the unpacked tree (fetchTarball, fetchFromGitHub, flake.lock, niv, npins). */
  nar: NixHash;
  /** Flat hash of the archive bytes (fetchurl); only for downloads. */
  flat?: NixHash;
  /** Bytes downloaded or archived. */
  bytes: number;
}

export interface ArchiveOptions extends DownloadOptions {
  maxUnpackedBytes?: number;
}

/** Downloads `url` once and hashes it both ways; a truncated or oversized body is an error, never a hash. */
export async function hashArchiveUrl(url: string, opts: ArchiveOptions = {}): Promise<ArchiveHashes> {
  return withDownload(
    url,
    async (body) => {
      const flat = createHash('sha256');
      let bytes = 0;
      // Iterated by hand: if the tar reader stops at its end marker, the rest is still read for the flat hash.
      const it = body[Symbol.asyncIterator]();
      const next = async (): Promise<Buffer | undefined> => {
        const r = await it.next();
        if (r.done) return undefined;
        flat.update(r.value);
        bytes += r.value.length;
        return r.value;
      };
      async function* counted(): AsyncGenerator<Buffer> {
        for (let chunk = await next(); chunk; chunk = await next()) yield chunk;
      }
      const r = await narHashOfTarball(counted(), { label: url, maxUnpackedBytes: opts.maxUnpackedBytes });
      while (await next());
      return { nar: r.hash, flat: new NixHash('sha256', flat.digest()), bytes };
    },
    opts,
  );
}

/** `git archive REV` of a local clone, hashed in memory (no checkout, nothing extracted). */
export async function hashCommitTree(repoDir: string, rev: string, opts: { maxUnpackedBytes?: number } = {}): Promise<ArchiveHashes> {
  if (!FULL_COMMIT_ID.test(rev)) throw new UserError(`not a full commit id: ${rev}`);
  const child = spawn('git', ['-C', repoDir, 'archive', '--format=tar', '--prefix=source/', rev], { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
  const exited = new Promise<number>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code) => resolve(code ?? -1));
  });
  let bytes = 0;
  async function* counted(): AsyncGenerator<Buffer> {
    for await (const chunk of child.stdout) {
      bytes += (chunk as Buffer).length;
      yield chunk as Buffer;
    }
  }
  let result: Awaited<ReturnType<typeof narHashOfTarball>>;
  try {
    result = await narHashOfTarball(counted(), { label: `git archive ${rev}`, maxUnpackedBytes: opts.maxUnpackedBytes });
  } finally {
    child.stdout.resume();
  }
  const code = await exited;
  if (code !== 0) throw new UserError(`git archive ${rev} failed: ${stderr.trim().split('\n')[0] ?? `exit ${code}`}`, undefined, repoDir);
  return { nar: result.hash, bytes };
}
