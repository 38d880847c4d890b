/**
 * Nix source → tree-sitter tree, with the one known gap of the grammar closed:
 * Nix accepts a trailing comma in function formals (`{ lib, pkgs, }:`, as
 * nixfmt writes them) and tree-sitter-nix does not. When the only errors of a
 * tree are such commas, they are blanked (replaced by a space, so every offset
 * stays the same) and the text is parsed again. Any other error is a real
 * syntax error: Nix would reject the file too (oracle: `nix-instantiate --parse`).
 */
import type { SyntaxNode, Tree } from 'tree-sitter';
import { nixParser } from './grammar.js';

export type { SyntaxNode, Tree };

export interface NixSyntaxError {
  message: string;
  startOffset: number;
  endOffset: number;
}

export interface NixParse {
  tree: Tree;
  /** The text the tree was parsed from: the input with trailing formal commas blanked. Same length as the input. */
  parsedText: string;
  /** Offsets of the trailing commas that were blanked. */
  blankedCommas: number[];
  /** The first syntax error, if the file is not valid Nix. */
  error?: NixSyntaxError;
}

/** Parses Nix source. Never throws on bad input; a broken file gives `error`. */
export function parseNix(text: string): NixParse {
  const parser = nixParser();
  let tree = parser.parse(text, undefined, { bufferSize: bufferSizeFor(text) });
  if (!tree.rootNode.hasError) return { tree, parsedText: text, blankedCommas: [] };

  let parsedText = text;
  const blanked: number[] = [];
  // Blanking one trailing comma can change how the rest recovers, so repeat a few times.
  for (let round = 0; round < 4 && tree.rootNode.hasError; round++) {
    const commas = trailingFormalCommas(tree.rootNode).filter((c) => parsedText[c] === ',');
    if (commas.length === 0) break;
    const chars = parsedText.split('');
    for (const c of commas) chars[c] = ' ';
    parsedText = chars.join('');
    blanked.push(...commas);
    tree = parser.parse(parsedText, undefined, { bufferSize: bufferSizeFor(parsedText) });
  }
  blanked.sort((a, b) => a - b);
  const error = tree.rootNode.hasError ? firstError(tree.rootNode, parsedText) : undefined;
  return { tree, parsedText, blankedCommas: blanked, error };
}

function bufferSizeFor(text: string): number | undefined {
  // tree-sitter's Node binding reads string input in chunks; one chunk is faster for big files.
  return text.length > 16 * 1024 ? text.length + 1 : undefined;
}

/** Is this node only trivia between tokens (a comment)? */
function isTrivia(n: SyntaxNode): boolean {
  return n.type === 'comment';
}

function prevNonTrivia(n: SyntaxNode): SyntaxNode | null {
  let p = n.previousSibling;
  while (p && isTrivia(p)) p = p.previousSibling;
  return p;
}

function nextNonTrivia(n: SyntaxNode): SyntaxNode | null {
  let p = n.nextSibling;
  while (p && isTrivia(p)) p = p.nextSibling;
  return p;
}

function isRealFormal(n: SyntaxNode | null): boolean {
  if (!n || n.type !== 'formal') return false;
  const name = n.childForFieldName('name');
  return !!name && !name.isMissing && !n.hasError;
}

/**
 * Finds the commas that the grammar rejected only because they trail the last
 * formal: `{ a, }` parses as a formal with a MISSING name after the comma, or as
 * an `ERROR ","` inside `formals`. A comma counts only when a real formal comes
 * before it and the closing `}` after it (comments aside), so `{ a,, }` and
 * `{ , }`, which Nix rejects too, stay errors.
 */
function trailingFormalCommas(root: SyntaxNode): number[] {
  const out: number[] = [];
  const visit = (n: SyntaxNode): void => {
    if (n.type === 'formals' && n.hasError) {
      for (const c of n.children) {
        if (c.type === 'formal') {
          const name = c.childForFieldName('name');
          if (name && name.isMissing && c.childCount <= 1) {
            const comma = prevNonTrivia(c);
            const close = nextNonTrivia(c);
            if (comma && comma.type === ',' && isRealFormal(prevNonTrivia(comma)) && close && close.type === '}') out.push(comma.startIndex);
            continue;
          }
        } else if (c.type === 'ERROR' && c.childCount === 1 && c.child(0)!.type === ',') {
          const close = nextNonTrivia(c);
          if (isRealFormal(prevNonTrivia(c)) && close && close.type === '}') out.push(c.startIndex);
          continue;
        }
        if (c.hasError) visit(c);
      }
      return;
    }
    for (const c of n.children) if (c.hasError) visit(c);
  };
  visit(root);
  return out;
}

/** The first ERROR or MISSING node in document order, as Nix would report it. */
function firstError(root: SyntaxNode, text: string): NixSyntaxError {
  let found: SyntaxNode | null = null;
  const visit = (n: SyntaxNode): boolean => {
    if (n.isMissing || n.type === 'ERROR') {
      found = n;
      return true;
    }
    for (const c of n.children) if ((c.hasError || c.isMissing) && visit(c)) return true;
    return false;
  };
  visit(root);
  const n = found as SyntaxNode | null;
  if (!n) return { message: 'syntax error', startOffset: 0, endOffset: 0 };
  if (n.isMissing) {
    return { message: `syntax error, missing ${describeMissing(n.type)}`, startOffset: n.startIndex, endOffset: n.endIndex };
  }
  // An ERROR node: point at its first token that is not trivia.
  let tok: SyntaxNode = n;
  while (tok.childCount > 0) {
    const first: SyntaxNode | undefined = tok.children.find((c) => !isTrivia(c));
    if (!first) break;
    tok = first;
  }
  const start = tok.startIndex;
  const end = Math.max(tok.endIndex, start);
  if (start >= text.length) return { message: 'syntax error, unexpected end of file', startOffset: text.length, endOffset: text.length };
  const shown = text.slice(start, Math.min(end, start + 40)).split('\n')[0] || text[start]!;
  return { message: `syntax error, unexpected '${shown}'`, startOffset: start, endOffset: end };
}

function describeMissing(type: string): string {
  if (/^[a-z_]+$/.test(type)) return type.replace(/_/g, ' ');
  return `'${type}'`;
}
