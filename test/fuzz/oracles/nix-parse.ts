/**
 * `nix-instantiate --parse` as an oracle for many texts at once. Nix parses the files
 * given on its command line in order and stops at the first one it rejects, naming it
 * in the error; so a batch costs one spawn plus one per rejected file: the run goes on
 * from the file after the rejected one.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface NixVerdict {
  accepted: boolean;
  /** Nix's first error line, when rejected. */
  message?: string;
  /** Rejected for a reason that is not syntax (an undefined variable, a duplicate attribute…). */
  semantic?: boolean;
}

/** Rejections that are not about syntax: nixharden does not resolve variables. */
export const SEMANTIC = /undefined variable|already defined|duplicate formal|dynamic attributes|trailing slash/;

function runNix(files: string[]): { status: number | null; stderr: string } {
  const r = spawnSync('nix-instantiate', ['--store', 'dummy://', '--parse', ...files], {
    encoding: 'utf8',
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, NIX_PATH: '', NIX_REMOTE: '' },
  });
  return { status: r.status, stderr: r.stderr ?? '' };
}

/** Nix's verdict on each text, in order. */
export function nixParseVerdicts(texts: string[]): NixVerdict[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fuzz-nix-'));
  try {
    const files = texts.map((t, i) => {
      const f = path.join(dir, `m${i}.nix`);
      fs.writeFileSync(f, t);
      return f;
    });
    const out: NixVerdict[] = texts.map(() => ({ accepted: true }));
    let from = 0;
    while (from < files.length) {
      const r = runNix(files.slice(from));
      if (r.status === 0) break;
      const named = new RegExp(`${dir.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}/m(\\d+)\\.nix`).exec(r.stderr);
      // Without a file name in the error (Nix failed before parsing), ask file by file.
      const bad = named ? Number(named[1]) : from;
      if (!named && runNix([files[bad]!]).status === 0) {
        from = bad + 1;
        continue;
      }
      const message = (/error: (.*)/.exec(r.stderr)?.[1] ?? r.stderr.split('\n')[0] ?? '').trim();
      out[bad] = { accepted: false, message, semantic: SEMANTIC.test(message) };
      from = bad + 1;
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
