import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { defaultIndexPath, importStagex, loadStagexIndex } from '../../../src/migrate/stagex/load.js';
import { runCli, runCliAsync } from '../../helpers/cli.js';
import { fakeDigest, smallRelease } from './fixture.js';
import { indexValidator } from './schema.js';

let release: string;
let work: string;
let server: http.Server;
let base: string;
const hits: Record<string, number> = {};
const conditional: string[] = [];

beforeAll(async () => {
  release = smallRelease();
  work = mkdtempSync(path.join(os.tmpdir(), 'nh-stagex-cli-'));
  server = http.createServer((req, res) => {
    const url = req.url ?? '/';
    hits[url] = (hits[url] ?? 0) + 1;
    const m = /^\/(ok|flaky|down)\/digests\/(\w+\.txt)$/.exec(url);
    if (!m) return void res.writeHead(404).end();
    if (m[1] === 'down' || (m[1] === 'flaky' && m[2] === 'core.txt' && hits[url] === 1)) return void res.writeHead(500).end('oops');
    const body = readFileSync(path.join(release, 'digests', m[2]!));
    const etag = `"${fakeDigest(body.toString())}"`;
    if (req.headers['if-none-match'] === etag) {
      conditional.push(url);
      return void res.writeHead(304, { etag }).end();
    }
    res.writeHead(200, { etag, 'content-type': 'text/plain' }).end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(release, { recursive: true, force: true });
  rmSync(work, { recursive: true, force: true });
});

describe('nixharden stagex import', () => {
  test('a release tree: index at the default path in the cache dir, one summary line, warnings on stderr', () => {
    const cache = path.join(work, 'cache-default');
    const r = runCli(['stagex', 'import', release], { env: { NIXHARDEN_CACHE_DIR: cache } });
    expect(r.status).toBe(0);
    const out = path.join(cache, 'stagex-index.json');
    expect(defaultIndexPath({ NIXHARDEN_CACHE_DIR: cache })).toBe(out);
    expect(r.stdout).toBe(`stagex: 7 images, 7 with digests, 1 warning; written to ${out}\n`);
    expect(r.stderr).toMatch(/^nixharden: warning: .*filesystem\/package\.toml: neither version nor version_from is set\n$/);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(indexValidator()(doc)).toBe(true);
    expect(doc.images).toHaveLength(7);
  });

  test('--output and --release; the written index loads back unchanged', async () => {
    const out = path.join(work, 'explicit.json');
    const r = runCli(['stagex', 'import', release, '--output', out, '--release', '2026.03.0']);
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^stagex 2026\.03\.0: 7 images/);
    const loaded = await loadStagexIndex(out);
    expect(loaded).toEqual(JSON.parse(readFileSync(out, 'utf8')));
    expect((await loadStagexIndex(release)).images).toEqual(loaded.images); // a directory is imported on the fly
  });

  test('bad input exits 2 with one line naming file and line, and writes nothing', () => {
    const bad = smallRelease({ 'digests/core.txt': `${fakeDigest('core-musl')} core-musl\nnot a digest\n` });
    const out = path.join(work, 'never.json');
    const r = runCli(['stagex', 'import', bad, '-o', out]);
    rmSync(bad, { recursive: true, force: true });
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nixharden: ${path.join(bad, 'digests', 'core.txt')}:2: not a digest line "<64 hex> <stage>-<name>": "not a digest"\n`);
    expect(existsSync(out)).toBe(false);
  });

  test('a base URL: digests fetched with got, a 500 retried; versions and dependencies unknown', async () => {
    const out = path.join(work, 'url.json');
    const r = await runCliAsync(['stagex', 'import', `${base}/flaky/`, '-o', out, '--cache-dir', path.join(work, 'cache-url')]);
    expect(r.stderr).toBe('nixharden: warning: digests only (imported from a URL): versions, subpackages and build dependencies are unknown; import a stagex checkout for them\n');
    expect(r.status).toBe(0);
    expect(hits['/flaky/digests/core.txt']).toBe(2);
    const doc = JSON.parse(readFileSync(out, 'utf8'));
    expect(indexValidator()(doc)).toBe(true);
    expect(doc).toMatchObject({ source: `${base}/flaky`, packageData: false });
    const fromTree = await importStagex(release);
    expect(doc.images.map((i: { id: string; digest: string }) => [i.id, i.digest])).toEqual(fromTree.images.map((i) => [i.id, i.digest]));
    expect(doc.images.every((i: { version: unknown; buildDeps: unknown[] }) => i.version === null && i.buildDeps.length === 0)).toBe(true);
  });

  test('a persistent 500 exits 2 with one line after the retries', async () => {
    const out = path.join(work, 'down.json');
    const r = await runCliAsync(['stagex', 'import', `${base}/down`, '-o', out, '--retries', '1', '--cache-dir', path.join(work, 'cache-down')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nixharden: cannot fetch ${base}/down/digests/bootstrap.txt: HTTP 500 after 2 attempts\n`);
    expect(hits['/down/digests/bootstrap.txt']).toBe(2);
    expect(existsSync(out)).toBe(false);
  });

  test('the download cache revalidates with the ETag (304) and gives the same index', async () => {
    const cacheDir = path.join(work, 'cache-reval');
    const first = await importStagex(`${base}/ok`, { cacheDir, env: { SOURCE_DATE_EPOCH: '0' } });
    expect(conditional).toEqual([]);
    const second = await importStagex(`${base}/ok`, { cacheDir, env: { SOURCE_DATE_EPOCH: '0' } });
    expect(conditional.sort()).toEqual(['bootstrap', 'core', 'pallet', 'user'].map((s) => `/ok/digests/${s}.txt`));
    expect(second).toEqual(first);
  });
});

describe('loadStagexIndex', () => {
  test('refuses a file that is not a version 1 index, in one line', async () => {
    const file = path.join(work, 'bad-index.json');
    const good = await importStagex(release);
    const cases: Array<[unknown, RegExp]> = [
      [{ ...good, version: 2 }, /^stagex index version 2 is not supported/],
      [{ ...good, images: [{ ...good.images[0], digest: 'sha256:nothex' }] }, /^not a valid stagex index: \/images\/0\/digest /],
      [{ ...good, extra: 1 }, /^not a valid stagex index: \/ must NOT have additional properties/],
    ];
    for (const [doc, re] of cases) {
      writeFileSync(file, JSON.stringify(doc));
      const err = (await loadStagexIndex(file).catch((e: unknown) => e)) as UserError;
      expect(err).toBeInstanceOf(UserError);
      expect(err.file).toBe(file);
      expect(err.message).toMatch(re);
    }
    writeFileSync(file, '{');
    await expect(loadStagexIndex(file)).rejects.toThrow(/^not a stagex index \(JSON\)/);
    await expect(loadStagexIndex(path.join(work, 'absent.json'))).rejects.toThrow(/run `nixharden stagex import SOURCE` first/);
  });
});
