import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { BufferSink } from '../../../src/pin/nar/nar-writer.js';
import { dumpPath, narHashOfPath } from '../../../src/pin/nar/dump-path.js';
import { buildPackageTree, buildTrickyTree, nixHashBase32, nixHashPathSri, nixStoreDump, tempDir } from './oracles.js';

async function ourNar(p: string): Promise<Buffer> {
  const sink = new BufferSink();
  const size = await dumpPath(p, sink);
  const bytes = sink.bytes();
  expect(bytes.length).toBe(size);
  return bytes;
}

describe('NAR serialisation of paths (oracle: nix-store --dump, nix-hash, nix hash path)', () => {
  let dir: string;
  beforeAll(() => {
    dir = tempDir();
    buildTrickyTree(path.join(dir, 'tree'), { nonUtf8: true });
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  test('a tree with symlinks, executables, empty dirs, unicode and non-UTF-8 names is byte-identical to nix-store --dump', async () => {
    const p = path.join(dir, 'tree');
    expect((await ourNar(p)).equals(nixStoreDump(p))).toBe(true);
    const { hash, narSize } = await narHashOfPath(p);
    expect(hash.base32).toBe(nixHashBase32(p));
    expect(hash.sri).toBe(nixHashPathSri(p));
    expect(narSize).toBe(nixStoreDump(p).length);
  });

  test("the project's fixtures/ tree (real Nix files, not edited while tests run)", async () => {
    const fixtures = path.resolve('fixtures');
    expect((await narHashOfPath(fixtures)).hash.sri).toBe(nixHashPathSri(fixtures));
  });

  test('an npm-style package tree (.bin symlinks, executables, scoped and deep folders)', async () => {
    const p = path.join(dir, 'node_modules');
    buildPackageTree(p);
    expect((await ourNar(p)).equals(nixStoreDump(p))).toBe(true);
    for (const rel of ['', '.bin', '@scope', 'pkg-3/lib']) expect((await narHashOfPath(path.join(p, rel))).hash.base32).toBe(nixHashBase32(path.join(p, rel)));
  });

  test('single files and symlinks at the top level', async () => {
    for (const rel of ['tree/bin/run.sh', 'tree/README.md', 'tree/empty-file', 'tree/link-to-dir', 'tree/data/big.bin', 'tree/empty-dir']) {
      const p = path.join(dir, rel);
      expect((await ourNar(p)).equals(nixStoreDump(p))).toBe(true);
    }
  });

  test('a git checkout (with .git, executables and symlinks committed)', async () => {
    const repo = path.join(dir, 'checkout');
    buildTrickyTree(repo);
    const git = (...args: string[]): string => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8' });
    git('init', '-q');
    git('add', '-A');
    git('-c', 'user.name=t', '-c', 'user.email=t@e', 'commit', '-q', '-m', 'init');
    const { hash } = await narHashOfPath(repo);
    expect(hash.base32).toBe(nixHashBase32(repo));
  });

  test('a fifo is refused with a one-line error, as Nix refuses it', async () => {
    const d = path.join(dir, 'with-fifo');
    execFileSync('mkdir', ['-p', d]);
    execFileSync('mkfifo', [path.join(d, 'pipe')]);
    await expect(narHashOfPath(d)).rejects.toThrow(UserError);
    await expect(narHashOfPath(d)).rejects.toThrow(/pipe.*unsupported type/);
  });
});
