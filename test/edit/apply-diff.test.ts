import { execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { applyEdits } from '../../src/edit/apply.js';
import { unifiedDiff } from '../../src/edit/diff.js';
import type { TextEdit } from '../../src/core/text-edit.js';

const edit = (text: string, find: string, replacement: string, file = 'f.nix'): TextEdit => {
  const i = text.indexOf(find);
  if (i < 0) throw new Error(`fixture: ${find} not found`);
  return { file, startOffset: i, endOffset: i + find.length, replacement };
};

describe('applyEdits', () => {
  const text = '\uFEFF{ pkgs, ... }:\r\n{\r\n\tname = "ünïcødé 😀";\r\n\turl = "https://example.org/a.tar.gz";  \r\n\tsha256 = "0000";\r\n}';

  test('keeps every character outside the edited spans (BOM, CRLF, tabs, trailing spaces, astral chars)', () => {
    const edits = [edit(text, '0000', '1111'), edit(text, 'https://example.org/a.tar.gz', 'https://example.org/b.tar.gz'), edit(text, 'ünïcødé 😀', 'x')];
    const out = applyEdits(text, edits);
    expect(out).toBe(text.replace('0000', '1111').replace('a.tar.gz', 'b.tar.gz').replace('ünïcødé 😀', 'x'));
    expect(out.startsWith('\uFEFF')).toBe(true);
    expect(out.split('\r\n')).toHaveLength(text.split('\r\n').length);
  });

  test('order of the edit list does not matter; touching spans and insertions work', () => {
    const t = 'abcdef';
    const edits: TextEdit[] = [
      { file: 'f', startOffset: 4, endOffset: 6, replacement: 'EF' },
      { file: 'f', startOffset: 0, endOffset: 2, replacement: 'AB' },
      { file: 'f', startOffset: 2, endOffset: 4, replacement: 'CD' },
      { file: 'f', startOffset: 6, endOffset: 6, replacement: '!' },
      { file: 'f', startOffset: 0, endOffset: 0, replacement: '>' },
    ];
    expect(applyEdits(t, edits)).toBe('>ABCDEF!');
    expect(applyEdits(t, [...edits].reverse())).toBe('>ABCDEF!');
    expect(applyEdits(t, [])).toBe(t);
  });

  test('an identical duplicate edit is applied once', () => {
    const e = edit(text, '0000', '1111');
    expect(applyEdits(text, [e, { ...e }])).toBe(text.replace('0000', '1111'));
  });

  test('overlapping edits are refused with the file and the line', () => {
    const a = edit(text, 'sha256 = "0000"', 'sha256 = "1"');
    const b = edit(text, '"0000"', '"2"');
    let err: unknown;
    try {
      applyEdits(text, [a, b]);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toMatch(/^f\.nix:5: overlapping edits at 5:2 .* and 5:11/);
    // two insertions at one point: which goes first would be a guess
    expect(() => applyEdits('ab', [{ file: 'f', startOffset: 1, endOffset: 1, replacement: 'x' }, { file: 'f', startOffset: 1, endOffset: 1, replacement: 'y' }])).toThrow(/overlapping/);
  });

  test('spans outside the text are refused', () => {
    expect(() => applyEdits('abc', [{ file: 'g', startOffset: 2, endOffset: 9, replacement: '' }])).toThrow(/outside the file/);
    expect(() => applyEdits('abc', [{ file: 'g', startOffset: 2, endOffset: 1, replacement: '' }])).toThrow(UserError);
    expect(() => applyEdits('abc', [{ file: 'g', startOffset: -1, endOffset: 1, replacement: '' }])).toThrow(UserError);
  });
});

describe('unifiedDiff (oracles: git apply, patch -p1)', () => {
  let dir: string;
  beforeAll(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nh-diff-'))));
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  const cases: Array<[string, string, string]> = [
    ['LF file', 'a\nb\nc\nd\ne\nf\ng\nh\n', 'a\nb\nC\nd\ne\nf\ng\nH\nnew\n'],
    ['CRLF file', 'x = 1;\r\ny = 2;\r\nz = 3;\r\n', 'x = 1;\r\ny = 20;\r\nz = 3;\r\n'],
    ['no trailing newline, before and after', 'one\ntwo', 'one\n2'],
    ['trailing newline added', 'one\ntwo', 'one\ntwo\n'],
    ['unicode and tabs', '\tname = "ä";\n\tv = "😀";\n', '\tname = "ö";\n\tv = "😀";\n'],
  ];

  test.each(cases)('%s: applying the diff reproduces the new text exactly', (title, before, after) => {
    for (const tool of ['git', 'patch']) {
      const root = path.join(dir, `${tool}-${title.replace(/\W+/g, '-')}`);
      mkdirSync(path.join(root, 'sub dir'), { recursive: true });
      const rel = 'sub dir/file.nix';
      writeFileSync(path.join(root, rel), before);
      const patch = unifiedDiff(rel, before, after);
      expect(patch).toMatch(/^--- a\/sub dir\/file\.nix\t\n\+\+\+ b\/sub dir\/file\.nix\t\n@@ /);
      const r =
        tool === 'git'
          ? spawnSync('git', ['apply', '--unsafe-paths', '-p1', '-'], { cwd: root, input: patch, encoding: 'utf8' })
          : spawnSync('patch', ['-p1', '--quiet', '--binary'], { cwd: root, input: patch, encoding: 'utf8' });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
      expect(readFileSync(path.join(root, rel), 'utf8')).toBe(after);
    }
  });

  test('no change, no diff', () => {
    expect(unifiedDiff('x.nix', 'same\n', 'same\n')).toBe('');
  });

  test('git apply --check agrees the diff belongs to the original file only', () => {
    const root = path.join(dir, 'check');
    mkdirSync(root);
    execFileSync('git', ['init', '-q'], { cwd: root });
    writeFileSync(path.join(root, 'a.nix'), 'other content\n');
    const patch = unifiedDiff('a.nix', 'old\n', 'new\n');
    expect(spawnSync('git', ['apply', '--check', '-'], { cwd: root, input: patch }).status).not.toBe(0);
  });
});
