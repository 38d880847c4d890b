/**
 * Every pin of a file as a FlakeRef with where it is written: flake.nix inputs,
 * flake.lock nodes (root and transitive), niv/npins entries and fetcher URLs. Pin rules
 * iterate these so "any input", not only a root key named nixpkgs, is judged.
 */
import type { Span } from '../../core/span.js';
import type { FileModel, LockNode } from '../../model/types.js';
import { inputRef, lockOriginal, parseFlakeUrl, type FlakeRef } from './flake-ref.js';
import { FULL_COMMIT_ID_ANY_CASE } from '../../core/commit-id.js';

export interface PinSite {
  kind: 'input' | 'lock' | 'sources' | 'fetch';
  /** `flake input nixpkgs`, `flake.lock node home-manager/nixpkgs`, `niv entry nixpkgs` */
  label: string;
  ref: FlakeRef;
  span: Span;
  node?: LockNode;
}

/** A lock node is reported in flake.lock when flake.nix is not beside it in the scan, or when it is transitive. */
export function lockNodeOwnsReport(file: FileModel, node: LockNode): boolean {
  if (node.inputPath.length === 0 && !node.direct) return false; // root node or unreachable
  return !node.direct || !file.flakeNixFile;
}

export function lockLabel(node: LockNode): string {
  return `flake.lock node ${node.inputPath.length ? node.inputPath.join('/') : node.id}`;
}

export function pinSites(file: FileModel, opts: { lockAll?: boolean } = {}): PinSite[] {
  const out: PinSite[] = [];
  for (const input of file.flakeInputs ?? []) {
    const ref = inputRef(input);
    if (ref) out.push({ kind: 'input', label: `flake input ${input.name}`, ref, span: input.url?.span ?? input.span });
  }
  for (const node of file.lockNodes ?? []) {
    if (!opts.lockAll && !lockNodeOwnsReport(file, node)) continue;
    const ref = lockOriginal(node);
    if (ref) out.push({ kind: 'lock', label: lockLabel(node), ref, span: node.originalSpans.get('ref') ?? node.originalSpans.get('url') ?? node.span, node });
  }
  for (const e of file.sources ?? []) {
    const f = (k: string): string | undefined => {
      const v = e.fields.get(k);
      return typeof v === 'string' ? v : undefined;
    };
    // npins names the forge in repository.type (GitHub, GitLab, Forgejo, Git); its `url` is the archive.
    const forge = f('repository.type')?.toLowerCase();
    const ref: FlakeRef = {
      type: forge === 'github' || forge === 'gitlab' ? forge : (f('type') ?? forge ?? 'unknown').toLowerCase(),
      ...(f('owner') ?? f('repository.owner') ? { owner: f('owner') ?? f('repository.owner') } : {}),
      ...(f('repo') ?? f('repository.repo') ? { repo: f('repo') ?? f('repository.repo') } : {}),
      ...(f('branch') ? { ref: f('branch') } : {}),
      ...(f('rev') ?? f('revision') ? { rev: f('rev') ?? f('revision') } : {}),
      ...(f('repository.url') ?? f('url') ? { url: f('repository.url') ?? f('url') } : {}),
    };
    out.push({ kind: 'sources', label: `${e.tool} entry ${e.name}`, ref, span: e.fieldSpans.get('branch') ?? e.span });
  }
  for (const call of file.fetches) {
    const url = call.args.get('url');
    if (url?.kind !== 'string') continue;
    out.push({ kind: 'fetch', label: call.callee, ref: parseFlakeUrl(url.value), span: url.span });
  }
  return out;
}

/** The branch a pin tracks, including branches spelled inside tarball URLs (channels, GitHub archives). */
export function branchOf(site: PinSite): string | undefined {
  if (site.ref.ref) return site.ref.ref;
  const url = site.ref.url ?? '';
  const archive = /github\.com\/[^/]+\/nixpkgs\/archive\/(?:refs\/heads\/)?([^/]+?)\.(?:tar\.gz|zip)$/i.exec(url);
  if (archive && !FULL_COMMIT_ID_ANY_CASE.test(archive[1]!)) return archive[1];
  const channel = /(?:channels\.nixos\.org|nixos\.org\/channels)\/((?:nixos|nixpkgs)-[\w.-]+?)(?:\/|$)/i.exec(url);
  return channel?.[1];
}
