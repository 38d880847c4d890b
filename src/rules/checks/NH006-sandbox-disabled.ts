import { setBoolFix } from '../fixes/setting-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { boolOf, settingsFor } from '../../model/setting-views.js';

/** NH006: sandbox = false / "relaxed", and sandbox-fallback = true written out. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'sandbox', 'sandbox-fallback')) {
    const where = describeSetting(s);
    if (s.key === 'sandbox') {
      const proposal = setBoolFix(file, s, true, 'turn the sandbox back on (sandbox = true, the Linux default)');
      const fix = proposal ? { fix: proposal } : {};
      if (boolOf(s) === false) out.push({ span: s.span, message: `the build sandbox is disabled (${where})`, ...fix });
      else if (!s.unknown && s.words.length === 1 && s.words[0]!.text === 'relaxed')
        out.push({ span: s.span, severity: 'medium', message: `the build sandbox is relaxed (${where}): derivations may opt out with __noChroot`, ...fix });
    } else if (boolOf(s) === true) {
      out.push({
        span: s.span,
        severity: 'low',
        confidence: 'medium',
        message: `sandbox-fallback is on (${where}): builds run unsandboxed when the sandbox cannot start`,
      });
    }
  }
  return out;
};
