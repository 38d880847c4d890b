import type { Span } from '../../core/span.js';
import type { RawFinding, RuleCheck } from '../types.js';
import { settingsFor, spanAt, stringLiterals } from '../../model/setting-views.js';
import { isNameLike, isPlaceholder, looksLikeToken, TOKEN_FORMATS } from './secret-values.js';

/** Formats recognisable anywhere in the text, beyond the well-known token prefixes. */
const PATTERNS: { re: RegExp; what: string }[] = [
  ...TOKEN_FORMATS,
  // Ed25519 binary cache secret keys are 64 bytes (88 base64 chars); public keys are 32 bytes.
  // The lookbehind lets a match start only where a name run starts: every start inside the run has the same
  // continuation, so this finds the same keys without rescanning a long run from each offset (quadratic).
  { re: /(?<![A-Za-z0-9._-])[A-Za-z0-9._-]+:[A-Za-z0-9+/]{86}==/g, what: 'a binary cache secret key' },
  { re: /\bmachine\s+\S+\s+(?:login\s+\S+\s+)?password\s+(?<secret>[^\s$]\S*)/g, what: 'netrc credentials' },
  // Both start at a `\b` inside a run that the rest of the pattern scans to its end, so trying every start is
  // quadratic ("eyJ-eyJ-…", "a.a.a.…"). All starts in one run share that continuation, so only the first
  // candidate of each run is tried: the match is anchored at the run start and skips (greedily, without
  // passing another candidate) to the first one; `tok` is the text the original pattern matched.
  { re: /(?<![A-Za-z0-9_-])(?:(?!eyJ)(?:[A-Za-z0-9_]|-(?!eyJ))*-)?(?<tok>eyJ[A-Za-z0-9_-]{8,}\.eyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{16,})/g, what: 'a JSON Web Token' },
  {
    re: /(?<![a-z0-9+.-])(?:(?<!\w)|(?:[a-z0-9]|[+.-](?![a-z]))*[+.-])(?<tok>[a-z][a-z0-9+.-]*:\/\/[^\s/:@"'$]+:(?<secret>[^\s/@"'$]+)@)/gi,
    what: 'a password in a URL',
  },
];

/** Names of options that hold secrets; `passwordFile`, `hashedPassword`, `tokenCommand` do not. */
const SECRET_NAME = /(?:token|password|passwd|secret|apikey|api_key|accesskey|secretkey|privatekey)$/i;
const PASSWORD_NAME = /(?:password|passwd)$/i;
const NOT_SECRET = /hashed|file$|path$|command$|cmd$/i;
/** NH032's: a known initial password is a finding of its own kind. */
const OWN_RULE = new Set(['initialPassword']);

/** Does a literal under a secret-sounding option hold a secret? Judged by the value. */
function holdsSecret(name: string, path: string[], v: string): boolean {
  if (v.length < 8 || isPlaceholder(v) || /\s/.test(v.trim())) return false;
  // Paths, references (`$__file{…}`, `${…}`) and plain URLs name a secret rather than hold one;
  // URLs with credentials are caught by the patterns.
  if (/^[./~]|^\$|\$\{/.test(v) || /^[a-z][a-z0-9+.-]*:\/\//i.test(v)) return false;
  // A secret store's entry name (`rbwEntries."api-token" = "api-token"`) repeats the attribute.
  if (path.includes(v)) return false;
  if (PASSWORD_NAME.test(name)) return !/^[a-z][a-z0-9.+-]*\/[a-z0-9.+-]+$/i.test(v);
  return looksLikeToken(v) && !isNameLike(v);
}

/** `nix.settings.access-tokens` built by an expression: the literal `host = "token"` pairs and `"host=token"` strings in it. */
const HOST_TOKEN = /"?(?<host>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)"?\s*=\s*"(?<token>[^"\\$\s]{8,})"|"(?<host2>[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+)=(?<token2>[^"\\$\s]{8,})"/g;

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
      const secret = m.groups?.secret;
      if (secret !== undefined && isPlaceholder(secret)) continue;
      const end = m.index! + m[0].length;
      const start = end - (m.groups?.tok ?? m[0]).length;
      report(spanAt(file, start, end), `${what} is written into the configuration`, 'high');
    }
  }
  for (const s of settingsFor(file, 'access-tokens')) {
    for (const w of s.words) {
      const token = w.text.slice(w.text.indexOf('=') + 1);
      if (!w.text.includes('=') || token === '' || token.includes('${') || isPlaceholder(token)) continue;
      report(w.span, `access token for ${w.text.slice(0, w.text.indexOf('='))} is written into the configuration`, 'high');
    }
    if (!s.unknown || file.kind !== 'nix') continue;
    // `lib.pipe { "github.com" = "…"; } [ (mapAttrsToList …) … ]`: the tokens are still literals in the file.
    const base = s.span.startOffset;
    for (const m of file.text.slice(base, s.span.endOffset).matchAll(HOST_TOKEN)) {
      const g = m.groups!;
      const token = g.token ?? g.token2!;
      if (isPlaceholder(token)) continue;
      const at = base + m.index! + m[0].lastIndexOf(token);
      report(spanAt(file, at, at + token.length), `access token for ${g.host ?? g.host2} is written into the configuration`, 'high');
    }
  }
  for (const lit of stringLiterals(file)) {
    const path = lit.assignment.path;
    const name = path[path.length - 1] ?? '';
    // `"org.freedesktop.impl.portal.Secret"` is a D-Bus interface, `x-scheme-handler/…` a MIME type.
    if (!SECRET_NAME.test(name) || NOT_SECRET.test(name) || /[./]/.test(name) || OWN_RULE.has(name)) continue;
    if (!holdsSecret(name, path, lit.value)) continue;
    report(lit.span, `${path.join('.')} holds a literal secret`);
  }
  return out;
};
