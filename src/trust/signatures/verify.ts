/**
 * Entry point of the signature layer: one verdict per signature on a git
 * object. Anything not positively verified is `verified: false` with a reason.
 */
import { primarySignatureHeader, signatureFormatOf } from './git-object.js';
import type { KeySet } from './keyset.js';
import { verifyOpenPgpSignatures } from './openpgp/verify.js';
import { verifySshSignature } from './ssh/verify.js';
import type { GitObject, SignatureVerdict, VerifyOptions } from './types.js';

/**
 * One verdict per signature in the header git itself checks (empty: unsigned, as git
 * sees it). A signature under the other hash's header (`gpgsig-sha256` in a SHA-1
 * repository, `gpgsig` in a SHA-256 one) is not counted: git ignores it, and a verdict
 * that git would not give is not one we may give. Never throws on bad signatures.
 */
export async function verifyObject(obj: GitObject, keys: KeySet, opts: VerifyOptions = {}): Promise<SignatureVerdict[]> {
  const out: SignatureVerdict[] = [];
  const primary = primarySignatureHeader(obj);
  for (const s of obj.signatures) {
    if (s.header !== primary) continue;
    for (const v of await verifyOne(s.armored, obj, keys, opts)) out.push({ ...v, header: s.header });
  }
  return out;
}

/**
 * A single verdict for the object: a verified signature in the header git checks
 * if any, else that header's first verdict, else `unsigned`.
 */
export async function verifyObjectSummary(obj: GitObject, keys: KeySet, opts: VerifyOptions = {}): Promise<SignatureVerdict> {
  const verdicts = await verifyObject(obj, keys, opts);
  if (verdicts.length === 0) return { verified: false, reason: 'unsigned', detail: `${obj.type} has no signature`, format: 'unknown' };
  return verdicts.find((v) => v.verified) ?? verdicts[0]!;
}

async function verifyOne(armored: string, obj: GitObject, keys: KeySet, opts: VerifyOptions): Promise<SignatureVerdict[]> {
  try {
    switch (signatureFormatOf(armored)) {
      case 'openpgp':
        return await verifyOpenPgpSignatures(armored, obj.payload, keys, opts);
      case 'ssh':
        return [verifySshSignature(armored, obj.payload, keys, objectTimestamp(obj), opts)];
      case 'x509':
        return [{ verified: false, reason: 'unsupported-format', detail: 'x509/CMS (gitsign) signatures are not supported', format: 'x509' }];
      default:
        return [{ verified: false, reason: 'unsupported-format', detail: 'unrecognised signature format', format: 'unknown' }];
    }
  } catch (e) {
    // Fail closed on anything unforeseen in a third-party parser.
    return [{ verified: false, reason: 'malformed', detail: `cannot check signature: ${(e as Error).message}`.replace(/\s*\n\s*/g, ' '), format: signatureFormatOf(armored) }];
  }
}

/** Seconds since the epoch from the committer (commit) or tagger (tag) line, as git reads it. */
export function objectTimestamp(obj: GitObject): number | undefined {
  const m = /> (\d+)(?: [+-]\d{4})?\s*$/.exec(obj.committer ?? '');
  return m ? Number(m[1]) : undefined;
}
