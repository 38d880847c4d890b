import type { Span } from '../../core/span.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingViews, spanAt } from './util.js';

const TRUSTED_WORD = /^[a-z][a-z0-9+.-]*:\/\/\S*[?&]trusted=(?:1|true)(?:&|$)/i;
/** Store URLs anywhere in a .nix file: settings, flags, scripts, let bindings. */
const TRUSTED_IN_TEXT = /[a-z][a-z0-9+.-]*:\/\/[^\s"'<>;]*[?&]trusted=(?:1|true)(?![\w])/gi;

/** NH003: `?trusted=1` on a store URL, in settings or anywhere a store URL is written. */
export const check: RuleCheck = (file) => {
  const out: RawFinding[] = [];
  const covered: Span[] = [];
  for (const s of settingViews(file)) {
    for (const w of s.words) {
      if (!TRUSTED_WORD.test(w.text)) continue;
      out.push({ span: w.span, message: `store URL ${w.text} is marked trusted, so paths from it need no signature` });
      covered.push(w.span);
    }
  }
  if (file.kind !== 'nix') return out;
  for (const m of file.text.matchAll(TRUSTED_IN_TEXT)) {
    const start = m.index!;
    const end = start + m[0].length;
    if (covered.some((c) => start < c.endOffset && c.startOffset < end)) continue;
    const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
    if (file.text.slice(lineStart, start).includes('#')) continue;
    out.push({ span: spanAt(file, start, end), message: `store URL ${m[0]} is marked trusted, so paths from it need no signature` });
  }
  return out;
};
