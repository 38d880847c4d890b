/**
 * Judges one annotated tag object the way commits are judged: its signature is
 * checked locally by the signature layer and, under a policy, counted against
 * the repository's rules as a non-merge object (a tag has no parents). Without
 * a policy, git's rule: every signature in the tag verifies with the given keys.
 * The tag must also say what the caller expects (its name, and the object it
 * points at), so a signed tag for another name or commit never counts.
 */
import { MalformedObjectError, parseGitObject } from '../signatures/git-object.js';
import { loadKeySet } from '../signatures/keyset.js';
import { verifyObject } from '../signatures/verify.js';
import { signerIndex, type RepositoryPolicy, type TrustPolicy } from '../policy/policy.js';
import { evaluateCommit } from '../policy/quorum.js';
import { policyKeySources } from './pipeline.js';

export interface TagCheck {
  /** Raw tag object (`git cat-file tag`), and its id. */
  raw: Buffer;
  oid: string;
  /** The tag name the object must carry. */
  name: string;
  /** The object id it must point at. */
  object: string;
  /** With a policy: the repository entry whose rules apply. */
  policy?: TrustPolicy;
  repository?: RepositoryPolicy;
  keyrings?: string[];
  allowedSigners?: string;
  now?: Date;
}

export interface TagReport {
  oid: string;
  verified: boolean;
  /** 'good', 'malformed', 'wrong-tag', 'unsigned', a signature FailureReason, or 'policy'. */
  reason: string;
  detail: string;
  /** Policy signer ids (policy) or signer identities (keys) with a good signature. */
  signers: string[];
}

export async function verifyTag(c: TagCheck): Promise<TagReport> {
  const fail = (reason: string, detail: string): TagReport => ({ oid: c.oid, verified: false, reason, detail, signers: [] });
  let obj;
  try {
    obj = parseGitObject(c.raw, 'tag', c.oid);
  } catch (err) {
    if (err instanceof MalformedObjectError) return fail('malformed', err.message);
    throw err;
  }
  const header = (name: string) => obj.headers.find((h) => h.name === name)?.value;
  if (header('tag') !== c.name) return fail('wrong-tag', `the tag object is for tag ${JSON.stringify(header('tag'))}, not ${c.name}`);
  if (header('object') !== c.object) return fail('wrong-tag', `the tag object points at ${header('object')}, not ${c.object}`);
  const usePolicy = c.policy !== undefined && c.repository !== undefined;
  const keys = await loadKeySet(usePolicy ? policyKeySources(c.policy!) : { keyrings: c.keyrings ?? [], ...(c.allowedSigners ? { allowedSigners: c.allowedSigners } : {}) });
  const verdicts = await verifyObject(obj, keys, { ...(c.now ? { now: c.now } : {}), ...(usePolicy ? { ...c.repository!.crypto, splitSignaturePackets: true } : {}) });
  if (verdicts.length === 0) return fail('unsigned', 'the tag object has no signature');
  if (usePolicy) {
    const e = evaluateCommit({ oid: c.oid, parents: [], verdicts }, c.repository!, signerIndex(c.policy!), () => undefined);
    return { oid: c.oid, verified: e.satisfied, reason: e.satisfied ? 'good' : 'policy', detail: e.explanation, signers: e.signers };
  }
  const bad = verdicts.find((v) => !v.verified);
  if (bad) return fail(bad.reason, bad.detail);
  return { oid: c.oid, verified: true, reason: 'good', detail: 'good signature', signers: verdicts.map((v) => v.identity ?? v.keyFingerprint ?? '?') };
}
