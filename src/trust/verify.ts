/**
 * Entry point of the signature layer: one verdict per signature on a git
 * object. Anything not positively verified is `verified: false` with a reason.
 */
import { primarySignatureHeader, signatureFormatOf } from './git-object.js';
import type { KeySet } from './keyset.js';
import { verifyOpenPgpSignatures } from './openpgp.js';
import { verifySshSignature } from './ssh-verify.js';
import type { GitObject, SignatureVerdict, VerifyOptions } from './types.js';

/** One verdict per signature found (empty: the object is unsigned). Never throws on bad signatures. */
export async function verifyObject(obj: GitObject, keys: KeySet, opts: VerifyOptions = {}): Promise<SignatureVerdict[]> {
  const out: SignatureVerdict[] = [];
  for (const s of obj.signatures) {
    for (const v of await verifyOne(s.armored, obj, keys, opts)) out.push({ ...v, header: s.header });
  }
  return out;
}

/**
 * A single verdict for the object: a verified signature if any (every signature
 * header covers the same payload), else the verdict for the header git itself
 * checks, else `unsigned`.
 */
export async function verifyObjectSummary(obj: GitObject, keys: KeySet, opts: VerifyOptions = {}): Promise<SignatureVerdict> {
  const verdicts = await verifyObject(obj, keys, opts);
  if (verdicts.length === 0) return { verified: false, reason: 'unsigned', detail: `${obj.type} has no signature`, format: 'unknown' };
  const primary = primarySignatureHeader(obj);
  return verdicts.find((v) => v.verified) ?? verdicts.find((v) => v.header === primary) ?? verdicts[0]!;
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
