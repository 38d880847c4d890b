import type { RawFinding, RuleCheck } from '../types.js';
import { describeSetting } from './util.js';
import { boolOf, settingsFor } from '../../model/setting-views.js';

/** NH010: allow-unsafe-native-code-during-evaluation = true. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  for (const s of settingsFor(file, 'allow-unsafe-native-code-during-evaluation')) {
    if (boolOf(s) !== true) continue;
    out.push({ span: s.span, message: `builtins.exec and importNative are enabled (${describeSetting(s)}): evaluated code can run programs` });
  }
  return out;
};
