/**
 * The speed-ups of the signature layer must never change a verdict:
 *  - the node:crypto fast path (signatures/openpgp/fast-verify.ts) may only confirm what
 *    openpgp.js itself accepts: checked over every one-byte change of real
 *    signatures made by gpg and openpgp.js, with git's verdict on the originals;
 *  - the direct packet reader (openpgp-packets.ts) yields the packets
 *    openpgp.readSignature yields, or nothing;
 *  - cached certificate facts (openpgp-cert-facts.ts) are per certificate object:
 *    verdicts that differ by signature time or by certificate version stay
 *    different whichever order they are computed in, and git agrees;
 *  - cached SSH keys (ssh-keys.ts) are per exact key blob;
 *  - multi-signature blocks split under a policy get the CRC-24 armour check.
 */
import * as openpgp from 'openpgp';
import { SigningLab, allowedSignersLine, craftPgpSignature, flipByte, sshSign, withSignatureHeader, type GpgKey, type TempRepo } from '../../helpers/signing.js';
import { parseGitObject } from '../../../src/trust/signatures/git-object.js';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { dearmorPgpSignature } from '../../../src/trust/signatures/openpgp/armor.js';
import { PERMISSIVE_CONFIG } from '../../../src/trust/signatures/openpgp/config.js';
import { verifiesFast } from '../../../src/trust/signatures/openpgp/fast-verify.js';
import { readSignaturePacketsDirect } from '../../../src/trust/signatures/openpgp/packets.js';
import { verifyOpenPgpSignature } from '../../../src/trust/signatures/openpgp/verify.js';
import { decodeSshPublicKeyBlob } from '../../../src/trust/signatures/ssh/keys.js';
import { parseSshSignature } from '../../../src/trust/signatures/ssh/sshsig.js';
import { verifyRawCommit } from '../../../src/trust/verify-commits/verify-raw.js';
import { verifyObjectSummary } from '../../../src/trust/signatures/verify.js';
import { jest } from '@jest/globals';

jest.setTimeout(180_000);

const lab = new SigningLab();
let repo: TempRepo;
let plain: Buffer;
const homes: { stopAgent(): void }[] = [];
afterAll(() => {
  for (const h of homes) h.stopAgent();
  lab.cleanup();
});

beforeAll(() => {
  repo = lab.repo();
  plain = repo.catFile(repo.commit('a commit to sign by hand'));
});

const DAY = 86_400_000;
type AnyKeyPacket = openpgp.PublicKey['keyPacket'] | openpgp.Subkey['keyPacket'];

async function packetOf(armored: string): Promise<openpgp.SignaturePacket> {
  const sig = await openpgp.readSignature({ binarySignature: new Uint8Array(dearmorPgpSignature(armored)), config: PERMISSIVE_CONFIG });
  return sig.packets[0] as openpgp.SignaturePacket;
}

async function literalOf(payload: Buffer): Promise<object> {
  return (await openpgp.createMessage({ binary: new Uint8Array(payload) })).packets[0]!;
}

/** Does openpgp.js itself accept this signature packet body (as bytes) over `payload` by `keyPacket`? */
async function openpgpAccepts(body: Uint8Array, keyPacket: AnyKeyPacket, payload: Buffer): Promise<boolean> {
  try {
    const sig = new openpgp.SignaturePacket();
    (sig as unknown as { read(b: Uint8Array, c: openpgp.Config): void }).read(body, PERMISSIVE_CONFIG);
    await sig.verify(keyPacket, sig.signatureType!, await literalOf(payload), null as unknown as Date, true, PERMISSIVE_CONFIG);
    return true;
  } catch {
    return false;
  }
}

async function fastAccepts(body: Uint8Array, keyPacket: AnyKeyPacket, payload: Buffer): Promise<boolean> {
  const sig = new openpgp.SignaturePacket();
  try {
    (sig as unknown as { read(b: Uint8Array, c: openpgp.Config): void }).read(body, PERMISSIVE_CONFIG);
  } catch {
    return false;
  }
  return verifiesFast(sig, keyPacket, sig.signatureType!, await literalOf(payload), PERMISSIVE_CONFIG);
}

/** The body of the single signature packet in an armoured block. */
function packetBody(armored: string): Buffer {
  const bin = dearmorPgpSignature(armored);
  const direct = readSignaturePacketsDirect(bin, PERMISSIVE_CONFIG);
  expect(direct).toHaveLength(1);
  // New-format header (openpgp.js, gpg 2.2+: 0xc2 or old-format 0x88/0x89).
  const hdr = bin[0]! & 0x40 ? (bin[1]! < 192 ? 2 : bin[1]! < 224 ? 3 : 6) : 1 + [1, 2, 4][bin[0]! & 3]!;
  return bin.subarray(hdr);
}

/**
 * The fast path confirms the good signature, and over every one-byte change of
 * the signature packet (and a few of the payload) it never accepts what
 * openpgp.js rejects.
 */
async function expectFastNeverWider(armored: string, keyPacket: AnyKeyPacket): Promise<void> {
  const body = packetBody(armored);
  expect(await fastAccepts(body, keyPacket, plain)).toBe(true);
  expect(await openpgpAccepts(body, keyPacket, plain)).toBe(true);
  const wider: string[] = [];
  for (let i = 0; i < body.length; i++) {
    for (const mask of [0x01, 0x80]) {
      const changed = flipByte(body, i, mask);
      if ((await fastAccepts(changed, keyPacket, plain)) && !(await openpgpAccepts(changed, keyPacket, plain))) wider.push(`byte ${i} ^ ${mask}`);
    }
  }
  for (const pos of [0, 10, plain.length >> 1, plain.length - 1]) {
    const payload = flipByte(plain, pos);
    if (await fastAccepts(body, keyPacket, payload)) wider.push(`payload byte ${pos}`);
  }
  expect(wider).toEqual([]);
}

describe('node:crypto fast path confirms only what openpgp.js accepts', () => {
  let gpgHome: ReturnType<SigningLab['gpgHome']>;
  beforeAll(() => {
    gpgHome = lab.gpgHome();
    homes.push(gpgHome);
  });

  it.each([['ed25519'], ['rsa2048'], ['nistp256']] as const)('gpg %s key: git accepts, fast path agrees on every byte flip', async (algo) => {
    const key = gpgHome.genKey({ uid: `Fast ${algo} <f@x>`, algo });
    const armored = gpgHome.detachSign(key, plain, { digest: 'SHA512' });
    const keyring = gpgHome.exportPublic([key]);
    const oid = repo.writeObject(withSignatureHeader(plain, armored));
    expect(repo.verifyCommit(oid, { keyring }).status).toBe(0);
    const keys = await loadKeySet({ armoredKeys: [keyring] });
    const cert = keys.openpgp[0]!.key;
    const sig = await packetOf(armored);
    const signing = cert.getKeys(sig.issuerKeyID)[0]!;
    await expectFastNeverWider(armored, signing.keyPacket);
    expect(await verifyObjectSummary(parseGitObject(repo.catFile(oid), 'commit', oid), keys)).toMatchObject({ verified: true, reason: 'good' });
  });

  it.each([
    ['ed25519Legacy', { type: 'ecc', curve: 'ed25519Legacy' }],
    ['nistP384', { type: 'ecc', curve: 'nistP384' }],
    ['nistP521', { type: 'ecc', curve: 'nistP521' }],
    ['rsa3072', { type: 'rsa', rsaBits: 3072 }],
  ] as const)('openpgp.js %s key: fast path agrees on every byte flip', async (_name, genOpts) => {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ email: 'fast@example.org' }], ...genOpts, format: 'object' });
    const armored = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: privateKey, detached: true })) as string;
    await expectFastNeverWider(armored, privateKey.toPublic().keyPacket);
  });

  it('declines what it does not handle (v6 Ed25519, SHA-1), which openpgp.js then judges', async () => {
    const { privateKey: v6 } = await openpgp.generateKey({ userIDs: [{ email: 'v6@example.org' }], type: 'curve25519', config: { v6Keys: true }, format: 'object' });
    const v6sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: v6, detached: true })) as string;
    expect(await fastAccepts(packetBody(v6sig), v6.toPublic().keyPacket, plain)).toBe(false);
    expect(await verifyOpenPgpSignature(v6sig, plain, await loadKeySet({ armoredKeys: [v6.toPublic().armor()] }))).toMatchObject({ verified: true });

    const { privateKey: rsa } = await openpgp.generateKey({ userIDs: [{ email: 'sha1@example.org' }], type: 'rsa', rsaBits: 2048, format: 'object' });
    const sha1 = await craftPgpSignature(rsa.keyPacket as openpgp.SecretKeyPacket, plain, { hash: openpgp.enums.hash.sha1 });
    expect(await fastAccepts(packetBody(sha1), rsa.toPublic().keyPacket, plain)).toBe(false);
    const keys = await loadKeySet({ armoredKeys: [rsa.toPublic().armor()] });
    expect(await verifyOpenPgpSignature(sha1, plain, keys)).toMatchObject({ verified: false, reason: 'weak-algorithm' });
    expect(await verifyOpenPgpSignature(sha1, plain, keys, { allowWeakHash: true })).toMatchObject({ verified: true });
  });

  it('a key packet of another algorithm or key id is never confirmed', async () => {
    const mk = async () => (await openpgp.generateKey({ userIDs: [{ email: 'k@example.org' }], type: 'ecc', curve: 'ed25519Legacy', format: 'object' })).privateKey;
    const [a, b] = [await mk(), await mk()];
    const armored = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: a, detached: true })) as string;
    expect(await fastAccepts(packetBody(armored), a.toPublic().keyPacket, plain)).toBe(true);
    expect(await fastAccepts(packetBody(armored), b.toPublic().keyPacket, plain)).toBe(false);
  });
});

describe('direct packet reader', () => {
  it('reads what openpgp.readSignature reads, and leaves unusual shapes to it', async () => {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ email: 'r@example.org' }], type: 'ecc', curve: 'ed25519Legacy', format: 'object' });
    const armored = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: privateKey, detached: true })) as string;
    const bin = dearmorPgpSignature(armored);
    const direct = readSignaturePacketsDirect(bin, PERMISSIVE_CONFIG)!;
    const full = (await openpgp.readSignature({ binarySignature: new Uint8Array(bin), config: PERMISSIVE_CONFIG })).packets;
    expect(direct.map((p) => Buffer.from(p.write()).toString('hex'))).toEqual([...full].map((p) => Buffer.from(p.write()).toString('hex')));
    expect(readSignaturePacketsDirect(Buffer.concat([bin, bin]), PERMISSIVE_CONFIG)).toHaveLength(2);
    // Truncated, trailing garbage, a marker packet, an empty input: not this reader's business.
    for (let n = 0; n < bin.length; n++) expect(readSignaturePacketsDirect(bin.subarray(0, n), PERMISSIVE_CONFIG)).toBeUndefined();
    expect(readSignaturePacketsDirect(Buffer.concat([bin, Buffer.from([0x00])]), PERMISSIVE_CONFIG)).toBeUndefined();
    expect(readSignaturePacketsDirect(Buffer.concat([Buffer.from([0xca, 0x03, 0x50, 0x47, 0x50]), bin]), PERMISSIVE_CONFIG)).toBeUndefined();
  });
});

describe('cached certificate facts never carry a verdict across times or certificates', () => {
  let gpgHome: ReturnType<SigningLab['gpgHome']>;
  beforeAll(() => {
    gpgHome = lab.gpgHome();
    homes.push(gpgHome);
  });

  /** Our verdict and git's exit status for `armored` spliced into the plain commit, with one key set. */
  async function judge(armored: string, keys: KeySet, keyring: Buffer, opts: { now?: Date } = {}) {
    const raw = withSignatureHeader(plain, armored);
    const oid = repo.writeObject(raw);
    const v = await verifyObjectSummary(parseGitObject(raw, 'commit', oid), keys, opts);
    return { v, git: repo.verifyCommit(oid, { keyring }).status };
  }

  it('one certificate, two signature times: different verdicts in either order, repeatedly', async () => {
    const { privateKey } = await openpgp.generateKey({
      userIDs: [{ email: 'times@example.org' }],
      type: 'ecc',
      curve: 'ed25519Legacy',
      date: new Date('2022-01-01T00:00:00Z'),
      keyExpirationTime: 86400,
      format: 'object',
    });
    const keys = await loadKeySet({ armoredKeys: [privateKey.toPublic().armor()] });
    const inside = await craftPgpSignature(privateKey.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2022-01-01T12:00:00Z') });
    const after = await craftPgpSignature(privateKey.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2022-01-03T00:00:00Z') });
    const now = new Date('2022-01-01T18:00:00Z');
    for (const order of [
      [inside, after, inside],
      [after, inside, after],
    ]) {
      const got = [];
      for (const sig of order) got.push((await verifyOpenPgpSignature(sig, plain, keys, { now })).reason);
      expect(got).toEqual(order.map((s) => (s === inside ? 'good' : 'expired-key')));
    }
    // Judged today, the early signature is "good but expired since", the late one expired.
    expect(await verifyOpenPgpSignature(inside, plain, keys)).toMatchObject({ verified: false, reason: 'expired-key', keyExpiredSince: true });
    expect(await verifyOpenPgpSignature(after, plain, keys)).toMatchObject({ verified: false, reason: 'expired-key' });
    expect((await verifyOpenPgpSignature(after, plain, keys)).keyExpiredSince).toBeUndefined();
  });

  it('an expired certificate and its refreshed version (same fingerprint) keep their own verdicts; git agrees', async () => {
    // Signed while valid (B: never expires); then a newer self-signature cuts the expiry
    // to before the signature (A). Same fingerprint, opposite verdicts.
    const t0 = new Date(Date.now() - 20 * DAY);
    const key: GpgKey = gpgHome.genKey({ uid: 'Refresh <r@x>', algo: 'ed25519', expire: 'never', at: t0 });
    const armored = gpgHome.detachSign(key, plain, { fakedTime: new Date(t0.getTime() + 10 * DAY) });
    const newCert = gpgHome.exportPublic([key]);
    gpgHome.setExpire(key, '3d', new Date(t0.getTime() + 2 * DAY));
    const oldCert = gpgHome.exportPublic([key]);
    const oldKeys = await loadKeySet({ armoredKeys: [oldCert] });
    const newKeys = await loadKeySet({ armoredKeys: [newCert] });
    expect(oldKeys.openpgp[0]!.fingerprint).toBe(newKeys.openpgp[0]!.fingerprint);

    const seq = [
      ['old', oldKeys, oldCert],
      ['new', newKeys, newCert],
      ['old', oldKeys, oldCert],
      ['new', newKeys, newCert],
    ] as const;
    for (const [name, keys, keyring] of seq) {
      const r = await judge(armored, keys, keyring);
      if (name === 'old') {
        expect(r.git).not.toBe(0);
        expect(r.v).toMatchObject({ verified: false, reason: 'expired-key' });
      } else {
        expect(r.git).toBe(0);
        expect(r.v).toMatchObject({ verified: true, reason: 'good' });
      }
    }
  });

  it('a revoked key stays revoked, before and after its unrevoked version was judged; git agrees', async () => {
    const key = gpgHome.genKey({ uid: 'Revoke <v@x>', algo: 'ed25519' });
    const armored = gpgHome.detachSign(key, plain);
    const before = gpgHome.exportPublic([key]);
    gpgHome.revoke(key);
    const revoked = gpgHome.exportPublic([key]);
    const goodKeys = await loadKeySet({ armoredKeys: [before] });
    const revokedKeys = await loadKeySet({ armoredKeys: [revoked] });
    for (let i = 0; i < 2; i++) {
      const g = await judge(armored, goodKeys, before);
      expect(g.git).toBe(0);
      expect(g.v).toMatchObject({ verified: true, reason: 'good' });
      const r = await judge(armored, revokedKeys, revoked);
      expect(r.git).not.toBe(0);
      expect(r.v).toMatchObject({ verified: false, reason: 'revoked-key' });
    }
  });
});

describe('cached SSH keys', () => {
  it('a decoded key is the same whether cached or not, and only for its exact blob', () => {
    const k = lab.sshKey('ecdsa256');
    const blob = Buffer.from(k.publicLine.split(/\s+/)[1]!, 'base64');
    const first = decodeSshPublicKeyBlob(Buffer.from(blob), 'c1');
    const again = decodeSshPublicKeyBlob(Buffer.from(blob));
    expect(again.fingerprint).toBe(first.fingerprint);
    expect(again.comment).toBeUndefined();
    expect(first.comment).toBe('c1');
    expect(again.keyObject!.export({ format: 'jwk' })).toEqual(first.keyObject!.export({ format: 'jwk' }));
    // Changing the caller's buffer afterwards does not change the cached key.
    const mutable = Buffer.from(blob);
    decodeSshPublicKeyBlob(mutable);
    mutable[mutable.length - 1] ^= 1;
    expect(decodeSshPublicKeyBlob(Buffer.from(blob)).keyObject!.export({ format: 'jwk' })).toEqual(first.keyObject!.export({ format: 'jwk' }));
  });

  it('after a good signature warms the cache, a signature embedding any other key never verifies (ssh-keygen agrees on the original)', async () => {
    const k = lab.sshKey('ed25519');
    const allowed = lab.file('allowed_signers_cache', `${allowedSignersLine('a@example.org', k)}\n`);
    const keys = await loadKeySet({ allowedSigners: allowed });
    const armored = sshSign(k, plain);
    const oid = repo.writeObject(withSignatureHeader(plain, armored));
    expect(repo.verifyCommit(oid, { allowedSigners: allowed }).status).toBe(0);
    expect(await verifyObjectSummary(parseGitObject(repo.catFile(oid), 'commit', oid), keys)).toMatchObject({ verified: true });

    const other = lab.sshKey('ed25519');
    const foreign = sshSign(other, plain);
    expect(await verifyObjectSummary(parseGitObject(withSignatureHeader(plain, foreign)), keys)).toMatchObject({ verified: false, reason: 'unknown-key' });
    // Every bit of the embedded key flipped (cache warm for the real key): never good.
    const pubLen = parseSshSignature(armored).publicKey.blob.length;
    const b64 = armored.split('\n').filter((l) => l && !l.startsWith('-----')).join('');
    const blob = Buffer.from(b64, 'base64');
    for (let i = 10; i < 10 + pubLen; i++) {
      const changed = flipByte(blob, i);
      const text = `-----BEGIN SSH SIGNATURE-----\n${changed.toString('base64').match(/.{1,70}/g)!.join('\n')}\n-----END SSH SIGNATURE-----\n`;
      const v = await verifyObjectSummary(parseGitObject(withSignatureHeader(plain, text)), keys);
      if (v.verified) throw new Error(`flip at key byte ${i} verified`);
    }
  });
});

describe('multi-signature blocks under a policy', () => {
  it('a damaged armour checksum fails every packet instead of splitting into good parts; git rejects it too', async () => {
    const gpgHome = lab.gpgHome();
    homes.push(gpgHome);
    const a = gpgHome.genKey({ uid: 'A <a@x>', algo: 'ed25519' });
    const b = gpgHome.genKey({ uid: 'B <b@x>', algo: 'ed25519' });
    const both = gpgHome.gpg(['--armor', '--detach-sign', '--local-user', `${a.fingerprint}!`, '--local-user', `${b.fingerprint}!`], { input: plain }).stdout;
    const keyring = gpgHome.exportPublic([a, b]);
    const keys = await loadKeySet({ armoredKeys: [keyring] });
    const raw = withSignatureHeader(plain, both);
    const good = await verifyRawCommit({ oid: repo.writeObject(raw), raw }, keys, {}, true);
    expect(good.verdicts.map((v) => v.verified)).toEqual([true, true]);

    const lines = both.trimEnd().split('\n');
    const crc = lines.findIndex((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));
    expect(crc).toBeGreaterThan(0);
    lines[crc] = `=${lines[crc]![1] === 'A' ? 'B' : 'A'}${lines[crc]!.slice(2)}`;
    const damaged = withSignatureHeader(plain, `${lines.join('\n')}\n`);
    const oid = repo.writeObject(damaged);
    expect(repo.verifyCommit(oid, { keyring }).status).not.toBe(0);
    const split = await verifyRawCommit({ oid, raw: damaged }, keys, {}, true);
    expect(split.verdicts.length).toBeGreaterThan(0);
    expect(split.verdicts.every((v) => !v.verified && v.reason === 'malformed')).toBe(true);
  });
});
