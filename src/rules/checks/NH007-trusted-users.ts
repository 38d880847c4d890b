import { trustOnlyRootEdits } from '../fixes/list-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH007: trusted-users beyond root; severity by how many people that trusts. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'trusted-users')) {
    const where = describeSetting(s);
    const edits = trustOnlyRootEdits(file, s);
    const fix = edits
      ? { fix: { description: 'trusted-users = [ "root" ]: the users removed lose trusted-user rights (extra substituters, unsigned imports)', edits } }
      : {};
    for (const w of s.words) {
      if (w.text === 'root') continue;
      if (w.text === '*') out.push({ span: w.span, severity: 'critical', message: `every local user is a trusted Nix user (${where}), which is root-equivalent`, ...fix });
      else if (w.text.startsWith('@'))
        out.push({ span: w.span, severity: 'high', message: `every member of group ${w.text.slice(1)} is a trusted Nix user (${where}), which is root-equivalent`, ...fix });
      else out.push({ span: w.span, severity: 'medium', message: `user ${w.text} is a trusted Nix user (${where}), which is root-equivalent`, ...fix });
    }
  }
  return out;
};
