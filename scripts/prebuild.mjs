#!/usr/bin/env node
// Runs as `prepack` (and, with --clean, as `postpack`): puts prebuilt N-API
// binaries for this platform into the package so that installing it needs no
// compiler. docs/install.md explains the choice and the supported platforms.
// With --sources (run by `prepare`, which npm also runs for git installs such as
// pre-commit's) it only copies the grammar sources the compile fallback needs.
//
//  - grammars/nix/prebuilds/<platform>-<arch>/: our grammar binding, plus a copy of
//    tree-sitter-nix's C sources in grammars/nix/src for the compile fallback
//    (tree-sitter-nix is a devDependency: its own install script compiles a nan
//    binding we don't use).
//  - node_modules/tree-sitter/prebuilds/<platform>-<arch>/: tree-sitter, which the
//    package bundles (bundleDependencies). tree-sitter 0.25.0 on npm ships no
//    prebuilds, and 0.25.1's linux-x64 one needs GLIBCXX_3.4.31 (GCC 13).
//
// Each addon is compiled by prebuildify in a scratch copy, so the checkout's own
// build/Release (which tests running meanwhile load) is never rebuilt under them.
// --clean removes the prebuilds; the copied sources stay (gitignored, refreshed by prepare).
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(path.join(root, 'package.json'));
const grammarDir = path.join(root, 'grammars', 'nix');
const treeSitterDir = path.dirname(require.resolve('tree-sitter/package.json'));

const addons = [
  { dir: grammarDir, name: 'tree-sitter-nix-binding' },
  { dir: treeSitterDir, name: 'tree-sitter' },
];
const grammarSources = ['parser.c', 'scanner.c', 'tree_sitter/parser.h', '../LICENSE'];
const notCopied = new Set(['build', 'prebuilds', 'node_modules']);

function copySources() {
  const nixSrc = path.join(path.dirname(require.resolve('tree-sitter-nix/package.json')), 'src');
  for (const f of grammarSources) {
    const dest = path.join(grammarDir, 'src', path.basename(f) === 'LICENSE' ? 'LICENSE' : f);
    fs.mkdirSync(path.dirname(dest), { recursive: true });
    fs.copyFileSync(path.join(nixSrc, f), dest);
  }
}

function prebuild() {
  copySources();
  // Inside node_modules so that binding.gyp's require('node-addon-api') resolves.
  const scratchRoot = path.join(path.dirname(treeSitterDir), '.cache');
  fs.mkdirSync(scratchRoot, { recursive: true });
  const prebuildify = path.join(path.dirname(require.resolve('prebuildify/package.json')), 'bin.js');
  for (const addon of addons) {
    const scratch = fs.mkdtempSync(path.join(scratchRoot, 'nixharden-prebuild-'));
    try {
      fs.cpSync(addon.dir, scratch, { recursive: true, filter: (src) => !notCopied.has(path.relative(addon.dir, src)) });
      execFileSync(process.execPath, [prebuildify, '--napi', '--strip', '--tag-libc', '--quiet', `--name=${addon.name}`], { cwd: scratch, stdio: 'inherit' });
      fs.rmSync(path.join(addon.dir, 'prebuilds'), { recursive: true, force: true });
      fs.cpSync(path.join(scratch, 'prebuilds'), path.join(addon.dir, 'prebuilds'), { recursive: true });
    } finally {
      fs.rmSync(scratch, { recursive: true, force: true });
    }
  }
}

function clean() {
  for (const addon of addons) fs.rmSync(path.join(addon.dir, 'prebuilds'), { recursive: true, force: true });
}

if (process.argv.includes('--clean')) clean();
else if (process.argv.includes('--sources')) copySources();
else prebuild();
