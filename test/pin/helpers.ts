/** Async process helpers: the stand-in server lives in the test process, so children must not block it. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';

export interface Ran {
  status: number;
  stdout: string;
  stderr: string;
}

export function runAsync(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: { ...process.env, NO_COLOR: '1', ...opts.env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString('utf8')));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString('utf8')));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}

/** The built CLI (dist/), as a user runs it. */
export function nixharden(args: string[], cwd: string, env: NodeJS.ProcessEnv = {}): Promise<Ran> {
  return runAsync(process.execPath, [path.join(repoRoot, 'bin', 'nixharden.js'), ...args], { cwd, env });
}

/** Copies a fixture tree into `dest`. */
export function copyTree(src: string, dest: string): void {
  fs.cpSync(src, dest, { recursive: true });
}

/** Every file under `dir` with its content, to show that nothing changed. */
export function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of fs.readdirSync(dir, { recursive: true, withFileTypes: true })) {
    if (e.isFile()) {
      const p = path.join(e.parentPath, e.name);
      out[path.relative(dir, p)] = fs.readFileSync(p, 'utf8');
    }
  }
  return out;
}
