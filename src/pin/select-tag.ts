/**
 * A tag pin (`fetchFromGitHub { tag = "v1.2"; }`) is not walked like a branch:
 * the tag names one commit, and `pin` fixes the pin to it when the trust
 * input accepts that commit and, when asked (`require-signed-tag` in the
 * policy entry, or --require-signed-tag), the annotated tag object too.
 * `pin` never moves a tag pin to a newer tag: that is a version bump.
 */
import { UserError } from '../core/errors.js';
import type { GitHubRepo } from '../model/pin-types.js';
import { selectRepository } from '../trust/policy/policy.js';
import type { RangeCapable } from '../trust/verify-commits/pipeline.js';
import type { CommitReport } from '../trust/verify-commits/pipeline.js';
import { verifyTag, type TagReport } from '../trust/verify-commits/tag.js';
import { tagTarget, type TagResolver } from '../sources/tags.js';
import { commitTime, describeCommits, verifyRevs, withIdentity, type TrustInput } from './select-commit.js';

export interface TagSelectOptions extends TrustInput {
  source: RangeCapable;
  tags: TagResolver;
  repo: GitHubRepo;
  tag: string;
  /** Judge the annotated tag object as well, whatever the policy entry says. */
  requireSignedTag?: boolean;
}

export interface TagSelection {
  tag: string;
  /** The commit the tag names. */
  rev: string;
  /** The annotated tag object the ref names (absent for a lightweight tag). */
  tagObject?: string;
  committedAt?: number;
  report: CommitReport;
  /** The tag object's verdict, when it was judged. */
  signedTag?: TagReport;
  /** One sentence: what the tag names and what was checked. */
  explanation: string;
  warnings: string[];
}

const short = (oid: string) => oid.slice(0, 12);

export async function selectTag(opts: TagSelectOptions): Promise<TagSelection> {
  const where = `tag ${opts.tag} of ${opts.repo.owner}/${opts.repo.repo}`;
  const resolved = await opts.tags.resolveTag(opts.tag);
  // Every object in the chain must point at the next: GitHub's `object.sha` is checked against the signed bytes.
  const chain = [...resolved.objects.map((o) => o.oid), resolved.commit];
  for (const [i, o] of resolved.objects.entries()) {
    if ('raw' in o && tagTarget(o.raw)?.object !== chain[i + 1]) throw new UserError(`${where}: tag object ${o.oid} does not point at ${chain[i + 1]}; nothing changed`, 1);
  }
  const source = withIdentity(opts.source, opts.repo);
  const { reports, warnings } = await verifyRevs(source, [resolved.commit], opts, undefined);
  const report = reports[0]!;
  const trust = opts.policy ? 'the trust policy' : 'the given keys';
  if (!report.verified) {
    throw new UserError(`${where} names ${resolved.commit}, which does not satisfy ${trust}: ${describeCommits([report], 'tagged')}; nothing changed`, 1);
  }
  const entry = opts.policy ? selectRepository(opts.policy, await source.identity(), undefined) : undefined;
  const mustSign = opts.requireSignedTag === true || entry?.requireSignedTag === true;
  let signedTag: TagReport | undefined;
  if (mustSign) {
    const first = resolved.objects[0];
    if (!first) throw new UserError(`${where} is a lightweight tag, so it carries no signature, and a signed tag is required; nothing changed`, 1);
    signedTag =
      'raw' in first
        ? await verifyTag({ raw: first.raw, oid: first.oid, name: opts.tag, object: chain[1]!, policy: opts.policy, repository: entry, keyrings: opts.keyrings, allowedSigners: opts.allowedSigners, now: opts.now })
        : { oid: first.oid, verified: false, reason: 'unreadable', detail: first.error, signers: [] };
    if (!signedTag.verified) throw new UserError(`${where}: the tag object ${first.oid} does not satisfy ${trust} (${signedTag.reason}: ${signedTag.detail}), and a signed tag is required; nothing changed`, 1);
  }
  const accepts = opts.policy ? 'the policy accepts' : 'the given keys accept';
  const tagged = signedTag ? `; the tag itself is signed by ${signedTag.signers.join(', ')}` : resolved.objects.length ? '' : ' (a lightweight tag)';
  return {
    tag: opts.tag,
    rev: resolved.commit,
    ...(resolved.objects[0] ? { tagObject: resolved.objects[0].oid } : {}),
    committedAt: await commitTime(source, resolved.commit),
    report,
    ...(signedTag ? { signedTag } : {}),
    explanation: `tag ${opts.tag} names ${short(resolved.commit)}, which ${accepts}${tagged}`,
    warnings,
  };
}
