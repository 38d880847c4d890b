import { spawnSync } from 'node:child_process';
import path from 'node:path';

export const repoRoot = process.cwd();
const bin = path.join(repoRoot, 'bin', 'nixharden.js');

export interface CliResult {
  status: number;
  stdout: string;
  stderr: string;
}

/**
 * Runs the built CLI (dist/, built by `npm run build`, which scripts/test.sh does
 * first) as a user would: a real process, real exit code, real stdout/stderr.
 */
export function runCli(args: string[], opts: { cwd?: string; input?: string; env?: NodeJS.ProcessEnv } = {}): CliResult {
  const r = spawnSync(process.execPath, [bin, ...args], {
    cwd: opts.cwd ?? repoRoot,
    input: opts.input,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    maxBuffer: 64 * 1024 * 1024,
  });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}
