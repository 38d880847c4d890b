/**
 * Renderers for `verify image` and `verify cache`: text for people (every
 * string from a registry, lookaside or cache escaped) and one JSON object per
 * line for programs.
 */
import { escapeControl } from '../core/escape.js';
import type { ImageResult } from '../trust/images/evaluate.js';
import type { PathVerdict } from '../trust/caches/evaluate.js';

const short = (digest: string) => digest.replace(/^(sha256:[0-9a-f]{12})[0-9a-f]+$/, '$1…');

export function imageResultToText(r: ImageResult): string {
  const from = r.resolvedTag !== undefined ? `, tag ${r.resolvedTag} resolved` : '';
  const status = r.verified ? `good: signed by ${r.signers.join(', ')}` : `NOT VERIFIED (${r.reason})${r.signers.length ? `: counted ${r.signers.join(', ')}` : ''}`;
  const lines = [`${r.ref} (${r.digest}${from}) ${status}`];
  for (const rule of r.rules) lines.push(`  ${rule.satisfied ? 'ok' : 'FAILED'} ${rule.explanation}`);
  if (!r.verified && r.reason !== 'policy') lines.push(`  ${r.detail}`);
  for (const s of r.signatures) {
    const who = [s.signer, s.key && `key ${s.key}`, s.identity !== undefined && `identity ${JSON.stringify(s.identity)}`].filter(Boolean).join(', ');
    lines.push(`  signature-${s.index} ${s.counted ? 'counted' : `not counted (${s.reason})`}${who ? `: ${who}` : ''}${s.counted ? '' : `: ${s.detail}`}`);
  }
  return `${lines.map(escapeControl).join('\n')}\n`;
}

export function imageResultToJson(r: ImageResult): Record<string, unknown> {
  return {
    ref: r.ref,
    requested: r.requested,
    digest: r.digest,
    ...(r.resolvedTag !== undefined ? { resolvedTag: r.resolvedTag } : {}),
    verified: r.verified,
    reason: r.reason,
    detail: r.detail,
    signers: r.signers,
    policy: r.policy,
    rules: r.rules,
    signatures: r.signatures,
  };
}

export function pathVerdictToText(r: PathVerdict): string {
  const status = r.verified ? `good: signed by ${r.signers.join(', ')}` : `${r.reason === 'disagree' ? 'ALARM ' : ''}NOT VERIFIED (${r.reason})`;
  const lines = [`${r.path} ${status}`, `  ${r.detail}`];
  for (const c of r.caches) {
    const sigs = c.signatures.map((s) => `${s.key} ${s.reason}`).join(', ');
    const facts = c.status === 'found' ? `${short(c.narHash!)} ${c.narSize}${sigs ? `; ${sigs}` : '; no signatures'}` : (c.detail ?? '');
    lines.push(`  ${c.url}: ${c.status}${facts ? `: ${facts}` : ''}`);
  }
  return `${lines.map(escapeControl).join('\n')}\n`;
}

export function pathVerdictToJson(r: PathVerdict): Record<string, unknown> {
  return { path: r.path, verified: r.verified, reason: r.reason, detail: r.detail, signers: r.signers, agree: r.agree, caches: r.caches };
}
