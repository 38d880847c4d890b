/**
 * Reads image signatures from a containers "lookaside" (sigstore staging)
 * store: `<base>/<repository path>@<algo>=<hex>/signature-N` for N = 1, 2, …
 * until the first one that does not exist, from an http(s) URL or a
 * directory. The repository path has no registry host (docker.io/stagex/x is
 * `stagex/x`), as containers/image lays it out.
 */
import fs from 'node:fs/promises';
import path from 'node:path';
import { describeFsError } from '../core/fs.js';
import { artifactClient, describeHttpFailure, httpStatus, type ArtifactHttpOptions } from './artifact-http.js';

/** More than this many signatures on one image is not a lookaside, it is a loop. */
export const MAX_SIGNATURES = 256;
/** Signature files are under a kilobyte. */
const MAX_SIGNATURE_BYTES = 64 * 1024;

export interface LookasideRead {
  signatures: Buffer[];
  /** Set when reading stopped on a failure rather than at the first missing signature. */
  error?: string;
}

/** `<repository path>@sha256=<hex>`, the directory holding one image's signatures. */
export function signatureDir(repoPath: string, digest: string): string {
  const i = digest.indexOf(':');
  return `${repoPath}@${digest.slice(0, i)}=${digest.slice(i + 1)}`;
}

export function isUrl(lookaside: string): boolean {
  return /^https?:\/\//i.test(lookaside);
}

export async function readSignatures(lookaside: string, repoPath: string, digest: string, opts: ArtifactHttpOptions = {}): Promise<LookasideRead> {
  const dir = signatureDir(repoPath, digest);
  const client = isUrl(lookaside) ? artifactClient(opts) : undefined;
  const signatures: Buffer[] = [];
  for (let n = 1; n <= MAX_SIGNATURES; n++) {
    const got = client ? await fetchOne(client, `${lookaside}/${dir}/signature-${n}`) : await readOne(path.join(lookaside, dir, `signature-${n}`));
    if (got === 'absent') return { signatures };
    if (typeof got === 'string') return { signatures, error: got };
    signatures.push(got.bytes);
  }
  return { signatures, error: `more than ${MAX_SIGNATURES} signatures; stopped reading` };
}

type One = { bytes: Buffer } | 'absent' | string;

async function readOne(file: string): Promise<One> {
  try {
    const st = await fs.stat(file);
    if (!st.isFile()) return `${file}: not a regular file`;
    if (st.size > MAX_SIGNATURE_BYTES) return `${file}: ${st.size} bytes is too large for a signature`;
    return { bytes: await fs.readFile(file) };
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    return code === 'ENOENT' ? 'absent' : `${file}: ${describeFsError(err)}`;
  }
}

async function fetchOne(client: ReturnType<typeof artifactClient>, url: string): Promise<One> {
  try {
    const res = await client.get(url, { responseType: 'buffer' });
    if (res.body.length > MAX_SIGNATURE_BYTES) return `${url}: too large for a signature`;
    return { bytes: res.body };
  } catch (err) {
    // containers/image reads 404, and only 404, as "no more signatures".
    if (httpStatus(err) === 404) return 'absent';
    return `${url}: ${describeHttpFailure(err)}`;
  }
}

/** The lowest N with no signature-N in a lookaside directory (where `sign image` writes next). */
export async function nextFreeIndex(lookasideDir: string, repoPath: string, digest: string): Promise<number> {
  const dir = path.join(lookasideDir, signatureDir(repoPath, digest));
  for (let n = 1; ; n++) {
    try {
      await fs.lstat(path.join(dir, `signature-${n}`));
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return n;
      throw err;
    }
  }
}
