import { execFileSync } from 'node:child_process';
import { createReadStream, readFileSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import tar from 'tar-stream';
import { UserError } from '../../../src/core/errors.js';
import { narHashOfTarball } from '../../../src/pin/nar/prefetch.js';
import { buildPackageTree, buildTrickyTree, nixPrefetchUrl, tempDir } from './oracles.js';

type Entry = { name: string; type?: 'file' | 'directory' | 'symlink' | 'link' | 'fifo' | 'character-device'; data?: string; mode?: number; linkname?: string };

async function packTar(entries: Entry[]): Promise<Buffer> {
  const pack = tar.pack();
  for (const e of entries) {
    const header = { name: e.name, type: e.type ?? 'file', mode: e.mode ?? (e.type === 'directory' ? 0o755 : 0o644), linkname: e.linkname, mtime: new Date(0) };
    if ((e.type ?? 'file') === 'file') pack.entry(header, e.data ?? '');
    else pack.entry(header);
  }
  pack.finalize();
  const chunks: Buffer[] = [];
  for await (const c of pack) chunks.push(c as Buffer);
  return Buffer.concat(chunks);
}

let dir: string;
let n = 0;
function save(bytes: Buffer, ext = '.tar'): string {
  const p = path.join(dir, `t${n++}${ext}`);
  writeFileSync(p, bytes);
  return p;
}
async function ours(file: string, opts: { maxUnpackedBytes?: number } = {}) {
  return narHashOfTarball(createReadStream(file), { label: path.basename(file), ...opts });
}
/** Our hash must equal nix-prefetch-url --unpack on the same file. */
async function expectSameAsNix(file: string): Promise<void> {
  const nix = nixPrefetchUrl(pathToFileURL(file).href, true);
  expect(nix.error).toBeUndefined();
  expect((await ours(file)).hash.base32).toBe(nix.hash);
}

beforeAll(() => {
  dir = tempDir('nh-tar-');
  buildTrickyTree(path.join(dir, 'proj'), { nonUtf8: true });
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('tarballs made by real tools (oracle: nix-prefetch-url --unpack)', () => {
  test.each([
    ['gzip', 'czf', '.tar.gz'],
    ['plain', 'cf', '.tar'],
    ['xz', 'cJf', '.tar.xz'],
    ['bzip2', 'cjf', '.tar.bz2'],
    ['zstd', '--zstd -cf', '.tar.zst'],
  ])('GNU tar, %s, with one top-level directory (stripped)', async (_kind, flags, ext) => {
    const file = path.join(dir, `proj${ext}`);
    const opts = flags.startsWith('--') ? flags.split(' ') : [`-${flags}`];
    execFileSync('tar', ['-C', dir, ...opts, file, 'proj']);
    await expectSameAsNix(file);
    const r = await ours(file);
    expect(r.stripped).toBe(true);
  });

  test('pax and GNU formats with long and non-ASCII names', async () => {
    const root = path.join(dir, 'long');
    const deep = path.join(root, 'x'.repeat(90), 'ü'.repeat(40));
    execFileSync('mkdir', ['-p', deep]);
    writeFileSync(path.join(deep, `${'日'.repeat(50)}.txt`), 'deep\n');
    writeFileSync(path.join(root, 'ä'), 'short\n');
    for (const format of ['pax', 'gnu', 'ustar']) {
      const file = path.join(dir, `long-${format}.tar.gz`);
      if (format === 'ustar') execFileSync('tar', ['-C', root, `--format=${format}`, '-czf', file, 'ä']);
      else execFileSync('tar', ['-C', dir, `--format=${format}`, '-czf', file, 'long']);
      await expectSameAsNix(file);
    }
  });

  test('a non-UTF-8 name: exact in GNU format, refused (not mis-hashed) when pax stores it', async () => {
    const gnu = path.join(dir, 'proj-gnu.tar');
    execFileSync('tar', ['-C', dir, '--format=gnu', '-cf', gnu, 'proj']);
    await expectSameAsNix(gnu);
    const pax = path.join(dir, 'proj-pax.tar');
    execFileSync('tar', ['-C', dir, '--format=pax', '-cf', pax, 'proj']);
    await expect(ours(pax)).rejects.toThrow(/non-UTF-8 file name/);
  });

  test('git archive, with a prefix (stripped) and without (several top-level entries, kept)', async () => {
    const repo = path.join(dir, 'repo');
    buildTrickyTree(repo);
    const git = (...args: string[]): Buffer => execFileSync('git', ['-C', repo, ...args], { maxBuffer: 256 * 1024 * 1024 });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'init');
    const withPrefix = save(git('archive', '--format=tar.gz', '--prefix=repo-v1/', 'HEAD'), '.tar.gz');
    await expectSameAsNix(withPrefix);
    const bare = save(git('archive', '--format=tar', 'HEAD'));
    await expectSameAsNix(bare);
    expect((await ours(bare)).stripped).toBe(false);
  });
});

describe('real trees', () => {
  test("git archive of this project's own repository", async () => {
    const tgz = save(execFileSync('git', ['archive', '--format=tar.gz', '--prefix=nixharden/', 'HEAD'], { maxBuffer: 256 * 1024 * 1024 }), '.tar.gz');
    await expectSameAsNix(tgz);
  });

  test('an npm-style package tree (.bin symlinks, executables, deep trees) packed by GNU tar', async () => {
    const tgz = path.join(dir, 'node-modules.tar.gz');
    buildPackageTree(path.join(dir, 'node_modules'));
    execFileSync('tar', ['-C', path.join(dir, 'node_modules'), '-czf', tgz, '.']);
    await expectSameAsNix(tgz);
  });
});

describe('edge cases Nix handles in a particular way (crafted with tar-stream)', () => {
  const cases: Array<[string, Entry[]]> = [
    ['only owner-x makes a file executable', [
      { name: 'top/a', mode: 0o645 }, { name: 'top/b', mode: 0o654 }, { name: 'top/c', mode: 0o744 }, { name: 'top/d', mode: 0o100 },
    ]],
    ['a duplicate entry replaces the earlier one (content and mode)', [
      { name: 'top/a', data: 'first' }, { name: 'top/a', data: 'second', mode: 0o755 },
    ]],
    ['a directory replaces a file of the same name', [
      { name: 'top/a', data: 'f' }, { name: 'top/a', type: 'directory' }, { name: 'top/a/x', data: 'y' },
    ]],
    ['a file replaces an empty directory', [
      { name: 'top/a', type: 'directory' }, { name: 'top/a', data: 'now a file' },
    ]],
    ['a hard link gets its target content', [
      { name: 'top/a', data: 'content', mode: 0o755 }, { name: 'top/h', type: 'link', linkname: 'top/a' },
    ]],
    ['directories implied by file paths, without entries of their own', [
      { name: 'top/deep/er/file', data: 'x' }, { name: 'top/other/f', data: 'y' },
    ]],
    ['several top-level entries are kept as they are', [{ name: 'a', data: '1' }, { name: 'b', type: 'directory' }]],
    ['a single top-level file is hashed as that file', [{ name: 'only', data: 'solo', mode: 0o755 }]],
    ['a single top-level symlink is hashed as that symlink', [{ name: 'l', type: 'symlink', linkname: '/somewhere' }]],
    ['"./" prefixes and a root entry', [{ name: './', type: 'directory' }, { name: './top/a', data: 'c' }, { name: 'top//b', data: 'd' }]],
    ['empty directories and a symlink to a directory', [
      { name: 'top/', type: 'directory' }, { name: 'top/e/', type: 'directory' }, { name: 'top/d/', type: 'directory' }, { name: 'top/d/f', data: '' },
      { name: 'top/ld', type: 'symlink', linkname: 'd' },
    ]],
    ['long names (pax headers) and names whose byte order differs from UTF-16 order', [
      { name: `top/${'n'.repeat(150)}`, data: 'long' }, { name: 'top/\u{1F600}', data: 'astral' }, { name: 'top/\uFF21', data: 'fw' }, { name: 'top/Z', data: 'z' },
    ]],
  ];
  test.each(cases)('%s', async (_title, entries) => {
    await expectSameAsNix(save(gzipSync(await packTar(entries)), '.tar.gz'));
  });
});

describe('unsafe or unrepresentable archives are refused with a clear one-line error', () => {
  const cases: Array<[string, Entry[], RegExp, boolean]> = [
    ['.. escaping the root', [{ name: 'top/../../etc/x', data: 'x' }], /'\.\.'.*refused/, true],
    ['an absolute path (Nix re-roots it; we fail closed)', [{ name: '/etc/passwd', data: 'x' }], /absolute path/, false],
    ['a path through a symlink', [{ name: 'top/l', type: 'symlink', linkname: '/tmp' }, { name: 'top/l/x', data: 'x' }], /through a symlink/, true],
    ['a hard link to a file outside the archive', [{ name: 'top/h', type: 'link', linkname: '/etc/passwd' }], /hard link|absolute/, true],
    ['a hard link to a missing entry', [{ name: 'top/a', data: 'x' }, { name: 'top/h', type: 'link', linkname: 'top/missing' }], /hard link/, true],
    ['a fifo', [{ name: 'top/a', data: 'x' }, { name: 'top/f', type: 'fifo' }], /fifo/, true],
    ['a character device', [{ name: 'top/a', data: 'x' }, { name: 'top/c', type: 'character-device' }], /character-device/, true],
    ['a file over a non-empty directory', [{ name: 'top/a/x', data: 'x' }, { name: 'top/a', data: 'f' }], /non-empty directory/, true],
  ];
  test.each(cases)('%s', async (_title, entries, message, nixRefusesToo) => {
    const file = save(await packTar(entries));
    const err = await ours(file).then(() => undefined, (e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(message);
    expect((err as UserError).toOneLine()).not.toContain('\n');
    expect(nixPrefetchUrl(pathToFileURL(file).href, true).error !== undefined).toBe(nixRefusesToo);
  });

  test('an empty file and an all-zero tar are an empty directory, as for Nix', async () => {
    await expectSameAsNix(save(Buffer.alloc(0)));
    await expectSameAsNix(save(Buffer.alloc(1024)));
  });

  test('zip, truncated gzip and non-archives', async () => {
    const zip = save(Buffer.from([0x50, 0x4b, 0x03, 0x04, 0, 0, 0, 0, 0, 0]), '.zip');
    await expect(ours(zip)).rejects.toThrow(/zip archives are not supported/);
    const gz = gzipSync(await packTar([{ name: 'top/a', data: 'x'.repeat(100000) }]));
    await expect(ours(save(gz.subarray(0, gz.length - 200), '.tar.gz'))).rejects.toThrow(/corrupt or truncated|truncated/);
    await expect(ours(save(Buffer.from('just some text, not a tarball at all '.repeat(40)), '.txt'))).rejects.toThrow(/not a valid tar archive/);
  });

  test('xz through the system tool: a truncated stream is an error, an early refusal stops the tool', async () => {
    const xz = (b: Buffer): Buffer => execFileSync('xz', ['-c'], { input: b });
    const full = xz(await packTar([{ name: 'top/a', data: 'x'.repeat(200000) }, { name: 'top/b', data: 'y' }]));
    await expect(ours(save(full.subarray(0, full.length - 40), '.tar.xz'))).rejects.toThrow(/xz data is corrupt or truncated/);
    const evil = xz(await packTar([{ name: '../evil', data: 'x' }, ...Array.from({ length: 50 }, (_, i) => ({ name: `top/f${i}`, data: 'z'.repeat(50000 + i) }))]));
    await expect(ours(save(evil, '.tar.xz'))).rejects.toThrow(/escapes the archive root/);
  });

  test('the in-memory size limit is enforced', async () => {
    const file = save(await packTar([{ name: 'top/a', data: 'x'.repeat(5000) }, { name: 'top/b', data: 'y'.repeat(5000) }]));
    await expect(ours(file, { maxUnpackedBytes: 8000 })).rejects.toThrow(/exceeds 8000 bytes/);
    // many empty entries count too (512 bytes each)
    const many = save(gzipSync(await packTar(Array.from({ length: 100 }, (_, i) => ({ name: `top/d${i}/`, type: 'directory' as const })))), '.tar.gz');
    await expect(ours(many, { maxUnpackedBytes: 50 * 512 })).rejects.toThrow(/exceeds 25600 bytes/);
    expect((await ours(file, { maxUnpackedBytes: 12000 })).hash.base32).toBe(nixPrefetchUrl(pathToFileURL(file).href, true).hash);
  });

  test('the bytes of a real tarball are not altered by reading (sanity: file unchanged)', () => {
    const file = path.join(dir, 'proj.tar.gz');
    expect(readFileSync(file).subarray(0, 2)).toEqual(Buffer.from([0x1f, 0x8b]));
  });
});
