/**
 * OpenPGP edge cases. Where gpg/git can judge the same object, git's exit status
 * is asserted too, so each expectation is anchored to the real tool; the few
 * places where we are deliberately stricter than git (weak hash/key) say so.
 */
import * as openpgp from 'openpgp';
import { SigningLab, craftPgpSignature, flipByte, withSignatureHeader, type GpgKey, type TempRepo } from '../../helpers/signing.js';
import { parseGitObject } from '../../../src/trust/signatures/git-object.js';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { verifyOpenPgpSignature } from '../../../src/trust/signatures/openpgp/verify.js';
import { verifyObject, verifyObjectSummary } from '../../../src/trust/signatures/verify.js';
import type { SignatureVerdict, VerifyOptions } from '../../../src/trust/signatures/types.js';

const lab = new SigningLab();
let repo: TempRepo;
let plain: Buffer;
afterAll(() => lab.cleanup());

beforeAll(() => {
  repo = lab.repo();
  plain = repo.catFile(repo.commit('a commit to sign by hand'));
});

/** Splices `armored` into the plain commit and returns our summary verdict and git's exit status. */
async function judge(armored: string, keyring: Buffer, opts: VerifyOptions = {}): Promise<{ v: SignatureVerdict; git: number }> {
  const raw = withSignatureHeader(plain, armored);
  const oid = repo.writeObject(raw);
  const keys = await loadKeySet({ armoredKeys: [keyring] });
  const v = await verifyObjectSummary(parseGitObject(raw, 'commit', oid), keys, opts);
  return { v, git: repo.verifyCommit(oid, { keyring }).status };
}

describe('keys made by gpg', () => {
  let gpgHome: ReturnType<SigningLab['gpgHome']>;
  let weak: GpgKey;
  let rsa: GpgKey;
  let withEncSub: GpgKey;
  beforeAll(() => {
    gpgHome = lab.gpgHome();
    weak = gpgHome.genKey({ uid: 'Weak <w@x>', algo: 'rsa1024' });
    rsa = gpgHome.genKey({ uid: 'Rsa <r@x>', algo: 'rsa2048' });
    withEncSub = gpgHome.genKey({ uid: 'Enc <e@x>', algo: 'ed25519' });
    gpgHome.addSubkey(withEncSub, 'encr');
  });

  it('RSA 1024 is weak-algorithm (git accepts it; we are stricter), allowWeakKeys accepts', async () => {
    const sig = gpgHome.detachSign(weak, plain);
    const keyring = gpgHome.exportPublic([weak]);
    const strict = await judge(sig, keyring);
    expect(strict.git).toBe(0);
    expect(strict.v).toMatchObject({ verified: false, reason: 'weak-algorithm', algorithm: 'rsa1024' });
    const relaxed = await judge(sig, keyring, { allowWeakKeys: true });
    expect(relaxed.v).toMatchObject({ verified: true, reason: 'good' });
  });

  it('SHA-1 signatures are weak-algorithm (git accepts them; we are stricter), allowWeakHash accepts', async () => {
    const sig = gpgHome.detachSign(rsa, plain, { digest: 'SHA1' });
    const keyring = gpgHome.exportPublic([rsa]);
    const strict = await judge(sig, keyring);
    expect(strict.git).toBe(0);
    expect(strict.v).toMatchObject({ verified: false, reason: 'weak-algorithm', hashAlgorithm: 'SHA1' });
    expect((await judge(sig, keyring, { allowWeakHash: true })).v).toMatchObject({ verified: true, hashAlgorithm: 'SHA1' });
    const sha512 = await judge(gpgHome.detachSign(rsa, plain, { digest: 'SHA512' }), keyring);
    expect(sha512.v).toMatchObject({ verified: true, hashAlgorithm: 'SHA512', algorithm: 'rsa2048' });
  });

  it('a text-mode (--textmode) signature verifies, as for gpg', async () => {
    const sig = gpgHome.gpg(['--armor', '--detach-sign', '--textmode', '--local-user', `${rsa.fingerprint}!`], { input: plain }).stdout;
    const r = await judge(sig, gpgHome.exportPublic([rsa]));
    expect(r.git).toBe(0);
    expect(r.v).toMatchObject({ verified: true, reason: 'good' });
  });

  it('a damaged armour checksum is malformed, as gpg says', async () => {
    const sig = gpgHome.detachSign(rsa, plain);
    const lines = sig.trimEnd().split('\n');
    const crcIdx = lines.findIndex((l) => /^=[A-Za-z0-9+/]{4}$/.test(l));
    expect(crcIdx).toBeGreaterThan(0);
    lines[crcIdx] = `=${lines[crcIdx]![1] === 'A' ? 'B' : 'A'}${lines[crcIdx]!.slice(2)}`;
    const r = await judge(`${lines.join('\n')}\n`, gpgHome.exportPublic([rsa]));
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'malformed' });
  });

  it('an armour without its checksum line: good when the base64 ends in padding, malformed without (gpg then reads the END line as data), as git says', async () => {
    const { privateKey: js } = await openpgp.generateKey({ userIDs: [{ name: 'Js', email: 'js@example.org' }], type: 'ecc', curve: 'ed25519Legacy', format: 'object' });
    const jsSig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: js, detached: true })) as string;
    const noCrc = (sig: string): string => sig.split('\n').filter((l) => !/^=[A-Za-z0-9+/]{4}$/.test(l)).join('\n');
    const cases = [
      { sig: noCrc(gpgHome.detachSign(rsa, plain)), keyring: gpgHome.exportPublic([rsa]) },
      { sig: noCrc(jsSig), keyring: Buffer.from(js.toPublic().write()) },
    ];
    const seen = new Set<boolean>();
    for (const c of cases) {
      const padded = /=\n-----END/.test(c.sig);
      seen.add(padded);
      const r = await judge(c.sig, c.keyring);
      expect({ padded, git: r.git === 0, verified: r.v.verified }).toEqual({ padded, git: padded, verified: padded });
      if (!padded) expect(r.v.detail).toMatch(/no armour checksum line/);
    }
    expect(seen.has(false)).toBe(true);
  });

  it('a block with two signature packets: malformed like git says; one verdict each with splitSignaturePackets', async () => {
    const both = gpgHome.gpg(['--armor', '--detach-sign', '--local-user', `${rsa.fingerprint}!`, '--local-user', `${withEncSub.fingerprint}!`], { input: plain }).stdout;
    const keyring = gpgHome.exportPublic([rsa, withEncSub]);
    const r = await judge(both, keyring);
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'malformed' });
    const obj = parseGitObject(withSignatureHeader(plain, both));
    const split = await verifyObject(obj, await loadKeySet({ armoredKeys: [keyring] }), { splitSignaturePackets: true });
    expect(split.map((v) => [v.keyFingerprint, v.verified, v.header])).toEqual(
      expect.arrayContaining([
        [rsa.fingerprint, true, 'gpgsig'],
        [withEncSub.fingerprint, true, 'gpgsig'],
      ]),
    );
    expect(split).toHaveLength(2);
    const onlyOne = await verifyObject(obj, await loadKeySet({ armoredKeys: [gpgHome.exportPublic([rsa])] }), { splitSignaturePackets: true });
    expect(onlyOne.map((v) => v.reason).sort()).toEqual(['good', 'unknown-key']);
  });

  it('two gpgsig headers are one joined block, as git reads them: not verified', async () => {
    const sig = gpgHome.detachSign(rsa, plain);
    const keyring = gpgHome.exportPublic([rsa]);
    const raw = withSignatureHeader(withSignatureHeader(plain, sig), sig);
    const oid = repo.writeObject(raw);
    const obj = parseGitObject(raw, 'commit', oid);
    expect(obj.signatures).toHaveLength(1);
    const v = await verifyObjectSummary(obj, await loadKeySet({ armoredKeys: [keyring] }));
    expect(repo.verifyCommit(oid, { keyring }).status).not.toBe(0);
    expect(v).toMatchObject({ verified: false, reason: 'malformed' });
  });

  it('a key that also has an encryption subkey: signatures by the primary verify, as for gpg', async () => {
    const r = await judge(gpgHome.detachSign(withEncSub, plain), gpgHome.exportPublic([withEncSub]));
    expect(r.git).toBe(0);
    expect(r.v).toMatchObject({ verified: true, signingKeyId: withEncSub.fingerprint, keyFingerprint: withEncSub.fingerprint });
  });
});

describe('keys made by openpgp.js', () => {
  type GenOptions = Omit<Parameters<typeof openpgp.generateKey>[0], 'format'>;
  async function gen(opts: Partial<GenOptions> = {}): Promise<openpgp.PrivateKey> {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ name: 'Js', email: 'js@example.org' }], ...opts, format: 'object' });
    return privateKey;
  }
  const armorPub = (k: openpgp.PrivateKey): Buffer => Buffer.from(k.toPublic().write());

  it('a normal openpgp.js signature verifies for us and for gpg', async () => {
    const key = await gen({ type: 'ecc', curve: 'ed25519Legacy' });
    const sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: key, detached: true })) as string;
    const r = await judge(sig, armorPub(key));
    expect(r.git).toBe(0);
    expect(r.v).toMatchObject({ verified: true, algorithm: 'ed25519', keyFingerprint: key.getFingerprint().toUpperCase(), identity: 'Js <js@example.org>' });
  });

  it('a v6 (RFC 9580) Ed25519 key verifies (gpg 2.2 cannot read v6)', async () => {
    const key = await gen({ type: 'curve25519', config: { v6Keys: true } });
    const sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: key, detached: true })) as string;
    const keys = await loadKeySet({ armoredKeys: [armorPub(key)] });
    const v = await verifyOpenPgpSignature(sig, plain, keys);
    expect(v).toMatchObject({ verified: true, reason: 'good', algorithm: 'ed25519' });
    expect((await verifyOpenPgpSignature(sig, flipByte(plain, 3), keys)).reason).toBe('bad-signature');
  });

  it('a signature by a subkey without the sign flag is not-signing-capable (gpg rejects it too)', async () => {
    const key = await gen({ type: 'rsa', rsaBits: 2048, subkeys: [{}] });
    const sub = key.subkeys[0]!;
    expect(sub.bindingSignatures[0]!.keyFlags![0]! & openpgp.enums.keyFlags.signData).toBe(0);
    const sig = await craftPgpSignature(sub.keyPacket as openpgp.SecretSubkeyPacket, plain);
    const r = await judge(sig, armorPub(key));
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'not-signing-capable', signingKeyId: sub.getFingerprint().toUpperCase() });
  });

  it('a signing subkey maps to its primary key', async () => {
    const key = await gen({ type: 'ecc', curve: 'ed25519Legacy', subkeys: [{ sign: true }] });
    const sub = key.subkeys[0]!;
    const sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: key, signingKeyIDs: [sub.getKeyID()], detached: true })) as string;
    const r = await judge(sig, armorPub(key));
    expect(r.git).toBe(0);
    expect(r.v).toMatchObject({ verified: true, keyFingerprint: key.getFingerprint().toUpperCase(), signingKeyId: sub.getFingerprint().toUpperCase() });
  });

  it('a signature dated before its key was created is bad', async () => {
    const key = await gen({ type: 'ecc', curve: 'ed25519Legacy', date: new Date('2022-01-01T00:00:00Z') });
    const sig = await craftPgpSignature(key.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2021-01-01T00:00:00Z') });
    const r = await judge(sig, armorPub(key));
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'bad-signature' });
    expect(r.v.detail).toMatch(/predates/);
  });

  it('a signature made after the key expired is expired-key, not "expired since"', async () => {
    const key = await gen({ type: 'ecc', curve: 'ed25519Legacy', date: new Date('2022-01-01T00:00:00Z'), keyExpirationTime: 86400 });
    const sig = await craftPgpSignature(key.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2022-01-03T00:00:00Z') });
    const r = await judge(sig, armorPub(key));
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'expired-key' });
    expect(r.v.keyExpiredSince).toBeUndefined();
    // Made inside the validity period: good then, expired since.
    const early = await craftPgpSignature(key.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2022-01-01T12:00:00Z') });
    const e = await judge(early, armorPub(key));
    expect(e.git).not.toBe(0);
    expect(e.v).toMatchObject({ verified: false, reason: 'expired-key', keyExpiredSince: true });
    expect((await judge(early, armorPub(key), { now: new Date('2022-01-01T18:00:00Z') })).v.verified).toBe(true);
  });

  it('a revoked signing subkey is revoked-key', async () => {
    const key = await gen({ type: 'ecc', curve: 'ed25519Legacy', subkeys: [{ sign: true }] });
    const sig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: key, signingKeyIDs: [key.subkeys[0]!.getKeyID()], detached: true })) as string;
    key.subkeys[0] = await key.subkeys[0]!.revoke(key.keyPacket as openpgp.SecretKeyPacket);
    const r = await judge(sig, armorPub(key));
    expect(r.git).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'revoked-key' });
  });

  it('MD5 and RIPEMD-160 are weak; SHA-256/384/512 are fine', async () => {
    const key = await gen({ type: 'rsa', rsaBits: 2048 });
    const keys = await loadKeySet({ armoredKeys: [armorPub(key)] });
    for (const [hash, ok] of [
      [openpgp.enums.hash.md5, false],
      [openpgp.enums.hash.ripemd, false],
      [openpgp.enums.hash.sha1, false],
      [openpgp.enums.hash.sha256, true],
      [openpgp.enums.hash.sha384, true],
      [openpgp.enums.hash.sha512, true],
    ] as const) {
      const sig = await craftPgpSignature(key.keyPacket as openpgp.SecretKeyPacket, plain, { hash });
      const v = await verifyOpenPgpSignature(sig, plain, keys);
      expect({ hash, verified: v.verified, reason: v.reason }).toEqual({ hash, verified: ok, reason: ok ? 'good' : 'weak-algorithm' });
    }
  });
});

describe('garbage never throws and never verifies', () => {
  let keys: KeySet;
  let good: string;
  beforeAll(async () => {
    const { privateKey } = await openpgp.generateKey({ userIDs: [{ email: 'g@example.org' }], type: 'ecc', curve: 'ed25519Legacy', format: 'object' });
    keys = await loadKeySet({ armoredKeys: [privateKey.toPublic().armor()] });
    good = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: privateKey, detached: true })) as string;
    expect((await verifyOpenPgpSignature(good, plain, keys)).verified).toBe(true);
  });

  it('every truncation of the armoured text', async () => {
    for (let n = 0; n < good.length - 1; n++) {
      const v = await verifyOpenPgpSignature(good.slice(0, n), plain, keys);
      if (v.verified) throw new Error(`truncation at ${n} verified`);
    }
  });

  it('every truncation of the signature packet', async () => {
    const body = Buffer.from(openpgp.unarmor ? (await openpgp.unarmor(good)).data as Uint8Array : new Uint8Array());
    for (let n = 0; n < body.length; n++) {
      const armored = openpgp.armor(openpgp.enums.armor.signature, new Uint8Array(body.subarray(0, n)));
      const v = await verifyOpenPgpSignature(armored, plain, keys);
      expect(v.verified).toBe(false);
    }
  });

  it.each([
    ['garbage between armour lines', '-----BEGIN PGP SIGNATURE-----\n\nnot base64 at all!\n-----END PGP SIGNATURE-----\n', 'malformed'],
    ['empty armour', '-----BEGIN PGP SIGNATURE-----\n-----END PGP SIGNATURE-----\n', 'malformed'],
    ['valid base64 of random bytes', `-----BEGIN PGP SIGNATURE-----\n\n${Buffer.from('0123456789abcdef0123456789').toString('base64')}\n-----END PGP SIGNATURE-----\n`, 'malformed'],
    ['signed message instead of a detached signature', '-----BEGIN PGP MESSAGE-----\n\nowGbwMvMwCE=\n-----END PGP MESSAGE-----\n', 'unsupported-format'],
  ])('%s', async (_name, armored, reason) => {
    const v = await verifyOpenPgpSignature(armored, plain, keys);
    expect(v).toMatchObject({ verified: false, reason });
  });

  it('two signature packets in one block are refused', async () => {
    const body = Buffer.from((await openpgp.unarmor(good)).data as Uint8Array);
    const twice = openpgp.armor(openpgp.enums.armor.signature, new Uint8Array(Buffer.concat([body, body])));
    expect(await verifyOpenPgpSignature(twice, plain, keys)).toMatchObject({ verified: false, reason: 'malformed' });
  });

  it('x509 (gitsign) and unknown formats are unsupported-format', async () => {
    for (const [armored, format] of [
      ['-----BEGIN SIGNED MESSAGE-----\nMIIDxgYJKoZIhvcNAQcCoIIDtzCCA7MCAQExDTALBglghkgBZQMEAgEwCwYJKoZI\n-----END SIGNED MESSAGE-----', 'x509'],
      ['hello world', 'unknown'],
    ]) {
      const raw = withSignatureHeader(plain, armored!);
      const v = await verifyObjectSummary(parseGitObject(raw), keys);
      expect(v).toMatchObject({ verified: false, reason: 'unsupported-format', format });
    }
  });
});
