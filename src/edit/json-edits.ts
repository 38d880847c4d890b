import { UserError } from '../core/errors.js';
import type { TextEdit } from '../core/text-edit.js';

/** A value's or member's offsets in the file text (what src/syntax/json-positions.ts gives). */
export interface OffsetSpan {
  start: number;
  end: number;
}

/**
 * Replaces the JSON value at `span` with `value`, written as a correctly
 * escaped JSON literal. In a multi-line file, objects and arrays are laid out
 * with the file's own indentation unit, continuing from the indentation of
 * the line they start on, so the diff shows only the value. The span must hold exactly one JSON
 * value (checked), so a stale or wrong offset cannot corrupt the file.
 */
export function replaceJsonValue(file: string, text: string, span: OffsetSpan, value: unknown): TextEdit {
  checkSpan(file, text, span, 'value');
  // Pretty-printed files (flake.lock, sources.json) get pretty values; a one-line file stays one line.
  const pretty = text.includes('\n');
  const replacement = pretty ? jsonLiteral(value, lineIndent(text, span.start), indentUnit(text), newline(text)) : jsonLiteral(value, '', '');
  return { file, startOffset: span.start, endOffset: span.end, replacement };
}

/**
 * Inserts `"key": value` as a new member right after the member at `after`
 * (from its key's opening quote to the end of its value), on its own line
 * with the same indentation, or inline when the object is written on one line.
 * Keeps key order otherwise; the existing comma (if any) stays after the new member.
 */
export function insertJsonKeyAfter(file: string, text: string, after: OffsetSpan, key: string, value: unknown): TextEdit {
  checkSpan(file, text, after, 'member');
  const indent = lineIndent(text, after.start);
  const ownLine = /^[ \t]*$/.test(text.slice(lineStart(text, after.start), after.start));
  // A member written inline sits in an object laid out on one line: keep the new value on that line too.
  const literal = ownLine ? jsonLiteral(value, indent, indentUnit(text), newline(text)) : jsonLiteral(value, '', '');
  const replacement = ownLine ? `,${newline(text)}${indent}${JSON.stringify(key)}: ${literal}` : `, ${JSON.stringify(key)}: ${literal}`;
  return { file, startOffset: after.end, endOffset: after.end, replacement };
}

/** JSON text for `value`; nested lines are indented from `baseIndent` by `unit`. */
export function jsonLiteral(value: unknown, baseIndent = '', unit = '  ', nl = '\n'): string {
  const s = JSON.stringify(value, null, unit || undefined);
  if (s === undefined) throw new UserError(`cannot write ${typeof value} as JSON`);
  return s.split('\n').join(nl + baseIndent);
}

function checkSpan(file: string, text: string, span: OffsetSpan, what: 'value' | 'member'): void {
  if (!(Number.isInteger(span.start) && Number.isInteger(span.end) && span.start >= 0 && span.start < span.end && span.end <= text.length)) {
    throw new UserError(`JSON ${what} span [${span.start}, ${span.end}) is outside the file`, undefined, file);
  }
  const slice = text.slice(span.start, span.end);
  try {
    JSON.parse(what === 'member' ? `{${slice}}` : slice);
  } catch {
    throw new UserError(`JSON ${what} span [${span.start}, ${span.end}) does not hold one JSON ${what}: ${JSON.stringify(slice.slice(0, 40))}`, undefined, file, text.slice(0, span.start).split('\n').length);
  }
}

function lineStart(text: string, offset: number): number {
  return text.lastIndexOf('\n', offset - 1) + 1;
}

function lineIndent(text: string, offset: number): string {
  return /^[ \t]*/.exec(text.slice(lineStart(text, offset), offset))![0];
}

/** The file's indentation unit: a tab, or the smallest space indent seen (flake.lock: 2, niv: 4). */
export function indentUnit(text: string): string {
  let min = Infinity;
  for (const m of text.matchAll(/\n([ \t]+)\S/g)) {
    if (m[1]!.startsWith('\t')) return '\t';
    min = Math.min(min, m[1]!.length);
  }
  return min === Infinity ? '  ' : ' '.repeat(min);
}

function newline(text: string): string {
  return text.includes('\r\n') ? '\r\n' : '\n';
}
