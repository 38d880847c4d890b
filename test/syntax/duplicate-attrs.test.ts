/**
 * Duplicate attributes, judged by Nix's parser: two attrset literals bound to
 * one name merge (`nix = { … }; nix = { … };`), a leaf bound twice is an error.
 * Every case is checked against `nix-instantiate --parse` (accept/reject and
 * the line:column Nix points at), and the model must see both blocks.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseNixLite, LiteParseError } from '../../src/syntax/nix/index.js';
import { modelNixFile } from '../../src/model/nix-file.js';
import { describeWithNix, nixErrorAt } from './oracle.js';

// Formals bind x and y, so Nix's only possible complaint is about the attributes.
const HEAD = '{ x ? 1, y ? "q" }: ';
const CASES = [
  '{ nix = { a = 1; }; nix = { b = 2; }; }',
  '{ a = { x = 1; }; a.y = 2; }',
  '{ a.y = 2; a = { x = 1; }; }',
  '{ a = 1; a = 2; }',
  '{ a = rec { x = 1; }; a = { y = 2; }; }',
  '{ a = { x = 1; }; a = rec { y = 2; }; }',
  'rec { a = { x = 1; }; a = { y = 2; }; }',
  'let a = { x = 1; }; a = { y = 2; }; in a',
  'let a = 1; a = 2; in a',
  '{ a = { b = { c = 1; }; }; a = { b = { d = 2; }; }; }',
  '{ a = { b.c = 1; }; a = { b.d = 2; }; }',
  '{ a = { c = 1; }; a.d = 2; a = { e = 3; }; }',
  '{ a = { c = 1; }; a.c = 2; }',
  '{ a = ({ x = 1; }); a = { y = 2; }; }',
  '{ a = { x = 1; }; a = ({ y = 2; }); }',
  '{ inherit x; x.b = 1; }',
  '{ inherit x; x = { b = 1; }; }',
  '{ x = { b = 1; }; inherit x; }',
  '{ inherit ({ a = 1; }) a; a.b = 1; }',
  '{ a.b = 1; a.b = 2; }',
  '{ "a" = 1; a = 2; }',
  '{ ${"a"} = 1; a = 2; }',
  '{ ${"a"} = { x = 1; }; a = { y = 2; }; }',
  '{ a.${y} = 1; a.${y} = 2; }',
  '{ a = { inherit x; }; a = { y = 1; }; }',
  '{ a = { inherit x; }; a = { x = 1; }; }',
  '{ a = let { body = 1; }; a = { y = 1; }; }',
  '{ a = { }; a = { }; }',
  '{ a = { x = 1; }; a = { ${"x"} = 2; }; }',
  '{ a = { x = 1; }; a = { ${y} = 2; }; a.${y} = 3; }',
  '{ a.b.c = 1; a.b = { d = 2; }; a = { e = 1; }; }',
  '{ a.b.c = 1; a = { b = { d = 2; }; }; }',
  '{ a = 1; a.b = 2; }',
  '{ a.b = 2; a = 1; }',
  '{ a = { x = 1; }; a = { x.y = 1; }; }',
  '{ a = { x = { }; }; a.x.y = 1; }',
  '{ a = { x = { }; }; a = { x = { }; }; }',
  '{ a.b = { x = 1; }; a.b = { y = 2; }; }',
  '{ a = { x = 1; }; a = { y = 2; }; a = { z = 3; }; }',
  '{ a = { x = 1; }; a = { y = 2; }; a = { x = 3; }; }',
];

describeWithNix('oracle: duplicate attributes (nix-instantiate --parse)', () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-dup-'));
  afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

  it.each(CASES.map((c, i) => [i, c] as const))('case %i: %s', (i, body) => {
    const text = HEAD + body + '\n';
    const file = path.join(dir, `c${i}.nix`);
    fs.writeFileSync(file, text);
    const nix = nixErrorAt(file);
    let ours: LiteParseError | undefined;
    try {
      parseNixLite(text);
    } catch (err) {
      if (!(err instanceof LiteParseError)) throw err;
      ours = err;
    }
    if (!nix) {
      expect(ours).toBeUndefined();
      expect(modelNixFile({ file: 'c.nix', absPath: file, text }).parseProblems).toEqual([]);
      return;
    }
    expect(nix.message).toMatch(/already defined/);
    expect(ours?.definite).toBe(true);
    expect(ours!.message).toMatch(/already defined/);
    // Same place as Nix (the formals head is on line 1 too).
    expect(ours!.offset + 1).toBe(nix.column);
    const problems = modelNixFile({ file: 'c.nix', absPath: file, text }).parseProblems;
    expect(problems).toHaveLength(1);
    expect(problems[0]!.span.startColumn).toBe(nix.column);
  });
});

describe('merged attrsets reach the model', () => {
  it('sees the assignments of both blocks', () => {
    const text = '{ lib, ... }:\n{\n  nix = { settings.require-sigs = false; };\n  nix = { gc.automatic = true; };\n}\n';
    const m = modelNixFile({ file: 'm.nix', absPath: '/x/m.nix', text });
    expect(m.parseProblems).toEqual([]);
    const paths = m.assignments.map((a) => a.path.join('.'));
    expect(paths).toEqual(expect.arrayContaining(['nix.settings.require-sigs', 'nix.gc.automatic']));
    const s = m.settings.find((x) => x.key === 'require-sigs');
    expect(s?.span.startLine).toBe(3);
  });
});
