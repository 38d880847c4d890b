import { createHash } from 'node:crypto';
import { promises as fs } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../core/errors.js';
import { decompressTarball } from './decompress.js';
import { narHashOfPath } from './dump-path.js';
import { withDownload, type DownloadOptions } from './fetch.js';
import { NixHash, type HashAlgorithm } from '../../core/nix-hash.js';
import type { NarHashResult } from './nar-writer.js';
import { fixedOutputStorePath, isValidStoreName } from './store-path.js';
import { narHashOfTree, readTarTree, stripSingleTopLevel, type UnpackOptions } from './tar-tree.js';

export interface TarballHashResult extends NarHashResult {
  /** True when the archive's single top-level entry was hashed on its own (nix-prefetch-url --unpack's rule). */
  stripped: boolean;
  topLevelEntries: number;
}

/**
 * NAR hash of a tarball's unpacked tree, computed in memory, equal to
 * `nix-prefetch-url --unpack` (and to `builtins.fetchTarball` whenever the
 * archive has exactly one top-level entry). Accepts plain or compressed tar.
 */
export async function narHashOfTarball(
  input: AsyncIterable<Buffer>,
  opts: UnpackOptions & { algorithm?: HashAlgorithm } = {},
): Promise<TarballHashResult> {
  const label = opts.label ?? 'tarball';
  const root = await readTarTree(decompressTarball(input, label), opts);
  const { node, stripped, topLevelEntries } = stripSingleTopLevel(root);
  return { ...narHashOfTree(node, opts.algorithm), stripped, topLevelEntries };
}

/** Flat hash of a byte stream (nix-prefetch-url without --unpack). */
export async function flatHashOfStream(input: AsyncIterable<Buffer>, algorithm: HashAlgorithm = 'sha256'): Promise<{ hash: NixHash; size: number }> {
  const h = createHash(algorithm);
  let size = 0;
  for await (const chunk of input) {
    h.update(chunk);
    size += chunk.length;
  }
  return { hash: new NixHash(algorithm, h.digest()), size };
}

export interface PrefetchOptions extends DownloadOptions {
  /** Treat the file or URL as a tarball and hash its unpacked tree. */
  unpack?: boolean;
  /** Store path name; default: the last URL/path component. */
  name?: string;
  algorithm?: HashAlgorithm;
  maxUnpackedBytes?: number;
}

export interface PrefetchResult {
  source: string;
  /** `flat`: hash of the bytes; `nar`: hash of the NAR serialisation of a tree. */
  type: 'flat' | 'nar';
  hash: NixHash;
  /** Bytes hashed (flat) or NAR length (nar). */
  size: number;
  /** For --unpack: whether a single top-level entry was stripped, and how many there were. */
  unpack?: { stripped: boolean; topLevelEntries: number };
  /** Store path name used for storePath. */
  name?: string;
  /** The fixed-output store path Nix would give this content under `name`. */
  storePath?: string;
}

const URL_RE = /^[a-z][a-z0-9+.-]*:\/\//i; // any scheme: unsupported ones get a clear error from withDownload

/**
 * Hashes what `source` names, the way the matching Nix tool would:
 * a directory as `nix hash path` (NAR); a file or URL as `nix-prefetch-url`
 * (flat), or with `unpack` as `nix-prefetch-url --unpack` (NAR of the tree).
 */
export async function prefetch(source: string, opts: PrefetchOptions = {}): Promise<PrefetchResult> {
  const algorithm = opts.algorithm ?? 'sha256';
  if (opts.name !== undefined && !isValidStoreName(opts.name)) {
    throw new UserError(`--name '${opts.name}' is not a valid store path name (letters, digits and +-._?= only, not starting with '.')`);
  }
  let result: Omit<PrefetchResult, 'name' | 'storePath'>;
  let defaultName: string;
  if (URL_RE.test(source)) {
    defaultName = source.slice(source.lastIndexOf('/') + 1); // Nix: baseNameOf(uri)
    result = await withDownload(source, (body) => hashBody(source, body, opts.unpack === true, algorithm, opts), opts);
  } else {
    const lst = await fs.lstat(source).catch((err: NodeJS.ErrnoException) => {
      throw new UserError(err.code === 'ENOENT' ? 'no such file or directory' : err.message, undefined, source);
    });
    // A symlink to a file is read through (as nix-prefetch-url file:// does); any other
    // symlink is hashed as the link itself, as `nix hash path` does.
    let st = lst;
    if (lst.isSymbolicLink()) {
      const target = await fs.stat(source).catch(() => undefined);
      if (target?.isFile()) st = target;
    }
    defaultName = path.basename(path.resolve(source));
    if (st.isDirectory() || st.isSymbolicLink()) {
      // A directory is already unpacked: hash it as it stands (--unpack changes nothing).
      const r = await narHashOfPath(source, algorithm);
      result = { source, type: 'nar', hash: r.hash, size: r.narSize };
    } else if (st.isFile()) {
      const fh = await fs.open(source, 'r');
      try {
        result = await hashBody(source, fh.createReadStream({ highWaterMark: 1024 * 1024, autoClose: false }), opts.unpack === true, algorithm, opts);
      } finally {
        await fh.close();
      }
    } else {
      throw new UserError('not a regular file or directory', undefined, source);
    }
  }
  const name = opts.name ?? defaultName;
  if (!isValidStoreName(name)) return result;
  return { ...result, name, storePath: fixedOutputStorePath(name, result.hash, result.type === 'nar') };
}

async function hashBody(
  source: string,
  body: AsyncIterable<Buffer>,
  unpack: boolean,
  algorithm: HashAlgorithm,
  opts: PrefetchOptions,
): Promise<Omit<PrefetchResult, 'name' | 'storePath'>> {
  if (!unpack) {
    const r = await flatHashOfStream(body, algorithm);
    return { source, type: 'flat', hash: r.hash, size: r.size };
  }
  const r = await narHashOfTarball(body, { algorithm, label: source, maxUnpackedBytes: opts.maxUnpackedBytes });
  return { source, type: 'nar', hash: r.hash, size: r.narSize, unpack: { stripped: r.stripped, topLevelEntries: r.topLevelEntries } };
}
