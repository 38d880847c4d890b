#!/usr/bin/env node
// Regenerates the golden files of `nixharden migrate` for the examples
// (test/migrate/golden/<example>/), with the built CLI, the way
// test/migrate/golden.test.ts compares them. Run `npm run build` first, or use
// `npm run golden:update`, which does. Review the diff like code.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const EXAMPLES = ['insecure-host', 'server', 'desktop'];
export const GOLDEN_DIR = path.join(repo, 'test', 'migrate', 'golden');

/**
 * Runs `nixharden migrate .` in a copy of examples/<name> (no git root, no imported
 * index: NIXHARDEN_CACHE_DIR is empty) and returns the output directory.
 */
export function generate(name, work) {
  const src = path.join(work, name);
  fs.cpSync(path.join(repo, 'examples', name), src, { recursive: true });
  const cache = path.join(work, 'cache');
  fs.mkdirSync(cache, { recursive: true });
  const r = spawnSync(process.execPath, [path.join(repo, 'bin', 'nixharden.js'), 'migrate', '.'], {
    cwd: src,
    encoding: 'utf8',
    env: { ...process.env, NIXHARDEN_CACHE_DIR: cache, NO_COLOR: '1' },
  });
  if (r.status !== 0) throw new Error(`migrate ${name} exited ${r.status}: ${r.stderr}`);
  return path.join(src, 'stagex-migration');
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-golden-'));
  try {
    for (const name of EXAMPLES) {
      const out = generate(name, work);
      const dest = path.join(GOLDEN_DIR, name);
      fs.rmSync(dest, { recursive: true, force: true });
      fs.cpSync(out, dest, { recursive: true });
      console.log(`golden: ${path.relative(repo, dest)}`);
    }
  } finally {
    fs.rmSync(work, { recursive: true, force: true });
  }
}
