import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, symlinkSync, writeFileSync, chmodSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** Nix's own answers, from the real tools (see /work/shared/ORACLES.md). */
export function nixStoreDump(p: string): Buffer {
  return execFileSync('nix-store', ['--dump', p], { maxBuffer: 1024 ** 3 });
}
export function nixHashBase32(p: string): string {
  return execFileSync('nix-hash', ['--type', 'sha256', '--base32', p], { encoding: 'utf8' }).trim();
}
export function nixHashPathSri(p: string): string {
  return execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', p], { encoding: 'utf8' }).trim();
}
/** `nix-prefetch-url [--unpack] URL`: { hash (base32), path } or { error }. */
export function nixPrefetchUrl(url: string, unpack: boolean, name?: string): { hash?: string; path?: string; error?: string } {
  const args = [...(unpack ? ['--unpack'] : []), '--print-path', ...(name ? ['--name', name] : []), url];
  const r = spawnSync('nix-prefetch-url', args, { encoding: 'utf8' });
  if (r.status !== 0) return { error: r.stderr.trim() };
  const [hash, storePath] = r.stdout.trim().split('\n');
  return { hash, path: storePath };
}

/** nixPrefetchUrl without blocking the event loop (for URLs served by the test process itself). */
export function nixPrefetchUrlAsync(url: string, unpack: boolean, name?: string): Promise<{ hash?: string; path?: string; error?: string }> {
  const args = [...(unpack ? ['--unpack'] : []), '--print-path', ...(name ? ['--name', name] : []), url];
  return new Promise((resolve) => {
    execFile('nix-prefetch-url', args, { encoding: 'utf8' }, (err, stdout, stderr) => {
      if (err) return resolve({ error: stderr.trim() || err.message });
      const [hash, storePath] = stdout.trim().split('\n');
      resolve({ hash, path: storePath });
    });
  });
}

export function tempDir(prefix = 'nh-nar-'): string {
  return mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * A tree with what real checkouts hold: nested dirs, an empty dir,
 * executables (including owner-only and group/other-only x bits), relative,
 * absolute and dangling symlinks, a symlink to a directory, unicode and
 * non-UTF-8 names, names whose byte order differs from UTF-16 order, an empty
 * file, and a file larger than the 1 MiB read chunk.
 */
export function buildTrickyTree(root: string, opts: { nonUtf8?: boolean } = {}): void {
  const w = (rel: string, data: string | Buffer, mode = 0o644): void => {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, data);
    chmodSync(p, mode);
  };
  w('README.md', '# demo\n');
  w('empty-file', '');
  w('bin/run.sh', '#!/bin/sh\necho hi\n', 0o755);
  w('bin/owner-x', 'x', 0o700);
  w('bin/other-x', 'x', 0o645);
  w('bin/group-x', 'x', 0o654);
  w('src/a.nix', '{ pkgs, ... }: pkgs.hello\n');
  w('src/a.b', '1');
  w('src/a-b', '2');
  w('src/A', '3');
  w('src/ä.txt', 'umlaut\n');
  w('src/日本語.md', '日本\n');
  w('src/\u{1F600}.txt', 'astral\n'); // UTF-16 surrogates sort before U+FFxx; UTF-8 bytes sort after
  w('src/\uFF21.txt', 'fullwidth A\n');
  w('data/big.bin', Buffer.alloc(3 * 1024 * 1024 + 5, 7));
  w('data/crlf.txt', 'a\r\nb\r\n');
  mkdirSync(path.join(root, 'empty-dir/nested-empty'), { recursive: true });
  symlinkSync('../README.md', path.join(root, 'src/link-to-readme'));
  symlinkSync('/nonexistent/absolute', path.join(root, 'dangling-abs'));
  symlinkSync('src', path.join(root, 'link-to-dir'));
  symlinkSync('ä.txt', path.join(root, 'src/ünicode-link'));
  if (opts.nonUtf8) writeFileSync(Buffer.concat([Buffer.from(path.join(root, 'src') + '/latin1-'), Buffer.from([0xe9, 0xff]), Buffer.from('.txt')]), 'raw bytes name\n');
}

/**
 * What `npm install` leaves behind, generated: packages with package.json, nested lib
 * folders, executable bin scripts, relative `.bin` symlinks, a scoped package and a deep
 * chain of nested node_modules.
 */
export function buildPackageTree(root: string): void {
  const w = (rel: string, data: string, mode = 0o644): void => {
    const p = path.join(root, rel);
    mkdirSync(path.dirname(p), { recursive: true });
    writeFileSync(p, data);
    chmodSync(p, mode);
  };
  for (let i = 0; i < 12; i++) {
    const name = i === 0 ? '@scope/pkg-0' : `pkg-${i}`;
    w(`${name}/package.json`, JSON.stringify({ name, version: `1.${i}.0`, bin: { [`tool-${i}`]: 'bin/cli.js' } }, null, 2));
    w(`${name}/bin/cli.js`, `#!/usr/bin/env node\nconsole.log(${i});\n`, 0o755);
    for (let j = 0; j < 5; j++) w(`${name}/lib/${'sub/'.repeat(j)}m${j}.js`, `export const v${j} = ${i * j};\n`);
    mkdirSync(path.join(root, '.bin'), { recursive: true });
    symlinkSync(`../${name}/bin/cli.js`, path.join(root, '.bin', `tool-${i}`));
  }
  let deep = 'pkg-1';
  for (let d = 0; d < 6; d++) {
    deep = `${deep}/node_modules/dep-${d}`;
    w(`${deep}/index.js`, `module.exports = ${d};\n`);
  }
}
