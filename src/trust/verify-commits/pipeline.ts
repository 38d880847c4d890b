/**
 * Verifies commits from a CommitSource: picks the commits (revisions, a
 * range, a history walk, or everything since a trust root), reads them in
 * bulk, checks every signature locally with the signature layer and, when a
 * policy is given, judges each commit against the repository's quorum rules.
 * One report per commit; nothing here prints or exits.
 */
import { UserError } from '../../core/errors.js';
import { loadKeySet, type KeySet, type KeySetSources } from '../signatures/keyset.js';
import { selectRepository, signerIndex, type RepositoryPolicy, type TrustPolicy } from '../policy/policy.js';
import { classifyTrustRoot, evaluateCommit, type CommitEvaluation, type RootStatus, type SignedCommit } from '../policy/quorum.js';
import type { SignatureVerdict, VerifyOptions } from '../signatures/types.js';
import type { CommitNode, CommitSource } from '../../sources/types.js';
import { VerifyPool, verifyInProcess } from './pool.js';
import type { RawCommit, VerifiedCommit } from './verify-raw.js';
import { FULL_COMMIT_ID as OID } from '../../core/commit-id.js';

export interface RangeCapable extends CommitSource {
  resolveRange(range: string): Promise<{ tips: string[]; exclude: string[] }>;
}

export interface VerifyCommitsOptions {
  source: RangeCapable;
  /** Revisions as the user wrote them; default: the policy's branch, else HEAD. */
  revs?: string[];
  /** `A..B`: every commit in B not in A. */
  range?: string;
  /** Walk only first parents (with --range, --limit or a trust root). */
  firstParent?: boolean;
  /** Walk at most N commits back from each revision. */
  limit?: number;
  /** Without a policy: OpenPGP keyring files and an SSH allowed-signers file. */
  keyrings?: string[];
  allowedSigners?: string;
  policy?: TrustPolicy;
  /** "Now" for key expiry (tests). */
  now?: Date;
  /** Progress: commits verified so far, of how many (the commits asked for; not merged parents read for two-party rules). */
  onProgress?: (verified: number, total: number) => void;
}

export interface PolicyReport {
  repository: string;
  satisfied: boolean;
  signers: string[];
  platformOnly: boolean;
  rules: { type: string; satisfied: boolean; explanation: string }[];
  rejected: { key?: string; reason: string; why: string }[];
  notes: string[];
  trustRoot?: RootStatus;
}

export interface CommitReport {
  /** Full commit id. */
  rev: string;
  /** The revision as given, when it was given explicitly. */
  requested?: string;
  verified: boolean;
  /** 'good', a signature FailureReason, or 'policy' / 'outside-trust-root' / 'unreadable'. */
  reason: string;
  detail: string;
  signer?: string;
  key?: string;
  algorithm?: string;
  signedAt?: string;
  signatures: SignatureVerdict[];
  policy?: PolicyReport;
}

export interface VerifyCommitsResult {
  repository?: RepositoryPolicy;
  commits: CommitReport[];
  /** Keys that could not be read (they verify nothing), and similar things worth telling. */
  warnings: string[];
}

interface Target {
  oid: string;
  requested?: string;
}


export async function verifyCommits(opts: VerifyCommitsOptions): Promise<VerifyCommitsResult> {
  const { source, policy } = opts;
  const repository = policy ? await pickRepository(source, policy, opts.revs) : undefined;
  const keySources = policy ? policyKeySources(policy) : { keyrings: opts.keyrings ?? [], ...(opts.allowedSigners ? { allowedSigners: opts.allowedSigners } : {}) };
  const keys = await loadKeySet(keySources);
  const verifier: Verifier = { keys, keySources, opts: verifyOptionsFor(opts, repository), splitBlocks: policy !== undefined };

  const { targets, graph } = await selectTargets(opts, repository);
  const root = repository?.trustRoot;

  // Read and verify every target (plus, for two-party rules, the commits merges bring in).
  const signed = new Map<string, VerifiedCommit>();
  await readAndVerify(source, targets.map((t) => t.oid), verifier, signed, opts.onProgress);
  if (root && !signed.has(root) && [...signed.values()].some((c) => c.parents.includes(root))) {
    targets.push({ oid: root });
    await readAndVerify(source, [root], verifier, signed);
  }
  if (repository?.rules.some((r) => r.type === 'two-party')) {
    const merged = [...new Set(targets.flatMap((t) => signed.get(t.oid)?.parents.slice(1) ?? []))].filter((p) => !signed.has(p));
    await readAndVerify(source, merged, verifier, signed);
  }

  // Descent is judged on the whole walked history (a --limit must not cut the path to the
  // root); parents read from the commit objects themselves win over the listing's.
  let rootStatus: Map<string, RootStatus> | undefined;
  if (root) {
    const nodes = new Map<string, string[]>((graph ?? []).map((n) => [n.oid, n.parents]));
    for (const t of targets) if (!nodes.has(t.oid)) nodes.set(t.oid, []);
    for (const [oid, listed] of nodes) {
      const read = signed.get(oid);
      nodes.set(oid, read && read.error === undefined ? read.parents : listed);
    }
    rootStatus = classifyTrustRoot([...nodes].map(([oid, parents]) => ({ oid, parents })), root);
  }
  const index = policy ? signerIndex(policy) : undefined;
  const commits = targets.map((t): CommitReport => {
    const c = signed.get(t.oid)!;
    if (c.error !== undefined) {
      return { rev: t.oid, ...(t.requested ? { requested: t.requested } : {}), verified: false, reason: 'unreadable', detail: c.error, signatures: [] };
    }
    if (!repository || !index) return plainReport(t, c);
    const evaluation = evaluateCommit(c, repository, index, (oid) => {
      const p = signed.get(oid);
      return p && p.error === undefined ? (p as SignedCommit) : undefined;
    });
    return policyReport(t, c.verdicts, evaluation, repository, rootStatus?.get(t.oid));
  });
  const warnings = [...keys.warnings];
  if (keys.openpgp.length === 0 && keys.ssh.length === 0) warnings.push('no keys given (--keyring, --allowed-signers or --policy): no signature can verify');
  return { repository, commits, warnings };
}

async function pickRepository(source: CommitSource, policy: TrustPolicy, revs: string[] | undefined): Promise<RepositoryPolicy> {
  const refs = await source.identity();
  const first = revs?.[0];
  // A branch named on the command line selects a branch-specific entry.
  const branch = first && !OID.test(first) && /^[A-Za-z0-9._/-]+$/.test(first) && !first.includes('..') && first !== 'HEAD' ? first : await source.currentBranch();
  return selectRepository(policy, refs, branch);
}

/** Every policy key in one KeySet; ownership is mapped back by fingerprint (policy.signerIndex). */
export function policyKeySources(policy: TrustPolicy): KeySetSources {
  const armoredKeys: string[] = [];
  const sshPublicKeys: string[] = [];
  for (const s of policy.signers.values()) {
    for (const k of s.keys) {
      // Nix keys sign binary caches, never commits.
      if (k.kind === 'openpgp') armoredKeys.push(k.text);
      else if (k.kind === 'ssh') sshPublicKeys.push(k.text);
    }
  }
  return { armoredKeys, sshPublicKeys };
}

interface Verifier {
  keys: KeySet;
  /** How to rebuild `keys` in a worker thread. */
  keySources: KeySetSources;
  opts: VerifyOptions;
  /** Under a policy each signer counts: split multi-signature OpenPGP blocks into one verdict each. */
  splitBlocks: boolean;
}

function verifyOptionsFor(opts: VerifyCommitsOptions, repository: RepositoryPolicy | undefined): VerifyOptions {
  return { ...(opts.now ? { now: opts.now } : {}), ...(repository ? { ...repository.crypto } : {}) };
}

async function selectTargets(opts: VerifyCommitsOptions, repository: RepositoryPolicy | undefined): Promise<{ targets: Target[]; graph?: CommitNode[] }> {
  const { source } = opts;
  const firstParent = opts.firstParent ?? false;
  if (opts.limit !== undefined && (!Number.isInteger(opts.limit) || opts.limit < 1)) throw new UserError(`--limit wants a positive integer, got ${opts.limit}`);
  // `A..B` given as a revision means the same as --range A..B, as in git.
  const single = opts.revs?.length === 1 ? opts.revs[0] : undefined;
  const positionalRange = single?.includes('..') && !single.includes('...') ? single : undefined;
  if (opts.revs && opts.revs.length > 1 && opts.revs.some((r) => r.includes('..'))) throw new UserError('give one range A..B, or revisions, not both');
  const range = opts.range ?? positionalRange;
  if (range) {
    if (opts.range && opts.revs?.length) throw new UserError('give either revisions or --range, not both');
    const { tips, exclude } = await source.resolveRange(range);
    const root = repository?.trustRoot;
    // With a trust root the whole range is listed so descent can be judged; only `limit` are verified.
    const walked = await source.walk({ tips, exclude, firstParent, limit: root ? undefined : opts.limit });
    return { targets: walked.slice(0, opts.limit ?? walked.length).map((n) => ({ oid: n.oid })), graph: root ? walked : undefined };
  }
  const revs = opts.revs?.length ? opts.revs : [repository?.branch ?? 'HEAD'];
  const resolved = await Promise.all(revs.map(async (r) => ({ oid: await source.resolve(r), requested: r })));
  const root = repository?.trustRoot;
  if (root) {
    // History since the trust root must satisfy the policy, not just the tip.
    const out: Target[] = [];
    const graph: CommitNode[] = [];
    for (const t of resolved) {
      const walked = t.oid === root ? [] : await source.walk({ tips: [t.oid], exclude: [root], firstParent });
      graph.push(...walked);
      // Nothing between: the revision is the root itself or older than it.
      if (walked.length === 0) out.push(t);
      for (const n of walked.slice(0, opts.limit ?? walked.length)) out.push(n.oid === t.oid ? t : { oid: n.oid });
    }
    return { targets: dedupe(out), graph };
  }
  if (firstParent || opts.limit !== undefined) {
    const walked = await source.walk({ tips: resolved.map((t) => t.oid), exclude: [], firstParent, limit: opts.limit });
    const requested = new Map(resolved.map((t) => [t.oid, t.requested]));
    return { targets: walked.map((n) => ({ oid: n.oid, ...(requested.has(n.oid) ? { requested: requested.get(n.oid) } : {}) })) };
  }
  return { targets: dedupe(resolved) };
}

function dedupe(targets: Target[]): Target[] {
  const seen = new Set<string>();
  return targets.filter((t) => !seen.has(t.oid) && seen.add(t.oid));
}

/** Commits read per request: verification of one chunk overlaps reading the next. */
const READ_CHUNK = 100;

async function readAndVerify(source: CommitSource, oids: string[], v: Verifier, into: Map<string, VerifiedCommit>, onProgress?: (done: number, total: number) => void): Promise<void> {
  const todo = [...new Set(oids)].filter((o) => !into.has(o));
  if (todo.length === 0) return;
  let done = 0;
  // Started before reading: the workers load their modules and keys while git reads.
  const pool = VerifyPool.start(v, todo.length);
  try {
    const pending: Promise<void>[] = [];
    for (let i = 0; i < todo.length; i += READ_CHUNK) {
      const chunk = todo.slice(i, i + READ_CHUNK);
      const reads = await source.readCommits(chunk);
      const raws: RawCommit[] = [];
      for (const oid of chunk) {
        const read = reads.get(oid) ?? { error: 'not returned by the source' };
        if ('error' in read) into.set(oid, { oid, parents: [], verdicts: [], error: read.error });
        else raws.push({ oid, raw: read.raw });
      }
      const verifying = (pool ? pool.verify(raws) : verifyInProcess(raws, v)).then((verified) => {
        for (const c of verified) into.set(c.oid, c);
        done += chunk.length;
        onProgress?.(done, todo.length);
      });
      verifying.catch(() => {}); // observed below; a worker failure must not go unhandled meanwhile
      pending.push(verifying);
    }
    await Promise.all(pending);
  } finally {
    await pool?.close();
  }
}

/** The verdicts git itself would look at: those of the object's primary signature header. */
function primaryVerdicts(verdicts: SignatureVerdict[], header: string | undefined): SignatureVerdict[] {
  return verdicts.filter((v) => v.header === undefined || v.header === header);
}

function describe(v: SignatureVerdict | undefined): Pick<CommitReport, 'signer' | 'key' | 'algorithm' | 'signedAt'> {
  if (!v) return {};
  return {
    ...(v.identity ? { signer: v.identity } : {}),
    ...(v.keyFingerprint || v.signingKeyId ? { key: v.keyFingerprint ?? v.signingKeyId } : {}),
    ...(v.algorithm ? { algorithm: v.algorithm } : {}),
    ...(v.signedAt ? { signedAt: v.signedAt.toISOString() } : {}),
  };
}

/**
 * Without a policy, match `git verify-commit`: good only when every signature
 * in the commit's signature header verifies with the given keys.
 */
function plainReport(t: Target, c: VerifiedCommit): CommitReport {
  const verdicts = c.verdicts;
  const own = primaryVerdicts(verdicts, c.primaryHeader);
  const bad = own.find((v) => !v.verified);
  const lead = bad ?? own[0];
  const verified = own.length > 0 && !bad;
  return {
    rev: t.oid,
    ...(t.requested ? { requested: t.requested } : {}),
    verified,
    reason: lead ? lead.reason : 'unsigned',
    detail: lead ? lead.detail : 'no signature',
    ...describe(lead),
    signatures: verdicts,
  };
}

function policyReport(t: Target, verdicts: SignatureVerdict[], e: CommitEvaluation, repo: RepositoryPolicy, root: RootStatus | undefined): CommitReport {
  const outside = root === 'outside';
  const verified = e.satisfied && !outside;
  const lead = verdicts.find((v) => v.verified) ?? verdicts[0];
  const notes = [...e.notes];
  if (outside) notes.unshift(`not checked: does not descend from trust root ${repo.trustRoot} (commits before the root are outside the policy)`);
  const detail = [outside ? notes[0] : e.explanation, ...e.rejected.map((r) => `rejected ${r.verdict.keyFingerprint ?? r.verdict.signingKeyId ?? 'signature'}: ${r.why}`)]
    .filter(Boolean)
    .join('; ');
  return {
    rev: t.oid,
    ...(t.requested ? { requested: t.requested } : {}),
    verified,
    reason: verified ? 'good' : outside ? 'outside-trust-root' : 'policy',
    detail,
    ...describe(lead),
    ...(e.signers.length ? { signer: e.signers.join(',') } : {}),
    signatures: verdicts,
    policy: {
      repository: repo.url,
      satisfied: verified,
      signers: e.signers,
      platformOnly: e.platformOnly,
      rules: e.rules.map((r) => ({ type: r.rule.type, satisfied: r.satisfied, explanation: r.explanation })),
      rejected: e.rejected.map((r) => ({ ...(r.verdict.keyFingerprint ? { key: r.verdict.keyFingerprint } : {}), reason: r.verdict.reason, why: r.why })),
      notes,
      ...(root ? { trustRoot: root } : {}),
    },
  };
}
