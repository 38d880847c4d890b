/**
 * A location in a source file. Lines and columns are 1-based (as editors,
 * SARIF and `file:line:col` messages use them); columns count UTF-16 code
 * units, as tree-sitter's Node binding and JavaScript strings do. Offsets are
 * 0-based indices into the decoded file text, half-open [startOffset, endOffset),
 * so an edit can splice the original text exactly.
 */
export interface Span {
  /** Path as given to the scanner (relative to the scan root when scanning a directory). */
  file: string;
  startLine: number;
  startColumn: number;
  endLine: number;
  endColumn: number;
  startOffset: number;
  endOffset: number;
}

export function formatLocation(span: Pick<Span, 'file' | 'startLine' | 'startColumn'>): string {
  return `${span.file}:${span.startLine}:${span.startColumn}`;
}

/** Computes line/column for offsets of `text`; built once per file, O(log n) per lookup. */
export class LineIndex {
  private readonly lineStarts: number[] = [0];
  constructor(readonly text: string) {
    for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) this.lineStarts.push(i + 1);
  }
  position(offset: number): { line: number; column: number } {
    let lo = 0;
    let hi = this.lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.lineStarts[lo]! + 1 };
  }
  span(file: string, startOffset: number, endOffset: number): Span {
    const s = this.position(startOffset);
    const e = this.position(endOffset);
    return { file, startLine: s.line, startColumn: s.column, endLine: e.line, endColumn: e.column, startOffset, endOffset };
  }
  lineText(line: number): string {
    const start = this.lineStarts[line - 1] ?? this.text.length;
    const next = this.lineStarts[line];
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }
  get lineCount(): number {
    return this.lineStarts.length;
  }
}
