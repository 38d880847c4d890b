/**
 * `verify cache`: every store path is looked up in every cache of every
 * `[[caches]]` entry (one fetch per cache and path, however many entries
 * name it) and judged against each entry; a path is verified when every
 * entry's rules hold.
 */
import { UserError } from '../core/errors.js';
import type { TrustPolicy } from '../trust/policy/policy.js';
import { splitStorePath } from '../trust/caches/narinfo.js';
import { parseNixPublicKey } from '../trust/caches/nix-signature.js';
import { evaluatePath, parseAnswers, SignatureMemo, type NixKeyIndex, type PathVerdict } from '../trust/caches/evaluate.js';
import { fetchNarInfos, type NarInfoFetchOptions } from '../sources/narinfo.js';
import { NO_PROGRESS, type Progress } from '../core/progress.js';

export interface VerifyCacheOptions {
  paths: string[];
  policy: TrustPolicy;
  http?: NarInfoFetchOptions;
  progress?: Progress;
}

/** Store paths from `nix path-info -r` output (one a line; blank lines and `#` comments skipped). */
export function parseClosureList(text: string): string[] {
  return text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l && !l.startsWith('#'));
}

export async function verifyCachePaths(opts: VerifyCacheOptions): Promise<PathVerdict[]> {
  const { policy } = opts;
  if (policy.caches.length === 0) throw new UserError('the policy has no [[caches]] entry', undefined, policy.file);
  const paths = [...new Set(opts.paths)];
  const hashParts = paths.map((p) => {
    const split = splitStorePath(p);
    if (!split) throw new UserError(`not a store path: ${JSON.stringify(p)}`);
    return split.hashPart;
  });
  const keys: NixKeyIndex = new Map();
  for (const s of policy.signers.values()) {
    for (const k of s.keys) if (k.kind === 'nix') keys.set(parseNixPublicKey(k.text)!.name, { key: parseNixPublicKey(k.text)!, signer: s.id });
  }
  const urls = [...new Set(policy.caches.flatMap((c) => c.urls))];
  const progress = opts.progress ?? NO_PROGRESS;
  progress.detail(`looking up ${paths.length} store path${paths.length === 1 ? '' : 's'} in ${urls.join(', ')}`);
  const task = progress.start('store paths looked up', { total: paths.length });
  let answers;
  try {
    answers = await fetchNarInfos(urls, hashParts, { ...opts.http, onProgress: (done) => task.update(done) });
  } finally {
    task.end();
  }
  const parsed = paths.map((p, i) => parseAnswers(p, answers[i]!));
  const memo = new SignatureMemo();
  await memo.prepare(parsed.flat(), keys);
  return paths.map((p, i) => {
    const byUrl = new Map(urls.map((u, j) => [u, parsed[i]![j]!]));
    const verdicts = policy.caches.map((entry) => evaluatePath(p, entry.urls.map((u) => byUrl.get(u)!), entry, keys, memo));
    return verdicts.length === 1 ? verdicts[0]! : combine(verdicts);
  });
}

/** Several entries: all must hold; the first failing one explains. */
function combine(verdicts: PathVerdict[]): PathVerdict {
  const failing = verdicts.find((v) => !v.verified);
  const lead = failing ?? verdicts[0]!;
  return {
    ...lead,
    verified: !failing,
    signers: [...new Set(verdicts.flatMap((v) => v.signers))].sort(),
    agree: verdicts.every((v) => v.agree),
    caches: verdicts.flatMap((v) => v.caches).filter((c, i, all) => all.findIndex((o) => o.url === c.url) === i),
    detail: verdicts.map((v, i) => `[[caches]] ${i + 1}: ${v.detail}`).join(' | '),
  };
}
