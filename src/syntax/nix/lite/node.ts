/**
 * The light parser's tree: nodes with tree-sitter-nix's node types and field names, so
 * the model reads either tree the same way (see ../index.ts for which parser decides what).
 */
import type { SNode } from '../node.js';

export class LiteParseError extends Error {
  constructor(
    message: string,
    readonly offset: number,
    /**
     * True when Nix itself rejects this (a path with a trailing slash, a
     * duplicate attribute or formal, `a == b == c`), even where tree-sitter's
     * grammar does not; false when the light parser merely gave up.
     */
    readonly definite = false,
    readonly endOffset = offset,
    /** True when the parser gave up on nesting depth, not on the text. */
    readonly tooDeep = false,
  ) {
    super(message);
  }
}

/** Node types the parser indexes as it builds them. */
export const INDEXED = new Set(['apply_expression', 'spath_expression']);

let nextId = 1;

export class LiteNode implements SNode {
  readonly id = nextId++;
  parent: LiteNode | null = null;
  namedChildren: LiteNode[] = [];
  fields: Record<string, LiteNode> | null = null;
  /** Only on the root: every comment of the file. */
  comments: LiteNode[] | null = null;
  /** Only on the root: the nodes of the INDEXED types, so descendantsOfType needs no walk. */
  index: Map<string, LiteNode[]> | null = null;
  /** Only on the root: every name bound by a `let` or `rec { }` (a variable not in it can't be a let constant). */
  boundNames: Set<string> | null = null;

  constructor(
    readonly type: string,
    public startIndex: number,
    public endIndex: number,
  ) {}

  get namedChildCount(): number {
    return this.namedChildren.length;
  }

  childForFieldName(name: string): LiteNode | null {
    return this.fields?.[name] ?? null;
  }

  /** Adds a named child, optionally under a field name. */
  add(child: LiteNode | null, field?: string): this {
    if (!child) return this;
    child.parent = this;
    if (field) {
      if (!this.fields) this.fields = {};
      this.fields[field] = child;
    }
    // Operator tokens are reachable by field only, as tree-sitter's anonymous nodes are.
    if (field !== 'operator') this.namedChildren.push(child);
    return this;
  }

  descendantsOfType(types: string | string[]): LiteNode[] {
    const list = typeof types === 'string' ? [types] : types;
    if (this.index && list.every((t) => t === 'comment' || INDEXED.has(t))) {
      const out: LiteNode[] = [];
      for (const t of list) out.push(...(t === 'comment' ? this.comments ?? [] : this.index.get(t) ?? []));
      // Document order: by start, outer node first.
      return out.sort((a, b) => a.startIndex - b.startIndex || b.endIndex - a.endIndex);
    }
    const want = new Set(list);
    const out: LiteNode[] = [];
    const stack: LiteNode[] = [this];
    while (stack.length) {
      const n = stack.pop()!;
      if (n !== this && want.has(n.type)) out.push(n);
      for (let i = n.namedChildren.length - 1; i >= 0; i--) stack.push(n.namedChildren[i]!);
    }
    if (want.has('comment') && this.comments) {
      out.push(...this.comments);
      out.sort((a, b) => a.startIndex - b.startIndex);
    }
    return out;
  }
}
