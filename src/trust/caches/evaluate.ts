/**
 * Judges one store path against a `[[caches]]` entry from the narinfos every
 * cache returned. Agreement first: caches that disagree on NarHash or NarSize
 * are an alarm (a non-reproducible build or a compromised cache), whatever
 * the signatures say. Then the quorum: distinct trusted signers whose
 * signatures verify over one and the same fingerprint, across all caches.
 * A cache that failed or lacks the path is reported and counts for nothing.
 */
import type { CachePolicy } from '../policy/artifacts.js';
import { checkThreshold } from '../policy/quorum.js';
import { fingerprint, parseNarInfo, type NarInfo } from './narinfo.js';
import { parseNixSignature, verifyNixSignature, type NixPublicKey } from './nix-signature.js';
import { verifyEd25519All } from './verify-pool.js';
import type { CacheAnswer } from '../../sources/narinfo.js';


export type CacheSignatureReason = 'good' | 'unknown-key' | 'bad-signature' | 'malformed' | 'signer-not-in-rule';

export interface CacheReport {
  url: string;
  status: 'found' | 'absent' | 'error' | 'malformed';
  detail?: string;
  narHash?: string;
  narSize?: number;
  signatures: { key: string; reason: CacheSignatureReason; signer?: string }[];
}

export type PathReason = 'good' | 'disagree' | 'policy' | 'absent' | 'cache-error';

export interface PathVerdict {
  path: string;
  verified: boolean;
  reason: PathReason;
  detail: string;
  /** Distinct signer ids counted toward the rules. */
  signers: string[];
  /** NarHash and NarSize agree across the caches that have the path. */
  agree: boolean;
  caches: CacheReport[];
}

/** Trusted Nix keys by name, each with its owner. */
export type NixKeyIndex = Map<string, { key: NixPublicKey; signer: string }>;

/** One Ed25519 check a narinfo asks for. */
interface Check {
  key: NixPublicKey;
  fp: string;
  signature: Buffer;
  id: string;
}

/**
 * Signature checks for this run. An Ed25519 check is a pure function of key,
 * message and signature, and the same signature often sits in several caches
 * (`nix copy` keeps them): each triple is checked once. `prepare` runs the
 * checks on every core (verify-pool.ts); `evaluatePath` then only looks results up.
 */
export class SignatureMemo {
  private readonly results = new Map<string, boolean>();

  private static id(key: NixPublicKey, fp: string, sigText: string): string {
    return `${key.text}\n${fp}\n${sigText}`;
  }

  /** Checks every trusted-key signature in `parsed` not checked yet. */
  async prepare(parsed: ParsedAnswer[], keys: NixKeyIndex): Promise<void> {
    const todo = new Map<string, Check>();
    for (const p of parsed) {
      if (p.status !== 'found') continue;
      for (const sigText of p.info.sigs) {
        const sig = parseNixSignature(sigText);
        const trusted = sig && keys.get(sig.name);
        if (!sig || !trusted) continue;
        const id = SignatureMemo.id(trusted.key, p.fp, sigText);
        if (!this.results.has(id) && !todo.has(id)) todo.set(id, { key: trusted.key, fp: p.fp, signature: sig.signature, id });
      }
    }
    const list = [...todo.values()];
    const results = await verifyEd25519All(list.map((c) => ({ key: c.key.bytes, message: c.fp, signature: c.signature })));
    list.forEach((c, i) => this.results.set(c.id, results[i]!));
  }

  verify(key: NixPublicKey, fp: string, signature: Buffer, sigText: string): boolean {
    const id = SignatureMemo.id(key, fp, sigText);
    let ok = this.results.get(id);
    if (ok === undefined) {
      ok = verifyNixSignature(key, fp, signature);
      this.results.set(id, ok);
    }
    return ok;
  }
}

/** A cache's answer with its narinfo parsed and fingerprinted. */
export type ParsedAnswer =
  | { url: string; status: 'found'; info: NarInfo; fp: string }
  | { url: string; status: 'absent' | 'error' | 'malformed'; detail?: string };

export function parseAnswers(storePath: string, answers: CacheAnswer[]): ParsedAnswer[] {
  return answers.map((a): ParsedAnswer => {
    if (a.status === 'absent') return { url: a.url, status: 'absent' };
    if (a.status === 'error') return { url: a.url, status: 'error', detail: a.error };
    const parsed = parseNarInfo(a.text, storePath);
    if (!parsed.ok) return { url: a.url, status: 'malformed', detail: parsed.detail };
    return { url: a.url, status: 'found', info: parsed.info, fp: fingerprint(parsed.info) };
  });
}

export function evaluatePath(storePath: string, answers: ParsedAnswer[], entry: CachePolicy, keys: NixKeyIndex, memo: SignatureMemo): PathVerdict {
  const inRules = new Set(entry.rules.flatMap((r) => r.signers));
  const caches: CacheReport[] = [];
  // Signers per fingerprint: a quorum must be over one content, never assembled from two.
  const byFingerprint = new Map<string, { info: NarInfo; signers: Set<string> }>();
  for (const a of answers) {
    if (a.status !== 'found') {
      caches.push({ url: a.url, status: a.status, ...(a.detail !== undefined ? { detail: a.detail } : {}), signatures: [] });
      continue;
    }
    const { info, fp } = a;
    const group = byFingerprint.get(fp) ?? { info, signers: new Set<string>() };
    byFingerprint.set(fp, group);
    const report: CacheReport = { url: a.url, status: 'found', narHash: info.narHash, narSize: info.narSize, signatures: [] };
    for (const sigText of info.sigs) {
      const sig = parseNixSignature(sigText);
      if (!sig) {
        report.signatures.push({ key: sigText.split(':')[0] ?? '', reason: 'malformed' });
        continue;
      }
      const trusted = keys.get(sig.name);
      if (!trusted) {
        report.signatures.push({ key: sig.name, reason: 'unknown-key' });
        continue;
      }
      if (!memo.verify(trusted.key, fp, sig.signature, sigText)) {
        report.signatures.push({ key: sig.name, reason: 'bad-signature', signer: trusted.signer });
        continue;
      }
      const reason = inRules.has(trusted.signer) ? 'good' : 'signer-not-in-rule';
      report.signatures.push({ key: sig.name, reason, signer: trusted.signer });
      if (reason === 'good') group.signers.add(trusted.signer);
    }
    caches.push(report);
  }

  const found = caches.filter((c) => c.status === 'found');
  const contents = new Set(found.map((c) => `${c.narHash} ${c.narSize}`));
  const agree = contents.size <= 1;
  const base = { path: storePath, agree, caches };
  if (!agree && entry.agree) {
    const what = found.map((c) => `${c.url}: ${c.narHash} ${c.narSize}`).join('; ');
    return { ...base, verified: false, reason: 'disagree', detail: `ALARM: caches disagree on NarHash/NarSize (non-reproducible build or compromised cache): ${what}`, signers: [] };
  }

  // The best-signed content decides (with agreement required there is at most one).
  let best: { signers: string[]; outcomes: ReturnType<typeof checkThreshold>[] } | undefined;
  for (const group of byFingerprint.values()) {
    const signers = [...group.signers].sort();
    const outcomes = entry.rules.map((rule) => checkThreshold(rule, signers.filter((id) => rule.signers.includes(id))));
    const score = outcomes.filter((o) => o.satisfied).length * 1000 + signers.length;
    const bestScore = best ? best.outcomes.filter((o) => o.satisfied).length * 1000 + best.signers.length : -1;
    if (score > bestScore) best = { signers, outcomes };
  }
  const outcomes = best?.outcomes ?? entry.rules.map((rule) => checkThreshold(rule, []));
  const signers = best?.signers ?? [];
  const verified = outcomes.every((o) => o.satisfied);
  let detail = outcomes.map((o) => `${o.satisfied ? 'ok' : 'FAILED'} ${o.explanation}`).join('; ');
  let reason: PathReason = verified ? 'good' : 'policy';
  const failed = caches.filter((c) => c.status === 'error' || c.status === 'malformed');
  if (!verified && found.length === 0 && failed.length === 0) {
    reason = 'absent';
    detail = `no cache has this path; ${detail}`;
  } else if (!verified && failed.length > 0) {
    reason = 'cache-error';
    detail = `${detail}; ${failed.map((c) => `${c.url}: ${c.detail}`).join('; ')}`;
  }
  if (!agree) detail = `caches disagree on NarHash/NarSize (allowed: agree = false); ${detail}`;
  return { ...base, verified, reason, detail, signers };
}
