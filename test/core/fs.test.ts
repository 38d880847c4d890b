import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { spawn, spawnSync } from 'node:child_process';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/core/fs.js';

let dir: string;
beforeEach(() => (dir = mkdtempSync(path.join(os.tmpdir(), 'nh-atomic-'))));
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const listing = (): string[] => readdirSync(dir).sort();

describe('writeFileAtomic', () => {
  test('replaces the content and keeps the mode (executable, private)', async () => {
    for (const mode of [0o755, 0o600, 0o640]) {
      const f = path.join(dir, `f-${mode.toString(8)}.nix`);
      writeFileSync(f, 'old\r\n');
      chmodSync(f, mode);
      const inodeBefore = statSync(f).ino;
      await writeFileAtomic(f, 'new ünïcode\r\n', { expectedOriginal: 'old\r\n' });
      expect(readFileSync(f, 'utf8')).toBe('new ünïcode\r\n');
      expect(statSync(f).mode & 0o7777).toBe(mode);
      expect(statSync(f).ino).not.toBe(inodeBefore); // a rename, not an in-place rewrite
    }
    expect(listing().filter((n) => n.includes('.tmp'))).toEqual([]);
  });

  test('refuses when the file changed on disk after it was read, and leaves it and the directory untouched', async () => {
    const f = path.join(dir, 'flake.lock');
    writeFileSync(f, '{"a": 1}\n');
    const original = readFileSync(f, 'utf8');
    writeFileSync(f, '{"a": 2}\n'); // someone else's edit lands between our read and our write
    const before = listing();
    const err = await writeFileAtomic(f, '{"a": 3}\n', { expectedOriginal: original }).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toBe(`${f}: changed on disk since it was read; not writing (re-run to edit the current content)`);
    expect(readFileSync(f, 'utf8')).toBe('{"a": 2}\n');
    expect(listing()).toEqual(before);
  });

  test('refuses when the file was deleted after it was read', async () => {
    const f = path.join(dir, 'gone.nix');
    await expect(writeFileAtomic(f, 'x', { expectedOriginal: 'y' })).rejects.toThrow(/changed on disk/);
    expect(listing()).toEqual([]);
  });

  test('compares bytes: a Buffer original works, and a BOM or CRLF difference counts as a change', async () => {
    const f = path.join(dir, 'a.nix');
    writeFileSync(f, 'x\r\n');
    await expect(writeFileAtomic(f, 'y', { expectedOriginal: 'x\n' })).rejects.toThrow(UserError);
    await writeFileAtomic(f, Buffer.from('y\n'), { expectedOriginal: Buffer.from('x\r\n') });
    expect(readFileSync(f, 'utf8')).toBe('y\n');
  });

  test('no temp file is left behind when the final rename fails', async () => {
    const target = path.join(dir, 'is-a-dir');
    mkdirSync(path.join(target, 'child'), { recursive: true });
    const err = await writeFileAtomic(target, 'x').then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toBe(`${target}: is a directory; give a file path`);
    expect(listing()).toEqual(['is-a-dir']);
    expect(readdirSync(target)).toEqual(['child']);
  });

  test('a symlinked file: the target is replaced, the link stays a link', async () => {
    mkdirSync(path.join(dir, 'real'));
    const real = path.join(dir, 'real', 'default.nix');
    writeFileSync(real, 'old');
    const link = path.join(dir, 'link.nix');
    symlinkSync('real/default.nix', link);
    await writeFileAtomic(link, 'new', { expectedOriginal: 'old' });
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readlinkSync(link)).toBe('real/default.nix');
    expect(readFileSync(real, 'utf8')).toBe('new');
    expect(readdirSync(path.join(dir, 'real'))).toEqual(['default.nix']);
  });

  test('creates a new file with the default mode', async () => {
    const f = path.join(dir, 'new.nix');
    await writeFileAtomic(f, 'fresh');
    expect(readFileSync(f, 'utf8')).toBe('fresh');
    expect(statSync(f).mode & 0o777).toBe(0o644);
  });
});

describe('writeFileAtomic on special paths (a hostile or careless -o)', () => {
  test('a character device is written through, never replaced by a regular file', async () => {
    await writeFileAtomic('/dev/null', 'report\n');
    const st = lstatSync('/dev/null');
    expect(st.isCharacterDevice()).toBe(true);
  });

  test('a FIFO is written through and stays a FIFO', async () => {
    const fifo = path.join(dir, 'pipe');
    expect(spawnSync('mkfifo', [fifo]).status).toBe(0);
    const reader = spawn('cat', [fifo]);
    let got = '';
    reader.stdout.on('data', (d: Buffer) => (got += d.toString()));
    const done = new Promise((resolve) => reader.on('close', resolve));
    await writeFileAtomic(fifo, 'through the pipe\n');
    await done;
    expect(got).toBe('through the pipe\n');
    expect(lstatSync(fifo).isFIFO()).toBe(true);
  });

  test('a symlink to a file outside: the target gets the content, the link stays', async () => {
    const outside = mkdtempSync(path.join(os.tmpdir(), 'nh-outside-'));
    try {
      const target = path.join(outside, 'report.sarif');
      writeFileSync(target, 'old');
      const link = path.join(dir, 'out.sarif');
      symlinkSync(target, link);
      await writeFileAtomic(link, 'new');
      expect(lstatSync(link).isSymbolicLink()).toBe(true);
      expect(readFileSync(target, 'utf8')).toBe('new');
      expect(readdirSync(outside)).toEqual(['report.sarif']);
    } finally {
      rmSync(outside, { recursive: true, force: true });
    }
  });

  test('a chain of links, the last one dangling, creates the final target', async () => {
    symlinkSync('b', path.join(dir, 'a'));
    symlinkSync('c.json', path.join(dir, 'b'));
    await writeFileAtomic(path.join(dir, 'a'), '{}');
    expect(readFileSync(path.join(dir, 'c.json'), 'utf8')).toBe('{}');
    expect(lstatSync(path.join(dir, 'a')).isSymbolicLink()).toBe(true);
  });

  test('a symlink loop is refused with one line', async () => {
    symlinkSync('y', path.join(dir, 'x'));
    symlinkSync('x', path.join(dir, 'y'));
    await expect(writeFileAtomic(path.join(dir, 'x'), 'z')).rejects.toThrow(/too many levels of symbolic links/);
  });

  test('a directory is refused and left untouched', async () => {
    mkdirSync(path.join(dir, 'd'));
    await expect(writeFileAtomic(path.join(dir, 'd'), 'x')).rejects.toThrow(/is a directory/);
    expect(readdirSync(path.join(dir, 'd'))).toEqual([]);
  });

  test('a missing parent directory is one line naming the file', async () => {
    const f = path.join(dir, 'missing', 'r.json');
    const err = await writeFileAtomic(f, 'x').then(() => undefined, (e: unknown) => e);
    expect((err as UserError).toOneLine()).toBe(`${f}: cannot write: no such file or directory`);
  });

  test('exclusive: refuses any existing path, a dangling link included, and creates a new file', async () => {
    const f = path.join(dir, 'policy.toml');
    writeFileSync(f, 'mine');
    await expect(writeFileAtomic(f, 'x', { exclusive: true })).rejects.toThrow(/already exists/);
    expect(readFileSync(f, 'utf8')).toBe('mine');
    symlinkSync(path.join(dir, 'nowhere'), path.join(dir, 'dangling'));
    await expect(writeFileAtomic(path.join(dir, 'dangling'), 'x', { exclusive: true })).rejects.toThrow(/already exists/);
    expect(listing()).toEqual(['dangling', 'policy.toml']);
    await writeFileAtomic(path.join(dir, 'fresh.toml'), 'new', { exclusive: true });
    expect(readFileSync(path.join(dir, 'fresh.toml'), 'utf8')).toBe('new');
    expect(listing()).toEqual(['dangling', 'fresh.toml', 'policy.toml']);
  });
});
