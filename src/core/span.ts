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

/**
 * Offsets to lines and columns for one text. Line starts live in an Int32Array, and
 * a lookup starts from the line of the previous one (walks and reports ask for nearby
 * offsets, mostly in order) before falling back to binary search. The one line index
 * of the project: the model, rules, reports and edits all use it.
 */
export class LineIndex {
  private readonly starts: Int32Array;
  private readonly count: number;
  private last = 0;

  constructor(readonly text: string) {
    let n = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) n++;
    this.starts = new Int32Array(n);
    let k = 1;
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts[k++] = i + 1;
    this.count = n;
  }

  private lineOf(offset: number): number {
    const s = this.starts;
    const l = this.last;
    if (s[l]! <= offset && (l + 1 >= this.count || s[l + 1]! > offset)) return l;
    if (l + 1 < this.count && s[l + 1]! <= offset && (l + 2 >= this.count || s[l + 2]! > offset)) return (this.last = l + 1);
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    this.last = lo;
    return lo;
  }

  position(offset: number): { line: number; column: number } {
    const l = this.lineOf(offset);
    return { line: l + 1, column: offset - this.starts[l]! + 1 };
  }

  span(file: string, startOffset: number, endOffset: number): Span {
    const a = this.lineOf(startOffset);
    const startColumn = startOffset - this.starts[a]! + 1;
    const b = this.lineOf(endOffset);
    return { file, startLine: a + 1, startColumn, endLine: b + 1, endColumn: endOffset - this.starts[b]! + 1, startOffset, endOffset };
  }

  /** The text of line `line` (1-based) without its line break. */
  lineText(line: number): string {
    const start = line - 1 < this.count ? this.starts[line - 1]! : this.text.length;
    const next = line < this.count ? this.starts[line]! : undefined;
    return this.text.slice(start, next === undefined ? undefined : next - 1).replace(/\r$/, '');
  }

  get lineCount(): number {
    return this.count;
  }
}
