/**
 * The light parser's lexer. It follows Nix's own (libexpr/lexer.l): longest match, first
 * rule on ties, so `a/b` is a path, `x:y` a URI, `a-b` an identifier.
 */
import { LiteNode, LiteParseError } from './node.js';

export type TokKind =
  | 'id'
  | 'int'
  | 'float'
  | 'path' // a path, or the start of one with `${` in it
  | 'hpath'
  | 'spath'
  | 'uri'
  | 'str' // `"`
  | 'istr' // `''`
  | 'dollar' // `${`
  | 'op' // punctuation and operators
  | 'kw'
  | 'eof';

export interface Tok {
  kind: TokKind;
  text: string;
  start: number;
  end: number;
}

export const KEYWORDS = new Set(['if', 'then', 'else', 'assert', 'with', 'let', 'in', 'rec', 'inherit', 'or']);
const OPS2 = new Set(['==', '!=', '<=', '>=', '&&', '||', '->', '//', '++']);
/** [a-zA-Z0-9._-+] by char code. */
export const PATH_CHAR: boolean[] = [];
for (const ch of 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-+') PATH_CHAR[ch.charCodeAt(0)] = true;
/** [a-zA-Z0-9_'-] by char code. */
export const ID_CHAR: boolean[] = [];
for (const ch of "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_'-") ID_CHAR[ch.charCodeAt(0)] = true;
const OPS1 = '{}[]();:.,=@?!+-*/<>';

const RE_FLOAT = /(?:(?:[1-9][0-9]*\.[0-9]*)|(?:0?\.[0-9]+))(?:[Ee][+-]?[0-9]+)?/y;
const RE_PATH = /[a-zA-Z0-9._\-+]*(?:\/[a-zA-Z0-9._\-+]+)+\/?/y;
const RE_PATH_SEG_DOLLAR = /[a-zA-Z0-9._\-+]*\/\$\{/y;
const RE_HPATH = /~(?:\/[a-zA-Z0-9._\-+]+)+\/?/y;
const RE_HPATH_START_DOLLAR = /~\/\$\{/y;
const RE_SPATH = /<[a-zA-Z0-9._\-+]+(?:\/[a-zA-Z0-9._\-+]+)*>/y;
const RE_URI = /[a-zA-Z][a-zA-Z0-9+\-.]*:[a-zA-Z0-9%/?:@&=+$,\-_.!~*']+/y;

export function matchAt(re: RegExp, text: string, pos: number): number {
  re.lastIndex = pos;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

export class Lexer {
  pos = 0;
  /** False while looking ahead: comments are recorded when really passed. */
  recording = true;
  /**
   * A float glued to what follows (`1.or`, `2.x`): Nix lexes `1.` as a float and
   * tree-sitter does not, so past this point tree-sitter's verdict is not Nix's.
   */
  gluedFloat = false;
  readonly comments: LiteNode[] = [];
  private seenComments = 0;
  constructor(readonly text: string) {}

  /** Skips whitespace and comments (recording each comment once). */
  skip(): void {
    const t = this.text;
    for (;;) {
      const c = t.charCodeAt(this.pos);
      if (c === 32 || c === 10 || c === 9 || c === 13) {
        this.pos++;
      } else if (c === 35 /* # */) {
        const s = this.pos;
        let e = t.indexOf('\n', s);
        if (e === -1) e = t.length;
        if (t.charCodeAt(e - 1) === 13) e--;
        this.comment(s, e);
        this.pos = e;
      } else if (c === 47 /* / */ && t.charCodeAt(this.pos + 1) === 42 /* * */) {
        const s = this.pos;
        const e = t.indexOf('*/', s + 2);
        if (e === -1) throw new LiteParseError('unterminated comment', s);
        this.comment(s, e + 2);
        this.pos = e + 2;
      } else return;
    }
  }

  private comment(s: number, e: number): void {
    // Lookahead re-lexes; record a comment only the first time it is passed.
    if (this.recording && s >= this.seenComments) {
      this.comments.push(new LiteNode('comment', s, e));
      this.seenComments = e;
    }
  }

  next(): Tok {
    this.skip();
    const t = this.text;
    const s = this.pos;
    if (s >= t.length) return { kind: 'eof', text: '', start: s, end: s };
    const code = t.charCodeAt(s);
    const c = t[s]!;
    // Longest match among the token rules, first rule on ties (as flex does).
    let kind: TokKind = 'op';
    let len = 0;
    const isLetter = (code >= 97 && code <= 122) || (code >= 65 && code <= 90);
    const isDigit = code >= 48 && code <= 57;
    if (isLetter || code === 95 /* _ */) {
      let i = s + 1;
      while (i < t.length && ID_CHAR[t.charCodeAt(i)]) i++;
      len = i - s;
      kind = 'id';
    } else if (isDigit) {
      let i = s + 1;
      while (i < t.length && t.charCodeAt(i) >= 48 && t.charCodeAt(i) <= 57) i++;
      len = i - s;
      kind = 'int';
    }
    if ((isDigit && t.charCodeAt(s + len) === 46) || (code === 46 && t.charCodeAt(s + 1) >= 48 && t.charCodeAt(s + 1) <= 57)) {
      const l = matchAt(RE_FLOAT, t, s);
      if (l > len) {
        len = l;
        kind = 'float';
        const next = t.charCodeAt(s + len);
        if (t.charCodeAt(s + len - 1) === 46 || next === 46 || ID_CHAR[next]) this.gluedFloat = true;
      }
    }
    if (len === 0 || kind !== 'op') {
      // A path needs a `/` after a run of path characters; a URI a `:` after its scheme.
      let i = s + len;
      while (i < t.length && PATH_CHAR[t.charCodeAt(i)]) i++;
      const after = t.charCodeAt(i);
      if (after === 47 /* / */ && (len > 0 || PATH_CHAR[code])) {
        const l = Math.max(matchAt(RE_PATH_SEG_DOLLAR, t, s), matchAt(RE_PATH, t, s));
        if (l > len) {
          len = l;
          kind = 'path';
        }
      } else if (after === 58 /* : */ && isLetter) {
        const l = matchAt(RE_URI, t, s);
        if (l > len) {
          len = l;
          kind = 'uri';
        }
      }
    }
    if (len === 0) {
      switch (c) {
        case '$':
          if (t[s + 1] === '{') {
            kind = 'dollar';
            len = 2;
          }
          break;
        case '"':
          kind = 'str';
          len = 1;
          break;
        case "'":
          if (t[s + 1] === "'") {
            kind = 'istr';
            len = 2;
          }
          break;
        case '~':
          len = Math.max(matchAt(RE_HPATH_START_DOLLAR, t, s), matchAt(RE_HPATH, t, s));
          kind = 'hpath';
          break;
        case '<':
          len = matchAt(RE_SPATH, t, s);
          kind = 'spath';
          break;
        case '/':
          if (t[s + 1] !== '/') {
            len = Math.max(matchAt(RE_PATH_SEG_DOLLAR, t, s), matchAt(RE_PATH, t, s));
            kind = 'path';
          }
          break;
      }
      if (len === 0) {
        kind = 'op';
        if (t.startsWith('...', s)) len = 3;
        else if (OPS2.has(t.slice(s, s + 2))) len = 2;
        else if (OPS1.includes(c)) len = 1;
        else throw new LiteParseError(`unexpected character '${c}'`, s);
      }
    }
    let text = t.slice(s, s + len);
    if (kind === 'id' && KEYWORDS.has(text)) kind = 'kw';
    // Nix's lexer reads an integer into an int64 and rejects one that does not fit.
    if (kind === 'int' && exceedsInt64(text)) throw new LiteParseError(`invalid integer '${text}'`, s, true, s + len);
    if ((kind === 'path' || kind === 'hpath') && text.endsWith('${')) {
      // A path with interpolation: the token is only its first literal part.
      len -= 2;
      text = text.slice(0, -2);
    }
    this.pos = s + len;
    return { kind, text, start: s, end: s + len };
  }
}

// ---------------------------------------------------------------------------
// Parser

const INT64_MAX = '9223372036854775807';

/** Does a run of decimal digits exceed 2^63 - 1? */
function exceedsInt64(digits: string): boolean {
  const d = digits.replace(/^0+(?=.)/, '');
  return d.length > INT64_MAX.length || (d.length === INT64_MAX.length && d > INT64_MAX);
}
