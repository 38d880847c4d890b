/**
 * The syntax behind a fact of the model. An Assignment keeps only a StaticValue,
 * which is `unknown` for expressions such as `with pkgs; [ git ]` items or
 * `python3.withPackages (ps: …)`; readers that need the expression itself (the
 * package and host readers) re-parse the file once and find the node by its span.
 */
import { LineIndex, type Span } from '../core/span.js';
import { LiteNode, parseNixForModel, type SNode } from '../syntax/nix/index.js';
import type { NodeCtx } from './nix-values.js';
import type { FileModel } from './types.js';

export interface FileSyntax {
  root: SNode;
  ctx: NodeCtx;
}

const cache = new WeakMap<FileModel, FileSyntax>();

/** The file's syntax tree and a NodeCtx for the model's value readers (parsed once per FileModel). */
export function syntaxOf(file: FileModel): FileSyntax {
  let s = cache.get(file);
  if (!s) {
    const { root } = parseNixForModel(file.text);
    const ctx: NodeCtx = { file: file.file, text: file.text, lines: new LineIndex(file.text) };
    if (root instanceof LiteNode) ctx.boundNames = root.boundNames;
    s = { root, ctx };
    cache.set(file, s);
  }
  return s;
}

/** The outermost node of `type` that covers exactly `span`, if any. */
export function nodeAt(file: FileModel, span: Span, type: string): SNode | undefined {
  const { root } = syntaxOf(file);
  let n: SNode | undefined = root;
  while (n) {
    if (n.startIndex === span.startOffset && n.endIndex === span.endOffset && n.type === type) return n;
    let next: SNode | undefined;
    for (const c of n.namedChildren) {
      if (c.startIndex <= span.startOffset && c.endIndex >= span.endOffset) {
        next = c;
        break;
      }
    }
    n = next;
  }
  return undefined;
}

/** The value expression of the binding `a.b = value;` whose span is `bindingSpan`. */
export function bindingExpression(file: FileModel, bindingSpan: Span): SNode | undefined {
  return nodeAt(file, bindingSpan, 'binding')?.childForFieldName('expression') ?? undefined;
}
