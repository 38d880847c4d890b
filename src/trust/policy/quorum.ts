/**
 * Quorum rules over signature verdicts: which trusted signers signed a commit,
 * whether a repository's rules hold, and a sentence for every decision. Pure
 * functions: no I/O, no crypto (the verdicts come from the signature layer).
 */
import type { SignatureVerdict } from '../signatures/types.js';
import { PLATFORM_ROLE, type RepositoryPolicy } from './policy.js';
import type { PolicyRule, PolicySigner } from './signers.js';

/** A commit and the verdicts for every signature it carries. */
export interface SignedCommit {
  oid: string;
  parents: string[];
  verdicts: SignatureVerdict[];
}

export interface RejectedSignature {
  verdict: SignatureVerdict;
  why: string;
}

/** Who signed a commit, as far as the policy is concerned. */
export interface CommitSigners {
  /** Signer id → the good verdicts that map to it (a signer counts once however many). */
  trusted: Map<string, { signer: PolicySigner; verdicts: SignatureVerdict[] }>;
  rejected: RejectedSignature[];
}

export interface RuleOutcome {
  rule: PolicyRule;
  satisfied: boolean;
  explanation: string;
}

export interface CommitEvaluation {
  oid: string;
  satisfied: boolean;
  /** Signer ids with a good signature (platform signers included). */
  signers: string[];
  /** Only role=platform signers signed (reported even when the policy accepts it). */
  platformOnly: boolean;
  rejected: RejectedSignature[];
  rules: RuleOutcome[];
  notes: string[];
  /** One line: every rule's explanation, joined. */
  explanation: string;
}

/** Groups good verdicts by policy signer; everything else is rejected with a reason. */
export function identifySigners(verdicts: SignatureVerdict[], index: Map<string, PolicySigner>): CommitSigners {
  const trusted: CommitSigners['trusted'] = new Map();
  const rejected: RejectedSignature[] = [];
  for (const v of verdicts) {
    if (!v.verified) {
      if (v.reason !== 'unsigned') rejected.push({ verdict: v, why: `${v.reason}: ${v.detail}` });
      continue;
    }
    const signer = (v.keyFingerprint && index.get(v.keyFingerprint)) || (v.signingKeyId && index.get(v.signingKeyId.toUpperCase()));
    if (!signer) {
      // Fail closed: a good signature by a key the policy does not list counts for nothing.
      rejected.push({ verdict: v, why: `key ${v.keyFingerprint ?? v.signingKeyId ?? '?'} is not listed for any signer in the policy` });
      continue;
    }
    const entry = trusted.get(signer.id) ?? { signer, verdicts: [] };
    entry.verdicts.push(v);
    trusted.set(signer.id, entry);
  }
  return { trusted, rejected };
}

const PLATFORM_PARTY = 'platform';

/**
 * The parties that count toward `rule`: trusted signers in its set, with
 * platform signers handled per the repository's `platform` mode (ignored, or
 * all together counted as one party whether or not the rule lists them).
 */
function parties(signers: CommitSigners, rule: PolicyRule, repo: RepositoryPolicy): string[] {
  const set = new Set(rule.signers);
  const out: string[] = [];
  let platform = false;
  for (const [id, { signer }] of signers.trusted) {
    if (signer.role === PLATFORM_ROLE) platform = true;
    else if (set.has(id)) out.push(id);
  }
  if (platform && repo.platform === 'count-as-one') out.push(PLATFORM_PARTY);
  return out.sort();
}

const short = (oid: string) => oid.slice(0, 12);
const list = (ids: string[]) => (ids.length ? ids.join(',') : 'nobody');

export function checkThreshold(rule: PolicyRule & { type: 'threshold' }, got: string[]): RuleOutcome {
  const satisfied = got.length >= rule.min;
  return { rule, satisfied, explanation: `threshold: needs ${rule.min} of ${rule.setLabel}; got ${got.length}${got.length ? `: ${got.join(',')}` : ''}` };
}

/**
 * stagex-style review: a merge and each commit it merges are signed by two
 * different trusted parties. A non-merge passes only when two parties co-sign it.
 */
function checkTwoParty(rule: PolicyRule & { type: 'two-party' }, commit: SignedCommit, own: string[], parentParties: (oid: string) => string[] | undefined): RuleOutcome {
  if (commit.parents.length < 2) {
    const satisfied = own.length >= 2;
    return {
      rule,
      satisfied,
      explanation: satisfied
        ? `two-party: co-signed by ${own.join(',')}`
        : `two-party: not a merge and signed by ${list(own)} only; needs a merge signed by a different party from ${rule.setLabel}, or two co-signers`,
    };
  }
  if (own.length === 0) return { rule, satisfied: false, explanation: `two-party: merge not signed by anyone in ${rule.setLabel}` };
  const parts: string[] = [];
  let satisfied = true;
  for (const p of commit.parents.slice(1)) {
    const theirs = parentParties(p);
    if (theirs === undefined) {
      satisfied = false;
      parts.push(`merged commit ${short(p)} could not be read`);
      continue;
    }
    const pair = own.flatMap((a) => theirs.filter((b) => b !== a).map((b) => [a, b]))[0];
    if (pair) parts.push(`merge signed by ${pair[0]}, merged ${short(p)} signed by ${pair[1]}`);
    else {
      satisfied = false;
      parts.push(`merge signed by ${list(own)} and merged ${short(p)} signed by ${list(theirs)}: needs two different parties from ${rule.setLabel}`);
    }
  }
  return { rule, satisfied, explanation: `two-party: ${parts.join('; ')}` };
}

/**
 * Judges one commit against a repository's rules. `lookup` returns the
 * signed form of another commit (merged parents, for two-party); undefined
 * when it cannot be read, which fails that rule.
 */
export function evaluateCommit(
  commit: SignedCommit,
  repo: RepositoryPolicy,
  index: Map<string, PolicySigner>,
  lookup: (oid: string) => SignedCommit | undefined,
): CommitEvaluation {
  const signers = identifySigners(commit.verdicts, index);
  const ids = [...signers.trusted.keys()].sort();
  const platformIds = ids.filter((id) => signers.trusted.get(id)!.signer.role === PLATFORM_ROLE);
  const platformOnly = platformIds.length > 0 && platformIds.length === ids.length;
  const notes: string[] = [];
  if (platformOnly) notes.push(`centralised trust: only the platform key signed this (${platformIds.join(',')})`);
  if (ids.length === 0) {
    const unsigned = commit.verdicts.length === 0 || commit.verdicts.every((v) => v.reason === 'unsigned');
    notes.push(unsigned ? 'unsigned' : 'no good signature by a signer in the policy');
  }

  let rules: RuleOutcome[];
  if (platformIds.length > 0 && repo.platform === 'sufficient') {
    notes.push('accepted on the platform signature alone (policy: platform = "sufficient")');
    rules = repo.rules.map((rule) => ({ rule, satisfied: true, explanation: `${rule.type}: waived, platform signature by ${platformIds.join(',')} is sufficient` }));
  } else {
    const parentCache = new Map<string, CommitSigners | undefined>();
    rules = repo.rules.map((rule) => {
      const own = parties(signers, rule, repo);
      if (rule.type === 'threshold') return checkThreshold(rule, own);
      return checkTwoParty(rule, commit, own, (oid) => {
        if (!parentCache.has(oid)) {
          const c = lookup(oid);
          parentCache.set(oid, c && identifySigners(c.verdicts, index));
        }
        const s = parentCache.get(oid);
        return s && parties(s, rule, repo);
      });
    });
  }
  const satisfied = rules.every((r) => r.satisfied);
  return {
    oid: commit.oid,
    satisfied,
    signers: ids,
    platformOnly,
    rejected: signers.rejected,
    rules,
    notes,
    explanation: rules.map((r) => `${r.satisfied ? 'ok' : 'FAILED'} ${r.explanation}`).join('; '),
  };
}

export type RootStatus = 'root' | 'descendant' | 'outside';

/**
 * Which commits descend from the trust root (sequoia-git / Guix channel
 * introductions). `commits` is the walked set with parents; a commit descends
 * when it is the root or one of its parents in the set descends. Everything
 * else, including commits before the root, is `outside`: not covered by the policy.
 */
export function classifyTrustRoot(commits: { oid: string; parents: string[] }[], root: string): Map<string, RootStatus> {
  const byOid = new Map(commits.map((c) => [c.oid, c]));
  const status = new Map<string, RootStatus>();
  const visiting = new Set<string>();
  for (const c of commits) {
    // Iterative post-order walk over parents: histories are too deep for recursion.
    const stack = [c.oid];
    while (stack.length) {
      const oid = stack[stack.length - 1];
      if (status.has(oid)) {
        stack.pop();
        continue;
      }
      if (oid === root) {
        status.set(oid, 'root');
        stack.pop();
        continue;
      }
      visiting.add(oid);
      const parents = (byOid.get(oid)?.parents ?? []).filter((p) => p === root || byOid.has(p));
      const pending = parents.filter((p) => !status.has(p) && !visiting.has(p));
      if (pending.length) {
        stack.push(...pending);
        continue;
      }
      // Parents outside the walked set (or, in corrupt input, on a cycle) do not descend.
      const s = status;
      status.set(oid, parents.some((p) => s.has(p) && s.get(p) !== 'outside') ? 'descendant' : 'outside');
      visiting.delete(oid);
      stack.pop();
    }
  }
  return status;
}
