/**
 * Choosing a commit over a longer history: first-parent order (a good commit
 * merged in from a side branch is not on the branch's own line), the API
 * budget of one page request per 100 commits examined, and the disk cache
 * that makes later runs cost only the first page. `git verify-commit` is the
 * oracle for which commits are good.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { DEFAULT_BRANCH_TTL_SECONDS } from '../../src/core/defaults.js';
import { GitHubHistory } from '../../src/sources/github-history.js';
import { selectCommit } from '../../src/pin/select-commit.js';
import { LocalGitSource } from '../../src/sources/local-git.js';
import { SigningLab, type GpgKey, type TempRepo } from '../helpers/signing.js';
import { GitHubStandIn } from './github-server.js';

jest.setTimeout(120_000);

let lab: SigningLab;
let repo: TempRepo;
let server: GitHubStandIn;
let keyring: string;
let tmp: string;
const c: Record<string, string> = {};
const repoName = { owner: 'NixOS', repo: 'nixpkgs' };

beforeAll(async () => {
  lab = new SigningLab();
  const home = lab.gpgHome();
  const alice: GpgKey = home.genKey({ uid: 'Alice <alice@example.org>' });
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-select-'));
  keyring = path.join(tmp, 'alice.asc');
  fs.writeFileSync(keyring, home.exportPublic([alice], { armor: true }));
  repo = lab.repo();
  c.base = repo.commit('base', { gpg: alice }, { file: 'base.txt' });
  // A side branch with a good commit, merged by an unsigned merge: not on the first-parent line.
  repo.git(['checkout', '-q', '-b', 'side']);
  c.side = repo.commit('side work', { gpg: alice }, { file: 'side.txt' });
  repo.git(['checkout', '-q', 'main']);
  repo.commit('main work', undefined, { file: 'main.txt' });
  c.merge = repo.merge('side', 'merge side');
  // 230 unsigned commits on top: the walk must page through three API pages.
  for (let i = 0; i < 230; i++) {
    fs.writeFileSync(path.join(repo.dir, 'n.txt'), `${i}\n`);
    repo.git(['add', 'n.txt']);
    repo.git(['commit', '-q', '-m', `unsigned ${i}`]);
  }
  repo.git(['branch', 'nixos-unstable']);
  expect(repo.verifyCommit(c.side, { keyring: fs.readFileSync(keyring) }).status).toBe(0);
  server = new GitHubStandIn(repo.dir);
  await server.start();
});

afterAll(async () => {
  await server?.stop();
  lab?.cleanup();
  if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
});

test('walks first-parent: the merged-in good commit is passed over for the good base on the branch line', async () => {
  const source = await LocalGitSource.open(repo.dir);
  try {
    const s = await selectCommit({ source, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring] });
    expect(s.rev).toBe(c.base);
    // 230 + merge + "main work" on the first-parent line; the side commit is not counted.
    expect(s.behind).toBe(232);
    expect(s.explanation).toBe('232 commits behind nixos-unstable: the 232 newer commits are unsigned');
  } finally {
    await source.close();
  }
});

test('GitHub: one page request per 100 commits examined; a cached answer costs no request within the branch TTL', async () => {
  server.reset();
  const cacheDir = path.join(tmp, 'cache');
  const first = new GitHubHistory({ repo: repoName, apiBase: server.url, cacheDir, backoffMs: 5 });
  const s = await selectCommit({ source: first, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring] });
  expect(s.rev).toBe(c.base);
  // 233 first-parent commits, listed in git-log order (the side commit too): 3 pages of 100.
  expect(server.requests.filter((r) => r.includes('/commits?'))).toHaveLength(3);
  expect(first.stats.requests).toBe(3);
  expect(server.count('/git/commits/')).toBe(0);

  // Within the branch TTL the answer is cached: no request at all.
  server.reset();
  const second = new GitHubHistory({ repo: repoName, apiBase: server.url, cacheDir, backoffMs: 5 });
  const again = await selectCommit({ source: second, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring] });
  expect(again.rev).toBe(c.base);
  expect(server.requests).toHaveLength(0);
  expect(second.stats.requests).toBe(0);
  expect(second.stats.cachedPages).toBe(3);

  // Once the TTL has passed, the branch is asked for again (it moves); the pages under its sha still come from the cache.
  server.reset();
  const later = Date.now() + (DEFAULT_BRANCH_TTL_SECONDS + 1) * 1000;
  const third = new GitHubHistory({ repo: repoName, apiBase: server.url, cacheDir, backoffMs: 5, now: () => later });
  const stale = await selectCommit({ source: third, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring] });
  expect(stale.rev).toBe(c.base);
  expect(server.requests).toHaveLength(1);
  expect(third.stats.cachedPages).toBe(2);

  // --ttl 0 always asks.
  server.reset();
  const always = new GitHubHistory({ repo: repoName, apiBase: server.url, cacheDir, backoffMs: 5, branchTtlSeconds: 0 });
  await selectCommit({ source: always, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring] });
  expect(server.requests).toHaveLength(1);
});

test('the limit bounds the walk and the requests', async () => {
  server.reset();
  const source = new GitHubHistory({ repo: repoName, apiBase: server.url, backoffMs: 5 });
  await expect(selectCommit({ source, repo: repoName, branch: 'nixos-unstable', keyrings: [keyring], limit: 150 })).rejects.toThrow(
    'no commit on nixos-unstable of NixOS/nixpkgs satisfies the given keys within the newest 150 commits (limit 150): the 150 examined commits are unsigned; nothing changed',
  );
  expect(server.requests).toHaveLength(2);
});

test('a policy with a trust root: the walk and the verdicts respect it', async () => {
  const policy = path.join(tmp, 'root-policy.toml');
  fs.writeFileSync(
    policy,
    `version = 1
[[signers]]
id = "alice"
keys = [{ path = "alice.asc" }]
[[repositories]]
url = "NixOS/nixpkgs"
trust-root = "${c.base}"
[[repositories.rules]]
type = "threshold"
min = 1
signers = ["alice"]
`,
  );
  const { loadPolicy } = await import('../../src/trust/policy/policy.js');
  const source = await LocalGitSource.open(repo.dir);
  try {
    const s = await selectCommit({ source, repo: repoName, branch: 'nixos-unstable', policy: await loadPolicy(policy) });
    expect(s.rev).toBe(c.base);
    expect(s.behind).toBe(232);
  } finally {
    await source.close();
  }
});
