import type { RawFinding, RuleCheck } from '../types.js';
import { isLocalRef, isNixpkgsRepo, type FlakeRef } from '../../model/flake-ref.js';
import { pinSites } from './pin-sites.js';

const UPSTREAM_URL = /^(?:git\+)?(?:https|ssh):\/\/(?:git@)?github\.com[/:]NixOS\/nixpkgs(?:\.git)?\/?$/i;

/** Why a nixpkgs reference is not upstream, or undefined when it is. */
function notUpstream(r: FlakeRef): string | undefined {
  if (r.type === 'github') {
    if (r.owner?.toLowerCase() !== 'nixos') return `owner ${r.owner ?? '?'} instead of NixOS`;
    return r.host && r.host !== 'github.com' ? `host ${r.host}` : undefined;
  }
  if (r.type === 'gitlab' || r.type === 'sourcehut') return `${r.type}:${r.owner ?? ''}/${r.repo ?? ''}, not github:NixOS/nixpkgs`;
  if (r.type === 'git' && r.url) return UPSTREAM_URL.test(r.url) ? undefined : `a fork or mirror at ${r.url}`;
  if ((r.type === 'tarball' || r.type === 'file') && r.url) {
    return /^https:\/\/(?:github\.com\/NixOS\/nixpkgs\/|(?:channels|releases)\.nixos\.org\/|nixos\.org\/channels\/)/i.test(r.url) ? undefined : `a tarball from ${r.url}`;
  }
  return undefined;
}

/** NH021: nixpkgs taken from an owner other than NixOS, a fork or a mirror. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const site of pinSites(file)) {
    if (site.kind === 'fetch' || isLocalRef(site.ref) || !isNixpkgsRepo(site.ref)) continue;
    const why = notUpstream(site.ref);
    if (!why) continue;
    out.push({ span: site.span, message: `${site.label} takes nixpkgs from ${why}; every package is built from that copy` });
  }
  return out;
};
