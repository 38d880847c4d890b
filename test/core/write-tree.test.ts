/** writeTreeAtomic: whole directories or nothing, never over existing ones without force. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { writeTreeAtomic } from '../../src/core/write-tree.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-tree-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const read = (p: string) => fs.readFileSync(path.join(dir, p), 'utf8');
const leftovers = () => fs.readdirSync(dir).filter((n) => n.includes('.nixharden-'));

describe('writeTreeAtomic', () => {
  it('creates the output with every directory and file, modes included, and leaves no temp dir', async () => {
    await writeTreeAtomic(path.join(dir, 'out'), [
      { name: 'a', files: [{ path: 'x.txt', content: 'x' }, { path: 'sub/run.sh', content: '#!/bin/sh\n', mode: 0o755 }] },
      { name: 'b', files: [{ path: 'y.txt', content: 'y' }] },
    ]);
    expect([read('out/a/x.txt'), read('out/a/sub/run.sh'), read('out/b/y.txt')]).toEqual(['x', '#!/bin/sh\n', 'y']);
    expect(fs.statSync(path.join(dir, 'out/a/sub/run.sh')).mode & 0o777).toBe(0o755);
    expect(leftovers()).toEqual([]);
  });

  it('refuses an existing directory without force and writes nothing at all', async () => {
    fs.mkdirSync(path.join(dir, 'out/b'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out/b/mine.txt'), 'mine');
    await expect(writeTreeAtomic(path.join(dir, 'out'), [{ name: 'a', files: [{ path: 'x', content: '1' }] }, { name: 'b', files: [{ path: 'y', content: '2' }] }])).rejects.toThrow(UserError);
    expect(fs.readdirSync(path.join(dir, 'out'))).toEqual(['b']);
    expect(read('out/b/mine.txt')).toBe('mine');
    expect(leftovers()).toEqual([]);
  });

  it('with force, replaces a directory whole, keeping only the files its keep pattern names', async () => {
    fs.mkdirSync(path.join(dir, 'out/a/keys'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out/a/stale.txt'), 'old');
    fs.writeFileSync(path.join(dir, 'out/a/keys/alice.asc'), 'cert');
    fs.writeFileSync(path.join(dir, 'out/other.txt'), 'untouched');
    await writeTreeAtomic(path.join(dir, 'out'), [{ name: 'a', files: [{ path: 'new.txt', content: 'new' }], keep: /^keys\/[^/]+\.asc$/ }], { force: true });
    expect(fs.readdirSync(path.join(dir, 'out/a')).sort()).toEqual(['keys', 'new.txt']);
    expect(read('out/a/keys/alice.asc')).toBe('cert');
    expect(read('out/other.txt')).toBe('untouched');
    expect(leftovers()).toEqual([]);
  });

  it('leaves the output untouched when writing a later directory fails', async () => {
    fs.mkdirSync(path.join(dir, 'out/a'), { recursive: true });
    fs.writeFileSync(path.join(dir, 'out/a/old.txt'), 'old');
    await expect(
      writeTreeAtomic(path.join(dir, 'out'), [{ name: 'a', files: [{ path: 'new.txt', content: 'n' }] }, { name: 'b', files: [{ path: '../escape', content: 'y' }] }], { force: true }),
    ).rejects.toThrow(/bad generated path/);
    expect(fs.readdirSync(path.join(dir, 'out/a'))).toEqual(['old.txt']);
    expect(fs.existsSync(path.join(dir, 'out/b'))).toBe(false);
    expect(fs.existsSync(path.join(dir, 'escape'))).toBe(false);
    expect(leftovers()).toEqual([]);
  });
});
