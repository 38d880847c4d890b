import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from './cli.js';

/**
 * Copies the checkout's working tree as git sees it (tracked and untracked files, not
 * ignored ones: no node_modules, dist or build) to `dest`, for tests that pack the
 * project or use it as a hook repository without touching the checkout itself.
 */
export function copyWorkingTree(dest: string): void {
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((f) => f && fs.existsSync(path.join(repoRoot, f)));
  for (const f of files) {
    fs.mkdirSync(path.dirname(path.join(dest, f)), { recursive: true });
    fs.copyFileSync(path.join(repoRoot, f), path.join(dest, f));
  }
}
