import type { RawFinding, RuleCheck } from '../types.js';
import { boolOf, describeSetting, settingsFor } from './util.js';

/** NH005: require-sigs = false. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'require-sigs')) {
    if (boolOf(s) !== false) continue;
    out.push({ span: s.span, message: `signature checking of substituted paths is turned off (${describeSetting(s)})` });
  }
  return out;
};
