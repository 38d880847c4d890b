/**
 * `pin --update`, attribute-form flake inputs and tag pins, end to end and
 * offline: a real signed repository plays nixpkgs (with signed, unsigned and
 * lightweight tags), the 127.0.0.1 stand-in plays GitHub's REST API and archive
 * endpoint. Oracles: `git verify-commit` / `git verify-tag`, `nix hash path`,
 * `nix-prefetch-url --unpack`, `nix-instantiate --eval` on the edited flake.nix,
 * and `nix flake metadata --no-update-lock-file --offline`, which fails when
 * flake.lock no longer matches flake.nix (Nix would have to re-lock and fetch).
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { repoRoot } from '../helpers/cli.js';
import { SigningLab, type GpgKey, type TempRepo } from '../helpers/signing.js';
import { GitHubStandIn } from './github-server.js';
import { nixharden, runAsync, snapshot } from './helpers.js';

jest.setTimeout(180_000);

let lab: SigningLab;
let repo: TempRepo;
let server: GitHubStandIn;
let work: string;
let policyFile: string;
let signedTagPolicy: string;
let aliceRing: string;
const c: Record<string, string> = {};
const tagObject: Record<string, string> = {};

const HEX40 = /\b[0-9a-f]{40}\b/g;
const PLATFORM = 'signed only by the platform key, which your policy does not accept';

function treeDir(rev: string): string {
  const dir = fs.mkdtempSync(path.join(work, 'tree-'));
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', repo.dir, rev, dir]);
  return dir;
}
const nixHashPath = (dir: string) => execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', dir], { encoding: 'utf8' }).trim();

function policy(extra: string): string {
  return `version = 1

[[signers]]
id = "alice"
role = "maintainer"
keys = [{ path = "alice.asc" }]

[[signers]]
id = "github"
role = "platform"
keys = [{ path = "platform.asc" }]

[[repositories]]
url = "https://github.com/NixOS/nixpkgs"
platform = "ignore"
${extra}
[[repositories.rules]]
type = "threshold"
min = 1
signers = ["alice"]
`;
}

beforeAll(async () => {
  lab = new SigningLab();
  const home = lab.gpgHome();
  const alice: GpgKey = home.genKey({ uid: 'Alice Maintainer <alice@example.org>' });
  const platform: GpgKey = home.genKey({ uid: 'GitHub <noreply@github.com>' });
  const stranger: GpgKey = home.genKey({ uid: 'Stranger <s@example.org>' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-update-'));
  aliceRing = path.join(work, 'alice.asc');
  fs.writeFileSync(aliceRing, home.exportPublic([alice], { armor: true }));
  fs.writeFileSync(path.join(work, 'platform.asc'), home.exportPublic([platform], { armor: true }));
  policyFile = path.join(work, 'policy.toml');
  fs.writeFileSync(policyFile, policy(''));
  signedTagPolicy = path.join(work, 'signed-tags.toml');
  fs.writeFileSync(signedTagPolicy, policy('require-signed-tag = true\n'));

  repo = lab.repo();
  fs.writeFileSync(path.join(repo.dir, 'default.nix'), '{ }: { lib = { version = "25.11"; }; }\n');
  repo.git(['add', '-A']);
  const at = (n: number) => ({ date: new Date(Date.UTC(2025, 10, 1 + n)) });
  c.old = repo.commit('initial import', { gpg: alice }, at(0));
  c.unsigned = repo.commit('unsigned change', undefined, at(1));
  c.good = repo.commit('reviewed by alice', { gpg: alice }, at(2));
  c.platform1 = repo.commit('merge via web UI', { gpg: platform }, at(3));
  c.platform2 = repo.commit('another web UI merge', { gpg: platform }, at(4));
  repo.git(['branch', 'nixos-25.11']);
  tagObject['v1.0'] = repo.tag('v1.0', 'release 1.0', { gpg: alice }, { target: c.good });
  tagObject['v1.1'] = repo.tag('v1.1', 'unsigned release', undefined, { target: c.good });
  tagObject['v2.0'] = repo.tag('v2.0', 'signed by a stranger', { gpg: stranger }, { target: c.good });
  tagObject['v0.5'] = repo.tag('v0.5', 'tags an unsigned commit', { gpg: alice }, { target: c.unsigned });
  repo.git(['tag', 'v0.9', c.old]); // lightweight

  // The oracles agree on which commits and tags are good.
  const ring = { keyring: fs.readFileSync(aliceRing) };
  expect(repo.verifyCommit(c.good, ring).status).toBe(0);
  expect(repo.verifyCommit(c.unsigned, ring).status).not.toBe(0);
  expect(repo.verify('v1.0', ring, 'tag').status).toBe(0);
  expect(repo.verify('v2.0', ring, 'tag').status).not.toBe(0);
  expect(repo.verify('v1.1', ring, 'tag').status).not.toBe(0);

  server = new GitHubStandIn(repo.dir);
  await server.start();
  expect(fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'pin.js'))).toBe(true);
});

afterAll(async () => {
  await server?.stop();
  lab?.cleanup();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => server.reset());

function dir(files: Record<string, string>): string {
  const d = fs.mkdtempSync(path.join(work, 'cfg-'));
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(d, name)), { recursive: true });
    fs.writeFileSync(path.join(d, name), text);
  }
  return d;
}

function pin(cfg: string, extra: string[]): ReturnType<typeof nixharden> {
  return nixharden(['pin', '.', '--github-api', server.url, '--archive-base', server.url, '--cache-dir', path.join(work, 'cache'), ...extra], cfg);
}

const FLAKE_NIX = `{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-25.11";
  outputs = { self, nixpkgs }: { };
}
`;

function lockOn(rev: string, original: Record<string, string>): string {
  const locked = { lastModified: 1700000000, narHash: nixHashPath(treeDir(rev)), owner: 'NixOS', repo: 'nixpkgs', rev, type: 'github' };
  return `${JSON.stringify({ nodes: { nixpkgs: { locked, original }, root: { inputs: { nixpkgs: 'nixpkgs' } } }, root: 'root', version: 7 }, null, 2)}\n`;
}

/** Nix reuses flake.lock without fetching anything only when every node's `original` matches flake.nix. */
async function lockIsConsistent(cfg: string): Promise<{ status: number; stderr: string }> {
  return runAsync('nix', ['--extra-experimental-features', 'nix-command flakes', 'flake', 'metadata', '--no-update-lock-file', '--offline', '--json', `path:${cfg}`]);
}

test('without --update a lock on an accepted commit stays, and the headline says no pin moves; --update moves flake.nix and flake.lock to the same commit', async () => {
  const cfg = dir({ 'flake.nix': FLAKE_NIX, 'flake.lock': lockOn(c.old, { owner: 'NixOS', ref: 'nixos-25.11', repo: 'nixpkgs', type: 'github' }) });
  const explanation = `2 commits behind nixos-25.11: the 2 newer commits are ${PLATFORM}`;

  const kept = await pin(cfg, ['--policy', policyFile]);
  expect(kept.stderr).toBe('');
  expect(kept.status).toBe(0);
  expect(kept.stdout).toContain(`NixOS/nixpkgs nixos-25.11: no pin moves; the newest accepted commit is ${c.good} (${explanation})`);
  expect(kept.stdout).toContain(`flake-lock nixpkgs unchanged at ${c.old} (already on a verified commit; pass --update to move it to the newest accepted commit)`);
  expect(kept.stdout).toContain(`flake-input nixpkgs unchanged (its flake.lock node stays on verified commit ${c.old.slice(0, 12)}; pass --update`);
  expect(kept.stdout).toMatch(/nothing to change\n$/);

  const dry = await pin(cfg, ['--policy', policyFile, '--update']);
  expect(dry.status).toBe(0);
  // The headline, the diff and the JSON name one commit.
  const headline = dry.stdout.split('\n')[0]!;
  expect(headline).toBe(`NixOS/nixpkgs nixos-25.11: ${c.good} (${explanation})`);
  const added = dry.stdout.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
  const named = new Set(added.flatMap((l) => l.match(HEX40) ?? []));
  expect([...named]).toEqual([c.good]);
  const json = JSON.parse((await pin(cfg, ['--policy', policyFile, '--update', '--format', 'json'])).stdout);
  expect(json.update).toBe(true);
  expect(json.branches).toEqual([
    expect.objectContaining({
      rev: c.good,
      explanation,
      skipped: [
        { rev: c.platform2, reason: PLATFORM },
        { rev: c.platform1, reason: PLATFORM },
      ],
    }),
  ]);
  expect(json.pins.map((p: { action: string; newRev: string }) => [p.action, p.newRev])).toEqual([
    ['pinned', c.good],
    ['pinned', c.good],
  ]);

  const wrote = await pin(cfg, ['--policy', policyFile, '--update', '--write']);
  expect(wrote.status).toBe(0);
  const lock = JSON.parse(fs.readFileSync(path.join(cfg, 'flake.lock'), 'utf8'));
  expect(lock.nodes.nixpkgs.locked).toMatchObject({ rev: c.good, narHash: nixHashPath(treeDir(c.good)) });
  expect(fs.readFileSync(path.join(cfg, 'flake.nix'), 'utf8')).toContain(`inputs.nixpkgs.url = "github:NixOS/nixpkgs/${c.good}"; # branch: nixos-25.11`);
  const nix = await lockIsConsistent(cfg);
  expect(nix.stderr).not.toMatch(/error/);
  expect(nix.status).toBe(0);
});

test('without --update, a flake.nix input on another commit follows its kept lock node: the headline names that commit, as the diff and the JSON do', async () => {
  const flake = FLAKE_NIX.replace('nixos-25.11";', `${c.unsigned}"; # branch: nixos-25.11`);
  const cfg = dir({ 'flake.nix': flake, 'flake.lock': lockOn(c.old, { owner: 'NixOS', ref: 'nixos-25.11', repo: 'nixpkgs', type: 'github' }) });
  const r = await pin(cfg, ['--policy', policyFile]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const headline = r.stdout.split('\n')[0]!;
  expect(headline).toBe(
    `NixOS/nixpkgs nixos-25.11: ${c.old}, the accepted commit already locked, kept without --update; the newest accepted commit is ${c.good} (2 commits behind nixos-25.11: the 2 newer commits are ${PLATFORM})`,
  );
  expect(r.stdout).toContain(`flake-input nixpkgs -> ${c.old} (follows its flake.lock node, which is on verified commit ${c.old.slice(0, 12)})`);
  const added = r.stdout.split('\n').filter((l) => l.startsWith('+') && !l.startsWith('+++'));
  expect(new Set(added.flatMap((l) => l.match(HEX40) ?? []))).toEqual(new Set([c.old]));
  const json = JSON.parse((await pin(cfg, ['--policy', policyFile, '--format', 'json'])).stdout);
  expect(json.pins.filter((p: { action: string }) => p.action === 'pinned').map((p: { newRev: string }) => p.newRev)).toEqual([c.old]);
});

test('--update moves a pin that already verifies; without it the pin stays', async () => {
  const old = nixHashPath(treeDir(c.old));
  const nix = `{ pkgs }:\npkgs.fetchFromGitHub {\n  owner = "NixOS";\n  repo = "nixpkgs";\n  rev = "${c.old}"; # branch: nixos-25.11\n  hash = "${old}";\n}\n`;
  const cfg = dir({ 'default.nix': nix });
  const stays = await pin(cfg, ['--policy', policyFile, '--write']);
  expect(stays.status).toBe(0);
  expect(stays.stdout).toContain('nothing to change');
  expect(fs.readFileSync(path.join(cfg, 'default.nix'), 'utf8')).toBe(nix);
  const moves = await pin(cfg, ['--policy', policyFile, '--write', '--update']);
  expect(moves.status).toBe(0);
  expect(fs.readFileSync(path.join(cfg, 'default.nix'), 'utf8')).toContain(`rev = "${c.good}"; # branch: nixos-25.11\n  hash = "${nixHashPath(treeDir(c.good))}";`);
});

test('attribute-form flake inputs: `ref` becomes `rev` with a # branch: comment; Nix reads the input and the lock stays consistent', async () => {
  const flake = `{
  inputs.nixpkgs = {
    type = "github";
    owner = "NixOS";
    repo = "nixpkgs";
    ref = "nixos-25.11";
  };
  inputs.tools.type = "github";
  inputs.tools.owner = "NixOS";
  inputs.tools.repo = "nixpkgs";
  inputs.tools.ref = "nixos-25.11";
  inputs.tools.flake = false;
  outputs = { self, nixpkgs, tools }: { };
}
`;
  const lock = JSON.parse(lockOn(c.old, { owner: 'NixOS', ref: 'nixos-25.11', repo: 'nixpkgs', type: 'github' }));
  lock.nodes.tools = { flake: false, locked: { ...lock.nodes.nixpkgs.locked }, original: { ...lock.nodes.nixpkgs.original } };
  lock.nodes.root.inputs.tools = 'tools';
  const cfg = dir({ 'flake.nix': flake, 'flake.lock': `${JSON.stringify(lock, null, 2)}\n` });
  expect((await lockIsConsistent(cfg)).status).toBe(0);

  const r = await pin(cfg, ['--policy', policyFile, '--update', '--write', '--all']);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const text = fs.readFileSync(path.join(cfg, 'flake.nix'), 'utf8');
  expect(text).toContain(`    repo = "nixpkgs";\n    rev = "${c.good}"; # branch: nixos-25.11\n  };`);
  expect(text).toContain(`  inputs.tools.rev = "${c.good}"; # branch: nixos-25.11\n  inputs.tools.flake = false;`);
  const inputs = JSON.parse((await runAsync('nix-instantiate', ['--eval', '--strict', '--json', '-E', `(import ${path.join(cfg, 'flake.nix')}).inputs`])).stdout);
  const github = { type: 'github', owner: 'NixOS', repo: 'nixpkgs', rev: c.good };
  expect(inputs).toEqual({ nixpkgs: github, tools: { ...github, flake: false } });
  const written = JSON.parse(fs.readFileSync(path.join(cfg, 'flake.lock'), 'utf8'));
  for (const node of ['nixpkgs', 'tools']) {
    expect(written.nodes[node].original).toEqual({ owner: 'NixOS', repo: 'nixpkgs', rev: c.good, type: 'github' });
    expect(written.nodes[node].locked.rev).toBe(c.good);
  }
  const nix = await lockIsConsistent(cfg);
  expect(nix.stderr).not.toMatch(/error/);
  expect(nix.status).toBe(0);
  // The oracle does tell: the same flake.nix with a lock whose `original` still names the branch needs re-locking.
  const stale = dir({ 'flake.nix': text, 'flake.lock': `${JSON.stringify(lock, null, 2)}\n` });
  expect((await lockIsConsistent(stale)).status).not.toBe(0);

  // The branch is read back from the comment: a second run has nothing to do.
  const again = await pin(cfg, ['--policy', policyFile, '--update', '--write', '--all']);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('nothing to change');
  expect(again.stdout).toContain(`flake-input nixpkgs unchanged at ${c.good} (already on the newest accepted commit)`);
});

describe('tag pins (fetchFromGitHub { tag = …; })', () => {
  const fetcher = (tag: string, extra = '') =>
    `{ fetchFromGitHub }:\nrec {\n  src = fetchFromGitHub {\n    owner = "NixOS";\n    repo = "nixpkgs";\n    tag = ${tag};\n    hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";\n  };\n${extra}}\n`;

  test('a tag is resolved through refs/tags and the tag object, its commit verified, and rewritten to rev + hash with # tag:', async () => {
    const cfg = dir({ 'default.nix': fetcher('"v1.0"') });
    const r = await pin(cfg, ['--policy', policyFile, '--all', '--write', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(server.requests).toEqual(expect.arrayContaining(['/repos/NixOS/nixpkgs/git/ref/tags/v1.0', `/repos/NixOS/nixpkgs/git/tags/${tagObject['v1.0']}`]));
    const json = JSON.parse(r.stdout);
    expect(json.tags).toEqual([
      expect.objectContaining({ source: 'NixOS/nixpkgs', tag: 'v1.0', tagObject: tagObject['v1.0'], rev: c.good, signedTag: null, explanation: `tag v1.0 names ${c.good.slice(0, 12)}, which the policy accepts` }),
    ]);
    expect(json.pins[0]).toMatchObject({ kind: 'fetchFromGitHub', action: 'pinned', newRev: c.good, tag: 'v1.0' });
    const sri = nixHashPath(treeDir(c.good));
    const text = fs.readFileSync(path.join(cfg, 'default.nix'), 'utf8');
    expect(text).toContain(`    rev = "${c.good}"; # tag: v1.0\n    hash = "${sri}";`);
    expect(text).not.toContain('tag =');
    expect((await runAsync('nix-instantiate', ['--parse', path.join(cfg, 'default.nix')])).status).toBe(0);
    // nix-prefetch-url --unpack of the archive the rewritten fetcher downloads gives the same hash.
    const oracle = await runAsync('nix-prefetch-url', ['--unpack', '--type', 'sha256', `${server.url}/NixOS/nixpkgs/archive/${c.good}.tar.gz`]);
    expect(oracle.status).toBe(0);
    expect((await runAsync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'to-sri', '--type', 'sha256', oracle.stdout.trim()])).stdout.trim()).toBe(sri);

    // Read back as a tag pin: the tag still names the pinned commit, so nothing changes.
    const again = await pin(cfg, ['--policy', policyFile, '--all', '--write']);
    expect(again.status).toBe(0);
    expect(again.stdout).toContain('nothing to change');
    expect(again.stdout).toContain(`fetchFromGitHub NixOS/nixpkgs unchanged at ${c.good} (already on the commit tag v1.0 names)`);
  });

  test('a tag that moved is reported and left alone', async () => {
    const cfg = dir({ 'default.nix': fetcher('"v1.0"') });
    expect((await pin(cfg, ['--policy', policyFile, '--all', '--write'])).status).toBe(0);
    const before = snapshot(cfg);
    repo.git(['tag', '-f', 'v1.0', c.old]);
    try {
      const r = await pin(cfg, ['--policy', policyFile, '--all', '--write', '--update']);
      expect(r.status).toBe(0);
      expect(r.stderr).toContain(`nixharden: warning: default.nix:3: tag v1.0 of NixOS/nixpkgs now names ${c.old}, not the pinned ${c.good}; tags should not move`);
      expect(r.stdout).toContain('skipped: tag v1.0 of NixOS/nixpkgs now names');
      expect(snapshot(cfg)).toEqual(before);
    } finally {
      repo.git(['tag', '-f', 'v1.0', tagObject['v1.0']!]);
    }
  });

  test('a tagged commit the policy does not accept: exit 1, nothing changed', async () => {
    const cfg = dir({ 'default.nix': fetcher('"v0.5"') });
    const before = snapshot(cfg);
    const r = await pin(cfg, ['--policy', policyFile, '--all', '--write']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`nixharden: tag v0.5 of NixOS/nixpkgs names ${c.unsigned}, which does not satisfy the trust policy: the tagged commit is unsigned; nothing changed\n`);
    expect(snapshot(cfg)).toEqual(before);
  });

  test('require-signed-tag: a tag signed by a policy signer passes; lightweight, unsigned and strangers\' tags are refused', async () => {
    const ok = dir({ 'default.nix': fetcher('"v1.0"') });
    const r = await pin(ok, ['--policy', signedTagPolicy, '--all', '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).tags[0]).toMatchObject({
      rev: c.good,
      signedTag: { verified: true, reason: 'good', signers: ['alice'] },
      explanation: `tag v1.0 names ${c.good.slice(0, 12)}, which the policy accepts; the tag itself is signed by alice`,
    });
    const refused = async (tag: string, args = ['--policy', signedTagPolicy]) => {
      const cfg = dir({ 'default.nix': fetcher(`"${tag}"`) });
      const before = snapshot(cfg);
      const out = await pin(cfg, [...args, '--all', '--write']);
      expect(out.status).toBe(1);
      expect(snapshot(cfg)).toEqual(before);
      return out.stderr;
    };
    expect(await refused('v0.9')).toBe('nixharden: tag v0.9 of NixOS/nixpkgs is a lightweight tag, so it carries no signature, and a signed tag is required; nothing changed\n');
    expect(await refused('v1.1')).toContain(`the tag object ${tagObject['v1.1']} does not satisfy the trust policy (unsigned: the tag object has no signature)`);
    expect(await refused('v2.0')).toContain(`the tag object ${tagObject['v2.0']} does not satisfy the trust policy (policy: FAILED threshold: needs 1 of {alice}; got 0)`);
    // The same requirement from the command line, with a policy that does not ask for it.
    expect(await refused('v0.9', ['--policy', policyFile, '--require-signed-tag'])).toContain('is a lightweight tag');
  });

  test('a tag that must stay a tag is skipped with the reason', async () => {
    const computed = dir({ 'default.nix': fetcher('"v${version}"').replace('rec {', 'rec {\n  version = "1.0";') });
    const r1 = await pin(computed, ['--policy', policyFile, '--all']);
    expect(r1.status).toBe(0);
    expect(r1.stdout).toContain('skipped: its `tag` is computed (not a plain string), so it cannot be resolved without evaluating; it stays a tag');
    const reads = dir({ 'default.nix': fetcher('"v1.0"', '  meta.changelog = "https://github.com/NixOS/nixpkgs/releases/tag/${src.tag}";\n') });
    const r2 = await pin(reads, ['--policy', policyFile, '--all']);
    expect(r2.status).toBe(0);
    expect(r2.stdout).toContain('skipped: default.nix reads `src.tag`, which a `rev` in place of `tag` would break; it stays a tag');
    expect(r2.stdout).toContain('nothing to change');
  });

  test('from a local clone, with a keyring: same rewrite, no network; --require-signed-tag checks the tag with the keys', async () => {
    const cfg = dir({ 'default.nix': fetcher('"v1.0"') });
    const r = await nixharden(['pin', '.', '--repo', repo.dir, '--keyring', aliceRing, '--all', '--require-signed-tag', '--write', '--format', 'json'], cfg);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(server.requests).toEqual([]);
    expect(JSON.parse(r.stdout).tags[0]).toMatchObject({ rev: c.good, tagObject: tagObject['v1.0'], signedTag: { verified: true } });
    expect(fs.readFileSync(path.join(cfg, 'default.nix'), 'utf8')).toContain(`rev = "${c.good}"; # tag: v1.0\n    hash = "${nixHashPath(treeDir(c.good))}";`);
    const stranger = dir({ 'default.nix': fetcher('"v2.0"') });
    const s = await nixharden(['pin', '.', '--repo', repo.dir, '--keyring', aliceRing, '--all', '--require-signed-tag'], stranger);
    expect(s.status).toBe(1);
    expect(s.stderr).toContain(`the tag object ${tagObject['v2.0']} does not satisfy the given keys (unknown-key:`);
  });
});
