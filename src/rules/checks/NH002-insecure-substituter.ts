import { replaceWordEdits } from '../fixes/setting-edits.js';
import { httpsUpgrade } from '../fixes/https-hosts.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting, isPlainHttp } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH002: substituters reached over plain http (loopback excepted). */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'substituters', 'trusted-substituters')) {
    for (const w of s.words) {
      if (!isPlainHttp(w.text)) continue;
      const https = httpsUpgrade(w.text);
      const edits = https ? replaceWordEdits(file, s, w, https) : undefined;
      out.push({
        span: w.span,
        message: `substituter ${w.text} uses plain HTTP (${describeSetting(s)})`,
        ...(edits ? { fix: { description: 'use https:// (the host serves it)', edits } } : {}),
      });
    }
  }
  return out;
};
