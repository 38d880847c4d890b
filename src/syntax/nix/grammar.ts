import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import path from 'node:path';
import type ParserType from 'tree-sitter';

// tree-sitter and our grammar binding are CommonJS native addons.
const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));

function findGrammar(): string {
  // Works from src/syntax/nix/ (tests, ts-jest) and from dist/syntax/nix/ (the built CLI).
  return path.resolve(here, '..', '..', '..', 'grammars', 'nix', 'index.cjs');
}

interface Loaded {
  Parser: typeof ParserType;
  language: unknown;
}

let loaded: Loaded | undefined;

/**
 * Loads tree-sitter and the grammar on first use (a scan whose files the light
 * parser accepts never needs them). tree-sitter's JavaScript must run once per
 * process: it wraps methods of the shared native classes, and a second run
 * (jest gives each test file its own module registry) captures the first run's
 * getters and breaks every tree (`rootNode` comes back undefined). Native addons
 * are loaded once per process, so the grammar's exports object carries the copy.
 */
export function loadTreeSitter(): Loaded {
  if (!loaded) {
    const grammar = require(findGrammar()) as { __nixhardenTreeSitter?: typeof ParserType };
    grammar.__nixhardenTreeSitter ??= require('tree-sitter') as typeof ParserType;
    loaded = { Parser: grammar.__nixhardenTreeSitter, language: grammar };
  }
  return loaded;
}

let shared: ParserType | undefined;
/** One parser per thread: tree-sitter parsers are reusable but not re-entrant. */
export function nixParser(): ParserType {
  if (!shared) {
    const { Parser, language } = loadTreeSitter();
    shared = new Parser();
    shared.setLanguage(language as never);
  }
  return shared;
}
