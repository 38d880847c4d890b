/**
 * The GitHub source against a local HTTP server (node:http on 127.0.0.1) that
 * serves GitHub's JSON shapes built from a REAL signed repository: the list
 * endpoint from `git rev-list`, and `git/commits/{sha}` with
 * `verification.payload`/`signature` cut from the real raw objects.
 */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { loadPolicy } from '../../src/trust/policy/policy.js';
import { GitHubSource } from '../../src/sources/github.js';
import { verifyCommits } from '../../src/trust/verify-commits/pipeline.js';
import { Fixture, splitSignature } from './fixture-repo.js';

class GitHubShapedServer {
  readonly requests: string[] = [];
  /** Answer this many of the next requests with HTTP 500. */
  failNext = 0;
  rateLimit: 'none' | 'remaining-0' | 'retry-after' = 'none';
  /** Lie in `verification.verified` (it must never matter). */
  claimVerified = true;
  tamper: ((payload: string) => string) | undefined;
  private server = http.createServer((req, res) => this.handle(req, res));

  constructor(private readonly f: Fixture) {}

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  count(fragment: string): number {
    return this.requests.filter((r) => r.includes(fragment)).length;
  }

  private send(res: http.ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(JSON.stringify(body));
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url!, 'http://x');
    this.requests.push(`${url.pathname}${url.search}`);
    if (this.failNext > 0) {
      this.failNext--;
      return this.send(res, 500, { message: 'Server Error' });
    }
    if (this.rateLimit === 'remaining-0') {
      return this.send(res, 403, { message: 'API rate limit exceeded' }, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': '2000000000' });
    }
    if (this.rateLimit === 'retry-after') return this.send(res, 429, { message: 'slow down' }, { 'retry-after': '120' });
    let m = url.pathname.match(/^\/repos\/example\/project\/commits$/);
    if (m) {
      const perPage = Number(url.searchParams.get('per_page') ?? 30);
      const page = Number(url.searchParams.get('page') ?? 1);
      let lines: string[];
      try {
        lines = this.f.git(['rev-list', '--parents', url.searchParams.get('sha') ?? 'HEAD', '--']).trim().split('\n');
      } catch {
        return this.send(res, 404, { message: 'No commit found for SHA' });
      }
      const items = lines.slice((page - 1) * perPage, page * perPage).map((l) => {
        const [sha, ...parents] = l.split(' ');
        return { sha, parents: parents.map((p) => ({ sha: p })), commit: {} };
      });
      return this.send(res, 200, items);
    }
    m = url.pathname.match(/^\/repos\/example\/project\/git\/commits\/([0-9a-f]{40})$/);
    if (m) {
      let raw: string;
      try {
        raw = this.f.git(['cat-file', 'commit', m[1]]);
      } catch {
        return this.send(res, 404, { message: 'Not Found' });
      }
      const { payload, signature } = splitSignature(raw);
      const header = (name: string) => raw.match(new RegExp(`^${name} (.*)$`, 'm'))?.[1] ?? '';
      const ident = (s: string) => {
        const [, name, email, t] = s.match(/^(.*) <(.*)> (\d+) [+-]\d{4}$/)!;
        return { name, email, date: new Date(Number(t) * 1000).toISOString().replace('.000Z', 'Z') };
      };
      return this.send(res, 200, {
        sha: m[1],
        tree: { sha: header('tree') },
        parents: [...raw.matchAll(/^parent (\S+)$/gm)].map((p) => ({ sha: p[1] })),
        author: ident(header('author')),
        committer: ident(header('committer')),
        message: raw.slice(raw.indexOf('\n\n') + 2),
        verification: {
          verified: signature !== null && this.claimVerified,
          reason: signature ? 'valid' : 'unsigned',
          signature,
          payload: signature ? (this.tamper ? this.tamper(payload) : payload) : null,
        },
      });
    }
    return this.send(res, 404, { message: 'Not Found' });
  }
}

let f: Fixture;
let server: GitHubShapedServer;
let api: string;
let keyring: string;
let allowed: string;
let carolLine: string;
const c: Record<string, string> = {};

beforeAll(async () => {
  f = new Fixture('nh-github-');
  const alice = f.gpgKey('Alice <alice@example.org>');
  const stranger = f.gpgKey('Stranger <s@example.org>');
  const carol = f.sshKey('carol');
  keyring = f.write('alice.asc', alice.armored);
  allowed = f.write('allowed_signers', `carol@example.org ${carol.line}\n`);
  carolLine = carol.line;
  c.first = f.commit('first', { gpg: alice.fpr });
  for (let i = 0; i < 146; i++) f.commit(`filler ${i}`);
  c.ssh = f.commit('ssh signed', { ssh: carol });
  c.stranger = f.commit('signed by a key we do not trust', { gpg: stranger.fpr });
  c.gpg = f.commit('gpg signed', { gpg: alice.fpr });
  c.unsigned = f.commit('unsigned tip');
  server = new GitHubShapedServer(f);
  api = await server.start();
});
afterAll(async () => {
  await server.stop();
  f.cleanup();
});
beforeEach(() => {
  server.requests.length = 0;
  server.failNext = 0;
  server.rateLimit = 'none';
  server.tamper = undefined;
});

const source = (extra: Partial<ConstructorParameters<typeof GitHubSource>[0]> = {}) =>
  new GitHubSource({ repository: 'example/project', apiBase: api, token: '', backoffMs: 5, ...extra });

test('pages through the branch 100 commits at a time', async () => {
  const s = source();
  const head = await s.resolve('main');
  expect(head).toBe(c.unsigned);
  const all = await s.walk({ tips: [head], exclude: [], firstParent: false });
  expect(all.map((n) => n.oid)).toEqual(f.git(['rev-list', 'HEAD']).trim().split('\n'));
  expect(all).toHaveLength(151);
  expect(server.requests.filter((r) => r.includes('per_page=100'))).toEqual([
    '/repos/example/project/commits?per_page=100&page=1&sha=' + head,
    '/repos/example/project/commits?per_page=100&page=2&sha=' + head,
  ]);
  server.requests.length = 0;
  const some = await s.walk({ tips: [head], exclude: [], firstParent: true, limit: 3 });
  expect(some.map((n) => n.oid)).toEqual([c.unsigned, c.gpg, c.stranger]);
  expect(server.count('page=2')).toBe(0);
  const range = await s.walk({ ...(await s.resolveRange(`${c.ssh}..main`)), firstParent: false });
  expect(range.map((n) => n.oid)).toEqual([c.unsigned, c.gpg, c.stranger]);
});

test('rebuilds the exact raw objects and verifies them locally, ignoring verification.verified', async () => {
  const s = source();
  const reads = await s.readCommits([c.gpg, c.ssh, c.stranger]);
  for (const oid of [c.gpg, c.ssh, c.stranger]) {
    const got = reads.get(oid)!;
    expect('raw' in got && got.raw.equals(f.git(['cat-file', 'commit', oid], { encoding: 'buffer' }) as unknown as Buffer)).toBe(true);
  }
  const { commits } = await verifyCommits({ source: s, revs: [c.gpg, c.ssh, c.stranger, c.unsigned], keyrings: [keyring], allowedSigners: allowed });
  expect(commits.map((v) => [v.verified, v.reason])).toEqual([
    [true, 'good'],
    [true, 'good'],
    [false, 'unknown-key'], // GitHub said verified: true
    [false, 'unsigned'],
  ]);
});

test('a policy with a trust root applies to GitHub history (owner/repo entry, walk stops at the root)', async () => {
  const file = f.write(
    'gh-policy.toml',
    `version = 1
[[signers]]
id = "alice"
keys = [{ path = "alice.asc" }]
[[signers]]
id = "carol"
keys = ["${carolLine}"]
[[repositories]]
url = "https://github.com/Example/Project"
trust-root = "${c.ssh}"
[[repositories.rules]]
type = "threshold"
min = 1
signers = ["alice", "carol"]
`,
  );
  const { commits } = await verifyCommits({ source: source(), policy: await loadPolicy(file), revs: ['main'] });
  expect(commits.map((v) => [v.rev, v.verified, v.policy!.trustRoot])).toEqual([
    [c.unsigned, false, 'descendant'],
    [c.gpg, true, 'descendant'],
    [c.stranger, false, 'descendant'],
    [c.ssh, true, 'root'],
  ]);
  expect(commits[2].policy!.rejected[0].reason).toBe('unknown-key');
  expect(server.count('page=2')).toBe(0);
});

test('a payload that is not the requested commit is refused, never verified in its place', async () => {
  server.tamper = (p) => p.replace('gpg signed', 'gpg signed, honest');
  const { commits } = await verifyCommits({ source: source(), revs: [c.gpg], keyrings: [keyring] });
  expect(commits[0]).toMatchObject({ verified: false, reason: 'unreadable' });
  expect(commits[0].detail).toMatch(/does not hash to/);
});

test('retries 5xx with backoff, then succeeds', async () => {
  server.failNext = 2;
  const reads = await source().readCommits([c.first]);
  expect('raw' in reads.get(c.first)!).toBe(true);
  expect(server.count(`/git/commits/${c.first}`)).toBe(3);
});

test('gives up after the retry limit with a one-line error', async () => {
  server.failNext = 10;
  await expect(source({ retries: 2 }).readCommits([c.first])).rejects.toThrow(/HTTP 500/);
  expect(server.count(`/git/commits/${c.first}`)).toBe(3);
});

test('rate limits become a UserError saying when to retry', async () => {
  server.rateLimit = 'remaining-0';
  const err = await source().resolve('main').catch((e: unknown) => e);
  expect(err).toBeInstanceOf(UserError);
  expect((err as Error).message).toMatch(/rate limit exceeded for github:example\/project: retry after 2033-05-18T03:33:20Z/);
  expect(server.requests).toHaveLength(1); // not retried
  server.rateLimit = 'retry-after';
  const before = Date.now();
  const err2 = (await source().resolve('main').catch((e: unknown) => e)) as Error;
  const when = Date.parse(err2.message.match(/retry after (\S+)/)![1]);
  expect(when - before).toBeGreaterThanOrEqual(119_000);
  expect(when - before).toBeLessThan(125_000);
});

test('caches commits by sha on disk: a second run does not ask the server again', async () => {
  const cacheDir = fs.mkdtempSync(path.join(f.dir, 'cache-'));
  await source({ cacheDir }).readCommits([c.gpg, c.ssh]);
  expect(server.count('/git/commits/')).toBe(2);
  const second = source({ cacheDir });
  const reads = await second.readCommits([c.gpg, c.ssh]);
  expect(server.count('/git/commits/')).toBe(2);
  expect(second.stats.cacheHits).toBe(2);
  expect('raw' in reads.get(c.gpg)!).toBe(true);
  // No temp files are left behind; a corrupted entry is ignored and refetched.
  const entries = fs.readdirSync(path.join(cacheDir, 'github-commits'));
  expect(entries.sort()).toEqual([c.gpg, c.ssh].sort());
  fs.writeFileSync(path.join(cacheDir, 'github-commits', c.gpg), 'garbage');
  await source({ cacheDir }).readCommits([c.gpg]);
  expect(server.count('/git/commits/')).toBe(3);
});

test('the CLI reads from the API given by NIXHARDEN_GITHUB_API', async () => {
  const cacheDir = path.join(f.dir, 'cli-cache');
  const r = await runCliAsync(['verify-commit', '--github', 'example/project', '--keyring', keyring, '--format', 'json', '--limit', '2', 'main'], {
    NIXHARDEN_GITHUB_API: api,
    NIXHARDEN_CACHE_DIR: cacheDir,
  });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  const out = r.stdout.trim().split('\n').map((l) => JSON.parse(l) as { rev: string; verified: boolean });
  expect(out.map((v) => [v.rev, v.verified])).toEqual([
    [c.unsigned, false],
    [c.gpg, true],
  ]);
  expect(fs.readdirSync(path.join(cacheDir, 'github-commits'))).toContain(c.gpg);
  server.rateLimit = 'remaining-0';
  const limited = await runCliAsync(['verify-commit', '--github', 'example/project', 'main'], { NIXHARDEN_GITHUB_API: api, NIXHARDEN_CACHE_DIR: cacheDir });
  expect(limited.status).toBe(2);
  expect(limited.stderr).toMatch(/^nixharden: GitHub API rate limit exceeded for github:example\/project: retry after 2033-05-18T03:33:20Z/);
});

/** runCli blocks the event loop (spawnSync) and so would starve our server; spawn asynchronously. */
function runCliAsync(args: string[], env: NodeJS.ProcessEnv): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [path.resolve('bin/nixharden.js'), ...args], { env: { ...process.env, GITHUB_TOKEN: '', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d) => (stdout += d));
    child.stderr.on('data', (d) => (stderr += d));
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
  });
}
