/** `verify-commit` output: one JSON object per line, or text. */
import type { CommitReport } from '../trust/verify-commits/pipeline.js';

/** One JSON object per line; `signatures` keeps every verdict for auditors. */
export function commitReportToJson(c: CommitReport): Record<string, unknown> {
  return {
    rev: c.rev,
    ...(c.requested ? { requested: c.requested } : {}),
    verified: c.verified,
    reason: c.reason,
    detail: c.detail,
    signer: c.signer ?? null,
    key: c.key ?? null,
    algorithm: c.algorithm ?? null,
    signedAt: c.signedAt ?? null,
    signatures: c.signatures.map((v) => ({
      verified: v.verified,
      reason: v.reason,
      detail: v.detail,
      format: v.format,
      key: v.keyFingerprint ?? v.signingKeyId ?? null,
      algorithm: v.algorithm ?? null,
      identity: v.identity ?? null,
      signedAt: v.signedAt ? v.signedAt.toISOString() : null,
    })),
    ...(c.policy ? { policy: c.policy } : {}),
  };
}

export function commitReportToText(c: CommitReport): string {
  const status = c.verified ? 'good' : `NOT VERIFIED (${c.reason})`;
  const facts = [
    c.signer && `signer ${c.signer}`,
    c.key && `key ${c.key}`,
    c.algorithm,
    c.signedAt && `signed ${c.signedAt}`,
  ].filter(Boolean);
  const lines = [`${c.rev}${c.requested && c.requested !== c.rev ? ` (${c.requested})` : ''} ${status}${facts.length ? `: ${facts.join(', ')}` : ''}`];
  if (!c.policy) {
    if (!c.verified) lines.push(`  ${c.detail}`);
  } else {
    for (const n of c.policy.notes) lines.push(`  note: ${n}`);
    for (const r of c.policy.rules) lines.push(`  ${r.satisfied ? 'ok' : 'FAILED'} ${r.explanation}`);
    for (const r of c.policy.rejected) lines.push(`  rejected ${r.key ?? 'signature'}: ${r.why}`);
  }
  return `${lines.join('\n')}\n`;
}
