// NAR benchmark: `nixharden prefetch --unpack` (in-memory tarball → NAR hash)
// against `nix-prefetch-url --unpack file://…` (unpack to disk, then hash) on
// the same tarball, in the same run. Goal: no slower than Nix.
//
//   node bench/nar.mjs [TARBALL] [--size-mb N]   (or `npm run bench -- nar [TARBALL]`)
//
// Without TARBALL it generates a gzip tarball of at least N MB (default 100) in
// a temp dir: a source-tree-like mix of many small text files in nested
// directories, executables, symlinks, empty dirs and a share of incompressible
// binaries, and removes it afterwards. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { fileURLToPath, pathToFileURL } from 'node:url';
import tar from 'tar-stream';
import { rng } from './generate.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');

const WORDS = 'let in inherit rec with import fetchurl stdenv mkDerivation pname version src buildInputs nativeBuildInputs meta license maintainers platforms lib pkgs config options mkOption types enable description default true false null if then else assert'.split(' ');

/** Writes a gzip tarball of at least `minBytes` to `file`; returns entry counts. */
async function generateTarball(file, minBytes) {
  const rand = rng(42);
  const pack = tar.pack();
  const out = fs.createWriteStream(file);
  const done = pipeline(pack, createGzip({ level: 6 }), out);
  const add = (header, data) =>
    new Promise((resolve, reject) => {
      const entry = pack.entry({ mtime: new Date(0), ...header }, data, (err) => (err ? reject(err) : resolve()));
      void entry;
    });
  const counts = { files: 0, dirs: 0, symlinks: 0 };
  const top = 'project-1.2.3';
  await add({ name: `${top}/`, type: 'directory', mode: 0o755 });
  let i = 0;
  while (out.bytesWritten < minBytes) {
    const dir = `${top}/pkgs/${(i >> 8).toString(36)}/${((i >> 4) & 15).toString(36)}`;
    if ((i & 15) === 0) {
      await add({ name: `${dir}/`, type: 'directory', mode: 0o755 });
      counts.dirs++;
    }
    const r = rand();
    if (r < 0.04) {
      // incompressible blob (images, test data, vendored binaries)
      await add({ name: `${dir}/blob-${i}.bin`, mode: 0o644 }, randomBytes(64 * 1024 + Math.floor(rand() * 512 * 1024)));
    } else if (r < 0.06) {
      await add({ name: `${dir}/run-${i}.sh`, mode: 0o755 }, `#!/bin/sh\nexec ${WORDS[i % WORDS.length]} "$@"\n`);
    } else if (r < 0.07) {
      await add({ name: `${dir}/link-${i}`, type: 'symlink', linkname: '../README.md' });
      counts.symlinks++;
      i++;
      continue;
    } else if (r < 0.075) {
      await add({ name: `${dir}/empty-${i}/`, type: 'directory', mode: 0o755 });
      counts.dirs++;
      i++;
      continue;
    } else {
      const n = 50 + Math.floor(rand() * 1500);
      const words = [];
      for (let w = 0; w < n; w++) words.push(WORDS[Math.floor(rand() * WORDS.length)] + (rand() < 0.1 ? ';\n' : ' ') + (rand() < 0.05 ? `${Math.floor(rand() * 1e9).toString(36)} ` : ''));
      await add({ name: `${dir}/file-${i}.nix`, mode: 0o644 }, words.join(''));
    }
    counts.files++;
    i++;
    // let the gzip stream drain so bytesWritten advances
    if ((i & 255) === 0) await new Promise((r) => setImmediate(r));
  }
  pack.finalize();
  await done;
  return counts;
}

function time(fn) {
  const t = process.hrtime.bigint();
  return Promise.resolve(fn()).then((v) => ({ value: v, ms: Number(process.hrtime.bigint() - t) / 1e6 }));
}

export async function run(args = []) {
  let sizeMb = 100;
  let tarball;
  for (let i = 0; i < args.length; i++) {
    if (args[i] === '--size-mb') sizeMb = Number(args[++i]);
    else tarball = args[i];
  }
  const { prefetch } = await import(pathToFileURL(path.join(dist, 'pin', 'nar', 'index.js')).href);
  let tmp;
  if (!tarball) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-bench-nar-'));
    tarball = path.join(tmp, 'project-1.2.3.tar.gz');
    const gen = await time(() => generateTarball(tarball, sizeMb * 1024 * 1024));
    console.log(`generated ${tarball}: ${(fs.statSync(tarball).size / 1048576).toFixed(1)} MB, ${gen.value.files} files, ${gen.value.dirs} dirs, ${gen.value.symlinks} symlinks (${(gen.ms / 1000).toFixed(1)} s)`);
  }
  try {
    const url = pathToFileURL(path.resolve(tarball)).href;
    const ours = await time(() => prefetch(tarball, { unpack: true }));
    const nix = await time(() => spawnSync('nix-prefetch-url', ['--unpack', '--print-path', url], { encoding: 'utf8', maxBuffer: 1 << 20 }));
    if (nix.value.status !== 0) throw new Error(`nix-prefetch-url failed: ${nix.value.stderr}`);
    const [nixHash, storePath] = nix.value.stdout.trim().split('\n');
    const same = nixHash === ours.value.hash.base32;
    console.log(`nixharden prefetch --unpack: ${(ours.ms / 1000).toFixed(2)} s  ${ours.value.hash.base32}  (NAR ${(ours.value.size / 1048576).toFixed(1)} MB)`);
    console.log(`nix-prefetch-url --unpack:   ${(nix.ms / 1000).toFixed(2)} s  ${nixHash}`);
    console.log(`hashes ${same ? 'agree' : 'DIFFER'}; nixharden/nix time ratio ${(ours.ms / nix.ms).toFixed(2)} (goal ≤ 1.00)`);
    // Nix copied the unpacked tree into the store; do not leave 100+ MB behind.
    if (tmp && storePath) spawnSync('nix-store', ['--delete', storePath], { stdio: 'ignore' });
    if (!same) process.exitCode = 1;
    return { ours: ours.ms, nix: nix.ms, same, mb: ours.value.size / 1048576 };
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));
