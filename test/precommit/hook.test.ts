import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse, stringify } from 'yaml';
import { repoRoot, runCli } from '../helpers/cli.js';
import { describeWhen } from '../helpers/requires.js';
import { copyWorkingTree } from '../helpers/working-tree.js';

/**
 * The pre-commit hook (.pre-commit-hooks.yaml) run by the real `pre-commit` tool on a
 * fixture repository, and the `scan --context` behaviour it relies on.
 */
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-precommit-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

const gitEnv = { GIT_AUTHOR_NAME: 't', GIT_AUTHOR_EMAIL: 't@example.org', GIT_COMMITTER_NAME: 't', GIT_COMMITTER_EMAIL: 't@example.org' };
const git = (cwd: string, ...args: string[]): string => execFileSync('git', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitEnv } });

/** A repository with a clean module, a module with findings, a flake with a stale lock, and a Cargo.lock. */
function fixtureRepo(dir: string): string {
  fs.mkdirSync(path.join(dir, 'hosts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'hosts', 'good.nix'), '{ ... }:\n{\n  networking.hostName = "good";\n}\n');
  fs.writeFileSync(path.join(dir, 'hosts', 'bad.nix'), '{ ... }:\n{\n  nix.settings.substituters = [ "http://cache.example.org" ];\n}\n');
  for (const f of ['flake.nix', 'flake.lock']) fs.copyFileSync(path.join(repoRoot, 'fixtures', 'rules', 'NH019-stale-lock', f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'Cargo.lock'), 'version = 3\n');
  git(dir, 'init', '-q');
  git(dir, 'add', '-A');
  git(dir, 'commit', '-qm', 'fixture');
  return dir;
}

function findings(stdout: string): string[] {
  const r = JSON.parse(stdout) as { findings: { ruleId: string; location: { file: string; startLine: number } }[] };
  return r.findings.map((f) => `${f.location.file}:${f.location.startLine} ${f.ruleId}`).sort();
}

describe('scan --context DIR FILE… (what the hook runs)', () => {
  const repo = fixtureRepo(path.join(tmp, 'context'));

  it('reports only the named files, and files nixharden does not scan are ignored', () => {
    const r = runCli(['scan', '--context', '.', '--format', 'json', 'hosts/good.nix', 'Cargo.lock'], { cwd: repo });
    expect(r.status).toBe(0);
    expect(findings(r.stdout)).toEqual([]);
    const bad = runCli(['scan', '--context', '.', '--format', 'json', 'hosts/bad.nix'], { cwd: repo });
    expect(bad.status).toBe(1);
    expect(findings(bad.stdout)).toEqual(['hosts/bad.nix:3 NH001', 'hosts/bad.nix:3 NH002']);
  });

  it('reads the tree for context: a changed flake.lock is judged with its flake.nix, as in a full scan', () => {
    const full = findings(runCli(['scan', '--format', 'json', '.'], { cwd: repo }).stdout).filter((f) => f.startsWith('flake.'));
    const alone = findings(runCli(['scan', '--format', 'json', 'flake.lock'], { cwd: repo }).stdout);
    const inContext = findings(runCli(['scan', '--context', '.', '--format', 'json', 'flake.lock'], { cwd: repo }).stdout);
    expect(inContext).toEqual(full);
    // Without the tree, direct inputs' findings land on flake.lock instead of flake.nix.
    expect(alone).not.toEqual(full);
    expect(full.some((f) => f.startsWith('flake.nix:'))).toBe(true);
  });
});

function preCommit(cwd: string, args: string[]): { status: number; output: string } {
  const r = spawnSync('pre-commit', args, { cwd, encoding: 'utf8', env: { ...process.env, ...gitEnv, PRE_COMMIT_HOME: path.join(tmp, 'pre-commit-home'), NO_COLOR: '1' } });
  return { status: r.status ?? -1, output: `${r.stdout}${r.stderr}` };
}

interface HookDefinition {
  id: string;
  entry: string;
  language: string;
  files: string;
  pass_filenames: boolean;
  [key: string]: unknown;
}

const hooks = parse(fs.readFileSync(path.join(repoRoot, '.pre-commit-hooks.yaml'), 'utf8')) as HookDefinition[];

// CI installs pre-commit (scripts/install-test-deps.sh); describeWhen fails there when it is missing.
describeWhen(spawnSync('sh', ['-c', 'command -v pre-commit']).status === 0, 'pre-commit', 'the nixharden pre-commit hook', () => {
  it('is defined as the issue asks', () => {
    expect(hooks).toEqual([
      expect.objectContaining({ id: 'nixharden', entry: 'nixharden scan --context .', language: 'node', files: '\\.(nix|lock|conf)$|sources\\.json$', pass_filenames: true }),
    ]);
  });

  // The published definition with `language: system` and the checkout's CLI as entry:
  // the same files, arguments and exit codes, without `language: node`'s install (below).
  it('passes on clean files and fails on files with findings (pre-commit run, the hook as a local hook)', () => {
    const repo = fixtureRepo(path.join(tmp, 'local'));
    const hook = { ...hooks[0]!, language: 'system', entry: `${process.execPath} ${path.join(repoRoot, 'bin', 'nixharden.js')} ${hooks[0]!.entry.replace(/^nixharden /, '')}` };
    fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), stringify({ repos: [{ repo: 'local', hooks: [hook] }] }));

    const pass = preCommit(repo, ['run', '--files', 'hosts/good.nix', 'Cargo.lock']);
    expect(pass).toEqual({ status: 0, output: expect.stringMatching(/nixharden\.+Passed/) });

    const fail = preCommit(repo, ['run', '--files', 'hosts/bad.nix', 'hosts/good.nix']);
    expect(fail.status).toBe(1);
    expect(fail.output).toMatch(/nixharden\.+Failed/);
    expect(fail.output).toMatch(/NH002 high: .*\n\s+--> hosts\/bad\.nix:3:/);
    expect(fail.output).not.toMatch(/--> flake\./); // findings in files not being committed stay out

    const lock = preCommit(repo, ['run', '--files', 'flake.lock']);
    expect(lock.status).toBe(1);
    expect(lock.output).toMatch(/--> flake\.nix:3:/); // judged with its flake.nix, as a full scan does
  });

  // `language: node`: pre-commit (3.x) runs `npm install` with dev dependencies in a clone of
  // the hook repository, compiles the addons, `npm pack`s it and installs the tarball: about
  // six minutes here, so it runs in CI (CI=true) or with NIXHARDEN_SLOW_TESTS=1. The hook
  // repository is named in .pre-commit-config.yaml as users do (`try-repo` would install it
  // afresh for every call); the environment is installed once and used for both runs.
  const slow = process.env.CI === 'true' || process.env.NIXHARDEN_SLOW_TESTS === '1';
  (slow ? it : it.skip)(
    'installs with language: node from the hook repository and runs from there',
    () => {
      const hookRepo = path.join(tmp, 'hook-repo');
      copyWorkingTree(hookRepo);
      git(hookRepo, 'init', '-q');
      git(hookRepo, 'add', '-A');
      git(hookRepo, 'commit', '-qm', 'hook repository');
      const rev = git(hookRepo, 'rev-parse', 'HEAD').trim();
      const repo = fixtureRepo(path.join(tmp, 'node-hook'));
      fs.writeFileSync(path.join(repo, '.pre-commit-config.yaml'), stringify({ repos: [{ repo: hookRepo, rev, hooks: [{ id: 'nixharden' }] }] }));

      const pass = preCommit(repo, ['run', '--files', 'hosts/good.nix', 'Cargo.lock']);
      expect(pass).toEqual({ status: 0, output: expect.stringMatching(/nixharden\.+Passed/) });
      const fail = preCommit(repo, ['run', '--files', 'hosts/bad.nix']);
      expect(fail.status).toBe(1);
      expect(fail.output).toMatch(/NH002 high: .*\n\s+--> hosts\/bad\.nix:3:/);
      expect(fail.output).not.toMatch(/Installing environment/); // installed once, by the first run
    },
    900_000,
  );
});
