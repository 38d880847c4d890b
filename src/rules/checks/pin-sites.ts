/**
 * Every pin of a file as a FlakeRef with where it is written: flake.nix inputs,
 * flake.lock nodes (root and transitive), niv/npins entries and fetcher URLs, taken from
 * the model's one pin enumerator (src/model/pins.ts). Pin rules iterate these so "any
 * input", not only a root key named nixpkgs, is judged.
 */
import type { Span } from '../../core/span.js';
import type { FileModel, LockNode } from '../../model/types.js';
import type { FlakeRef } from '../../model/flake-ref.js';
import { pinsOfFile } from '../../model/pins.js';
import { FULL_COMMIT_ID_ANY_CASE } from '../../core/commit-id.js';

export interface PinSite {
  kind: 'input' | 'lock' | 'sources' | 'fetch';
  /** The input's name (`nixpkgs`), the lock node's input path (`home-manager/nixpkgs`), the entry's or callee's name. */
  name: string;
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

/**
 * The pins of a file that a pin rule judges, from the model's one enumerator. A lock
 * node is left to its flake.nix input when both were scanned (unless `lockAll`).
 */
export function pinSites(file: FileModel, opts: { lockAll?: boolean } = {}): PinSite[] {
  const out: PinSite[] = [];
  for (const p of pinsOfFile(file)) {
    if (!p.source) continue;
    const o = p.origin;
    if (o.type === 'flake-lock') {
      if (!opts.lockAll && !lockNodeOwnsReport(file, o.node)) continue;
      out.push({ kind: 'lock', name: p.name, label: p.label, ref: p.source, span: p.span, node: o.node });
    } else if (o.type !== 'channel') {
      out.push({ kind: o.type === 'flake-input' ? 'input' : o.type, name: p.name, label: p.label, ref: p.source, span: p.span });
    }
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
