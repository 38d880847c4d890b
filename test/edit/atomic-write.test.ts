import { chmodSync, lstatSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, readlinkSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/edit/atomic-write.js';

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
    expect((err as UserError).toOneLine()).toMatch(new RegExp(`^${target}: cannot write`));
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
