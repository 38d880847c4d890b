import type { Span } from '../../core/span.js';
import { replaceWordEdits, withoutTrustedParam } from '../fixes/setting-edits.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingViews, spanAt } from '../../model/setting-views.js';

const TRUSTED_WORD = /^[a-z][a-z0-9+.-]*:\/\/\S*[?&]trusted=(?:1|true)(?:&|$)/i;
/**
 * Store URLs anywhere in a .nix file: settings, flags, scripts, let bindings. A match starts at the first letter
 * of a scheme run (the lookbehind stops retries at every later offset of the run, which made long runs quadratic)
 * and cannot leave one URL_REGION, so it is only run on a region's text up to its last `trusted=1`.
 */
const TRUSTED_IN_TEXT = /(?<![a-z0-9+.-])[0-9+.-]*(?<tok>[a-z][a-z0-9+.-]*:\/\/[^\s"'<>;]*[?&]trusted=(?:1|true)(?![\w]))/gi;
const URL_REGION = /[^\s"'<>;]+/g;
const TRUSTED_PARAM = /[?&]trusted=(?:1|true)(?![\w])/gi;
const TRUSTED_ANYWHERE = /[?&]trusted=(?:1|true)/i;

/** `?trusted=1` store URLs in the text, as [start, end) offsets, each region of URL characters scanned a bounded number of times. */
function trustedUrlsInText(text: string): [number, number][] {
  const out: [number, number][] = [];
  // Most files have no `trusted=` at all: one native scan instead of a match object per URL-like region.
  if (!TRUSTED_ANYWHERE.test(text)) return out;
  for (const region of text.matchAll(URL_REGION)) {
    let last = -1;
    for (const p of region[0].matchAll(TRUSTED_PARAM)) last = p.index! + p[0].length;
    if (last < 0) continue;
    // A match ends at a trusted parameter, so nothing after the last one can match; its lookahead was checked above.
    for (const m of region[0].slice(0, last).matchAll(TRUSTED_IN_TEXT)) {
      const end = region.index! + m.index! + m[0].length;
      out.push([end - m.groups!.tok!.length, end]);
    }
  }
  return out;
}

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
        ...(edits ? { fix: { description: 'remove trusted=1 so paths from this store need valid signatures', edits } } : {}),
      });
      covered.push(w.span);
    }
  }
  if (file.kind !== 'nix') return out;
  for (const [start, end] of trustedUrlsInText(file.text)) {
    const url = file.text.slice(start, end);
    if (covered.some((c) => start < c.endOffset && c.startOffset < end)) continue;
    const lineStart = file.text.lastIndexOf('\n', start - 1) + 1;
    if (file.text.slice(lineStart, start).includes('#')) continue;
    const plain = withoutTrustedParam(url);
    out.push({
      span: spanAt(file, start, end),
      message: `store URL ${url} is marked trusted, so paths from it need no signature`,
      ...(plain !== undefined
        ? { fix: { description: 'remove trusted=1 so paths from this store need valid signatures', edits: [{ file: file.file, startOffset: start, endOffset: end, replacement: plain }] } }
        : {}),
    });
  }
  return out;
};
