import type { Span } from '../../core/span.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingsFor, spanAt, stringLiterals } from '../../model/setting-views.js';

/** Secret formats that are recognisable anywhere in the text, comments included (a leaked token is leaked). */
const PATTERNS: { re: RegExp; what: string }[] = [
  { re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, what: 'a GitHub token' },
  { re: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, what: 'a GitHub fine-grained token' },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, what: 'a GitLab token' },
  // Ed25519 binary cache secret keys are 64 bytes (88 base64 chars); public keys are 32 bytes.
  // The lookbehind lets a match start only where a name run starts: every start inside the run has the same
  // continuation, so this finds the same keys without rescanning a long run from each offset (quadratic).
  { re: /(?<![A-Za-z0-9._-])[A-Za-z0-9._-]+:[A-Za-z0-9+/]{86}==/g, what: 'a binary cache secret key' },
  { re: /\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+[^\s$]\S*/g, what: 'netrc credentials' },
  // Both start at a `\b` inside a run that the rest of the pattern scans to its end, so trying every start is
  // quadratic ("eyJ-eyJ-…", "a.a.a.…"). All starts in one run share that continuation, so only the first
  // candidate of each run is tried: the match is anchored at the run start and skips (greedily, without
  // passing another candidate) to the first one; `tok` is the text the original pattern matched.
  { re: /(?<![A-Za-z0-9_-])(?:(?!eyJ)(?:[A-Za-z0-9_]|-(?!eyJ))*-)?(?<tok>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/g, what: 'a JSON Web Token' },
  { re: /(?<![a-z0-9+.-])(?:(?<!\w)|(?:[a-z0-9]|[+.-](?![a-z]))*[+.-])(?<tok>[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'$]+:[^\s/@"'$]+@)/gi, what: 'a password in a URL' },
];

/** Names of options that hold secrets; `passwordFile`, `hashedPassword`, `tokenCommand` do not. */
const SECRET_NAME = /(?:token|password|passwd|secret|apikey|accesskey|secretkey|privatekey)$/i;
const NOT_SECRET = /hashed|file$|path$|command$/i;

/** NH015: access tokens, netrc contents, credentials and secret keys written into configuration. */
export const check: RuleCheck = (file) => {
  if (file.kind !== 'nix' && file.kind !== 'nix.conf') return [];
  const out: RawFinding[] = [];
  const taken: Span[] = [];
  const overlaps = (s: Span): boolean => taken.some((t) => s.startOffset < t.endOffset && t.startOffset < s.endOffset);
  const report = (span: Span, message: string, confidence?: 'low' | 'medium' | 'high'): void => {
    if (overlaps(span)) return;
    taken.push(span);
    out.push({ span, message, ...(confidence ? { confidence } : {}) });
  };

  for (const { re, what } of PATTERNS) {
    for (const m of file.text.matchAll(re)) {
      const end = m.index! + m[0].length;
      const start = end - (m.groups?.tok ?? m[0]).length;
      report(spanAt(file, start, end), `${what} is written into the configuration`, 'high');
    }
  }
  for (const s of settingsFor(file, 'access-tokens')) {
    for (const w of s.words) {
      const token = w.text.slice(w.text.indexOf('=') + 1);
      if (!w.text.includes('=') || token === '' || token.includes('${')) continue;
      report(w.span, `access token for ${w.text.slice(0, w.text.indexOf('='))} is written into the configuration`, 'high');
    }
  }
  for (const lit of stringLiterals(file)) {
    const name = lit.assignment.path[lit.assignment.path.length - 1] ?? '';
    if (!SECRET_NAME.test(name) || NOT_SECRET.test(name)) continue;
    const v = lit.value;
    // Paths, references (`$__file{…}`, `${…}`) and plain URLs name a secret rather than hold one;
    // URLs with credentials are caught by the patterns above.
    if (v.length < 8 || /^[./~]|^\$|\$\{/.test(v) || /\s/.test(v.trim()) || /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) continue;
    report(lit.span, `${lit.assignment.path.join('.')} holds a literal secret`);
  }
  return out;
};
