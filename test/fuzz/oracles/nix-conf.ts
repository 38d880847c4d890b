/**
 * Nix's own nix.conf reader as an oracle for many files at once: NIX_USER_CONF_FILES
 * takes a list of files (Nix applies them last to first) and Nix stops at the first
 * illegal line it meets, naming the file; that file is set aside and the rest asked
 * again, so a batch costs one spawn plus one per rejected file.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export interface ConfVerdict {
  accepted: boolean;
  message?: string;
}

export function nixConfVerdicts(texts: string[]): ConfVerdict[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fuzz-conf-'));
  try {
    fs.mkdirSync(path.join(dir, 'etc'));
    const files = texts.map((t, i) => {
      const f = path.join(dir, `c${i}.conf`);
      fs.writeFileSync(f, t);
      return f;
    });
    const out: ConfVerdict[] = texts.map(() => ({ accepted: true }));
    const left = new Set(files.keys());
    while (left.size > 0) {
      const r = spawnSync('nix', ['--extra-experimental-features', 'nix-command', 'show-config'], {
        encoding: 'utf8',
        stdio: ['ignore', 'ignore', 'pipe'],
        env: { ...process.env, NIX_CONF_DIR: path.join(dir, 'etc'), NIX_USER_CONF_FILES: [...left].map((i) => files[i]).join(':'), NIX_REMOTE: '' },
      });
      if (r.status === 0) break;
      const named = /in '[^']*\/c(\d+)\.conf'/.exec(r.stderr);
      if (!named || !left.has(Number(named[1]))) throw new Error(`nix show-config failed without naming a file: ${r.stderr.split('\n')[0]}`);
      const bad = Number(named[1]);
      out[bad] = { accepted: false, message: (/error: (.*)/.exec(r.stderr)?.[1] ?? '').trim() };
      left.delete(bad);
    }
    return out;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}
