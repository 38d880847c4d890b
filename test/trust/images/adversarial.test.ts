/**
 * Adversarial image signatures (issue #9, #14): each row is a set of
 * signature files in a lookaside directory, the reference asked for, the
 * expected image verdict and the expected reason of every signature. Keys are
 * real gpg keys; signatures are written by gpg (`gpg --sign`, as skopeo does)
 * or by nixharden's own writer (checked against skopeo in differential.test.ts).
 * None may ever be verified wrongly.
 */
import fs from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { ImageLab, gpgSign } from './lab.js';
import type { GpgKey } from '../../helpers/signing.js';
import { buildPayload } from '../../../src/trust/images/payload.js';
import { signPayload } from '../../../src/trust/images/sign.js';
import { signatureDir } from '../../../src/sources/lookaside.js';
import { loadPolicy } from '../../../src/trust/policy/policy.js';
import { verifyImages } from '../../../src/app/verify-image.js';
import type { ImageResult } from '../../../src/trust/images/evaluate.js';

const DIGEST = `sha256:${'a1'.repeat(32)}`;
const OTHER = `sha256:${'b2'.repeat(32)}`;
const DAY = 86_400_000;

let lab: ImageLab;
let lookaside: string;
let policyFile: string;
const k: Record<string, GpgKey> = {};
const sk: Record<string, openpgp.PrivateKey> = {};

interface Case {
  name: string;
  ref: string;
  sigs: (Buffer | 'dir')[];
  verified: boolean;
  reason: ImageResult['reason'];
  sigReasons: string[];
  signers?: string[];
}
const cases: Case[] = [];
let results: Map<string, ImageResult>;

/** A payload as containers writes it, or with `mutate` applied to its JSON object. */
function payload(digest: string, identity: string, mutate?: (o: Payload) => unknown): Buffer {
  const base = JSON.parse(buildPayload(digest, identity, 'test', 1_700_000_000).toString());
  const out = mutate ? (mutate(base) ?? base) : base;
  return Buffer.from(typeof out === 'string' ? out : JSON.stringify(out));
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- payloads are mutated freely to build hostile shapes
type Payload = Record<string, any>;

const sign = (who: string, p: Buffer, date = new Date()) => signPayload(p, sk[who]!, date);

beforeAll(async () => {
  lab = new ImageLab();
  const home = lab.home;
  const past = new Date(Date.now() - 400 * DAY);
  k.alice = home.genKey({ uid: 'Alice <alice@example.org>' });
  k.bob = home.genKey({ uid: 'Bob <bob@example.org>', algo: 'rsa2048' });
  k.carol = home.genKey({ uid: 'Carol <carol@example.org>', signingSubkey: true });
  k.dave = home.genKey({ uid: 'Dave <dave@example.org>', signingSubkey: true });
  const daveSecond = home.addSubkey(k.dave, 'sign');
  k.dave2 = { ...k.dave, signingFingerprint: daveSecond };
  k.olga = home.genKey({ uid: 'Olga <olga@example.org>' });
  k.expired = home.genKey({ uid: 'Exp <exp@example.org>', at: past, expire: '10d' });
  k.revoked = home.genKey({ uid: 'Rev <rev@example.org>' });
  k.weak = home.genKey({ uid: 'Weak <weak@example.org>', algo: 'rsa1024' });
  const outsiders = lab.lab.gpgHome();
  k.eve = outsiders.genKey({ uid: 'Eve <eve@example.org>' });
  k.mallory = outsiders.genKey({ uid: 'Mallory <mallory@example.org>', signingSubkey: true });
  for (const name of ['alice', 'bob', 'olga', 'revoked', 'eve']) sk[name] = await lab.privateKey(k[name]!);

  const dir = lab.root;
  lookaside = path.join(dir, 'lookaside');
  const keyFile = (name: string) => {
    const f = path.join(dir, `${name}.asc`);
    fs.writeFileSync(f, k[name]!.home.exportPublic([k[name]!], { armor: true }));
    return f;
  };

  // ---- rows. solo: 1 of everyone trusted; duo: 2 of four; stagex: remapped quay → docker; plain: quay without remap; split: two rules.
  const solo = (n: number) => `docker.io/solo/img${n}`;
  let n = 0;
  const add = (c: Omit<Case, 'ref'> & { ref?: string }) => cases.push({ ref: c.ref ?? `${solo(n++)}@${DIGEST}`, ...c });
  const id = (ref: string) => ref.replace(/@sha256:.*$/, ':1.0');
  const good = (who: string, ref: string) => sign(who, payload(DIGEST, id(ref)));
  const nextRef = () => `${solo(n)}@${DIGEST}`;

  add({ name: 'good signature (ed25519 primary)', sigs: [await good('alice', nextRef())], verified: true, reason: 'good', sigReasons: ['good'], signers: ['alice'] });
  add({ name: 'good signature (rsa2048, by gpg)', sigs: [gpgSign(k.bob!, payload(DIGEST, id(nextRef())))], verified: true, reason: 'good', sigReasons: ['good'], signers: ['bob'] });
  add({ name: 'signing subkey counts for its primary', sigs: [gpgSign(k.carol!, payload(DIGEST, id(nextRef())))], verified: true, reason: 'good', sigReasons: ['good'], signers: ['carol'] });
  add({ name: 'second signing subkey counts for its primary', sigs: [gpgSign(k.dave2!, payload(DIGEST, id(nextRef())))], verified: true, reason: 'good', sigReasons: ['good'], signers: ['dave'] });
  add({ name: 'key not in the policy', sigs: [await good('eve', nextRef())], verified: false, reason: 'policy', sigReasons: ['unknown-key'] });
  add({ name: 'subkey of an untrusted primary', sigs: [gpgSign(k.mallory!, payload(DIGEST, id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['unknown-key'] });
  add({ name: 'expired key', sigs: [gpgSign(k.expired!, payload(DIGEST, id(nextRef())), { fakedTime: new Date(past.getTime() + DAY) })], verified: false, reason: 'policy', sigReasons: ['expired-key'] });
  add({ name: 'revoked key', sigs: [await good('revoked', nextRef())], verified: false, reason: 'policy', sigReasons: ['revoked-key'] });
  add({ name: 'RSA 1024 key', sigs: [gpgSign(k.weak!, payload(DIGEST, id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['weak-algorithm'] });
  add({ name: 'signature over another digest', sigs: [await sign('alice', payload(OTHER, id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['digest-mismatch'] });
  add({ name: 'signed digest in upper case', sigs: [await sign('alice', payload(DIGEST.toUpperCase().replace('SHA256', 'sha256'), id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['non-standard'] });
  add({ name: 'identity of another repository', sigs: [await sign('alice', payload(DIGEST, 'docker.io/solo/elsewhere:1.0'))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  add({ name: 'identity on another registry', sigs: [await sign('alice', payload(DIGEST, id(nextRef()).replace('docker.io', 'quay.io')))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  add({ name: 'name-only identity', sigs: [await sign('alice', payload(DIGEST, nextRef().replace(/@.*$/, '')))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  add({ name: 'unparseable identity', sigs: [await sign('alice', payload(DIGEST, 'Not A Reference!'))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  add({ name: 'identity in short form (stagex style) is normalised', sigs: [await sign('alice', payload(DIGEST, id(nextRef()).replace('docker.io/', '')))], verified: true, reason: 'good', sigReasons: ['good'] });
  add({ name: 'identity by digest', sigs: [await sign('alice', payload(DIGEST, nextRef()))], verified: true, reason: 'good', sigReasons: ['good'] });
  {
    const m = n++;
    add({ ref: `${solo(m)}:1.0@${DIGEST}`, name: 'tag and digest asked: the tag must match exactly', sigs: [await sign('alice', payload(DIGEST, `${solo(m)}:2.0`))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  }
  add({ name: 'legacy payload: a JSON array', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => JSON.stringify([o])))], verified: false, reason: 'policy', sigReasons: ['non-standard'] });
  add({ name: 'legacy payload: another type', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.critical.type = 'atomic container signature v0')))], verified: false, reason: 'policy', sigReasons: ['non-standard'] });
  add({ name: 'legacy payload: sha512 digest', sigs: [await sign('alice', payload(`sha512:${'c3'.repeat(64)}`, id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['non-standard'] });
  add({ name: 'legacy payload: digest without algorithm', sigs: [await sign('alice', payload(DIGEST.slice(7), id(nextRef())))], verified: false, reason: 'policy', sigReasons: ['non-standard'] });
  add({ name: 'extra critical field', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.critical.expires = 0)))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'extra field in critical.image', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.critical.image.platform = 'linux/amd64')))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'extra field in critical.identity', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.critical.identity.scope = '*')))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'extra top-level field', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.extra = {})))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'missing optional', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void delete o.optional))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'missing identity', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void delete o.critical.identity))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  {
    const dup = (ref: string) => `{"critical":{"type":"atomic container signature","image":{"docker-manifest-digest":"${OTHER}"},"image":{"docker-manifest-digest":"${DIGEST}"},"identity":{"docker-reference":"${id(ref)}"}},"optional":{}}`;
    add({ name: 'duplicate key: two critical.image (last wins in JSON.parse)', sigs: [await sign('alice', Buffer.from(dup(nextRef())))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  add({ name: 'optional.timestamp not an integer', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.optional.timestamp = 1.5)))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'optional.creator not a string', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.optional.creator = 7)))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'critical.type not a string', sigs: [await sign('alice', payload(DIGEST, id(nextRef()), (o) => void (o.critical.type = 1)))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'payload is not JSON', sigs: [await sign('alice', Buffer.from('critical: yes'))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'payload is not UTF-8', sigs: [await sign('alice', Buffer.concat([payload(DIGEST, id(nextRef())).subarray(0, 20), Buffer.from([0xff, 0xfe])]))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'payload with trailing data', sigs: [await sign('alice', Buffer.concat([payload(DIGEST, id(nextRef())), Buffer.from('{}')]))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  {
    const whole = await good('alice', nextRef());
    add({ name: 'truncated signature', sigs: [whole.subarray(0, Math.floor(whole.length / 2))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  add({ name: 'garbage bytes', sigs: [Buffer.from('\xa3\x01garbage that is not deflate at all', 'latin1')], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'random binary', sigs: [Buffer.from(Array.from({ length: 200 }, (_, i) => (i * 37 + 11) & 0xff))], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  add({ name: 'empty signature file', sigs: [Buffer.alloc(0)], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  {
    const message = await openpgp.createMessage({ binary: payload(DIGEST, id(nextRef())) });
    const armored = await openpgp.sign({ message, signingKeys: sk.alice!, format: 'armored' });
    add({ name: 'ASCII-armoured message instead of binary', sigs: [Buffer.from(armored)], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  {
    const message = await openpgp.createMessage({ binary: payload(DIGEST, id(nextRef())) });
    const detached = await openpgp.sign({ message, signingKeys: sk.alice!, detached: true, format: 'binary' });
    add({ name: 'detached signature with no payload', sigs: [Buffer.from(detached)], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  {
    const message = await openpgp.createMessage({ binary: payload(DIGEST, id(nextRef())) });
    const two = await openpgp.sign({ message, signingKeys: [sk.alice!, sk.bob!], format: 'binary' });
    add({ name: 'two signatures in one message', sigs: [Buffer.from(two)], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  {
    const p = payload(DIGEST, id(nextRef()));
    const message = await openpgp.createMessage({ binary: p });
    const plain = Buffer.from(await openpgp.sign({ message, signingKeys: sk.alice!, format: 'binary' }));
    const at = plain.indexOf(DIGEST.slice(7));
    plain[at] = plain[at] === 0x61 ? 0x62 : 0x61;
    add({ name: 'payload changed after signing (uncompressed message)', sigs: [plain], verified: false, reason: 'policy', sigReasons: ['bad-signature'] });
  }
  {
    const message = await openpgp.createMessage({ binary: payload(DIGEST, id(nextRef())) });
    const plain = Buffer.from(await openpgp.sign({ message, signingKeys: sk.alice!, format: 'binary' }));
    plain[plain.length - 5] ^= 0x01;
    add({ name: 'signature bytes changed', sigs: [plain], verified: false, reason: 'policy', sigReasons: ['bad-signature'] });
  }
  {
    const message = await openpgp.createMessage({ binary: payload(DIGEST, id(nextRef())) });
    const signed = await openpgp.sign({ message, signingKeys: sk.alice!, format: 'object' });
    (signed.packets[0] as unknown as { hashAlgorithm: number }).hashAlgorithm = openpgp.enums.hash.sha1;
    add({ name: 'one-pass header that does not describe its signature', sigs: [Buffer.from(signed.write() as Uint8Array)], verified: false, reason: 'policy', sigReasons: ['malformed'] });
  }
  add({ name: 'good signature by a signer in no rule', sigs: [await good('olga', nextRef())], verified: false, reason: 'policy', sigReasons: ['signer-not-in-rule'] });
  add({ name: 'no signatures at all', sigs: [], verified: false, reason: 'unsigned', sigReasons: [] });
  add({ name: 'unreadable lookaside entry after a good one', sigs: [await good('alice', nextRef()), 'dir'], verified: true, reason: 'good', sigReasons: ['good'] });
  add({ name: 'unreadable lookaside entry, nothing counted', sigs: ['dir'], verified: false, reason: 'lookaside-error', sigReasons: [] });
  add({ name: 'garbage then a good one', sigs: [Buffer.from('junk'), await good('bob', nextRef())], verified: true, reason: 'good', sigReasons: ['malformed', 'good'] });

  // duo: 2 of {alice, bob, carol, dave}
  const duo = (tag: string) => `docker.io/duo/${tag}@${DIGEST}`;
  const duoId = (tag: string) => `docker.io/duo/${tag}:1.0`;
  const duoRow = async (tag: string, name: string, who: (string | [string, Buffer])[], verified: boolean, sigReasons: string[], signers?: string[]) => {
    const sigs: Buffer[] = [];
    for (const w of who) sigs.push(Array.isArray(w) ? w[1] : ['carol', 'dave', 'dave2'].includes(w) ? gpgSign(k[w]!, payload(DIGEST, duoId(tag))) : await sign(w, payload(DIGEST, duoId(tag))));
    cases.push({ ref: duo(tag), name, sigs, verified, reason: verified ? 'good' : 'policy', sigReasons, ...(signers ? { signers } : {}) });
  };
  await duoRow('a', 'two distinct signers', ['alice', 'bob'], true, ['good', 'good'], ['alice', 'bob']);
  await duoRow('b', 'the same signer twice', ['alice', 'alice'], false, ['good', 'duplicate-signer'], ['alice']);
  await duoRow('c', 'two subkeys of one primary', ['dave', 'dave2'], false, ['good', 'duplicate-signer'], ['dave']);
  await duoRow('d', 'one trusted and one unknown', ['alice', 'eve'], false, ['good', 'unknown-key']);
  await duoRow('e', 'one trusted and one revoked', ['alice', 'revoked'], false, ['good', 'revoked-key']);
  await duoRow('f', 'second signature over another digest', ['alice', ['bob', await sign('bob', payload(OTHER, duoId('f')))]], false, ['good', 'digest-mismatch']);
  await duoRow('g', 'second signature for another repository', ['alice', ['bob', await sign('bob', payload(DIGEST, duoId('other')))]], false, ['good', 'identity-mismatch']);
  await duoRow('h', 'three signers, one a subkey', ['alice', 'bob', 'carol'], true, ['good', 'good', 'good'], ['alice', 'bob', 'carol']);
  await duoRow('i', 'a garbage file between two good ones', ['alice', ['x', Buffer.from([0x80, 0x01])], 'bob'], true, ['good', 'malformed', 'good']);
  await duoRow('j', 'one signer in the rule and one outside it', ['alice', 'olga'], false, ['good', 'signer-not-in-rule']);
  await duoRow('k', 'one good and one legacy payload', ['alice', ['bob', await sign('bob', payload(DIGEST, duoId('k'), (o) => JSON.stringify([o])))]], false, ['good', 'non-standard']);

  // stagex: quay.io/stagex is signed as docker.io/stagex (remapIdentity), 2 of {alice, bob}.
  const sx = async (ref: string, identity: string, name: string, verified: boolean, sigReasons: string[]) =>
    cases.push({ ref, name, sigs: [await sign('alice', payload(DIGEST, identity)), await sign('bob', payload(DIGEST, identity))], verified, reason: verified ? 'good' : 'policy', sigReasons });
  await sx(`quay.io/stagex/core-busybox:1.36@${DIGEST}`, `docker.io/stagex/core-busybox:1.36@${DIGEST}`, 'quay tag+digest reference signed as docker.io tag+digest (remap)', true, ['good', 'good']);
  await sx(`quay.io/stagex/core-bash:5@${DIGEST}`, 'docker.io/stagex/core-bash:5', 'tag+digest asked: containers compares the whole reference, digest included', false, ['identity-mismatch', 'identity-mismatch']);
  await sx(`quay.io/stagex/core-gcc@${DIGEST}`, 'stagex/core-gcc:13.1.0', 'quay digest reference, stagex short identity (remap)', true, ['good', 'good']);
  await sx(`docker.io/stagex/core-make@${DIGEST}`, 'stagex/core-make:4.4', 'docker.io reference under the entry prefix', true, ['good', 'good']);
  await sx(`quay.io/stagex/core-zlib:1@${DIGEST}`, 'quay.io/stagex/core-zlib:1', 'remapped reference signed with its own quay identity', false, ['identity-mismatch', 'identity-mismatch']);
  await sx(`quay.io/stagex/core-xz@${DIGEST}`, 'docker.io/other/core-xz:1', 'remap does not reach outside the signed prefix', false, ['identity-mismatch', 'identity-mismatch']);
  // plain: quay.io/plain has no remap.
  cases.push({ ref: `quay.io/plain/tool@${DIGEST}`, name: 'remapped identity without remap', sigs: [await sign('alice', payload(DIGEST, 'docker.io/plain/tool:1'))], verified: false, reason: 'policy', sigReasons: ['identity-mismatch'] });
  cases.push({ ref: `quay.io/plain/tool2@${DIGEST}`, name: 'quay identity under a quay entry', sigs: [await sign('alice', payload(DIGEST, 'quay.io/plain/tool2:1'))], verified: true, reason: 'good', sigReasons: ['good'] });
  // split: two rules, both must hold.
  cases.push({ ref: `docker.io/split/x@${DIGEST}`, name: 'two rules, only the first met', sigs: [await sign('alice', payload(DIGEST, 'docker.io/split/x:1'))], verified: false, reason: 'policy', sigReasons: ['good'] });
  cases.push({ ref: `docker.io/split/y@${DIGEST}`, name: 'two rules, both met', sigs: [await sign('alice', payload(DIGEST, 'docker.io/split/y:1')), await sign('bob', payload(DIGEST, 'docker.io/split/y:1'))], verified: true, reason: 'good', sigReasons: ['good', 'good'] });
  cases.push({ ref: `docker.io/split/z@${DIGEST}`, name: 'two rules, one signer cannot satisfy both', sigs: [await sign('alice', payload(DIGEST, 'docker.io/split/z:1')), await sign('alice', payload(DIGEST, 'docker.io/split/z:1'))], verified: false, reason: 'policy', sigReasons: ['good', 'duplicate-signer'] });

  // Revocation and expiry are judged now: revoke after signing, then export the certificates.
  home.revoke(k.revoked!);
  const files = Object.fromEntries(['alice', 'bob', 'carol', 'dave', 'olga', 'expired', 'revoked', 'weak'].map((s) => [s, keyFile(s)]));
  policyFile = path.join(dir, 'policy.toml');
  const signers = Object.entries(files)
    .map(([id, f]) => `[[signers]]\nid = "${id}"\nkeys = [{ path = "${path.basename(f)}" }]\n`)
    .join('\n');
  const entry = (prefix: string, rules: string, extra = '') => `[[images]]\nprefix = "${prefix}"\nlookaside = "lookaside"\n${extra}${rules}`;
  const rule = (min: number, who: string[]) => `[[images.rules]]\ntype = "threshold"\nmin = ${min}\nsigners = [${who.map((w) => `"${w}"`).join(', ')}]\n`;
  fs.writeFileSync(
    policyFile,
    [
      'version = 1',
      signers,
      entry('docker.io/solo', rule(1, ['alice', 'bob', 'carol', 'dave', 'expired', 'revoked', 'weak'])),
      entry('docker.io/duo', rule(2, ['alice', 'bob', 'carol', 'dave'])),
      entry('docker.io/stagex', rule(2, ['alice', 'bob']), 'remap = { prefix = "quay.io/stagex", signed-prefix = "docker.io/stagex" }\n'),
      entry('quay.io/plain', rule(1, ['alice'])),
      entry('docker.io/split', rule(1, ['alice']) + rule(1, ['bob'])),
    ].join('\n'),
  );
  for (const c of cases) {
    const parsed = c.ref.match(/^[^/]+\/(.+?)(?::[^@/]+)?@(sha256:[0-9a-f]+)$/)!;
    const d = path.join(lookaside, signatureDir(parsed[1]!, parsed[2]!));
    if (fs.existsSync(d)) throw new Error(`two cases share ${d}`);
    fs.mkdirSync(d, { recursive: true });
    c.sigs.forEach((s, i) => (s === 'dir' ? fs.mkdirSync(path.join(d, `signature-${i + 1}`)) : fs.writeFileSync(path.join(d, `signature-${i + 1}`), s)));
  }
  const policy = await loadPolicy(policyFile);
  const list = await verifyImages({ refs: cases.map((c) => c.ref), policy });
  results = new Map(list.map((r) => [r.requested, r]));
}, 600_000);

afterAll(() => lab?.cleanup());

test('the table is large enough', () => {
  expect(cases.length).toBeGreaterThanOrEqual(70);
  expect(cases.length).toBeLessThanOrEqual(80); // the test.each below has 80 slots
});

test.each(Array.from({ length: 80 }, (_, i) => i))('case %i', (i) => {
  const c = cases[i];
  if (!c) return;
  const r = results.get(c.ref)!;
  const got = { name: c.name, verified: r.verified, reason: r.reason, sigReasons: r.signatures.map((s) => s.reason) };
  expect(got).toEqual({ name: c.name, verified: c.verified, reason: c.reason, sigReasons: c.sigReasons });
  if (c.signers) expect(r.signers).toEqual(c.signers);
  // Never verified wrongly: a verified image has as many distinct counted signers as its strictest rule asks.
  if (r.verified) expect(r.rules.every((x) => x.satisfied)).toBe(true);
});
