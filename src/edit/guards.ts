import { LineIndex } from '../core/span.js';
import { parseNix } from '../syntax/nix.js';
import type { EditGuard } from './plan.js';

/** The part of a Nix parse a guard needs; parseNix (src/syntax/nix.ts) fits. */
export type NixParseFn = (text: string) => { error?: { message: string; startOffset: number } };

/**
 * Guard for .nix files: refuses an edit whose result has a syntax error.
 * Uses tree-sitter with the trailing-comma tolerance of src/syntax/nix.ts, so
 * `{ lib, pkgs, }:` (valid Nix) is not mistaken for an error.
 */
export function nixGuard(parse: NixParseFn = parseNix): EditGuard {
  return (_file, text) => {
    const err = parse(text).error;
    if (!err) return undefined;
    const p = new LineIndex(text).position(err.startOffset);
    return `the edit would introduce a Nix syntax error at line ${p.line}, column ${p.column}: ${err.message}`;
  };
}

/** Guard for flake.lock, sources.json and other JSON files. */
export const jsonGuard: EditGuard = (_file, text) => {
  try {
    JSON.parse(text);
    return undefined;
  } catch (e) {
    return `the edit would make the file invalid JSON: ${(e as Error).message}`;
  }
};

/** Picks the guard by file name: .nix → Nix, .json / .lock → JSON, anything else unguarded. */
export function guardForFile(nix: EditGuard = nixGuard()): EditGuard {
  return (file, text) => {
    if (file.endsWith('.nix')) return nix(file, text);
    if (file.endsWith('.json') || file.endsWith('.lock')) return jsonGuard(file, text);
    return undefined;
  };
}
