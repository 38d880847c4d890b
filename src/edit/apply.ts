import { UserError } from '../core/errors.js';
import { LineIndex } from '../core/span.js';
import type { TextEdit } from '../core/text-edit.js';

/**
 * Applies edits to one file's text. Edits are sorted by position and spliced
 * from the end, so each one's offsets refer to the original text; every
 * character outside the edited spans is kept exactly (CRLF, tabs, BOM, …).
 * Overlapping edits are refused: applying both would silently corrupt one.
 * Identical duplicate edits (two findings proposing the same fix) count once.
 */
export function applyEdits(text: string, edits: readonly TextEdit[]): string {
  const sorted = sortAndCheck(text, edits);
  let out = text;
  for (let i = sorted.length - 1; i >= 0; i--) {
    const e = sorted[i]!;
    out = out.slice(0, e.startOffset) + e.replacement + out.slice(e.endOffset);
  }
  return out;
}

/** Sorts edits, drops exact duplicates, and refuses out-of-range or overlapping spans. */
export function sortAndCheck(text: string, edits: readonly TextEdit[]): TextEdit[] {
  for (const e of edits) {
    if (!Number.isInteger(e.startOffset) || !Number.isInteger(e.endOffset) || e.startOffset < 0 || e.endOffset < e.startOffset || e.endOffset > text.length) {
      throw new UserError(`edit span [${e.startOffset}, ${e.endOffset}) is outside the file (length ${text.length})`, undefined, e.file);
    }
  }
  const sorted = [...edits].sort((a, b) => a.startOffset - b.startOffset || a.endOffset - b.endOffset);
  const out: TextEdit[] = [];
  for (const e of sorted) {
    const prev = out[out.length - 1];
    if (prev && prev.startOffset === e.startOffset && prev.endOffset === e.endOffset && prev.replacement === e.replacement) continue;
    // Touching spans are fine ([a,b) then [b,c)); two insertions at one point are not: their order would be a guess.
    const overlaps = prev && (e.startOffset < prev.endOffset || (e.startOffset === prev.startOffset && e.startOffset === prev.endOffset && e.startOffset === e.endOffset));
    if (prev && overlaps) {
      const lines = new LineIndex(text);
      const where = (x: TextEdit): string => {
        const p = lines.position(x.startOffset);
        return `${p.line}:${p.column}`;
      };
      throw new UserError(
        `overlapping edits at ${where(prev)} [${prev.startOffset}, ${prev.endOffset}) and ${where(e)} [${e.startOffset}, ${e.endOffset}); apply them in separate runs`,
        undefined,
        e.file,
        lines.position(e.startOffset).line,
      );
    }
    out.push(e);
  }
  return out;
}
