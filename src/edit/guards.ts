import { LineIndex } from '../core/span.js';
import { nixSyntaxError } from '../syntax/nix/index.js';
import { nixInstantiateCheck, type NixCheck } from '../syntax/nix/nix-instantiate.js';
import type { EditGuard } from './plan.js';

/** The part of a Nix check a guard needs: the first syntax problem, if any. */
export type NixParseFn = (text: string) => { message: string; startOffset: number } | undefined;

/**
 * Guard for .nix files: refuses an edit whose result is not valid Nix. The in-process
 * parsers decide (syntax/nix/index.ts, which accepts `{ lib, pkgs, }:` as Nix does);
 * Nix's own parser is asked too when it can run, and its rejection also refuses the
 * edit. When it cannot run (not installed, no permission), the in-process verdict stands.
 */
export function nixGuard(parse: NixParseFn = nixSyntaxError, nixCheck: (text: string) => NixCheck = nixInstantiateCheck): EditGuard {
  return (_file, text) => {
    const err = parse(text);
    if (err) {
      const p = new LineIndex(text).position(err.startOffset);
      return `the edit would introduce a Nix syntax error at line ${p.line}, column ${p.column}: ${err.message}`;
    }
    const nix = nixCheck(text);
    if (nix.verdict !== 'invalid') return undefined;
    return `the edit would introduce a Nix syntax error${nix.line ? ` at line ${nix.line}, column ${nix.column}` : ''} (nix-instantiate --parse): ${nix.message}`;
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
