/**
 * Parse one raw commit and check its signatures: the unit of work shared by
 * the in-process path and the worker threads (pool.ts).
 */
import { parseGitObject, primarySignatureHeader } from '../signatures/git-object.js';
import type { KeySet } from '../signatures/keyset.js';
import type { GitObject, SignatureVerdict, VerifyOptions } from '../signatures/types.js';
import { verifyObject } from '../signatures/verify.js';

export interface RawCommit {
  oid: string;
  raw: Buffer;
}

/** Structured-clone friendly: it crosses worker boundaries. */
export interface VerifiedCommit {
  oid: string;
  parents: string[];
  verdicts: SignatureVerdict[];
  /** The signature header git itself checks (gpgsig, or gpgsig-sha256 in sha256 repositories). */
  primaryHeader?: string;
  /** Why the commit could not be checked at all. */
  error?: string;
}

export async function verifyRawCommit(c: RawCommit, keys: KeySet, opts: VerifyOptions, splitBlocks: boolean): Promise<VerifiedCommit> {
  let obj: GitObject;
  try {
    obj = parseGitObject(c.raw, 'commit', c.oid);
  } catch (err) {
    return { oid: c.oid, parents: [], verdicts: [], error: `malformed commit: ${(err as Error).message}` };
  }
  // Under a policy every signer counts: a block of several signature packets
  // (`gpg -u A -u B`) gives one verdict per packet, read by the signature layer's
  // strict armour reader (CRC-24 checked), so a damaged block never splits into good parts.
  const verdicts = await verifyObject(obj, keys, splitBlocks ? { ...opts, splitSignaturePackets: true } : opts);
  return { oid: c.oid, parents: obj.parents, verdicts, primaryHeader: primarySignatureHeader(obj) };
}
