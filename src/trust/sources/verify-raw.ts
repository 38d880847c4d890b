/**
 * Parse one raw commit and check its signatures: the unit of work shared by
 * the in-process path and the worker threads (verify-pool.ts).
 */
import * as openpgp from 'openpgp';
import { parseGitObject, primarySignatureHeader } from '../git-object.js';
import type { KeySet } from '../keyset.js';
import type { GitObject, SignatureVerdict, VerifyOptions } from '../types.js';
import { verifyObject } from '../verify.js';

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
  const verdicts = await verifyObject(splitBlocks ? await splitOpenPgpBlocks(obj) : obj, keys, opts);
  return { oid: c.oid, parents: obj.parents, verdicts, primaryHeader: primarySignatureHeader(obj) };
}

/**
 * One armored OpenPGP block may hold several signature packets (`gpg -u A -u B`),
 * the way a single commit carries several signers. The signature layer judges a
 * block as one signature (and, like git, rejects several packets), so under a
 * policy each packet becomes its own block and gets its own verdict.
 */
export async function splitOpenPgpBlocks(obj: GitObject): Promise<GitObject> {
  const signatures: GitObject['signatures'] = [];
  let changed = false;
  for (const s of obj.signatures) {
    if (!s.armored.trimStart().startsWith('-----BEGIN PGP SIGNATURE-----')) {
      signatures.push(s);
      continue;
    }
    try {
      const parsed = await openpgp.readSignature({ armoredSignature: s.armored });
      if (parsed.packets.length > 1 && parsed.packets.every((p) => p instanceof openpgp.SignaturePacket)) {
        for (const packet of parsed.packets) {
          const list = new openpgp.PacketList<openpgp.SignaturePacket>();
          list.push(packet as openpgp.SignaturePacket);
          signatures.push({ header: s.header, armored: new openpgp.Signature(list).armor() });
        }
        changed = true;
        continue;
      }
    } catch {
      // Unreadable: leave it whole; the signature layer reports it as malformed.
    }
    signatures.push(s);
  }
  return changed ? { ...obj, signatures } : obj;
}
