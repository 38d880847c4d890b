/**
 * OpenSSH's ALLOWED SIGNERS format (ssh-keygen(1); git's gpg.ssh.allowedSignersFile):
 *   principals [options] keytype base64 [comment]
 * Parsed the way sshsig.c does it, so a file means the same thing here as to git.
 */
import { UserError } from '../../../core/errors.js';
import { parseSshPublicKeyText, SshFormatError, type SshPublicKey } from './keys.js';

export interface AllowedSignerOptions {
  /** Namespace patterns (comma-separated list as written); undefined = any namespace. */
  namespaces?: string[];
  /** Seconds since the epoch; the key is valid from then on. */
  validAfter?: number;
  /** Seconds since the epoch; the key is valid until then. */
  validBefore?: number;
  /** The key is a CA for certificates; it never matches a plain key. */
  certAuthority: boolean;
}

export interface AllowedSigner {
  /** Principal patterns (wildcards `*`, `?`, negation `!`). */
  principals: string[];
  options: AllowedSignerOptions;
  key: SshPublicKey;
  source: string;
  line: number;
}

/** Parses a whole allowed-signers file; a bad line is a UserError naming file and line. */
export function parseAllowedSigners(text: string, source: string): AllowedSigner[] {
  const out: AllowedSigner[] = [];
  text.split(/\r?\n/).forEach((raw, idx) => {
    const entry = parseAllowedSignersLine(raw, source, idx + 1);
    if (entry) out.push(entry);
  });
  return out;
}

export function parseAllowedSignersLine(raw: string, source: string, line: number): AllowedSigner | undefined {
  const fail = (msg: string): never => {
    throw new UserError(`allowed signers: ${msg}`, 2, source, line);
  };
  let rest = raw.replace(/^[ \t]+/, '');
  if (rest === '' || rest.startsWith('#')) return undefined;

  const principalTok = takeToken(rest);
  if (!principalTok) return fail('invalid line');
  const principals = principalTok.token.split(',');
  if (principals.some((p) => p === '')) fail('empty principal');
  rest = principalTok.rest.replace(/^[ \t]+/, '');

  let optionsText: string | undefined;
  // The key comes right after the principals unless options are present (sshsig.c tries the key first).
  if (!looksLikeKey(rest)) {
    const end = endOfOptions(rest);
    if (end < 0) return fail('invalid options (unterminated quote)');
    optionsText = rest.slice(0, end);
    rest = rest.slice(end).replace(/^[ \t]+/, '');
  }
  let options: AllowedSignerOptions;
  try {
    options = parseOptions(optionsText);
  } catch (e) {
    return fail((e as Error).message);
  }
  let key: SshPublicKey;
  try {
    key = parseSshPublicKeyText(rest);
  } catch (e) {
    const why = e instanceof SshFormatError ? e.message : `unreadable key (${(e as Error).message})`;
    return fail(`invalid key: ${why}`);
  }
  return { principals, options, key, source, line };
}

/** A token ends at unquoted whitespace; `"…"` quotes the whole token (strdelimw). */
function takeToken(s: string): { token: string; rest: string } | undefined {
  if (s.startsWith('"')) {
    const close = s.indexOf('"', 1);
    if (close < 0) return undefined;
    const after = s.slice(close + 1);
    if (after !== '' && !/^[ \t]/.test(after)) return undefined;
    if (after.trim() === '') return undefined; // nothing after the principals
    return { token: s.slice(1, close), rest: after };
  }
  const m = /^(\S+)([ \t]+[\s\S]*)$/.exec(s);
  if (!m) return undefined;
  return { token: m[1]!, rest: m[2]! };
}

/** Key type names start like this; option names never do. */
function looksLikeKey(s: string): boolean {
  const first = /^\S+/.exec(s)?.[0] ?? '';
  return /^(ssh-|ecdsa-|sk-)/.test(first) && !first.includes('=') && !first.includes(',');
}

/** Index just past the options field: the first unquoted space or tab (sshkey_advance_past_options). */
function endOfOptions(s: string): number {
  let quoted = false;
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (!quoted && (c === ' ' || c === '\t')) return i;
    if (c === '\\' && s[i + 1] === '"') {
      i++;
      continue;
    }
    if (c === '"') quoted = !quoted;
  }
  return quoted ? -1 : s.length;
}

function parseOptions(text: string | undefined): AllowedSignerOptions {
  const opts: AllowedSignerOptions = { certAuthority: false };
  if (text === undefined) return opts;
  let s = text;
  while (s.length > 0) {
    const lower = s.toLowerCase();
    if (lower.startsWith('cert-authority')) {
      opts.certAuthority = true;
      s = s.slice('cert-authority'.length);
    } else {
      const m = /^(namespaces|valid-after|valid-before)=/i.exec(s);
      if (!m) throw new Error(`unknown option ${JSON.stringify(s.split(',')[0])}`);
      const { value, rest } = dequote(s.slice(m[0].length));
      s = rest;
      const name = m[1]!.toLowerCase();
      if (name === 'namespaces') {
        if (opts.namespaces) throw new Error('namespaces given twice');
        opts.namespaces = value.split(',');
      } else {
        const t = parseAbsoluteTime(value);
        if (t === undefined) throw new Error(`invalid time ${JSON.stringify(value)} (expected YYYYMMDD[HHMM[SS]][Z])`);
        if (name === 'valid-after') {
          if (opts.validAfter !== undefined) throw new Error('valid-after given twice');
          opts.validAfter = t;
        } else {
          if (opts.validBefore !== undefined) throw new Error('valid-before given twice');
          opts.validBefore = t;
        }
      }
    }
    if (s.startsWith(',')) {
      s = s.slice(1);
      if (s === '') throw new Error('trailing comma in options');
    } else if (s !== '') throw new Error(`unexpected text in options: ${JSON.stringify(s)}`);
  }
  return opts;
}

/** `"value"` with `\"` escapes, as OpenSSH's opt_dequote requires. */
function dequote(s: string): { value: string; rest: string } {
  if (!s.startsWith('"')) throw new Error('option value must be quoted');
  let out = '';
  for (let i = 1; i < s.length; i++) {
    const c = s[i]!;
    if (c === '\\' && s[i + 1] === '"') {
      out += '"';
      i++;
    } else if (c === '"') {
      return { value: out, rest: s.slice(i + 1) };
    } else out += c;
  }
  throw new Error('missing end quote in option value');
}

/**
 * YYYYMMDD, YYYYMMDDHHMM or YYYYMMDDHHMMSS, optionally suffixed Z for UTC;
 * without Z it is the verifier's local time, exactly as OpenSSH reads it.
 */
export function parseAbsoluteTime(s: string): number | undefined {
  const m = /^(\d{4})(\d{2})(\d{2})(?:(\d{2})(\d{2})(\d{2})?)?(Z?)$/i.exec(s);
  if (!m) return undefined;
  const [y, mo, d, h = '0', mi = '0', sec = '0'] = m.slice(1, 7).map((x) => x ?? undefined) as string[];
  const nums = [y, mo, d, h, mi, sec].map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  const [Y, M, D, H, Mi, S] = nums;
  if (M < 1 || M > 12 || D < 1 || D > 31 || H > 23 || Mi > 59 || S > 60) return undefined;
  const ms = m[7] ? Date.UTC(Y, M - 1, D, H, Mi, S) : new Date(Y, M - 1, D, H, Mi, S).getTime();
  const check = new Date(ms);
  const day = m[7] ? check.getUTCDate() : check.getDate();
  if (day !== D) return undefined; // 20230231 and friends
  return Math.floor(ms / 1000);
}

/** OpenSSH match_pattern: `*` and `?` wildcards over the whole string, case-sensitive. */
export function matchPattern(s: string, pattern: string): boolean {
  const re = new RegExp(`^${pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '[\\s\\S]*').replace(/\?/g, '[\\s\\S]')}$`);
  return re.test(s);
}

/** OpenSSH match_pattern_list: any positive pattern matches and no negated (`!`) one does. */
export function matchPatternList(s: string, patterns: string[]): boolean {
  let positive = false;
  for (const p of patterns) {
    const negated = p.startsWith('!');
    if (matchPattern(s, negated ? p.slice(1) : p)) {
      if (negated) return false;
      positive = true;
    }
  }
  return positive;
}
