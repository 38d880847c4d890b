/** The valid Nix syntax fixtures and the tokens mutation fuzzing inserts into them. */
import fs from 'node:fs';
import path from 'node:path';
import { filesUnder } from './oracle.js';

export const NIX_TOKENS = [';', '{', '}', '(', ')', '[', ']', ',', '=', ':', '"', "''", '${', '.', '?', '@', 'let', 'in', 'rec', 'inherit', '/', '#', '\n', ' ', 'x', '1', '//', '++', '->', '...', 'or', 'with', 'if', 'then', 'else'];

/** Texts of fixtures/model/syntax/valid/**.nix, sorted by path. */
export function validNixCorpus(): string[] {
  return filesUnder(path.resolve(process.cwd(), 'fixtures', 'model', 'syntax', 'valid')).map((f) => fs.readFileSync(f, 'utf8'));
}
