import { removeSubstituterEdit } from '../fixes/list-edits.js';
import { renameDeprecated } from '../fixes/setting-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting, isOfficialSubstituter } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH001: substituters (and trusted-substituters) other than the official ones. nixConfig is NH009's. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'substituters', 'trusted-substituters')) {
    if (s.origin === 'nixConfig') continue;
    for (const w of s.words) {
      if (isOfficialSubstituter(w.text, ctx.options.officialSubstituters)) continue;
      const what = s.key === 'trusted-substituters' ? 'trusted substituter (any user may enable it)' : 'substituter';
      const edit = removeSubstituterEdit(file, s, w, ctx.options.officialSubstituters);
      out.push({
        span: w.span,
        message: `${w.text} is added as a ${what} (${describeSetting(s)}); it can supply binaries for every build`,
        ...(edit
          ? { fix: { description: `remove ${w.text}: builds it served are rebuilt or fetched from the official cache instead`, edits: [edit, ...[renameDeprecated(file, s)].filter((e) => e !== undefined)] } }
          : {}),
        related: [{ span: s.keySpan, message: `set by ${s.optionName}` }],
      });
    }
  }
  return out;
};
