/** Nix's own parser as a test oracle (`nix-instantiate --parse`). */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describeWhen } from '../helpers/requires.js';

export function hasNix(): boolean {
  return spawnSync('nix-instantiate', ['--version'], { stdio: 'ignore' }).status === 0;
}

/**
 * `describe` when Nix is installed; on CI (CI=true) a missing Nix fails the
 * suite, elsewhere the oracle tests are skipped.
 */
export function describeWithNix(name: string, fn: () => void): void {
  describeWhen(hasNix(), 'nix-instantiate (apt-get install nix-bin)', name, fn);
}

/** Parses many files in one process; when that fails, finds the files Nix rejects one by one. */
export function nixRejects(files: string[]): string[] {
  if (files.length === 0) return [];
  const all = spawnSync('nix-instantiate', ['--parse', ...files], { stdio: ['ignore', 'ignore', 'pipe'] });
  if (all.status === 0) return [];
  return files.filter((f) => spawnSync('nix-instantiate', ['--parse', f], { stdio: 'ignore' }).status !== 0);
}

/** Where Nix reports the syntax error of one file: the last `at FILE:LINE:COL`. */
export function nixErrorAt(file: string): { line: number; column: number; message: string } | undefined {
  const r = spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' });
  if (r.status === 0) return undefined;
  const at = [...r.stderr.matchAll(/at (\S+?):(\d+):(\d+)/g)].pop();
  const message = /error: (.*)/.exec(r.stderr)?.[1] ?? r.stderr;
  return at ? { line: Number(at[2]), column: Number(at[3]), message } : { line: 0, column: 0, message };
}

/** Every file ending in `ext` under `dir`, sorted. */
export function filesUnder(dir: string, ext = '.nix'): string[] {
  const out: string[] = [];
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else if (e.name.endsWith(ext)) out.push(p);
    }
  };
  walk(dir);
  return out.sort();
}
