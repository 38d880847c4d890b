import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { writeFileAtomic } from '../../src/report/write-atomic.js';

describe('writeFileAtomic', () => {
  it('replaces the file in one step and leaves no temporary files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-out-'));
    const file = path.join(dir, 'report.json');
    fs.writeFileSync(file, 'old');
    const inode = fs.statSync(file).ino;
    writeFileAtomic(file, 'new content');
    expect(fs.readFileSync(file, 'utf8')).toBe('new content');
    // A rename gives a new inode: the old file was never truncated in place.
    expect(fs.statSync(file).ino).not.toBe(inode);
    expect(fs.readdirSync(dir)).toEqual(['report.json']);
    fs.rmSync(dir, { recursive: true });
  });
  it('fails with a one-line UserError and writes nothing when the directory is missing or is a directory', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-out-'));
    expect(() => writeFileAtomic(path.join(dir, 'missing', 'r.json'), 'x')).toThrow(UserError);
    fs.mkdirSync(path.join(dir, 'isdir'));
    expect(() => writeFileAtomic(path.join(dir, 'isdir'), 'x')).toThrow(/cannot write output/);
    expect(fs.readdirSync(dir)).toEqual(['isdir']);
    fs.rmSync(dir, { recursive: true });
  });
});
