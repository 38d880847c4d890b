import { removeWordEdit, renameDeprecated } from '../fixes/setting-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH004: trusted-public-keys beyond the official ones. nixConfig is NH009's. */
export const check: RuleCheck = (file, ctx) => {
  const out: RawFinding[] = [];
  const official = new Set(ctx.options.officialKeys.map((k) => k.trim()));
  const officialNames = new Set([...official].map((k) => k.split(':')[0]));
  for (const s of settingsFor(file, 'trusted-public-keys')) {
    if (s.origin === 'nixConfig') continue;
    for (const w of s.words) {
      if (official.has(w.text)) continue;
      const name = w.text.split(':')[0]!;
      if (officialNames.has(name)) {
        // Same name, different key material: either a typo or an impersonation.
        out.push({ span: w.span, severity: 'high', message: `key claims the official name ${name} but its key material differs from the official key` });
        continue;
      }
      const edit = removeWordEdit(file, s, w);
      out.push({
        span: w.span,
        message: `public key ${name} (${describeSetting(s)}) can sign store paths for every substituter`,
        ...(edit ? { fix: { description: `remove key ${name}: paths signed only by it are no longer accepted`, edits: [edit, ...[renameDeprecated(file, s)].filter((e) => e !== undefined)] } } : {}),
      });
    }
  }
  return out;
};
