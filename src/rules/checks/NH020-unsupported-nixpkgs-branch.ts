import { isSupportedBranch, SUPPORTED_BRANCHES } from '../../data/nixpkgs-branches.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { isNixpkgsRepo } from '../../model/flake-ref.js';
import { branchOf, pinSites } from './pin-sites.js';

/** RuleOptions.supportedReleases (config) replaces the embedded list. */
function releases(opt: unknown, asOf: unknown): { list: string[]; source: string } {
  if (Array.isArray(opt) && opt.every((x) => typeof x === 'string')) {
    return { list: opt as string[], source: typeof asOf === 'string' ? `the supported list of ${asOf}` : 'the configured list' };
  }
  return { list: SUPPORTED_BRANCHES.releases, source: `the supported list of ${SUPPORTED_BRANCHES.asOf}` };
}

/** NH020: a nixpkgs release branch that no longer receives security updates. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  const { list, source } = releases(ctx.options.supportedReleases, ctx.options.supportedReleasesAsOf);
  for (const site of pinSites(file)) {
    const branch = branchOf(site);
    if (!branch) continue;
    const channelUrl = /channels\.nixos\.org|nixos\.org\/channels/i.test(site.ref.url ?? '');
    if (!channelUrl && !isNixpkgsRepo(site.ref)) continue;
    if (isSupportedBranch(branch, list) !== false) continue;
    out.push({
      span: site.span,
      message: `${site.label} uses nixpkgs branch ${branch}, which is not a supported release (${source}: ${list.join(', ')}); it no longer gets security fixes`,
    });
  }
  return out;
};
