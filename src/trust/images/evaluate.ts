/**
 * Judges one image against its `[[images]]` entry: every signature read from
 * the lookaside is checked (OpenPGP, then payload, digest and identity), the
 * good ones are mapped to policy signers by primary key, and each threshold
 * rule counts distinct signers. A signer counts once however many signatures
 * or subkeys it has. No I/O here: the signatures come from the caller.
 */
import type { KeySet } from '../signatures/keyset.js';
import { verifySignaturePackets } from '../signatures/openpgp/verify.js';
import type { SignatureVerdict } from '../signatures/types.js';
import type { ImagePolicy } from '../policy/artifacts.js';
import type { PolicySigner } from '../policy/signers.js';
import { checkThreshold, identifySigners } from '../policy/quorum.js';
import { parsePayload } from './payload.js';
import { identityMatches, refString, type ImageRef } from './reference.js';
import { readSignedMessage } from './signed-message.js';

/** Why one signature does or does not count. */
export type ImageSignatureReason =
  | 'good'
  | SignatureVerdict['reason']
  | 'non-standard'
  | 'digest-mismatch'
  | 'identity-mismatch'
  | 'signer-not-in-rule'
  | 'duplicate-signer';

export interface ImageSignatureReport {
  /** N of `signature-N`. */
  index: number;
  /** Counted toward the rules. */
  counted: boolean;
  reason: ImageSignatureReason;
  detail: string;
  signer?: string;
  /** Primary key fingerprint. */
  key?: string;
  /** The (sub)key that made the signature. */
  signingKey?: string;
  /** `docker-reference` from the payload. */
  identity?: string;
  signedAt?: string;
}

export type ImageReason = 'good' | 'policy' | 'unsigned' | 'lookaside-error';

export interface ImageVerdict {
  /** The reference as judged (canonical). */
  ref: string;
  digest: string;
  verified: boolean;
  reason: ImageReason;
  detail: string;
  /** Distinct signer ids counted. */
  signers: string[];
  rules: { type: 'threshold'; satisfied: boolean; explanation: string }[];
  signatures: ImageSignatureReport[];
  /** The prefix of the policy entry that applied. */
  policy: string;
}

/** An image's verdict with how it was asked for. */
export interface ImageResult extends ImageVerdict {
  /** The reference as given. */
  requested: string;
  /** The tag that was resolved to `digest` through the registry, when one was. */
  resolvedTag?: string;
}

export interface ImageInput {
  /** The reference the user asked for (tag or digest), normalised. */
  intended: ImageRef;
  /** The manifest digest being judged (`sha256:…`). */
  digest: string;
  /** Signature files in lookaside order (signature-1 first). */
  signatures: Uint8Array[];
  /** Set when reading the lookaside failed part-way: what was read still counts. */
  lookasideError?: string;
  entry: ImagePolicy;
  keys: KeySet;
  /** Key fingerprint (primary or subkey) → signer. */
  index: Map<string, PolicySigner>;
  now?: Date;
}

export async function evaluateImage(input: ImageInput): Promise<ImageVerdict> {
  const { entry, digest } = input;
  const reports: ImageSignatureReport[] = [];
  const good: { report: ImageSignatureReport; verdict: SignatureVerdict }[] = [];
  for (const [i, bytes] of input.signatures.entries()) {
    const { report, verdict } = await checkSignature(i + 1, bytes, input);
    reports.push(report);
    if (verdict) good.push({ report, verdict });
  }

  // Distinct primary keys, then distinct signers: identifySigners maps every good verdict by its primary key.
  const { trusted } = identifySigners(
    good.map((g) => g.verdict),
    input.index,
  );
  const inRules = new Set(entry.rules.flatMap((r) => r.signers));
  const counted = new Set<string>();
  for (const g of good) {
    const signer = [...trusted.values()].find((t) => t.verdicts.includes(g.verdict))?.signer;
    if (!signer) {
      Object.assign(g.report, { reason: 'unknown-key', detail: `key ${g.verdict.keyFingerprint} is not listed for any signer` });
      continue;
    }
    g.report.signer = signer.id;
    if (!inRules.has(signer.id)) {
      Object.assign(g.report, { reason: 'signer-not-in-rule', detail: `good signature by ${signer.id}, who is in no rule for ${entry.prefix}` });
    } else if (counted.has(signer.id)) {
      Object.assign(g.report, { reason: 'duplicate-signer', detail: `good signature, but ${signer.id} is already counted (a signer counts once)` });
    } else {
      counted.add(signer.id);
      Object.assign(g.report, { counted: true, reason: 'good', detail: `good signature by ${signer.id}` });
    }
  }

  const signers = [...counted].sort();
  const rules = entry.rules.map((rule) => {
    const outcome = checkThreshold(rule, signers.filter((id) => rule.signers.includes(id)));
    return { type: 'threshold' as const, satisfied: outcome.satisfied, explanation: outcome.explanation };
  });
  const satisfied = rules.every((r) => r.satisfied);
  let reason: ImageReason = satisfied ? 'good' : 'policy';
  let detail = rules.map((r) => `${r.satisfied ? 'ok' : 'FAILED'} ${r.explanation}`).join('; ');
  if (!satisfied && input.lookasideError) {
    reason = 'lookaside-error';
    detail = `${detail}; lookaside: ${input.lookasideError}`;
  } else if (!satisfied && input.signatures.length === 0) {
    reason = 'unsigned';
    detail = `no signatures in the lookaside; ${detail}`;
  }
  return { ref: refString(input.intended), digest, verified: satisfied, reason, detail, signers, rules, signatures: reports, policy: entry.prefix };
}

async function checkSignature(index: number, bytes: Uint8Array, input: ImageInput): Promise<{ report: ImageSignatureReport; verdict?: SignatureVerdict }> {
  const report: ImageSignatureReport = { index, counted: false, reason: 'malformed', detail: '' };
  const fail = (reason: ImageSignatureReason, detail: string) => ({ report: Object.assign(report, { reason, detail }) });
  const message = await readSignedMessage(bytes);
  if (!message.ok) return fail('malformed', message.detail);

  // The cryptography and the key's state first, as containers/image does, then what was signed.
  let verdict: SignatureVerdict;
  try {
    [verdict] = (await verifySignaturePackets([message.signature], message.payload, input.keys, input.now ? { now: input.now } : {})) as [SignatureVerdict];
  } catch (e) {
    return fail('malformed', `cannot check signature: ${(e as Error).message.split('\n')[0]}`);
  }
  if (verdict.keyFingerprint) report.key = verdict.keyFingerprint;
  if (verdict.signingKeyId) report.signingKey = verdict.signingKeyId;
  if (verdict.signedAt) report.signedAt = verdict.signedAt.toISOString();
  if (!verdict.verified) return fail(verdict.reason, verdict.detail);

  const payload = parsePayload(message.payload);
  if (!payload.ok) return fail(payload.reason, payload.detail);
  report.identity = payload.identity;
  if (payload.digest !== input.digest) return fail('digest-mismatch', `signed digest ${payload.digest} is not the image's ${input.digest}`);
  if (!identityMatches(input.intended, payload.identity, input.entry.remap)) {
    const remap = input.entry.remap ? ` (remapped ${input.entry.remap.prefix} → ${input.entry.remap.signedPrefix})` : '';
    return fail('identity-mismatch', `signed identity ${JSON.stringify(payload.identity)} does not match ${refString(input.intended)}${remap}`);
  }
  return { report, verdict };
}
