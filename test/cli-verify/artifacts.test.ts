/**
 * `sign image`, `verify image` and `verify cache` as a user runs them, with a
 * server on 127.0.0.1 standing in for the registry (Docker Hub-style bearer
 * token flow), the signature lookaside and http binary caches (a 404, a 500
 * and a hang for some paths). skopeo judges every signature nixharden writes,
 * and skopeo-written signatures are judged by nixharden: same verdict.
 */
import { spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { ImageLab, gpgSign, type Manifest } from '../trust/images/lab.js';
import { CacheLab, type NixKey } from '../trust/caches/lab.js';
import type { GpgKey } from '../helpers/signing.js';
import { repoRoot } from '../helpers/cli.js';
import { buildPayload } from '../../src/trust/images/payload.js';
import { signatureDir } from '../../src/sources/lookaside.js';

const TIMEOUT = 300_000;

/** The built CLI in a child process, without blocking this process's server. */
function cli(args: string[], env: NodeJS.ProcessEnv = {}): Promise<{ status: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(repoRoot, 'bin', 'nixharden.js'), ...args], { env: { ...process.env, NO_COLOR: '1', ...env } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ status: code ?? -1, stdout, stderr }));
    child.stdin.end();
  });
}

let images: ImageLab;
let caches: CacheLab;
let server: http.Server;
let base: string;
let alice: GpgKey;
let bob: GpgKey;
let carol: GpgKey;
let manifest: Manifest;
const lookasideDir = () => path.join(images.root, 'lookaside');
const hits = new Map<string, number>();
let cacheDir: { a: string; b: string };
let paths: string[];
let keys: NixKey[];

beforeAll(async () => {
  images = new ImageLab();
  caches = new CacheLab();
  alice = images.home.genKey({ uid: 'Alice <alice@example.org>' });
  bob = images.home.genKey({ uid: 'Bob <bob@example.org>' });
  carol = images.home.genKey({ uid: 'Carol <carol@example.org>', signingSubkey: true });
  manifest = images.manifest('busybox');
  for (const [name, key] of [['alice', alice], ['bob', bob], ['carol', carol]] as const) {
    fs.writeFileSync(path.join(images.root, `${name}.asc`), images.home.exportPublic([key], { armor: true }));
    fs.writeFileSync(path.join(images.root, `${name}.sec`), images.secretKey(key));
  }

  paths = caches.buildPaths(4, 'cli');
  keys = ['c1', 'c2'].map((n) => caches.key(n));
  const a = caches.cache('a');
  const b = caches.cache('b');
  caches.copy(a.url, paths, keys[0]);
  caches.copy(b.url, paths, keys[1]);
  cacheDir = { a: a.dir, b: b.dir };

  server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x');
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1);
    // Registry: manifests need a bearer token from /token.
    if (url.pathname === '/token') {
      if (url.searchParams.get('scope') !== 'repository:stagex/core-busybox:pull' || url.searchParams.get('service') !== 'test-registry') return void res.writeHead(400).end();
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ token: 'tok123' }));
    }
    if (url.pathname.startsWith('/v2/')) {
      if (req.headers.authorization !== 'Bearer tok123') {
        return void res.writeHead(401, { 'www-authenticate': `Bearer realm="${base}/token",service="test-registry",scope="repository:stagex/core-busybox:pull"` }).end();
      }
      if (url.pathname === '/v2/stagex/core-busybox/manifests/1.36') {
        return void res.writeHead(200, { 'content-type': 'application/vnd.oci.image.manifest.v1+json', 'docker-content-digest': manifest.digest }).end(manifest.bytes);
      }
      return void res.writeHead(404).end();
    }
    if (url.pathname.startsWith('/sigs/')) {
      const file = path.join(lookasideDir(), decodeURIComponent(url.pathname.slice('/sigs/'.length)));
      return fs.existsSync(file) ? void res.writeHead(200).end(fs.readFileSync(file)) : void res.writeHead(404).end();
    }
    // Caches: /a and /b serve the two directories; paths[1] is 404 in b, paths[2] is 500 in b, paths[3] hangs in b.
    const m = /^\/(a|b)\/([0-9a-z]{32})\.narinfo$/.exec(url.pathname);
    if (m) {
      const h = (i: number) => path.basename(paths[i]!).slice(0, 32);
      if (m[1] === 'b' && m[2] === h(1)) return void res.writeHead(404).end();
      if (m[1] === 'b' && m[2] === h(2)) return void res.writeHead(500).end();
      if (m[1] === 'b' && m[2] === h(3)) return; // never answers
      const file = path.join(m[1] === 'a' ? cacheDir.a : cacheDir.b, `${m[2]}.narinfo`);
      return fs.existsSync(file) ? void res.writeHead(200).end(fs.readFileSync(file)) : void res.writeHead(404).end();
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}, TIMEOUT);

afterAll(async () => {
  server?.closeAllConnections();
  await new Promise((r) => server?.close(r));
  images?.cleanup();
  caches?.cleanup();
});

const REF = 'docker.io/stagex/core-busybox:1.36';

function imagePolicy(lookaside: string, min: number): string {
  const file = path.join(images.root, `policy-${min}-${lookaside.startsWith('http') ? 'url' : 'dir'}.toml`);
  fs.writeFileSync(
    file,
    `version = 1
[[signers]]
id = "alice"
keys = [{ path = "alice.asc" }]
[[signers]]
id = "bob"
keys = [{ path = "bob.asc" }]
[[signers]]
id = "carol"
keys = [{ path = "carol.asc" }]
[[images]]
prefix = "docker.io/stagex"
lookaside = "${lookaside}"
remap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }
[[images.rules]]
type = "threshold"
min = ${min}
signers = ["alice", "bob", "carol"]
`,
  );
  return file;
}

test('sign image writes what skopeo verifies, refuses a second signature by the same key, and verify image counts distinct signers', async () => {
  const sign = (who: string) => cli(['sign', 'image', `${REF}@${manifest.digest}`, '--key', path.join(images.root, `${who}.sec`), '--lookaside', lookasideDir()]);
  const first = await sign('alice');
  expect(first.stderr).toBe('');
  expect(first.status).toBe(0);
  const sigDir = path.join(lookasideDir(), signatureDir('stagex/core-busybox', manifest.digest));
  expect(first.stdout).toContain(path.join(sigDir, 'signature-1'));

  const again = await sign('alice');
  expect(again.status).toBe(2);
  expect(again.stderr).toMatch(/already signed by key [0-9A-F]{40}; not adding a second signature/);
  expect(fs.existsSync(path.join(sigDir, 'signature-2'))).toBe(false);

  expect((await sign('carol')).status).toBe(0); // a signing subkey: skopeo names it by the subkey
  // A skopeo-written signature by bob becomes signature-3.
  fs.writeFileSync(path.join(sigDir, 'signature-3'), images.skopeoSign(bob, manifest, REF));

  // skopeo accepts every signature nixharden wrote (exact identity, as standalone-verify compares).
  const keyring = Buffer.concat([alice, bob, carol].map((k) => images.home.exportPublic([k])));
  expect(images.skopeoVerify(keyring, manifest, REF, alice.fingerprint, fs.readFileSync(path.join(sigDir, 'signature-1')))).toBe(true);
  expect(images.skopeoVerify(keyring, manifest, REF, carol.signingFingerprint, fs.readFileSync(path.join(sigDir, 'signature-2')))).toBe(true);
  expect(images.skopeoVerify(keyring, manifest, REF, alice.fingerprint, fs.readFileSync(path.join(sigDir, 'signature-2')))).toBe(false);

  // Tag resolved through the token flow, signatures read over HTTP; 3 distinct signers.
  const policy3 = imagePolicy(`${base}/sigs`, 3);
  const ok = await cli(['verify', 'image', REF, '--policy', policy3, '--registry', base, '--format', 'json']);
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  const line = JSON.parse(ok.stdout);
  expect(line).toMatchObject({ ref: REF, digest: manifest.digest, resolvedTag: '1.36', verified: true, reason: 'good', signers: ['alice', 'bob', 'carol'] });
  expect(hits.get('/token')).toBeGreaterThanOrEqual(1);
  // quay.io/stagex is signed as docker.io/stagex (remap); by digest from a lookaside directory.
  const quay = await cli(['verify', 'image', `quay.io/stagex/core-busybox@${manifest.digest}`, '--policy', imagePolicy(lookasideDir(), 3)]);
  expect(quay.status).toBe(0);
  expect(quay.stdout).toMatch(/good: signed by alice, bob, carol/);

  // One signer removed from the quorum: exit 1, and the text says what fell short.
  fs.writeFileSync(path.join(sigDir, 'signature-3'), 'not a signature');
  const short = await cli(['verify', 'image', `docker.io/stagex/core-busybox@${manifest.digest}`, '--policy', imagePolicy(lookasideDir(), 3)]);
  expect(short.status).toBe(1);
  expect(short.stdout).toMatch(/NOT VERIFIED \(policy\)/);
  expect(short.stdout).toMatch(/FAILED threshold: needs 3 of \{alice,bob,carol\}; got 2: alice,carol/);
  expect(short.stdout).toMatch(/signature-3 not counted \(malformed\)/);

  // Bad input: exit 2 with one line.
  const none = await cli(['verify', 'image', 'docker.io/other/thing@' + manifest.digest, '--policy', policy3]);
  expect(none.status).toBe(2);
  expect(none.stderr).toMatch(/^nixharden: .*: no \[\[images\]\] entry covers docker\.io\/other\/thing\n$/);
  const missingTag = await cli(['verify', 'image', `${REF.replace(':1.36', ':9.99')}`, '--policy', policy3, '--registry', base]);
  expect(missingTag.status).toBe(2);
  expect(missingTag.stderr).toMatch(/registry: no such tag or repository/);
}, TIMEOUT);

test('skopeo and nixharden give the same verdict on the same signature files', async () => {
  const m = images.manifest('diff');
  const other = images.manifest('other');
  const ref = 'docker.io/stagex/core-diff:1';
  const keyring = Buffer.concat([alice, bob].map((k) => images.home.exportPublic([k])));
  const outsider = images.lab.gpgHome().genKey({ uid: 'Out <out@example.org>' });
  const rows: { name: string; sig: Buffer; fpr: string }[] = [
    { name: 'skopeo, alice', sig: images.skopeoSign(alice, m, ref), fpr: alice.fingerprint },
    { name: 'skopeo, bob', sig: images.skopeoSign(bob, m, ref), fpr: bob.fingerprint },
    { name: 'skopeo, over another manifest', sig: images.skopeoSign(alice, other, ref), fpr: alice.fingerprint },
    { name: 'skopeo, another identity', sig: images.skopeoSign(alice, m, 'docker.io/stagex/core-else:1'), fpr: alice.fingerprint },
    { name: 'skopeo, untrusted key', sig: images.skopeoSign(outsider, m, ref), fpr: outsider.fingerprint },
    { name: 'gpg, legacy type', sig: gpgSign(alice, Buffer.from(buildPayload(m.digest, ref, 'x', 1).toString().replace('atomic container signature', 'atomic'))), fpr: alice.fingerprint },
    { name: 'gpg, extra critical field', sig: gpgSign(alice, Buffer.from(buildPayload(m.digest, ref, 'x', 1).toString().replace('"type"', '"extra":1,"type"'))), fpr: alice.fingerprint },
    { name: 'truncated', sig: images.skopeoSign(alice, m, ref).subarray(0, 60), fpr: alice.fingerprint },
  ];
  const dir = path.join(images.root, 'diff-lookaside');
  const policy = imagePolicy(dir, 1);
  for (const [i, row] of rows.entries()) {
    const sigDir = path.join(dir, signatureDir('stagex/core-diff', m.digest));
    fs.rmSync(sigDir, { recursive: true, force: true });
    fs.mkdirSync(sigDir, { recursive: true });
    fs.writeFileSync(path.join(sigDir, 'signature-1'), row.sig);
    // By digest: the repository must match (matchRepoDigestOrExact); skopeo compares the identity exactly.
    const ours = await cli(['verify', 'image', `docker.io/stagex/core-diff@${m.digest}`, '--policy', policy, '--format', 'json']);
    const skopeo = images.skopeoVerify(keyring, m, ref, row.fpr, row.sig);
    expect({ i, name: row.name, verified: JSON.parse(ours.stdout).verified }).toEqual({ i, name: row.name, verified: skopeo });
  }
  expect(createHash('sha256').update(m.bytes).digest('hex')).toBe(m.digest.slice(7));
}, TIMEOUT);

test('verify cache: quorum over two http caches; a 404 is absent, a 500 and a hang are retried, reported and never counted', async () => {
  const policy = path.join(caches.root, 'policy.toml');
  fs.writeFileSync(
    policy,
    `version = 1
[[signers]]
id = "upstream"
keys = ["${keys[0]!.publicKey}"]
[[signers]]
id = "rebuilder"
keys = ["${keys[1]!.publicKey}"]
[[caches]]
urls = ["${base}/a", "${base}/b"]
[[caches.rules]]
type = "threshold"
min = 2
signers = ["upstream", "rebuilder"]
`,
  );
  const list = path.join(caches.root, 'closure.txt');
  fs.writeFileSync(list, `${paths.join('\n')}\n`);
  // Signature checks spread over worker threads even for this small batch: the compiled worker is exercised.
  const r = await cli(['verify', 'cache', '--closure', list, '--policy', policy, '--format', 'json', '--retries', '2', '--timeout', '2'], { NIXHARDEN_VERIFY_PARALLEL_MIN: '1', NIXHARDEN_VERIFY_THREADS: '2' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(1);
  const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
  const by = new Map(lines.map((l) => [l.path, l]));
  expect(by.get(paths[0])).toMatchObject({ verified: true, reason: 'good', signers: ['rebuilder', 'upstream'], agree: true });
  expect(by.get(paths[1])).toMatchObject({ verified: false, reason: 'policy', signers: ['upstream'] });
  expect(by.get(paths[1]).caches[1]).toMatchObject({ status: 'absent' });
  expect(by.get(paths[2])).toMatchObject({ verified: false, reason: 'cache-error', signers: ['upstream'] });
  expect(by.get(paths[2]).caches[1].detail).toMatch(/HTTP 500 after 3 attempts/);
  expect(by.get(paths[3])).toMatchObject({ verified: false, reason: 'cache-error' });
  expect(by.get(paths[3]).caches[1].detail).toMatch(/ETIMEDOUT|timeout/i);
  const h2 = path.basename(paths[2]!).slice(0, 32);
  expect(hits.get(`/b/${h2}.narinfo`)).toBe(3);

  // A cache serving a different NarSize for a path: the alarm comes first.
  const f = path.join(cacheDir.b, `${path.basename(paths[0]!).slice(0, 32)}.narinfo`);
  fs.writeFileSync(f, fs.readFileSync(f, 'utf8').replace(/^NarSize: (\d+)$/m, (_, n: string) => `NarSize: ${Number(n) + 1}`));
  const alarm = await cli(['verify', 'cache', paths[1]!, paths[0]!, '--policy', policy, '--retries', '0']);
  expect(alarm.status).toBe(1);
  expect(alarm.stdout.split('\n')[0]).toBe(`${paths[0]} ALARM NOT VERIFIED (disagree)`);
  expect(alarm.stdout).toMatch(/ALARM: 1 path\(s\) differ between caches/);

  const bad = await cli(['verify', 'cache', '/nix/store/not-a-path', '--policy', policy]);
  expect(bad.status).toBe(2);
  expect(bad.stderr).toBe('nixharden: not a store path: "/nix/store/not-a-path"\n');
}, TIMEOUT);
