import type { RawFinding, RuleCheck } from '../types.js';
import { isOfficialSubstituter } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH009: a flake's nixConfig asking consumers to trust substituters or keys. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  const officialKeys = new Set(ctx.options.officialKeys);
  for (const s of settingsFor(file, 'substituters', 'trusted-substituters', 'trusted-public-keys')) {
    if (s.origin !== 'nixConfig') continue;
    for (const w of s.words) {
      const official = s.key === 'trusted-public-keys' ? officialKeys.has(w.text) : isOfficialSubstituter(w.text, ctx.options.officialSubstituters);
      if (official) continue;
      const what = s.key === 'trusted-public-keys' ? `trusted key ${w.text.split(':')[0]}` : `substituter ${w.text}`;
      out.push({ span: w.span, message: `flake nixConfig asks consumers to trust ${what}`, related: [{ span: s.keySpan, message: `set by ${s.optionName}` }] });
    }
  }
  return out;
};
