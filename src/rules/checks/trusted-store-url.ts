import type { Span } from '../../core/span.js';
import { replaceWordEdits, withoutTrustedParam } from '../../fix/setting-edits.js';
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
      const plain = withoutTrustedParam(w.text);
      const edits = plain === undefined ? undefined : replaceWordEdits(file, s, w, plain);
      out.push({
        span: w.span,
        message: `store URL ${w.text} is marked trusted, so paths from it need no signature`,
        ...(edits ? { fix: { tier: 'safe' as const, description: 'remove trusted=1 so paths from this store need valid signatures', edits } } : {}),
      });
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
    const plain = withoutTrustedParam(m[0]);
    out.push({
      span: spanAt(file, start, end),
      message: `store URL ${m[0]} is marked trusted, so paths from it need no signature`,
      ...(plain !== undefined
        ? { fix: { tier: 'safe' as const, description: 'remove trusted=1 so paths from this store need valid signatures', edits: [{ file: file.file, startOffset: start, endOffset: end, replacement: plain }] } }
        : {}),
    });
  }
  return out;
};
