/**
 * The `[[images]]` and `[[caches]]` sections of the trust policy: what loads,
 * and every mistake failing closed with the file and line.
 */
import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { loadPolicy } from '../../../src/trust/policy/policy.js';
import { selectImagePolicy } from '../../../src/trust/policy/artifacts.js';
import { Fixture, type GpgKey } from '../../sources/fixture-repo.js';
import { runCli } from '../../helpers/cli.js';

let f: Fixture;
let alice: GpgKey;
const NIX_A = 'cache.nixos.org-1:6NCHdD59X431o0gWypbMrAURkbJ16ZPMQFGspcDShjY=';
const NIX_B = 'rebuilder-1:Qm9vdGhlcmFub3RoZXJrZXlvZjMyYnl0ZXNsb25nIUU=';

beforeAll(() => {
  f = new Fixture('nh-policy-art-');
  alice = f.gpgKey('Alice <alice@example.org>');
  f.write('keys/alice.asc', alice.armored);
  f.write('keys/rebuilder.pub', NIX_B);
});
afterAll(() => f.cleanup());

const signers = `version = 1

[[signers]]
id = "alice"
keys = [{ path = "keys/alice.asc" }]

[[signers]]
id = "cno"
keys = ["${NIX_A}"]

[[signers]]
id = "rebuilder"
keys = [{ path = "keys/rebuilder.pub" }]
`;

const images = `
[[images]]
prefix = "docker.io/stagex"
lookaside = "sigs"
remap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }
[[images.rules]]
type = "threshold"
min = 1
signers = ["alice"]
`;

const caches = `
[[caches]]
urls = ["https://cache.nixos.org/", "file:///srv/rebuilds"]
[[caches.rules]]
type = "threshold"
min = 2
signers = ["cno", "rebuilder"]
`;

function write(name: string, text: string): string {
  return f.write(name, text);
}

async function expectUserError(file: string, match: RegExp, line?: number): Promise<void> {
  const err = await loadPolicy(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  expect((err as UserError).message).toMatch(match);
  if (line !== undefined) expect((err as UserError).line).toBe(line);
}

const lineOf = (text: string, needle: string) => text.split('\n').findIndex((l) => l.includes(needle)) + 1;

test('a policy with only images and caches loads, canonical and resolved', async () => {
  const file = write('ok.toml', signers + images + caches);
  const p = await loadPolicy(file);
  expect(p.repositories).toEqual([]);
  expect(p.images).toEqual([
    expect.objectContaining({ prefix: 'docker.io/stagex', lookaside: path.join(path.dirname(file), 'sigs'), remap: { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' } }),
  ]);
  expect(p.caches).toEqual([expect.objectContaining({ urls: ['https://cache.nixos.org', 'file:///srv/rebuilds'], agree: true })]);
  expect(p.caches[0]!.rules[0]).toMatchObject({ type: 'threshold', min: 2, signers: ['cno', 'rebuilder'] });
  expect(p.signers.get('rebuilder')!.keys[0]).toMatchObject({ kind: 'nix', fingerprint: NIX_B });
  expect(selectImagePolicy(p.images, 'quay.io/stagex/core-gcc')?.prefix).toBe('docker.io/stagex');
  expect(selectImagePolicy(p.images, 'docker.io/stagexx/core-gcc')).toBeUndefined();
});

test.each([
  ['an unknown field in [[images]]', images.replace('lookaside =', 'signed-by = "x"\nlookaside ='), /images\.0: unknown field "signed-by"/, 'signed-by'],
  ['an unknown field in [[caches]]', caches.replace('[[caches.rules]]', 'trusted = true\n[[caches.rules]]'), /caches\.0: unknown field "trusted"/, 'trusted'],
  ['a two-party rule on images', images.replace('type = "threshold"\nmin = 1\n', 'type = "two-party"\n'), /unknown rule type "two-party" \(expected threshold: images and caches take threshold rules\)/, 'two-party'],
  ['an unknown signer', caches.replace('"rebuilder"]', '"rebuilder", "mallory"]'), /unknown signer "mallory"/, '"mallory"'],
  ['min above the signers', caches.replace('min = 2', 'min = 3'), /threshold 3 can never be met by 2 signer\(s\)/, 'min = 3'],
  ['a Nix key on an image rule', images.replace('signers = ["alice"]', 'signers = ["alice", "cno"]'), /signer "cno" has no OpenPGP certificate; image signatures are OpenPGP \(its keys: Nix\)/, 'signers = ["alice", "cno"]'],
  ['an OpenPGP key on a cache rule', caches.replace('["cno", "rebuilder"]', '["cno", "alice"]'), /signer "alice" has no Nix public key/, '"alice"]'],
  ['a prefix without a registry', images.replace('prefix = "docker.io/stagex"', 'prefix = "stagex"'), /prefix "stagex" must start with a registry host/, 'prefix = "stagex"'],
  ['an upper-case repository prefix', images.replace('prefix = "docker.io/stagex"', 'prefix = "docker.io/StageX"'), /is not a repository path/, 'StageX'],
  ['a cache URL scheme', caches.replace('"file:///srv/rebuilds"', '"s3://bucket"'), /must match pattern/, 's3://'],
  ['a lookaside scheme', images.replace('lookaside = "sigs"', 'lookaside = "ftp://x/sigs"'), /use an http\(s\):\/\/ or file:\/\/ URL, or a directory/, 'ftp://'],
  ['two entries for one prefix', images + images.replace('remap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }\n', '').replace('prefix = "docker.io/stagex"', 'prefix = "docker.io/stagex" # again'), /prefix "docker.io\/stagex" is already covered by \[\[images\]\] entry 1/, '# again'],
])('%s fails closed with its line', async (_name, section, message, needle) => {
  const text = signers + section;
  const file = write(`bad-${Math.random().toString(36).slice(2)}.toml`, text);
  await expectUserError(file, message, lineOf(text, needle));
});

test('Nix key mistakes: a secret key, two keys under one name', async () => {
  const secret = `${NIX_B.split(':')[0]}:${Buffer.alloc(64, 7).toString('base64')}`;
  await expectUserError(write('secret.toml', signers.replace(`keys = ["${NIX_A}"]`, `keys = ["${secret}"]`) + caches), /that is a Nix SECRET key/);
  const clash = `${NIX_A.split(':')[0]}:${Buffer.alloc(32, 9).toString('base64')}`;
  await expectUserError(write('clash.toml', `${signers}\n[[signers]]\nid = "twin"\nkeys = ["${clash}"]\n${caches}`), /Nix key name "cache.nixos.org-1" is listed with two different keys/);
});

test('a policy that governs nothing says so; verify-commit still needs [[repositories]]', async () => {
  await expectUserError(write('nothing.toml', signers), /the policy governs nothing: add \[\[repositories\]\], \[\[images\]\] or \[\[caches\]\]/);
  const file = write('images-only.toml', signers + images);
  const r = runCli(['verify-commit', '--policy', file, '--repo', f.repo]);
  expect(r.status).toBe(2);
  expect(r.stderr).toMatch(/no \[\[repositories\]\] entry matches/);
});

test('policy check summarises images and caches', () => {
  const file = write('summary.toml', signers + images + caches);
  const r = runCli(['policy', 'check', file]);
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  expect(r.stdout).toBe(
    `${file}: ok: 3 signer(s), 3 key(s), 0 repository entries, 1 image entry, 1 cache entry\n` +
      `  image docker.io/stagex: 1 of {alice}; lookaside ${path.join(path.dirname(file), 'sigs')}; quay.io/stagex signed as docker.io/stagex\n` +
      '  cache https://cache.nixos.org + file:///srv/rebuilds: 2 of {cno,rebuilder}; NarHash/NarSize must agree\n',
  );
});

test('the starter policy template shows images and caches, and its examples are valid', async () => {
  const out = path.join(f.dir, 'starter.toml');
  expect(runCli(['policy', 'init', '--output', out]).status).toBe(0);
  const text = fs.readFileSync(out, 'utf8');
  const block = (start: string) =>
    text
      .slice(text.indexOf(start))
      .split('\n')
      .filter((l) => l.startsWith('# '))
      .map((l) => l.slice(2))
      .filter((l) => /^(\[|[a-z-]+ = )/.test(l))
      .join('\n');
  const imagesExample = block('# [[images]]').split('\n# [[caches]]')[0]!;
  expect(imagesExample).toMatch(/^\[\[images\]\]\nprefix = "docker.io\/stagex"/);
  const cachesExample = text.slice(text.indexOf('# [[caches]]')).split('\n').map((l) => l.replace(/^# /, '')).join('\n');
  const example = `version = 1
[[signers]]
id = "alice"
keys = [{ path = "keys/alice.asc" }]
[[signers]]
id = "bob"
keys = [{ path = "keys/alice.asc" }]
[[signers]]
id = "carol"
keys = [{ path = "keys/alice.asc" }]
[[signers]]
id = "cache-nixos-org"
keys = ["${NIX_A}"]
[[signers]]
id = "our-rebuilder"
keys = [{ path = "keys/rebuilder.pub" }]
${text.slice(text.indexOf('# [[images]]'), text.indexOf('# Binary caches')).split('\n').map((l) => l.replace(/^# /, '')).join('\n')}
${cachesExample}`;
  // alice's certificate listed thrice is one key under three signers: use distinct files instead.
  const p = await loadPolicy(write('starter-examples.toml', example.replace(/keys = \[\{ path = "keys\/alice.asc" \}\]\n\[\[signers\]\]\nid = "bob"\nkeys = \[\{ path = "keys\/alice.asc" \}\]\n\[\[signers\]\]\nid = "carol"\nkeys = \[\{ path = "keys\/alice.asc" \}\]/, `keys = [{ path = "keys/alice.asc" }]\n[[signers]]\nid = "bob"\nkeys = ["${f.gpgKey('Bob <b@x>').armored.replace(/\n/g, '\\n')}"]\n[[signers]]\nid = "carol"\nkeys = ["${f.gpgKey('Carol <c@x>').armored.replace(/\n/g, '\\n')}"]`)));
  expect(p.images[0]).toMatchObject({ prefix: 'docker.io/stagex', lookaside: 'https://sigs.stagex.tools', remap: { prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' } });
  expect(p.caches[0]).toMatchObject({ urls: ['https://cache.nixos.org', 'file:///srv/rebuilds'], agree: true });
});
