/**
 * Small, exact text edits for Nix bindings: replace a string literal, add a
 * binding after another, keep a `# branch: X` (or `# tag: X`) comment at the end of a line.
 * Every edit is a span plus replacement for the edit engine, which re-parses
 * the result before anything is written.
 */
import { UserError } from '../../core/errors.js';
import type { Span } from '../../core/span.js';
import type { TextEdit } from '../../core/text-edit.js';

/** A Nix string literal for values we write (revs, hashes, URLs): refuse anything needing escapes. */
export function nixString(value: string): string {
  if (/["\\\n\r]|\$\{/.test(value)) throw new UserError(`refusing to write ${JSON.stringify(value)} into a Nix string`);
  return `"${value}"`;
}

export function replaceValue(span: Span, value: string): TextEdit {
  return { file: span.file, startOffset: span.startOffset, endOffset: span.endOffset, replacement: nixString(value) };
}

/** Offset just past the `;` ending the binding whose value ends at `valueEnd`, or undefined. */
export function bindingEnd(text: string, valueEnd: number): number | undefined {
  const m = /^[ \t]*;/.exec(text.slice(valueEnd, valueEnd + 200));
  return m ? valueEnd + m[0].length : undefined;
}

function lineEnd(text: string, offset: number): number {
  const nl = text.indexOf('\n', offset);
  const end = nl < 0 ? text.length : nl;
  return text[end - 1] === '\r' ? end - 1 : end;
}

function indentAt(text: string, offset: number): string {
  const start = text.lastIndexOf('\n', offset - 1) + 1;
  return /^[ \t]*/.exec(text.slice(start))![0];
}

/** What the trailing comment names: the branch a pin tracks, or the tag it was resolved from. */
export interface RefComment {
  label: 'branch' | 'tag';
  name: string;
}

/**
 * The text to put right after a binding's `;` so the line ends with
 * `# branch: B` (or `# tag: T`): nothing when that comment is there already,
 * a new comment when the line has none, or an edit folding the name into an existing one.
 */
export function refCommentEdits(file: string, text: string, afterSemicolon: number, ref: RefComment): { insertAtEnd: string; edits: TextEdit[]; lineEnd: number } {
  const end = lineEnd(text, afterSemicolon);
  const rest = text.slice(afterSemicolon, end);
  const existing = new RegExp(`^[ \\t]*#\\s*${ref.label}:\\s*([A-Za-z0-9._/+-]+)`).exec(rest);
  if (existing) {
    if (existing[1] === ref.name) return { insertAtEnd: '', edits: [], lineEnd: end };
    const start = afterSemicolon + existing[0].length - existing[1]!.length;
    return { insertAtEnd: '', edits: [{ file, startOffset: start, endOffset: start + existing[1]!.length, replacement: ref.name }], lineEnd: end };
  }
  const hash = rest.indexOf('#');
  if (hash >= 0 && /^[ \t]*$/.test(rest.slice(0, hash))) {
    // Keep the user's comment, with the name first: `# branch: B; their words`.
    const at = afterSemicolon + hash + 1;
    const skip = /^[ \t]*/.exec(text.slice(at))![0].length;
    return { insertAtEnd: '', edits: [{ file, startOffset: at, endOffset: at + skip, replacement: ` ${ref.label}: ${ref.name}; ` }], lineEnd: end };
  }
  if (rest.trim() !== '') return { insertAtEnd: '', edits: [], lineEnd: end }; // more code on the line: leave it be
  return { insertAtEnd: ` # ${ref.label}: ${ref.name}`, edits: [], lineEnd: end };
}

/** `\n<indent>name = "value";` to insert after the binding ending at `afterSemicolon`. */
export function newBindingText(text: string, bindingStart: number, name: string, value: string): string {
  const nl = text.includes('\r\n') ? '\r\n' : '\n';
  return `${nl}${indentAt(text, bindingStart)}${name} = ${nixString(value)};`;
}
