/**
 * Decoding Nix string literals ("…" and ''…'') exactly as Nix's lexer and
 * parser do, keeping for every character of the result the offset in the file
 * it came from, so facts found inside a string (nix.conf lines in
 * `nix.extraOptions`) can point at the file.
 */
import type { SNode } from '../syntax/nix/node.js';

/** Stands in the decoded text for each `${…}`; never produced by a literal. */
export const INTERPOLATION = '\u0000';

export interface DecodedString {
  /** The string's value, with INTERPOLATION for each `${…}`. */
  value: string;
  /** offsets[i] is the file offset where the source of value[i] starts; offsets[value.length] is the end of the content. */
  offsets: number[];
  /** ends[i] is the file offset just past the source of value[i] (past the whole escape, for `\n` or `''$`). */
  ends: number[];
  hasInterpolation: boolean;
  indented: boolean;
}

interface Token {
  kind: 'text' | 'escape' | 'interp';
  chars: string;
  offs: number[];
  ends: number[];
}

function escapeChar(c: string): string {
  return c === 'n' ? '\n' : c === 't' ? '\t' : c === 'r' ? '\r' : c;
}

/** Splits a string_expression or indented_string_expression into literal pieces, escapes and interpolations. */
function tokens(node: SNode, text: string, indented: boolean): Token[] {
  const out: Token[] = [];
  const children = node.namedChildren;
  let first = true;
  for (let i = 0; i < children.length; i++) {
    const c = children[i]!;
    const t = c.type;
    const s = c.startIndex;
    const e = c.endIndex;
    if (t === 'string_fragment') {
      let start = s;
      if (indented && first) {
        // Nix's lexer swallows `''` followed by spaces and a newline: the first line is dropped.
        const m = /^ *\n/.exec(text.slice(s, Math.min(e, s + 4096)));
        if (m && text.slice(node.startIndex, s) === "''") start = s + m[0].length;
      }
      first = false;
      if (start >= e) continue;
      const offs: number[] = [];
      const ends: number[] = [];
      for (let k = start; k < e; k++) {
        offs.push(k);
        ends.push(k + 1);
      }
      out.push({ kind: 'text', chars: text.slice(start, e), offs, ends });
    } else if (t === 'escape_sequence') {
      first = false;
      const raw = text.slice(s, e);
      let chars: string;
      if (indented) chars = raw === "'''" ? "''" : escapeChar(raw.slice(3));
      else chars = escapeChar(raw.slice(1));
      out.push({ kind: 'escape', chars, offs: Array.from(chars, () => s), ends: Array.from(chars, () => e) });
    } else if (t === 'dollar_escape') {
      // `\$`, `''$`: tree-sitter gives the escape and then the `$` as a fragment; nix-lite one node for both.
      first = false;
      let end = e;
      if (text[e - 1] !== '$') {
        const next = children[i + 1];
        if (next && next.type === 'string_fragment' && next.endIndex - next.startIndex === 1) {
          i++;
          end = next.endIndex;
        }
      }
      out.push({ kind: 'escape', chars: '$', offs: [s], ends: [end] });
    } else if (t === 'interpolation') {
      first = false;
      out.push({ kind: 'interp', chars: INTERPOLATION, offs: [s], ends: [e] });
    }
  }
  return out;
}

/** Nix's `stripIndentation` (libexpr/parser.y), over tokens that keep their offsets. */
function stripIndentation(toks: Token[]): { chars: string[]; offs: number[]; ends: number[] } {
  let atStartOfLine = true;
  let minIndent = 1000000;
  let curIndent = 0;
  for (const t of toks) {
    if (t.kind !== 'text') {
      if (atStartOfLine) {
        atStartOfLine = false;
        if (curIndent < minIndent) minIndent = curIndent;
      }
      continue;
    }
    for (const ch of t.chars) {
      if (atStartOfLine) {
        if (ch === ' ') curIndent++;
        else if (ch === '\n') curIndent = 0;
        else {
          atStartOfLine = false;
          if (curIndent < minIndent) minIndent = curIndent;
        }
      } else if (ch === '\n') {
        atStartOfLine = true;
        curIndent = 0;
      }
    }
  }

  const chars: string[] = [];
  const offs: number[] = [];
  const ends: number[] = [];
  atStartOfLine = true;
  let curDropped = 0;
  for (let i = 0; i < toks.length; i++) {
    const t = toks[i]!;
    if (t.kind === 'interp') {
      atStartOfLine = false;
      curDropped = 0;
      chars.push(t.chars);
      offs.push(t.offs[0]!);
      ends.push(t.ends[0]!);
      continue;
    }
    const c2: string[] = [];
    const o2: number[] = [];
    const e2: number[] = [];
    for (let j = 0; j < t.chars.length; j++) {
      const ch = t.chars[j]!;
      if (atStartOfLine) {
        if (ch === ' ') {
          if (curDropped++ >= minIndent) {
            c2.push(ch);
            o2.push(t.offs[j]!);
            e2.push(t.ends[j]!);
          }
        } else if (ch === '\n') {
          curDropped = 0;
          c2.push(ch);
          o2.push(t.offs[j]!);
          e2.push(t.ends[j]!);
        } else {
          atStartOfLine = false;
          curDropped = 0;
          c2.push(ch);
          o2.push(t.offs[j]!);
          e2.push(t.ends[j]!);
        }
      } else {
        c2.push(ch);
        o2.push(t.offs[j]!);
        e2.push(t.ends[j]!);
        if (ch === '\n') atStartOfLine = true;
      }
    }
    if (i === toks.length - 1) {
      // Remove the last line if it is empty and consists only of spaces.
      const p = c2.lastIndexOf('\n');
      if (p !== -1 && c2.slice(p + 1).every((ch) => ch === ' ')) {
        c2.length = p + 1;
        o2.length = p + 1;
        e2.length = p + 1;
      }
    }
    chars.push(...c2);
    offs.push(...o2);
    ends.push(...e2);
  }
  return { chars, offs, ends };
}

/** Decodes a string_expression / indented_string_expression node. */
export function decodeString(node: SNode, text: string): DecodedString {
  const indented = node.type === 'indented_string_expression';
  const toks = tokens(node, text, indented);
  let chars: string[];
  let offs: number[];
  let ends: number[];
  if (indented) {
    ({ chars, offs, ends } = stripIndentation(toks));
  } else {
    chars = [];
    offs = [];
    ends = [];
    for (const t of toks) {
      for (let j = 0; j < t.chars.length; j++) {
        chars.push(t.chars[j]!);
        offs.push(t.offs[j]!);
        ends.push(t.ends[j]!);
      }
    }
  }
  const closeLen = indented ? 2 : 1;
  offs.push(node.endIndex - closeLen);
  return { value: chars.join(''), offsets: offs, ends, hasInterpolation: toks.some((t) => t.kind === 'interp'), indented };
}

/** The value of a string node without interpolations, or undefined. */
export function staticString(node: SNode, text: string): string | undefined {
  if (node.type !== 'string_expression' && node.type !== 'indented_string_expression') return undefined;
  const d = decodeString(node, text);
  return d.hasInterpolation ? undefined : d.value;
}
