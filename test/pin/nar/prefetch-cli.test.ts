import { mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { execFileSync } from 'node:child_process';
import { runCliAsync } from '../../helpers/cli.js';
import { buildTrickyTree, nixHashPathSri, nixPrefetchUrl, nixPrefetchUrlAsync, tempDir } from './oracles.js';

let dir: string;
let tarball: Buffer;
let tarballPath: string;
let server: http.Server;
let base: string;
const hits: Record<string, number> = {};

beforeAll(async () => {
  dir = tempDir('nh-prefetch-');
  buildTrickyTree(path.join(dir, 'proj-1.0'));
  tarballPath = path.join(dir, 'proj-1.0.tar.gz');
  execFileSync('tar', ['-C', dir, '-czf', tarballPath, 'proj-1.0']);
  tarball = readFileSync(tarballPath);
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits[url] = (hits[url] ?? 0) + 1;
    if (url === '/busy.tar.gz' && hits[url] === 1) {
      res.writeHead(429, { 'retry-after': '0' }).end('slow down');
    } else if (url === '/busy.tar.gz') {
      res.writeHead(200).end(tarball); // no Content-Length: chunked
    } else if (url === '/flaky.tar.gz' && hits[url]! <= 2) {
      res.writeHead(500).end('try again');
    } else if (url === '/truncated.tar.gz') {
      // Promise the whole file, send half, then drop the connection.
      res.writeHead(200, { 'content-length': String(tarball.length) });
      res.write(tarball.subarray(0, tarball.length >> 1), () => res.destroy());
    } else if (url === '/encoded.txt') {
      const gz = gzipSync(Buffer.from('served with Content-Encoding: gzip\n'.repeat(50)));
      res.writeHead(200, { 'content-encoding': 'gzip', 'content-length': String(gz.length) }).end(gz);
    } else if (url === '/missing.tar.gz') {
      res.writeHead(404).end('no');
    } else if (url === '/flaky.tar.gz' || url === '/stable.tar.gz') {
      res.writeHead(200, { 'content-length': String(tarball.length) }).end(tarball);
    } else {
      res.writeHead(400).end();
    }
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

describe('nixharden prefetch over HTTP (oracle: nix-prefetch-url)', () => {
  test('retries after HTTP 500s, then prints the same hash and store path as nix-prefetch-url --unpack', async () => {
    const r = await runCliAsync(['prefetch', '--unpack', '--format', 'json', `${base}/flaky.tar.gz`]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expect(hits['/flaky.tar.gz']).toBe(3);
    const json = JSON.parse(r.stdout);
    const nix = await nixPrefetchUrlAsync(`${base}/stable.tar.gz`, true, 'flaky.tar.gz');
    expect(json.base32).toBe(nix.hash);
    expect(json.storePath).toBe(nix.path);
    expect(json).toMatchObject({ type: 'nar', source: `${base}/flaky.tar.gz`, stripped: true, name: 'flaky.tar.gz' });
    expect(json.sri).toMatch(/^sha256-[A-Za-z0-9+/]{43}=$/);
    expect(Buffer.from(json.hex, 'hex').toString('base64')).toBe(json.sri.slice(7));
  });

  test('a 429 with Retry-After is retried; a chunked body without Content-Length works', async () => {
    const started = Date.now();
    const r = await runCliAsync(['prefetch', '--unpack', '--format', 'json', `${base}/busy.tar.gz`]);
    expect(r.status).toBe(0);
    expect(hits['/busy.tar.gz']).toBe(2);
    expect(JSON.parse(r.stdout).base32).toBe(nixPrefetchUrl(pathToFileURL(tarballPath).href, true).hash);
    expect(Date.now() - started).toBeLessThan(30_000);
  });

  test('a truncated body (short of Content-Length) is an error, retried, and prints no result', async () => {
    const r = await runCliAsync(['prefetch', '--unpack', '--retries', '1', `${base}/truncated.tar.gz`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^nixharden: download of .*truncated.tar.gz failed after 2 attempts: .*\n$/);
    expect(hits['/truncated.tar.gz']).toBe(2);
  });

  test('a 404 is not retried', async () => {
    const r = await runCliAsync(['prefetch', `${base}/missing.tar.gz`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/HTTP 404/);
    expect(hits['/missing.tar.gz']).toBe(1);
  });

  test('--max-size refuses a body larger than the limit', async () => {
    const r = await runCliAsync(['prefetch', '--max-size', '1K', `${base}/stable.tar.gz`]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/size limit of 1024 bytes/);
  });

  test('without --unpack a URL gets the flat hash of its bytes', async () => {
    const r = await runCliAsync(['prefetch', '--format', 'json', `${base}/stable.tar.gz`]);
    const nix = await nixPrefetchUrlAsync(`${base}/stable.tar.gz`, false);
    expect(JSON.parse(r.stdout)).toMatchObject({ type: 'flat', base32: nix.hash, storePath: nix.path, size: tarball.length });
  });
});

describe('Content-Encoding', () => {
  test('a gzip Content-Encoding is decoded before hashing, as Nix does', async () => {
    const r = await runCliAsync(['prefetch', '--format', 'json', `${base}/encoded.txt`]);
    const nix = await nixPrefetchUrlAsync(`${base}/encoded.txt`, false);
    expect(nix.hash).toBeDefined();
    expect(JSON.parse(r.stdout)).toMatchObject({ base32: nix.hash, storePath: nix.path, size: 35 * 50 });
  });
});

describe('nixharden prefetch on local files and directories', () => {
  test('a file, flat and --unpack, with --name, equals nix-prefetch-url file://', async () => {
    const url = pathToFileURL(tarballPath).href;
    for (const unpack of [false, true]) {
      const r = await runCliAsync(['prefetch', ...(unpack ? ['--unpack'] : []), '--name', 'source', '--format', 'json', tarballPath]);
      const nix = nixPrefetchUrl(url, unpack, 'source');
      expect(JSON.parse(r.stdout)).toMatchObject({ base32: nix.hash, storePath: nix.path, type: unpack ? 'nar' : 'flat' });
      const viaUrl = await runCliAsync(['prefetch', ...(unpack ? ['--unpack'] : []), '--format', 'json', url]);
      expect(JSON.parse(viaUrl.stdout).base32).toBe(nix.hash);
    }
  }, 180_000);

  test('a directory is hashed as it stands, like nix hash path; text output', async () => {
    const tree = path.join(dir, 'proj-1.0');
    const r = await runCliAsync(['prefetch', tree]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain(`sri:    ${nixHashPathSri(tree)}\n`);
    expect(r.stdout).toMatch(/^type: {3}nar$/m);
  });

  test('symlinks: to a directory, hashed as the link (nix hash path); to a file, read through (nix-prefetch-url file://)', async () => {
    const dirLink = path.join(dir, 'dir-link');
    const fileLink = path.join(dir, 'file-link.tar.gz');
    symlinkSync(path.join(dir, 'proj-1.0'), dirLink);
    symlinkSync(tarballPath, fileLink);
    const a = await runCliAsync(['prefetch', '--format', 'json', dirLink]);
    expect(JSON.parse(a.stdout).sri).toBe(nixHashPathSri(dirLink));
    const b = await runCliAsync(['prefetch', '--unpack', '--format', 'json', fileLink]);
    expect(JSON.parse(b.stdout).base32).toBe(nixPrefetchUrl(pathToFileURL(fileLink).href, true).hash);
  }, 120_000);

  test('--expected: a match exits 0; a mismatch exits 1 naming both hashes', async () => {
    const nix = nixPrefetchUrl(pathToFileURL(tarballPath).href, true);
    const ok = await runCliAsync(['prefetch', '--unpack', '--expected', nix.hash!, tarballPath]);
    expect(ok.status).toBe(0);
    const sri = execFileSync('nix', ['--extra-experimental-features', 'nix-command', 'hash', 'to-sri', '--type', 'sha256', nix.hash!], { encoding: 'utf8' }).trim();
    const bad = await runCliAsync(['prefetch', '--expected', sri, '--format', 'json', tarballPath]); // flat hash != NAR hash
    expect(bad.status).toBe(1);
    expect(bad.stderr).toContain(`expected: ${sri}`);
    expect(bad.stderr).toMatch(/got: +sha256-/);
    expect(JSON.parse(bad.stdout)).toMatchObject({ expected: sri, matches: false });
  });

  test('bad input: one line, exit 2', async () => {
    const cases: Array<[string[], RegExp]> = [
      [['prefetch', path.join(dir, 'nope')], /nope: no such file or directory/],
      [['prefetch', 'ftp://example.org/x.tar.gz'], /unsupported URL scheme 'ftp:'/],
      [['prefetch', '--expected', 'sha256-xyz', tarballPath], /not a valid hash/],
      [['prefetch', '--expected', `md5:${'0'.repeat(32)}`, tarballPath], /too weak/],
      [['prefetch', '--name', '.hidden', tarballPath], /not a valid store path name/],
    ];
    for (const [args, message] of cases) {
      const r = await runCliAsync(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    mkdirSync(path.join(dir, 'evil'), { recursive: true });
    const evil = path.join(dir, 'evil.tar');
    writeFileSync(path.join(dir, 'evil', 'x'), 'x');
    execFileSync('tar', ['-C', path.join(dir, 'evil'), '-cf', evil, '-P', '--transform', 's,^\\./,../,', './x']);
    const r = await runCliAsync(['prefetch', '--unpack', evil]);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/escapes the archive root/);
  }, 180_000);
});
