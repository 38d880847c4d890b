/**
 * Is a literal a secret? NH015 judges the value, not only the option's name: a token has a
 * known format or looks random; a placeholder, a reference, a name or a path does not hold
 * a secret, whatever the option is called.
 */

/** Token formats recognisable on their own, anywhere in the text (comments included: a leaked token is leaked). */
export const TOKEN_FORMATS: { re: RegExp; what: string }[] = [
  { re: /\bgh[pousr]_[A-Za-z0-9]{36,}\b/g, what: 'a GitHub token' },
  { re: /\bgithub_pat_[A-Za-z0-9_]{22,}\b/g, what: 'a GitHub fine-grained token' },
  { re: /\bglpat-[A-Za-z0-9_-]{20,}\b/g, what: 'a GitLab token' },
  { re: /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g, what: 'an AWS access key id' },
  { re: /\bxox[abposr]-[A-Za-z0-9-]{10,}\b/g, what: 'a Slack token' },
  { re: /\bAGE-SECRET-KEY-1[0-9A-Z]{58}\b/g, what: 'an age secret key' },
  { re: /\btskey-(?:auth|api|client)-[A-Za-z0-9]{6,}-[A-Za-z0-9]{16,}\b/g, what: 'a Tailscale key' },
  { re: /\bhf_[A-Za-z0-9]{30,}\b/g, what: 'a Hugging Face token' },
  { re: /-----BEGIN (?:RSA |EC |DSA |OPENSSH |ENCRYPTED |PGP )?PRIVATE KEY(?: BLOCK)?-----/g, what: 'a private key block' },
];

const PLACEHOLDER_WORDS =
  /^(?:change[-_ ]?me|change[-_ ]?this|password|passwd|pass|pwd|secret|token|api[-_ ]?key|key|example|placeholder|replace[-_ ]?me|todo|fixme|none|null|nil|dummy|redacted|hidden|test|foo|bar|user|username)$/i;

/**
 * Placeholders and references that stand for a secret kept elsewhere: `changeme`,
 * `<password>`, `{{ token }}`, Symfony's `%env(X)%`, substituted `@tsig_key@`, `$VAR`,
 * `$(cmd)`, `***`, `your-token-here`.
 */
export function isPlaceholder(value: string): boolean {
  const v = value.trim();
  if (v === '') return true;
  if (PLACEHOLDER_WORDS.test(v)) return true;
  if (/^<[^<>]*>$|^\{\{.*\}\}$|^\[[^\][]*\]$/.test(v)) return true;
  if (/^%env\([^)]*\)%$|^%[A-Za-z_][\w.]*%$/.test(v)) return true;
  if (/^@[A-Za-z0-9_.-]+@$/.test(v)) return true;
  if (/^\$(?:[A-Za-z_]\w*|\{[^}]*\}|\([^)]*\))$/.test(v)) return true;
  if (/^([x*.#?-])\1*$/i.test(v)) return true;
  if (/^(?:your|my|the|some)[-_ ]?[\w-]*$|[-_ ]here$/i.test(v)) return true;
  return /(?:^|[-_. ])(?:changeme|change[-_]me|placeholder|example|dummy|redacted|replace[-_]?me|todo|fixme)(?:$|[-_. ])/i.test(v);
}

/** Shannon entropy in bits per character. */
export function entropy(s: string): number {
  const counts = new Map<string, number>();
  for (const c of s) counts.set(c, (counts.get(c) ?? 0) + 1);
  let h = 0;
  for (const n of counts.values()) {
    const p = n / s.length;
    h -= p * Math.log2(p);
  }
  return h;
}

/**
 * Names rather than secrets: D-Bus and reverse-DNS names (`org.freedesktop.secrets`),
 * MIME types and URL scheme handlers (`x-scheme-handler/onepassword`), environment
 * variable names, and plain words joined by `-`, `_` or `.` (`gnome-keyring`, a
 * secret store's entry name).
 */
export function isNameLike(value: string): boolean {
  const v = value.trim();
  if (/^(?:org|com|net|io|de|dev|ca|fr|uk)\.[A-Za-z0-9_-]+(?:\.[A-Za-z0-9_-]+)+$/.test(v)) return true;
  if (/^[a-z][a-z0-9.+-]*\/[a-z0-9][a-z0-9.+-]*$/i.test(v) && !/\d{3}/.test(v)) return true;
  if (/^[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+$/.test(v)) return true;
  return /^[a-z]+(?:[-_.][a-z]+)*$/.test(v);
}

/**
 * Does a value of an option named like a token or key look like one? Long enough, and
 * either mixing letters with digits or high in entropy; not a placeholder or a name.
 */
export function looksLikeToken(value: string): boolean {
  const v = value.trim();
  if (v.length < 12 || /\s/.test(v) || isPlaceholder(v) || isNameLike(v)) return false;
  const classes = [/[a-z]/, /[A-Z]/, /[0-9]/, /[^A-Za-z0-9]/].filter((re) => re.test(v)).length;
  return (classes >= 2 && /[0-9]/.test(v)) || entropy(v) >= 3.5;
}
