/**
 * `verify image`: for each reference, find its `[[images]]` entry, resolve a
 * tag to a digest through the registry, read the signatures from the entry's
 * lookaside and judge them. Every reference is checked against the policy
 * before any network request, so a typo fails fast (exit 2).
 */
import { UserError } from '../core/errors.js';
import { loadKeySet } from '../trust/signatures/keyset.js';
import { signerIndex, type TrustPolicy } from '../trust/policy/policy.js';
import { selectImagePolicy, type ImagePolicy } from '../trust/policy/artifacts.js';
import { parseNormalizedRef, refString, ReferenceError, type ImageRef } from '../trust/images/reference.js';
import { evaluateImage } from '../trust/images/evaluate.js';
import { readSignatures } from '../sources/lookaside.js';
import { registryBase, resolveTag } from '../sources/registry.js';
import type { ArtifactHttpOptions } from '../sources/artifact-http.js';
import type { ImageResult } from '../trust/images/evaluate.js';

export interface VerifyImagesOptions {
  refs: string[];
  policy: TrustPolicy;
  /** Registry API base URL for resolving tags (default: from the reference's host). */
  registry?: string;
  http?: ArtifactHttpOptions;
  /** "Now" for key expiry (tests). */
  now?: Date;
}

/** A reference with a tag or digest, normalised; a UserError otherwise. */
export function parseImageArgument(text: string): ImageRef {
  let ref: ImageRef;
  try {
    ref = parseNormalizedRef(text);
  } catch (e) {
    if (e instanceof ReferenceError) throw new UserError(`not an image reference: ${JSON.stringify(text)}: ${e.message}`);
    throw e;
  }
  if (ref.tag === undefined && ref.digest === undefined) throw new UserError(`${text}: give a tag or a digest (${ref.name}:TAG or ${ref.name}@sha256:…)`);
  if (ref.digest !== undefined && !ref.digest.startsWith('sha256:')) throw new UserError(`${text}: only sha256 digests are supported`);
  return ref;
}

export async function verifyImages(opts: VerifyImagesOptions): Promise<ImageResult[]> {
  const { policy } = opts;
  if (policy.images.length === 0) throw new UserError('the policy has no [[images]] entry', undefined, policy.file);
  const targets = opts.refs.map((text) => {
    const ref = parseImageArgument(text);
    const entry = selectImagePolicy(policy.images, ref.name);
    if (!entry) throw new UserError(`no [[images]] entry covers ${ref.name}`, undefined, policy.file);
    return { text, ref, entry };
  });
  const openpgpKeys = [...policy.signers.values()].flatMap((s) => s.keys.filter((k) => k.kind === 'openpgp').map((k) => k.text));
  const keys = await loadKeySet({ armoredKeys: openpgpKeys });
  const index = signerIndex(policy);
  const results: ImageResult[] = [];
  for (const t of targets) results.push(await verifyOne(t.text, t.ref, t.entry, opts, keys, index));
  return results;
}

async function verifyOne(
  requested: string,
  ref: ImageRef,
  entry: ImagePolicy,
  opts: VerifyImagesOptions,
  keys: Awaited<ReturnType<typeof loadKeySet>>,
  index: ReturnType<typeof signerIndex>,
): Promise<ImageResult> {
  let digest = ref.digest;
  let resolvedTag: string | undefined;
  if (digest === undefined) {
    resolvedTag = ref.tag!;
    digest = (await resolveTag(opts.registry ?? registryBase(ref.domain), ref.path, resolvedTag, opts.http)).digest;
  }
  const read = await readSignatures(entry.lookaside, ref.path, digest, opts.http);
  const verdict = await evaluateImage({
    intended: ref,
    digest,
    signatures: read.signatures,
    ...(read.error ? { lookasideError: read.error } : {}),
    entry,
    keys,
    index,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { ...verdict, ref: refString(ref), requested, ...(resolvedTag !== undefined ? { resolvedTag } : {}) };
}
