import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { settingsFor } from '../../model/setting-views.js';

/** NH031: post-build-hook runs as root after every build and usually uploads or signs outputs. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'post-build-hook')) {
    if (!s.unknown && s.words.length === 0) continue;
    out.push({
      span: s.span,
      message: `${describeSetting(s)} runs a program as root after every build; check what it signs or uploads and who can change it`,
    });
  }
  return out;
};
