/**
 * Progress and the global --quiet / --verbose, as a user sees them: on a real
 * pseudo-terminal (util-linux `script`, which gives the command a pty as
 * stdout and stderr) progress bars appear on stderr; piped, nothing appears;
 * JSON on stdout is never touched. The GitHub stand-in serves `pin`.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { execFileSync } from 'node:child_process';
import { jest } from '@jest/globals';
import { repoRoot } from '../helpers/cli.js';
import { SigningLab, type GpgKey, type TempRepo } from '../helpers/signing.js';
import { GitHubStandIn } from '../pin/github-server.js';
import { nixharden, runAsync, type Ran } from '../pin/helpers.js';

jest.setTimeout(180_000);

let lab: SigningLab;
let repo: TempRepo;
let server: GitHubStandIn;
let work: string;
let keyring: string;
let allowedSigners: string;
let good: string;
const CLI = path.join(repoRoot, 'bin', 'nixharden.js');

const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;

/** Runs the CLI with a pseudo-terminal as stdout and stderr; `stdoutFile` takes stdout instead when given. */
function onTty(args: string[], cwd: string, stdoutFile?: string): Promise<Ran> {
  const command = [process.execPath, CLI, ...args].map(quote).join(' ') + (stdoutFile ? ` > ${quote(stdoutFile)}` : '');
  return runAsync('script', ['-qefc', command, '/dev/null'], { cwd, env: { SHELL: '/bin/sh' } });
}

function requireTool(tool: string): void {
  try {
    execFileSync('sh', ['-c', `command -v ${tool}`], { stdio: 'ignore' });
  } catch {
    throw new Error(`${tool} is needed for this test (util-linux/bsdutils)`);
  }
}

beforeAll(async () => {
  requireTool('script');
  lab = new SigningLab();
  const home = lab.gpgHome();
  const alice: GpgKey = home.genKey({ uid: 'Alice <alice@example.org>' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-tty-'));
  keyring = path.join(work, 'alice.asc');
  fs.writeFileSync(keyring, home.exportPublic([alice], { armor: true }));
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', path.join(work, 'ssh'), '-C', 'k']);
  allowedSigners = path.join(work, 'allowed_signers');
  fs.writeFileSync(allowedSigners, `k@example.org ${fs.readFileSync(path.join(work, 'ssh.pub'), 'utf8')}`);
  repo = lab.repo();
  good = repo.commit('reviewed', { gpg: alice });
  // Many unsigned commits on top: a walk to check, and history for verify-commit.
  execFileSync('sh', ['-c', 'for i in $(seq 1 250); do echo $i > n.txt; git add n.txt; git -c user.name=a -c user.email=a@x -c commit.gpgsign=false commit -qm "c$i"; done'], { cwd: repo.dir });
  repo.git(['branch', 'nixos-25.11']);
  server = new GitHubStandIn(repo.dir);
  await server.start();
  expect(fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'output.js'))).toBe(true);
});

afterAll(async () => {
  await server?.stop();
  lab?.cleanup();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

function config(): string {
  const dir = fs.mkdtempSync(path.join(work, 'cfg-'));
  fs.writeFileSync(
    path.join(dir, 'default.nix'),
    '{\n  src = builtins.fetchTarball {\n    url = "https://github.com/NixOS/nixpkgs/archive/nixos-25.11.tar.gz";\n    sha256 = "0000000000000000000000000000000000000000000000000000";\n  };\n}\n',
  );
  return dir;
}

const pinArgs = (extra: string[] = []) => ['pin', '.', '--keyring', keyring, '--github-api', server.url, '--archive-base', server.url, '--cache-dir', path.join(work, 'cache'), '--ttl', '0', ...extra];

test('pin on a terminal: a commit count and a download in bytes on stderr; JSON on stdout intact; piped: nothing on stderr', async () => {
  const cfg = config();
  const out = path.join(work, 'pin.json');
  const tty = await onTty(pinArgs(['--format', 'json']), cfg, out);
  expect(tty.status).toBe(0);
  expect(tty.stdout).toContain('NixOS/nixpkgs nixos-25.11: commits checked: 200');
  expect(tty.stdout).toMatch(new RegExp(`downloading NixOS/nixpkgs@${good.slice(0, 12)}: \\d+\\.\\d MiB`));
  // Bars are cleared: the terminal ends on a cleared line.
  expect(tty.stdout).toMatch(/\x1b\[0J$/);
  const json = JSON.parse(fs.readFileSync(out, 'utf8'));
  expect(json.branches[0]).toMatchObject({ rev: good, behind: 250 });

  const piped = await nixharden(pinArgs(['--format', 'json']), cfg);
  expect(piped.stderr).toBe('');
  expect(JSON.parse(piped.stdout).branches).toEqual(json.branches);
});

test('--quiet on a terminal: no progress at all', async () => {
  const r = await onTty(['--quiet', ...pinArgs()], config());
  expect(r.status).toBe(0);
  expect(r.stdout).not.toContain('\x1b[');
  expect(r.stdout).not.toContain('downloading');
  expect(r.stdout).toContain(`NixOS/nixpkgs nixos-25.11: ${good}`);
});

test('verify-commit over many commits counts them on a terminal', async () => {
  const r = await onTty(['verify-commit', '--repo', repo.dir, '--limit', '251', '--allowed-signers', allowedSigners], work, path.join(work, 'verify.txt'));
  expect(r.status).toBe(1);
  expect(r.stdout).toContain('commits verified [########################] 251/251');
  expect(fs.readFileSync(path.join(work, 'verify.txt'), 'utf8').trim().split('\n')).toHaveLength(251 * 2);
  const piped = await nixharden(['verify-commit', '--repo', repo.dir, '--limit', '251', '--allowed-signers', allowedSigners], work);
  expect(piped.stderr).toBe('');
});

test('verify cache over many paths counts them on a terminal', async () => {
  const pk = path.join(work, 'cache.pk');
  execFileSync('nix-store', ['--generate-binary-cache-key', 'test-1', path.join(work, 'cache.sk'), pk]);
  const cacheDir = fs.mkdtempSync(path.join(work, 'bincache-'));
  const policy = path.join(work, 'cache-policy.toml');
  fs.writeFileSync(
    policy,
    `version = 1\n[[signers]]\nid = "ci"\nkeys = ["${fs.readFileSync(pk, 'utf8').trim()}"]\n[[caches]]\nurls = ["file://${cacheDir}"]\n[[caches.rules]]\ntype = "threshold"\nmin = 1\nsigners = ["ci"]\n`,
  );
  const paths = Array.from({ length: 40 }, (_, i) => `/nix/store/${String(i).padStart(2, '0').padEnd(32, 'a')}-p${i}`);
  const r = await onTty(['verify', 'cache', '--policy', policy, ...paths], work, path.join(work, 'cache.txt'));
  expect(r.status).toBe(1); // nothing is in the empty cache
  expect(r.stdout).toContain('store paths looked up [########################] 40/40');
  const piped = await nixharden(['verify', 'cache', '--policy', policy, ...paths], work);
  expect(piped.stderr).toBe('');
});

test('--verbose names the files, commits and URLs, on every kind of output', async () => {
  const r = await nixharden(['--verbose', ...pinArgs(['--format', 'json'])], config());
  expect(r.status).toBe(0);
  JSON.parse(r.stdout);
  expect(r.stderr).toContain('nixharden: read 1 file: default.nix\n');
  expect(r.stderr).toContain('nixharden: default.nix:2: builtins.fetchTarball (NixOS/nixpkgs nixos-25.11)\n');
  expect(r.stderr).toContain(`nixharden: NixOS/nixpkgs nixos-25.11: newest accepted commit ${good}`);
  expect(r.stderr).toContain(`nixharden: GET ${server.url}/NixOS/nixpkgs/archive/${good}.tar.gz\n`);
  // The option works after the command name too.
  const after = await nixharden(['verify-commit', '--repo', repo.dir, good, '--keyring', keyring, '--verbose'], work);
  expect(after.stderr).toBe(`nixharden: reading commits from ${repo.dir}\n`);
});

test('--quiet drops warnings and notes, never errors', async () => {
  const empty = path.join(work, 'empty_signers');
  fs.writeFileSync(empty, '');
  const loud = await nixharden(['verify-commit', '--repo', repo.dir, good, '--allowed-signers', empty], work);
  expect(loud.stderr).toContain('nixharden: warning: no keys given');
  const quiet = await nixharden(['-q', 'verify-commit', '--repo', repo.dir, good, '--allowed-signers', empty], work);
  expect(quiet.stderr).toBe('');
  expect(quiet.status).toBe(loud.status);
  const scan = await nixharden(['scan', '--quiet', '--max-file-size', '10', config()], work);
  expect(scan.stderr).toBe('');
  const error = await nixharden(['scan', '--quiet', '/nonexistent/dir'], work);
  expect(error.status).toBe(2);
  expect(error.stderr).toBe('nixharden: /nonexistent/dir: no such file or directory\n');
  const both = await nixharden(['--quiet', '--verbose', 'rules'], work);
  expect(both.status).toBe(2);
  expect(both.stderr).toMatch(/cannot be used with option '-v, --verbose'/);
});
