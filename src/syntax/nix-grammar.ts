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

// tree-sitter's JavaScript must run once per process: it wraps methods of the
// shared native classes, and a second run (jest gives each test file its own
// module registry) captures the first run's getters and breaks every tree
// (`rootNode` comes back undefined). Native addons are loaded once per process,
// so the grammar's exports object carries the one copy.
const grammar = require(findGrammar()) as { __nixhardenTreeSitter?: typeof ParserType };
grammar.__nixhardenTreeSitter ??= require('tree-sitter') as typeof ParserType;

export const Parser: typeof ParserType = grammar.__nixhardenTreeSitter;
export const nixLanguage: unknown = grammar;

let shared: ParserType | undefined;
/** One parser per thread: tree-sitter parsers are reusable but not re-entrant. */
export function nixParser(): ParserType {
  if (!shared) {
    shared = new Parser();
    shared.setLanguage(nixLanguage as never);
  }
  return shared;
}
