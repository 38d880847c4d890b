import type { RawFinding, RuleCheck } from '../types.js';
import { followsWhat, isMutableRef } from '../../model/flake-ref.js';
import { pinSites } from './pin-sites.js';
import { hasLockBeside } from './util.js';

const PIN_HINT = '; `nixharden pin` can move it to a verified signed commit';

/**
 * NH018: a flake input (or transitive lock node) that follows a branch or tag. The lock
 * pins a revision, but nothing checked who made it, so this is reported even when locked.
 */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  const locked = file.flakeInputs ? hasLockBeside(file, ctx.model) : true;
  for (const site of pinSites(file)) {
    if (site.kind !== 'input' && site.kind !== 'lock') continue;
    if (!isMutableRef(site.ref)) continue;
    const what = followsWhat(site.ref);
    if (site.kind === 'lock' || locked) {
      out.push({
        span: site.span,
        severity: 'low',
        message: `${site.label} follows ${what}; flake.lock pins a revision, but no signature or policy check stands behind it${PIN_HINT}`,
      });
    } else {
      out.push({ span: site.span, severity: 'medium', message: `${site.label} follows ${what} and nothing locks it${PIN_HINT}` });
    }
  }
  return out;
};
