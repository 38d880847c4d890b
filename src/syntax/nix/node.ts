/**
 * The part of a syntax node that the model reads. tree-sitter's SyntaxNode
 * satisfies it, and so does the light tree of `nix-lite.ts`: the model builder
 * works on either.
 */
export interface SNode {
  readonly type: string;
  readonly id: number;
  /** 0-based offset (UTF-16 units) of the first character. */
  readonly startIndex: number;
  /** Offset just past the last character. */
  readonly endIndex: number;
  readonly parent: SNode | null;
  readonly namedChildren: SNode[];
  readonly namedChildCount: number;
  childForFieldName(name: string): SNode | null;
  descendantsOfType(types: string | string[]): SNode[];
}
