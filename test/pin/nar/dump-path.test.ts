import { execFileSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { BufferSink } from '../../../src/pin/nar/nar-writer.js';
import { dumpPath, narHashOfPath } from '../../../src/pin/nar/dump-path.js';
import { buildTrickyTree, nixHashBase32, nixHashPathSri, nixStoreDump, tempDir } from './oracles.js';

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

  test("the project's own src/ tree", async () => {
    const src = path.resolve('src');
    // Other people edit src/ while tests run: only compare when Nix saw the same tree before and after us.
    for (let attempt = 0; attempt < 5; attempt++) {
      const nixBefore = nixHashPathSri(src);
      const { hash } = await narHashOfPath(src);
      if (nixHashPathSri(src) !== nixBefore) continue;
      expect(hash.sri).toBe(nixBefore);
      return;
    }
    throw new Error('src/ kept changing; could not compare');
  });

  test('installed npm packages (node_modules: .bin symlinks, executables, deep trees)', async () => {
    for (const rel of ['node_modules/.bin', 'node_modules/got', 'node_modules/typescript/bin', 'node_modules/@types']) {
      const p = path.resolve(rel);
      expect((await narHashOfPath(p)).hash.base32).toBe(nixHashBase32(p));
    }
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
