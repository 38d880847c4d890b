import type { RawFinding, RuleCheck } from '../types.js';
import { pinSites } from './pin-sites.js';
import { hasLockBeside } from './util.js';

/** NH024: a tarball/file flake input with no narHash in flake.nix. */
export const check: RuleCheck = (file, ctx) => {
  if (!file.flakeInputs) return [];
  const out: RawFinding[] = [];
  const locked = hasLockBeside(file, ctx.model);
  for (const site of pinSites(file)) {
    if (site.kind !== 'input' || (site.ref.type !== 'tarball' && site.ref.type !== 'file') || site.ref.narHash) continue;
    out.push(
      locked
        ? { span: site.span, severity: 'low', message: `${site.label} is a tarball with no narHash; only flake.lock holds its hash, and a re-lock accepts whatever the URL serves` }
        : { span: site.span, message: `${site.label} is a tarball with no narHash and no flake.lock: its content is never checked` },
    );
  }
  return out;
};
