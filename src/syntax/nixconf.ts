/**
 * nix.conf syntax, as Nix itself reads it (libutil/config.cc, applyConfig):
 *
 * - the text is split at `\n`; there are no continuation lines;
 * - everything from the first `#` of a line on is a comment (even inside a value);
 * - the rest is split into words at spaces, tabs and `\r`;
 * - a line of words is either `include PATH`, `!include PATH` (a missing file is
 *   fine), or `NAME = WORD…`, with `=` standing alone as the second word; the value
 *   is the words joined by one space (`NAME =` sets the empty value);
 * - anything else is an "illegal configuration line" and Nix stops there.
 *
 * Offsets are 0-based into the given text, so callers can map them (a standalone
 * file maps 1:1; `nix.extraOptions` maps through the decoded string's offsets).
 */

export interface ConfWord {
  text: string;
  start: number;
  end: number;
}

export type ConfLine =
  | {
      kind: 'setting';
      key: ConfWord;
      values: ConfWord[];
      /** From the key to the end of the last word (or of the `=`). */
      start: number;
      end: number;
      /** The line holds a character the caller marked as unknown (an interpolation): the value can't be known. */
      unknown: boolean;
    }
  | { kind: 'include'; optional: boolean; path: ConfWord; start: number; end: number; unknown: boolean }
  | { kind: 'invalid'; message: string; start: number; end: number };

export interface ConfComment {
  text: string;
  start: number;
}

export interface ParsedConf {
  lines: ConfLine[];
  comments: ConfComment[];
}

const isSep = (c: string): boolean => c === ' ' || c === '\t' || c === '\r';

/**
 * Parses nix.conf text. `unknownChar`, when given, marks a line containing it as
 * unknown (used for `${…}` inside `nix.extraOptions`); such a line is never invalid.
 */
export function parseNixConf(text: string, unknownChar?: string): ParsedConf {
  const lines: ConfLine[] = [];
  const comments: ConfComment[] = [];
  let pos = 0;
  while (pos <= text.length) {
    let eol = text.indexOf('\n', pos);
    if (eol === -1) eol = text.length;
    let contentEnd = eol;
    const hash = text.indexOf('#', pos);
    if (hash !== -1 && hash < eol) {
      contentEnd = hash;
      comments.push({ text: text.slice(hash, eol).replace(/\r$/, ''), start: hash });
    }
    const words: ConfWord[] = [];
    let i = pos;
    while (i < contentEnd) {
      while (i < contentEnd && isSep(text[i]!)) i++;
      if (i >= contentEnd) break;
      const s = i;
      while (i < contentEnd && !isSep(text[i]!)) i++;
      words.push({ text: text.slice(s, i), start: s, end: i });
    }
    if (words.length > 0) lines.push(classify(words, unknownChar));
    if (eol >= text.length) break;
    pos = eol + 1;
  }
  return { lines, comments };
}

function classify(words: ConfWord[], unknownChar: string | undefined): ConfLine {
  const start = words[0]!.start;
  const end = words[words.length - 1]!.end;
  const unknown = unknownChar !== undefined && words.some((w) => w.text.includes(unknownChar));
  const first = words[0]!.text;
  if (first === 'include' || first === '!include') {
    if (words.length === 2) return { kind: 'include', optional: first === '!include', path: words[1]!, start, end, unknown };
    if (!unknown) return { kind: 'invalid', message: `illegal configuration line: '${first}' takes exactly one path`, start, end };
  }
  if (words.length >= 2 && words[1]!.text === '=') {
    return { kind: 'setting', key: words[0]!, values: words.slice(2), start, end, unknown };
  }
  if (unknown) {
    // e.g. `${key} = value` or `key = ${…}` glued: can't tell what it sets.
    return { kind: 'setting', key: words[0]!, values: words.slice(1), start, end, unknown: true };
  }
  return {
    kind: 'invalid',
    message: words.length < 2 ? `illegal configuration line '${words.map((w) => w.text).join(' ')}'` : `illegal configuration line '${words.map((w) => w.text).join(' ')}': expected 'NAME = VALUE' with spaces around '='`,
    start,
    end,
  };
}
