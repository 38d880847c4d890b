/**
 * `nixharden pin` end to end, offline: a real signed git repository plays
 * nixpkgs, a 127.0.0.1 server plays GitHub (REST subset + archive endpoint,
 * from that repository's real data), and the example configurations under
 * fixtures/pin/ are pinned. Oracles: `git verify-commit` for which commits
 * are good, `nix hash path` / `nix-hash` of the commit's tree, and
 * `nix-instantiate` for parsing and for fetching the rewritten fetchTarball.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '../helpers/cli.js';
import { SigningLab, type GpgKey, type TempRepo } from '../helpers/signing.js';
import { GitHubStandIn } from './github-server.js';
import { copyTree, nixharden, runAsync, snapshot } from './helpers.js';

import { jest } from '@jest/globals';

jest.setTimeout(120_000);

let lab: SigningLab;
let repo: TempRepo;
let server: GitHubStandIn;
let work: string;
let policyFile: string;
let aliceRing: string;
let strangerRing: string;
const c: Record<string, string> = {};

function treeDir(rev: string): string {
  const dir = fs.mkdtempSync(path.join(work, 'tree-'));
  execFileSync('sh', ['-c', `git -C "$1" archive "$2" | tar -x -C "$3"`, 'sh', repo.dir, rev, dir]);
  return dir;
}
const nixHashPath = (dir: string) => execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'path', dir], { encoding: 'utf8' }).trim();
const nixHashBase32 = (dir: string) => execFileSync('nix-hash', ['--type', 'sha256', '--base32', dir], { encoding: 'utf8' }).trim();

beforeAll(async () => {
  lab = new SigningLab();
  const home = lab.gpgHome();
  const alice: GpgKey = home.genKey({ uid: 'Alice Maintainer <alice@example.org>' });
  const platform: GpgKey = home.genKey({ uid: 'GitHub <noreply@github.com>' });
  const stranger: GpgKey = home.genKey({ uid: 'Stranger <s@example.org>' });
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-pin-'));
  aliceRing = path.join(work, 'alice.asc');
  fs.writeFileSync(aliceRing, home.exportPublic([alice], { armor: true }));
  fs.writeFileSync(path.join(work, 'platform.asc'), home.exportPublic([platform], { armor: true }));
  strangerRing = path.join(work, 'stranger.asc');
  fs.writeFileSync(strangerRing, home.exportPublic([stranger], { armor: true }));
  policyFile = path.join(work, 'policy.toml');
  fs.writeFileSync(
    policyFile,
    `version = 1

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

[[repositories.rules]]
type = "threshold"
min = 1
signers = ["alice"]
`,
  );

  // A small tree with what Nix hashes specially: a subdirectory, an executable, a symlink, a non-ASCII name.
  repo = lab.repo();
  fs.mkdirSync(path.join(repo.dir, 'pkgs', 'hello'), { recursive: true });
  fs.writeFileSync(path.join(repo.dir, 'pkgs', 'hello', 'default.nix'), '{ stdenv }: stdenv.mkDerivation { pname = "hello"; version = "1"; }\n');
  fs.writeFileSync(path.join(repo.dir, 'default.nix'), '{ }: { lib = { version = "25.11"; }; }\n');
  fs.writeFileSync(path.join(repo.dir, 'build.sh'), '#!/bin/sh\necho hi\n', { mode: 0o755 });
  fs.symlinkSync('pkgs/hello/default.nix', path.join(repo.dir, 'hello.nix'));
  fs.writeFileSync(path.join(repo.dir, 'naïve.txt'), 'ünïcödé\n');
  repo.git(['add', '-A']);
  const at = (n: number) => ({ date: new Date(Date.UTC(2025, 10, 1 + n)) });
  c.old = repo.commit('initial import', { gpg: alice }, at(0));
  c.unsigned = repo.commit('unsigned change', undefined, at(1));
  c.good = repo.commit('reviewed by alice', { gpg: alice }, at(2));
  c.platform1 = repo.commit('merge via web UI', { gpg: platform }, at(3));
  c.platform2 = repo.commit('another web UI merge', { gpg: platform }, at(4));
  repo.git(['branch', 'nixos-25.11']);

  // The oracle agrees on which commits are good.
  const ring = fs.readFileSync(aliceRing);
  expect(repo.verifyCommit(c.good, { keyring: ring }).status).toBe(0);
  expect(repo.verifyCommit(c.platform2, { keyring: ring }).status).not.toBe(0);
  expect(repo.verifyCommit(c.unsigned, { keyring: ring }).status).not.toBe(0);

  server = new GitHubStandIn(repo.dir);
  await server.start();
  // dist/ must be current (`npx tsc -p tsconfig.build.json`, as scripts/test.sh does).
  expect(fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'pin.js'))).toBe(true);
});

afterAll(async () => {
  await server?.stop();
  lab?.cleanup();
  if (work) fs.rmSync(work, { recursive: true, force: true });
});

beforeEach(() => server.reset());

/** A fresh copy of both example configurations. */
function examples(): string {
  const dir = fs.mkdtempSync(path.join(work, 'cfg-'));
  copyTree(path.join(repoRoot, 'fixtures', 'pin'), dir);
  return dir;
}

function pinArgs(extra: string[]): string[] {
  return ['pin', 'flake', 'classic', '--github-api', server.url, '--archive-base', server.url, '--cache-dir', path.join(work, 'cache'), ...extra];
}

test('pins every kind to the newest policy-satisfying commit; Nix accepts the result; a second run changes nothing', async () => {
  const cfg = examples();
  const dry = await nixharden(pinArgs(['--policy', policyFile]), cfg);
  expect(dry.stderr).toBe('');
  expect(dry.status).toBe(0);
  expect(dry.stdout).toContain(`NixOS/nixpkgs nixos-25.11: ${c.good} (2 commits behind nixos-25.11: the 2 newer commits are signed only by the platform key, which your policy does not accept)`);
  expect(dry.stdout).toContain('+++ b/flake/flake.nix');
  // A dry run writes nothing.
  expect(snapshot(cfg)).toEqual(snapshot(path.join(repoRoot, 'fixtures', 'pin')));
  // One API page covers up to 100 commits.
  expect(server.count('/commits?')).toBe(1);
  // Commits come from the pages; only the pins' own (unknown) rev is looked up on its own.
  expect(server.requests.filter((r) => r.includes('/git/commits/'))).toEqual([`/repos/NixOS/nixpkgs/git/commits/${'2'.repeat(40)}`]);

  const wrote = await nixharden(pinArgs(['--policy', policyFile, '--write', '--format', 'json']), cfg);
  expect(wrote.stderr).toBe('');
  expect(wrote.status).toBe(0);
  const report = JSON.parse(wrote.stdout);
  expect(report.branches).toEqual([
    expect.objectContaining({ source: 'NixOS/nixpkgs', branch: 'nixos-25.11', tip: c.platform2, rev: c.good, behind: 2 }),
  ]);

  const tree = treeDir(c.good);
  const sri = nixHashPath(tree);
  const base32 = nixHashBase32(tree);
  const read = (f: string) => fs.readFileSync(path.join(cfg, f), 'utf8');
  const archive = `${server.url}/NixOS/nixpkgs/archive/${c.good}.tar.gz`;

  // flake.nix: the rev, the branch in a trailing comment, comments kept.
  const flakeNix = read('flake/flake.nix');
  expect(flakeNix).toContain(`nixpkgs.url = "github:NixOS/nixpkgs/${c.good}"; # branch: nixos-25.11`);
  expect(flakeNix).toContain('# The package set everything builds from.');
  expect(flakeNix).toContain('url = "github:nix-community/home-manager";');
  // flake.lock: locked rev/narHash/lastModified, original matching the new input URL.
  const lock = JSON.parse(read('flake/flake.lock'));
  const commitTime = Number(repo.git(['log', '-1', '--format=%ct', c.good]).stdout.trim());
  expect(lock.nodes.nixpkgs.locked).toEqual({ lastModified: commitTime, narHash: sri, owner: 'NixOS', repo: 'nixpkgs', rev: c.good, type: 'github' });
  expect(lock.nodes.nixpkgs.original).toEqual({ owner: 'NixOS', repo: 'nixpkgs', rev: c.good, type: 'github' });
  expect(lock.nodes['home-manager'].locked.rev).toBe('1'.repeat(40));
  // fetchTarball (base32, as written), fetchFromGitHub (SRI), fetchGit (rev added, ref kept).
  const nix = read('classic/default.nix');
  expect(nix).toContain(`url = "${archive}"; # branch: nixos-25.11`);
  expect(nix).toContain(`sha256 = "${base32}";`);
  expect(nix).toContain(`rev = "${c.good}"; # branch: nixos-25.11; tracks the stable branch`);
  expect(nix).toContain(`hash = "${sri}";`);
  expect(nix).toMatch(new RegExp(`ref = "nixos-25.11";\\n\\s+rev = "${c.good}";`));
  // niv and npins.
  const niv = JSON.parse(read('classic/nix/sources.json')).nixpkgs;
  expect(niv).toMatchObject({ rev: c.good, sha256: base32, url: archive, branch: 'nixos-25.11' });
  const npins = JSON.parse(read('classic/npins/sources.json')).pins.nixpkgs;
  expect(npins).toMatchObject({ revision: c.good, hash: base32, url: archive, branch: 'nixos-25.11' });
  // The JSON files keep their layout: only the changed values differ.
  expect(read('classic/nix/sources.json').split('\n')).toHaveLength(snapshot(path.join(repoRoot, 'fixtures', 'pin'))['classic/nix/sources.json']!.split('\n').length);

  // Nix parses every rewritten file, and fetches the rewritten fetchTarball with its hash.
  expect((await runAsync('nix-instantiate', ['--parse', path.join(cfg, 'flake/flake.nix'), path.join(cfg, 'classic/default.nix')])).status).toBe(0);
  const call = /builtins\.fetchTarball \{[^}]*\}/.exec(nix)![0];
  const fetched = await runAsync('nix-instantiate', ['--eval', '--json', '-E', `builtins.readFile ((${call}) + "/default.nix")`]);
  expect(fetched.stderr).not.toContain('error');
  expect(fetched.status).toBe(0);
  expect(JSON.parse(fetched.stdout)).toBe(fs.readFileSync(path.join(tree, 'default.nix'), 'utf8'));

  // A second run changes nothing.
  const before = snapshot(cfg);
  const again = await nixharden(pinArgs(['--policy', policyFile, '--write']), cfg);
  expect(again.status).toBe(0);
  expect(again.stdout).toContain('nothing to change');
  expect(snapshot(cfg)).toEqual(before);

  // `pins` now reports the pins as immutable.
  const listed = JSON.parse((await nixharden(['pins', '--format', 'json', 'flake', 'classic'], cfg)).stdout).pins;
  for (const p of listed.filter((x: { source: string; kind: string }) => x.source === 'NixOS/nixpkgs' && x.kind !== 'channel')) expect(p).toMatchObject({ rev: c.good, mutable: false, ref: 'nixos-25.11' });
});

test('a local clone gives the same pins with no network; git-like trust from a keyring', async () => {
  const cfg = examples();
  const r = await nixharden(['pin', 'flake', 'classic', '--repo', repo.dir, '--keyring', aliceRing, '--write', '--archive-base', 'https://github.com'], cfg);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(server.requests).toEqual([]);
  const lock = JSON.parse(fs.readFileSync(path.join(cfg, 'flake/flake.lock'), 'utf8'));
  expect(lock.nodes.nixpkgs.locked.rev).toBe(c.good);
  expect(lock.nodes.nixpkgs.locked.narHash).toBe(nixHashPath(treeDir(c.good)));
  expect(fs.readFileSync(path.join(cfg, 'classic/default.nix'), 'utf8')).toContain(`url = "https://github.com/NixOS/nixpkgs/archive/${c.good}.tar.gz"; # branch: nixos-25.11`);
  expect(r.stdout).toContain('2 commits behind nixos-25.11: the 2 newer commits are signed by keys you have not given');
});

test('no acceptable commit within the limit: exit 1 with the reason, nothing changed', async () => {
  const cfg = examples();
  const before = snapshot(cfg);
  const r = await nixharden(pinArgs(['--keyring', strangerRing, '--write']), cfg);
  expect(r.status).toBe(1);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/no commit on nixos-25\.11 of NixOS\/nixpkgs satisfies the given keys within the newest 5 commits \(limit 1000\)/);
  expect(snapshot(cfg)).toEqual(before);

  const limited = await nixharden(pinArgs(['--policy', policyFile, '--limit', '2']), cfg);
  expect(limited.status).toBe(1);
  expect(limited.stderr).toContain('within the newest 2 commits (limit 2): the 2 examined commits are signed only by the platform key, which your policy does not accept; nothing changed');
});

test('HTTP 500s from the API and the archive endpoint are retried', async () => {
  const cfg = examples();
  server.apiFailures = 2;
  server.archiveFailures = 2;
  const r = await nixharden(pinArgs(['--policy', policyFile, '--write']), cfg);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(server.count('/archive/')).toBe(3);
  expect(JSON.parse(fs.readFileSync(path.join(cfg, 'flake/flake.lock'), 'utf8')).nodes.nixpkgs.locked.rev).toBe(c.good);
});

test('a truncated download is detected and nothing is written', async () => {
  const cfg = examples();
  const before = snapshot(cfg);
  server.truncateArchives = true;
  const r = await nixharden(pinArgs(['--policy', policyFile, '--write', '--retries', '1']), cfg);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/truncated|ECONNRESET|premature|aborted/i);
  expect(r.stderr.trim().split('\n')).toHaveLength(1);
  expect(server.count('/archive/')).toBe(2);
  expect(snapshot(cfg)).toEqual(before);
});

test('a pin on a verified commit whose declared hash is wrong is refused', async () => {
  const cfg = examples();
  const sources = path.join(cfg, 'classic/nix/sources.json');
  // niv already on the good commit, but with someone else's hash.
  fs.writeFileSync(sources, fs.readFileSync(sources, 'utf8').replaceAll('2'.repeat(40), c.good));
  const before = snapshot(cfg);
  const r = await nixharden(pinArgs(['--policy', policyFile, '--write']), cfg);
  expect(r.status).toBe(1);
  expect(r.stderr).toMatch(/classic\/nix\/sources\.json:2: refusing to pin niv nixpkgs: declared hash 0{52} does not match the content of [0-9a-f]{40}/);
  expect(snapshot(cfg)).toEqual(before);
});

test('an older pin that already verifies is left alone', async () => {
  const cfg = examples();
  const sources = path.join(cfg, 'classic/nix/sources.json');
  const base32 = nixHashBase32(treeDir(c.old));
  fs.writeFileSync(sources, fs.readFileSync(sources, 'utf8').replaceAll('2'.repeat(40), c.old).replace('0'.repeat(52), base32));
  const r = await nixharden(pinArgs(['--policy', policyFile, '--input', 'nixpkgs', '--format', 'json']), cfg);
  expect(r.status).toBe(0);
  const niv = JSON.parse(r.stdout).pins.find((p: { kind: string }) => p.kind === 'niv');
  expect(niv).toMatchObject({ action: 'unchanged', newRev: c.old, message: 'already on a verified commit; pass --update to move it to the newest accepted commit' });
});

test('a rate-limit response gives a clear message', async () => {
  const cfg = examples();
  server.rateLimited = true;
  const r = await nixharden(pinArgs(['--policy', policyFile, '--ttl', '0']), cfg);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/^nixharden: GitHub API rate limit exceeded for github:NixOS\/nixpkgs: retry after 2033-05-18T03:33:20Z/);
});

test('refuses to run without saying which keys to trust', async () => {
  const r = await nixharden(['pin', 'flake'], examples());
  expect(r.status).toBe(2);
  expect(r.stderr).toContain('--policy FILE, or --keyring FILE');
});

test('fetchurl gets the flat hash of the archive bytes, as nix-prefetch-url computes it', async () => {
  const cfg = fs.mkdtempSync(path.join(work, 'fetchurl-'));
  fs.writeFileSync(
    path.join(cfg, 'default.nix'),
    '{ pkgs }:\npkgs.fetchurl {\n  url = "https://github.com/NixOS/nixpkgs/archive/nixos-25.11.tar.gz";\n  hash = "sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=";\n}\n',
  );
  const r = await nixharden(
    ['pin', '.', '--policy', policyFile, '--github-api', server.url, '--archive-base', server.url, '--cache-dir', path.join(cfg, '.cache'), '--write'],
    cfg,
  );
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const url = `${server.url}/NixOS/nixpkgs/archive/${c.good}.tar.gz`;
  const oracle = await runAsync('nix-prefetch-url', ['--type', 'sha256', url]);
  expect(oracle.status).toBe(0);
  const sri = (await runAsync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'to-sri', '--type', 'sha256', oracle.stdout.trim()])).stdout.trim();
  expect(fs.readFileSync(path.join(cfg, 'default.nix'), 'utf8')).toContain(`url = "${url}"; # branch: nixos-25.11\n  hash = "${sri}";`);
});
