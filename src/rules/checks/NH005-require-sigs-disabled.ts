import type { RawFinding, RuleCheck } from '../types.js';
import { setBoolFix } from '../fixes/setting-edits.js';
import { describeSetting } from './util.js';
import { boolOf, settingsFor } from '../../model/setting-views.js';

/** NH005: require-sigs = false. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'require-sigs')) {
    if (boolOf(s) !== false) continue;
    const fix = setBoolFix(file, s, true, 'set require-sigs = true (the default)');
    out.push({
      span: s.span,
      message: `signature checking of substituted paths is turned off (${describeSetting(s)})`,
      ...(fix ? { fix } : {}),
    });
  }
  return out;
};
