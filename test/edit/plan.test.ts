import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { guardForFile, jsonGuard, nixGuard } from '../../src/edit/guards.js';
import { planFileEdits, writePlannedEdits } from '../../src/edit/plan.js';
import type { TextEdit } from '../../src/core/text-edit.js';

/** Nix's own parser decides what is valid Nix. */
function nixParses(text: string): boolean {
  return spawnSync('nix-instantiate', ['--parse', '-E', text], { encoding: 'utf8' }).status === 0;
}

const at = (file: string, text: string, find: string, replacement: string): TextEdit => {
  const i = text.indexOf(find);
  if (i < 0) throw new Error(`fixture: ${find} not found`);
  return { file, startOffset: i, endOffset: i + find.length, replacement };
};

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nh-plan-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

// nixfmt style: trailing comma in the formals, which tree-sitter-nix alone reports as an error.
const nixText = '{\n  lib,\n  fetchurl,\n}:\nfetchurl {\n  url = "https://example.org/a.tar.gz";\n  sha256 = "0000000000000000000000000000000000000000000000000000";\n}\n';

describe('Nix guard (oracle: nix-instantiate --parse)', () => {
  const guard = nixGuard();
  test('accepts valid edits, including files with trailing formal commas', () => {
    const after = nixText.replace('a.tar.gz', 'b.tar.gz');
    expect(nixParses(after)).toBe(true);
    expect(guard('x.nix', after)).toBeUndefined();
  });
  test.each([
    ['an unbalanced brace', (t: string) => t.replace('fetchurl {', 'fetchurl {{')],
    ['a missing semicolon', (t: string) => t.replace('a.tar.gz";', 'a.tar.gz"')],
    ['an unterminated string', (t: string) => t.replace('"https', 'https')],
  ])('refuses %s, with the line, as Nix does', (_name, breakIt) => {
    const broken = breakIt(nixText);
    expect(nixParses(broken)).toBe(false);
    expect(guard('x.nix', broken)).toMatch(/would introduce a Nix syntax error at line \d+, column \d+/);
  });
  test('takes any parse function (for callers with their own parser)', () => {
    const g = nixGuard(() => ({ message: 'nope', startOffset: 3 }));
    expect(g('x.nix', 'ab\ncd')).toBe('the edit would introduce a Nix syntax error at line 2, column 1: nope');
  });
});

describe('planFileEdits', () => {
  test('plans several files: diffs, guard refusals and overlaps are per file, nothing thrown', () => {
    const nixFile = path.join(dir, 'pkgs', 'a.nix');
    const lockFile = path.join(dir, 'flake.lock');
    const badFile = path.join(dir, 'bad.nix');
    const lock = '{\n  "nodes": {\n    "root": {}\n  },\n  "version": 7\n}\n';
    const files = new Map([
      [nixFile, { original: nixText }],
      [lockFile, { original: lock }],
      [badFile, { original: nixText }],
    ]);
    const edits = [
      at(nixFile, nixText, '0000000000000000000000000000000000000000000000000000', '1b8m03r63zqhnjf7l5wnldhh7c134ap5vpj0850ymkq1iyzicy5s'),
      at(lockFile, lock, '7', '7,'), // would break the JSON
      at(badFile, nixText, 'a.tar.gz', 'x'),
      at(badFile, nixText, 'example.org/a', 'y'), // overlaps the previous one
    ];
    const results = planFileEdits(files, edits, guardForFile(), { diffRoot: dir });
    expect(results.map((r) => path.relative(dir, r.file))).toEqual(['bad.nix', 'flake.lock', 'pkgs/a.nix']);
    const [bad, lockR, good] = results;
    expect(bad!.error).toMatch(/overlapping edits/);
    expect(bad!.after).toBe(nixText);
    expect(lockR!.error).toMatch(/invalid JSON/);
    expect(lockR!.diff).toBe('');
    expect(good!.error).toBeUndefined();
    expect(good!.diff).toMatch(/^--- a\/pkgs\/a\.nix\n\+\+\+ b\/pkgs\/a\.nix\n/);
    expect(nixParses(good!.after)).toBe(true);
  });

  test('a file that was already broken is refused as such, not blamed on the edit', () => {
    const f = path.join(dir, 'broken.nix');
    const text = '{ a = 1; b = ; }\n';
    expect(nixParses(text)).toBe(false);
    const [r] = planFileEdits(new Map([[f, { original: text }]]), [at(f, text, '1', '2')], nixGuard());
    expect(r!.error).toMatch(/^not editing a file that does not parse: .*line 1/);
  });

  test('edits naming a file that was not read are refused', () => {
    const r = planFileEdits(new Map(), [{ file: '/nowhere.nix', startOffset: 0, endOffset: 0, replacement: 'x' }]);
    expect(r).toEqual([{ file: '/nowhere.nix', before: '', after: '', diff: '', error: 'file was not read before editing' }]);
  });

  test('writePlannedEdits writes what was planned, and skips a file changed meanwhile', async () => {
    const a = path.join(dir, 'a.json');
    const b = path.join(dir, 'b.json');
    writeFileSync(a, '{"v": 1}\n');
    writeFileSync(b, '{"v": 1}\n');
    const files = new Map([a, b].map((f) => [f, { original: readFileSync(f, 'utf8') }]));
    const edits = [a, b].map((f) => at(f, '{"v": 1}\n', '1', '2'));
    const plan = planFileEdits(files, edits, jsonGuard, { diffRoot: dir });
    writeFileSync(b, '{"v": 9}\n'); // concurrent change
    const { written, skipped } = await writePlannedEdits(plan);
    expect(written).toEqual([a]);
    expect(skipped).toEqual([{ file: b, reason: expect.stringMatching(/changed on disk/) }]);
    expect(readFileSync(a, 'utf8')).toBe('{"v": 2}\n');
    expect(readFileSync(b, 'utf8')).toBe('{"v": 9}\n');
  });
});
