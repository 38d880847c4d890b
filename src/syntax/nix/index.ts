/**
 * The one front door for Nix syntax. Every caller that needs to know whether text is
 * valid Nix, or needs its tree, comes here: the model (parseNixForModel) and the edit
 * guards (nixSyntaxError, and nix-instantiate.ts as an extra check). Which parser
 * decides what, and why:
 *
 * - The light parser (lite/) runs first. It is strict: what it accepts is valid Nix, so
 *   for nearly every real file it is the only parser that runs, and it is fast (it builds
 *   plain JS objects; tree-sitter nodes cost a native call per property).
 * - What it rejects goes to tree-sitter (tree-sitter.ts, trailing formal commas
 *   tolerated as Nix does), which decides whether there is a syntax error and where,
 *   and gives a recovered tree so the rest of a broken file is still modelled. The light
 *   parser's own definite errors (a path with a trailing slash, a duplicate attribute,
 *   `a == b == c`) count where tree-sitter's grammar is more lenient than Nix.
 * - Nesting deeper than anything real code has is reported as too deep to check: Nix's
 *   own parser gives up at a few thousand levels ("memory exhausted"), and a scan must
 *   not pass a file that Nix rejects.
 * - `nix-instantiate --parse` (nix-instantiate.ts) is the oracle of the test suite and
 *   an extra check on edits, when it can run.
 */
import type { SNode } from './node.js';
import { maxNesting, TOO_DEEP } from './depth.js';
import { LiteNode, LiteParseError } from './lite/node.js';
import { parseNixLite } from './lite/parser.js';
import { parseNix } from './tree-sitter.js';

export { LiteNode, LiteParseError, parseNixLite, parseNix };
export type { SNode };

export interface NixSyntaxProblem {
  message: string;
  startOffset: number;
  endOffset: number;
}

export interface NixParseOptions {
  /**
   * Which tree to return. 'auto' (default): the light tree when the light parser accepts
   * the file, else tree-sitter's (recovered) tree. 'tree-sitter': always tree-sitter's
   * (the differential tests compare both).
   */
  tree?: 'auto' | 'tree-sitter';
  /** Parse files the light parser accepts with tree-sitter too, and take its verdict. */
  verifySyntax?: boolean;
}

export interface NixModelParse {
  root: SNode;
  /** The first syntax problem, when the file is not valid Nix (or too deep to check). */
  error?: NixSyntaxProblem;
}

/** Parses a .nix file for the model; never throws on bad input. */
export function parseNixForModel(text: string, opts: NixParseOptions = {}): NixModelParse {
  let lite: LiteNode | undefined;
  let liteError: LiteParseError | undefined;
  if (opts.tree !== 'tree-sitter') {
    try {
      lite = parseNixLite(text);
    } catch (err) {
      if (!(err instanceof LiteParseError)) throw err;
      liteError = err;
    }
  }
  // Decided by the text, not by whether this machine's stack overflowed, so the verdict is
  // the same everywhere (the light parser's RangeError depends on the stack size).
  const deep = opensMoreThan(text, TOO_DEEP) ? maxNesting(text) : undefined;
  if (deep && deep.depth > TOO_DEEP) return { root: lite ?? parseNix(text).tree.rootNode, error: tooDeep(deep) };
  if (lite && !opts.verifySyntax) return { root: lite };
  const parsed = parseNix(text);
  if (parsed.error) {
    // When both reject the file, the light parser's position is Nix's: it follows Nix's
    // grammar and stops at the first token that can't continue it, where tree-sitter's
    // error node often starts earlier (at the `let` whose `in` is missing).
    const error = liteError && !liteError.tooDeep ? { message: liteError.message, startOffset: liteError.offset, endOffset: liteError.endOffset } : parsed.error;
    return { root: lite ?? parsed.tree.rootNode, error };
  }
  if (liteError?.definite) return { root: parsed.tree.rootNode, error: { message: liteError.message, startOffset: liteError.offset, endOffset: liteError.endOffset } };
  return { root: lite ?? parsed.tree.rootNode };
}

/** The first syntax problem of `text`, or undefined when it is valid Nix. In-process, no tools needed. */
export function nixSyntaxError(text: string): NixSyntaxProblem | undefined {
  return parseNixForModel(text).error;
}

/** Cheap pre-check: a text with at most `limit` opening brackets can't nest deeper than that. */
function opensMoreThan(text: string, limit: number): boolean {
  let opens = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if ((c === 0x28 || c === 0x5b || c === 0x7b) && ++opens > limit) return true; // ( [ {
  }
  return false;
}

function tooDeep(deep: { depth: number; offset: number }): NixSyntaxProblem {
  return {
    message: `nested ${deep.depth} levels deep: too deep to check (Nix's own parser gives up at a few thousand levels with "memory exhausted")`,
    startOffset: deep.offset,
    endOffset: deep.offset + 1,
  };
}
