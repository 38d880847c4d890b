import { setBoolFix } from '../fixes/setting-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { boolOf, settingsFor } from '../../model/setting-views.js';

/** NH008: accept-flake-config = true, as a setting or a command-line flag. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'accept-flake-config')) {
    if (boolOf(s) !== true) continue;
    const fix = setBoolFix(file, s, false, 'set accept-flake-config = false (Nix asks again)');
    out.push({
      span: s.span,
      message: `flakes' nixConfig is applied without asking (${describeSetting(s)})`,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
