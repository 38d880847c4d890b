import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type ParserType from 'tree-sitter';

// tree-sitter and our grammar binding are CommonJS native addons.
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

function findGrammar(): string {
  // Works from src/ (tests, ts-jest) and from dist/ (the built CLI).
  return path.resolve(here, '..', '..', 'grammars', 'nix', 'index.cjs');
}

export const Parser: typeof ParserType = require('tree-sitter');
export const nixLanguage: unknown = require(findGrammar());

let shared: ParserType | undefined;
/** One parser per thread: tree-sitter parsers are reusable but not re-entrant. */
export function nixParser(): ParserType {
  if (!shared) {
    shared = new Parser();
    shared.setLanguage(nixLanguage as never);
  }
  return shared;
}
