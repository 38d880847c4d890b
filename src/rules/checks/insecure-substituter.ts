import type { RawFinding, RuleCheck } from '../types.js';
import { isPlainHttp, originLabel, settingsFor } from './util.js';

/** NH002: substituters reached over plain http (loopback excepted). */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'substituters', 'trusted-substituters')) {
    for (const w of s.words) {
      if (!isPlainHttp(w.text)) continue;
      out.push({ span: w.span, message: `substituter ${w.text} in ${originLabel(s.origin)} uses plain HTTP` });
    }
  }
  return out;
};
