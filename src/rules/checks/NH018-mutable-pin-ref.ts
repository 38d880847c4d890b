import type { RawFinding, RuleCheck } from '../types.js';
import { followsWhat, isMutableRef } from '../../model/flake-ref.js';
import { pinSites } from './pin-sites.js';
import { foldPerLock, type InputFinding } from './input-groups.js';
import { hasLockBeside } from './util.js';

const PIN_HINT = '; `nixharden pin` can move it to a verified signed commit';

/**
 * NH018: a flake input (or transitive lock node) that follows a branch or tag. The lock
 * pins a revision, but nothing checked who made it, so this is reported even when locked.
 * The default profile folds locked inputs other than the key ones into one finding per file.
 */
export const check: RuleCheck = (file, ctx) => {
  const items: InputFinding[] = [];
  const locked = file.flakeInputs ? hasLockBeside(file, ctx.model) : true;
  for (const site of pinSites(file)) {
    if (site.kind !== 'input' && site.kind !== 'lock') continue;
    if (!isMutableRef(site.ref)) continue;
    const what = followsWhat(site.ref);
    const raw: RawFinding =
      site.kind === 'lock' || locked
        ? { span: site.span, severity: 'low', message: `${site.label} follows ${what}; flake.lock pins a revision, but no signature or policy check stands behind it${PIN_HINT}` }
        : { span: site.span, severity: 'medium', message: `${site.label} follows ${what} and nothing locks it${PIN_HINT}` };
    items.push({ name: site.name, direct: site.kind === 'input' || !!site.node?.direct, ref: site.ref, raw });
  }
  return foldPerLock(
    ctx,
    items,
    (i) => i.raw.severity === 'low',
    (names) => `flake inputs ${names} follow a branch or tag; flake.lock pins their revisions, but no signature or policy check stands behind them; \`nixharden pin\` can move them to verified signed commits`,
  );
};
