import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { discover } from '../../src/discover/index.js';

/** Writes a tree of files: { 'a/b.nix': 'text' }. */
function tree(files: Record<string, string>): string {
  const dir = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-discover-')));
  for (const [rel, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
    fs.writeFileSync(path.join(dir, rel), text);
  }
  return dir;
}

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
});

describe('discover', () => {
  it('finds the Nix-relevant files, in a deterministic order, relative to the root', () => {
    const dir = tree({
      'flake.nix': '{ }',
      'flake.lock': '{}',
      'hosts/b/default.nix': '{ }',
      'hosts/a.nix': '{ }',
      'nix/sources.json': '{}',
      'npins/sources.json': '{}',
      'other/sources.json': '{}',
      'etc/nix/nix.conf': '',
      'etc/nix/nix.custom.conf': '',
      'etc/nix/machines.conf': '',
      'README.md': '',
      'Z.nix': '{ }',
    });
    dirs.push(dir);
    const d = discover([dir]);
    expect(d.root).toBe(dir);
    expect(d.files.map((f) => [f.file, f.kind, f.explicit])).toEqual([
      ['Z.nix', 'nix', false],
      ['etc/nix/nix.conf', 'nix.conf', false],
      ['etc/nix/nix.custom.conf', 'nix.conf', false],
      ['flake.lock', 'flake.lock', false],
      ['flake.nix', 'nix', false],
      ['hosts/a.nix', 'nix', false],
      ['hosts/b/default.nix', 'nix', false],
      ['nix/sources.json', 'sources.json', false],
      ['npins/sources.json', 'sources.json', false],
    ]);
  });

  it('honours .gitignore files (nested ones and negations, and the repository above the walked directory)', () => {
    const dir = tree({
      '.git/HEAD': 'ref: refs/heads/main\n',
      '.gitignore': 'generated/\n*.local.nix\n!keep.local.nix\n',
      'sub/.gitignore': 'secret.nix\n',
      'sub/secret.nix': '{ }',
      'sub/ok.nix': '{ }',
      'sub/x.local.nix': '{ }',
      'sub/keep.local.nix': '{ }',
      'generated/g.nix': '{ }',
      '.git/hooks/h.nix': '{ }',
      'node_modules/pkg/p.nix': '{ }',
    });
    dirs.push(dir);
    expect(discover([dir]).files.map((f) => f.file)).toEqual(['sub/keep.local.nix', 'sub/ok.nix']);
    // Walking only sub/: the repository's root .gitignore still applies.
    expect(discover([path.join(dir, 'sub')]).files.map((f) => f.file)).toEqual(['keep.local.nix', 'ok.nix']);
  });

  it('skips result* symlinks and symlinked directories, keeps symlinked files', () => {
    const dir = tree({ 'real/a.nix': '{ }', 'b.nix': '{ }' });
    dirs.push(dir);
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'result'));
    fs.symlinkSync(path.join(dir, 'real'), path.join(dir, 'linkdir'));
    fs.symlinkSync(path.join(dir, 'b.nix'), path.join(dir, 'c.nix'));
    fs.symlinkSync(path.join(dir, 'missing.nix'), path.join(dir, 'dangling.nix'));
    expect(discover([dir]).files.map((f) => f.file)).toEqual(['b.nix', 'c.nix', 'real/a.nix']);
  });

  it('takes explicit files as given (even ignored ones), rooted at their directory', () => {
    const dir = tree({ '.gitignore': '*.nix\n', 'conf/configuration.nix': '{ }', 'conf/nix.conf': '' });
    dirs.push(dir);
    const one = discover([path.join(dir, 'conf', 'configuration.nix')]);
    expect(one.root).toBe(path.join(dir, 'conf'));
    expect(one.files.map((f) => [f.file, f.explicit])).toEqual([['configuration.nix', true]]);
    const two = discover([path.join(dir, 'conf', 'configuration.nix'), path.join(dir, 'conf', 'nix.conf')]);
    expect(two.files.map((f) => f.file)).toEqual(['configuration.nix', 'nix.conf']);
    const both = discover([path.join(dir, 'conf', 'nix.conf'), dir]);
    expect(both.root).toBe(dir);
    expect(both.files.map((f) => [f.file, f.explicit])).toEqual([['conf/nix.conf', true]]);
  });

  it('rejects a path that does not exist with a one-line UserError', () => {
    let err: unknown;
    try {
      discover(['does/not/exist']);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toBe('does/not/exist: no such file or directory');
    expect((err as UserError).exitCode).toBe(2);
  });

  it('rejects an explicit file it does not scan', () => {
    const dir = tree({ 'notes.txt': '' });
    dirs.push(dir);
    expect(() => discover([path.join(dir, 'notes.txt')])).toThrow(UserError);
  });
});
