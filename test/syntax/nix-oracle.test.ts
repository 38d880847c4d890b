/**
 * The Nix syntax layer against Nix's own parser: a corpus of varied valid Nix
 * (fixtures/model/syntax/valid) gives no parse problem and Nix accepts it; a
 * set of broken files (fixtures/model/broken) is rejected by both, with our one
 * problem on the line Nix reports.
 */
import fs from 'node:fs';
import path from 'node:path';
import { modelNixFile } from '../../src/model/nix-file.js';
import { parseNix } from '../../src/syntax/nix/tree-sitter.js';
import { parseNixLite } from '../../src/syntax/nix/index.js';
import { describeWithNix, filesUnder, nixErrorAt, nixRejects } from './oracle.js';

const root = path.resolve(process.cwd(), 'fixtures', 'model');
const valid = filesUnder(path.join(root, 'syntax', 'valid'));
const broken = filesUnder(path.join(root, 'broken'));
const rel = (f: string): string => path.relative(root, f);
const read = (f: string): string => fs.readFileSync(f, 'utf8');
const norm = (v: unknown): string => JSON.stringify(v, (_k, x) => (x instanceof Map ? Object.fromEntries(x) : x));

describe('valid Nix never gives a parse problem', () => {
  it('has a corpus', () => {
    expect(valid.length).toBeGreaterThanOrEqual(20);
    expect(broken.length).toBeGreaterThanOrEqual(12);
  });

  it.each(valid.map((f) => [rel(f), f]))('%s: tree-sitter (with the trailing-comma fix) and the light parser accept it', (_name, f) => {
    const text = read(f);
    expect(parseNix(text).error).toBeUndefined();
    expect(() => parseNixLite(text)).not.toThrow();
    expect(modelNixFile({ file: 'f.nix', absPath: f, text }).parseProblems).toEqual([]);
    expect(modelNixFile({ file: 'f.nix', absPath: f, text }, { verifySyntax: true }).parseProblems).toEqual([]);
  });

  it.each(valid.map((f) => [rel(f), f]))('%s: the model is the same from the light tree and from tree-sitter', (_name, f) => {
    const text = read(f);
    const lite = modelNixFile({ file: 'f.nix', absPath: f, text });
    const ts = modelNixFile({ file: 'f.nix', absPath: f, text }, { tree: 'tree-sitter' });
    expect(norm(lite)).toBe(norm(ts));
  });
});

describeWithNix('oracle: nix-instantiate --parse', () => {
  it('accepts every file of the valid corpus', () => {
    expect(nixRejects(valid).map(rel)).toEqual([]);
  });

  it.each(broken.map((f) => [rel(f), f]))('%s: Nix rejects it, and we report exactly one problem on its line', (_name, f) => {
    const nix = nixErrorAt(f);
    expect(nix).toBeDefined();
    for (const opts of [{}, { verifySyntax: true }]) {
      const m = modelNixFile({ file: rel(f), absPath: f, text: read(f) }, opts);
      expect(m.parseProblems).toHaveLength(1);
      expect(m.parseProblems[0]!.span.startLine).toBe(nix!.line);
    }
  });
});

describe('trailing commas in formals (a known gap of tree-sitter-nix)', () => {
  it('blanks exactly the trailing commas, keeping every offset', () => {
    const text = '{ a, b ? { c, }: c, # comment\n}: a';
    const p = parseNix(text);
    expect(p.error).toBeUndefined();
    expect(p.blankedCommas).toEqual([text.indexOf(', }'), text.lastIndexOf(',')]);
    expect(p.parsedText).toHaveLength(text.length);
    expect(p.tree.rootNode.hasError).toBe(false);
  });

  it.each([
    ['{ a,, }: a', 1, 5],
    ['{ , }: 1', 1, 3],
    ['{ a, ..., }: a', 1, 9],
  ])('%s stays an error (Nix rejects it too)', (text, line, column) => {
    const m = modelNixFile({ file: 'x.nix', absPath: '/x.nix', text });
    expect(m.parseProblems.map((p) => [p.span.startLine, p.span.startColumn])).toEqual([[line, column]]);
  });

  it('leaves files without errors untouched', () => {
    const p = parseNix('{ a, b }: a');
    expect(p.blankedCommas).toEqual([]);
    expect(p.error).toBeUndefined();
  });
});
