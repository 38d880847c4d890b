import { spawn, spawnSync } from 'node:child_process';
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

/** runCli, but without blocking the event loop: for tests whose HTTP server lives in the test process. */
export function runCliAsync(args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<CliResult> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [bin, ...args], { cwd: opts.cwd ?? repoRoot, env: { ...process.env, NO_COLOR: '1', ...opts.env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('close', (status) => resolve({ status: status ?? -1, stdout, stderr }));
  });
}
