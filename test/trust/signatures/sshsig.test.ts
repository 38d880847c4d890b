/**
 * SSH signatures. The oracle is `ssh-keygen -Y verify`: for every signature we
 * judge, the same allowed-signers file and principal go to ssh-keygen as well.
 */
import { SigningLab, armorSshSignature, craftSshKey, craftSshSignature, flipByte, sshKeygenVerify, sshSign, type CraftedSshKey } from '../../helpers/signing.js';
import { emptyKeySet, addSshEntry, loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { parseAllowedSigners } from '../../../src/trust/signatures/ssh/allowed-signers.js';
import { verifySshSignature } from '../../../src/trust/signatures/ssh/verify.js';
import { dearmorSshSignature, parseSshSignature } from '../../../src/trust/signatures/ssh/sshsig.js';
import type { VerifyOptions } from '../../../src/trust/signatures/types.js';

const lab = new SigningLab();
afterAll(() => lab.cleanup());
const message = Buffer.from('tree 4b825dc642cb6eb9a060e54bf8d69288fbe4904b\nauthor A <a@x> 1700000000 +0000\ncommitter A <a@x> 1700000000 +0000\n\nmsg\n');
const signedAt = 1700000000;

/** Our verdict and ssh-keygen's exit status for one signature, one allowed-signers text. */
async function judge(signature: string, allowed: string, opts: VerifyOptions & { principal?: string } = {}) {
  const file = lab.file(`allowed-${Math.random().toString(36).slice(2)}`, allowed);
  const keys = await loadKeySet({ allowedSigners: file });
  const v = verifySshSignature(signature, message, keys, signedAt, opts);
  const principal = opts.principal ?? allowed.trim().split(/\s+/)[0]!;
  const oracle = sshKeygenVerify(file, principal, signature, message, 'git', new Date(signedAt * 1000));
  return { v, oracle: oracle.status };
}

describe('keys made by ssh-keygen', () => {
  it.each(['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa'] as const)('%s: good with sha512 and sha256, bad when the data changes', async (algo) => {
    const key = lab.sshKey(algo);
    for (const hashAlg of ['sha512', 'sha256'] as const) {
      const sig = sshSign(key, message, 'git', hashAlg);
      const r = await judge(sig, `me@x ${key.publicLine}\n`);
      expect(r.oracle).toBe(0);
      expect(r.v).toMatchObject({ verified: true, reason: 'good', identity: 'me@x', hashAlgorithm: hashAlg, format: 'ssh' });
      const keys = await loadKeySet({ sshPublicKeys: [key.publicLine] });
      expect(verifySshSignature(sig, flipByte(message, 10), keys, signedAt).reason).toBe('bad-signature');
    }
  });

  it('RSA 1024 is weak-algorithm (ssh-keygen accepts it; we are stricter), allowWeakKeys accepts', async () => {
    const key = lab.sshKey('rsa1024');
    const sig = sshSign(key, message);
    const r = await judge(sig, `me@x ${key.publicLine}\n`);
    expect(r.oracle).toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'weak-algorithm' });
    expect((await judge(sig, `me@x ${key.publicLine}\n`, { allowWeakKeys: true })).v.verified).toBe(true);
  });

  it('a namespace other than git is wrong-namespace', async () => {
    const key = lab.sshKey('ed25519');
    const r = await judge(sshSign(key, message, 'file'), `me@x ${key.publicLine}\n`);
    expect(r.oracle).not.toBe(0);
    expect(r.v).toMatchObject({ verified: false, reason: 'wrong-namespace' });
  });
});

describe('FIDO (sk-*) keys, authenticator played with node:crypto', () => {
  const types = ['sk-ssh-ed25519@openssh.com', 'sk-ecdsa-sha2-nistp256@openssh.com'] as const;
  const keys: Record<string, CraftedSshKey> = {};
  beforeAll(() => {
    for (const t of types) keys[t] = craftSshKey(t);
  });

  it.each(types)('%s: flags are reported; policy may require presence and verification', async (t) => {
    const key = keys[t]!;
    const allowed = `fido@x ${key.publicLine}\n`;
    const cases = [
      { flags: 0x00, up: false, uv: false },
      { flags: 0x01, up: true, uv: false },
      { flags: 0x04, up: false, uv: true },
      { flags: 0x05, up: true, uv: true },
    ];
    for (const c of cases) {
      const sig = craftSshSignature(key, message, { flags: c.flags, counter: 42 });
      const plain = await judge(sig, allowed);
      // ssh-keygen itself does not insist on the flags.
      expect(plain.oracle).toBe(0);
      expect(plain.v).toMatchObject({ verified: true, userPresent: c.up, userVerified: c.uv, algorithm: t });
      const strictUp = await judge(sig, allowed, { requireUserPresence: true });
      expect(strictUp.v.verified ? 'good' : strictUp.v.reason).toBe(c.up ? 'good' : 'user-presence-required');
      const strictUv = await judge(sig, allowed, { requireUserVerification: true });
      expect(strictUv.v.verified ? 'good' : strictUv.v.reason).toBe(c.uv ? 'good' : 'user-verification-required');
    }
  });

  it.each(types)('%s: changing the flags, the counter or the application breaks the signature', async (t) => {
    const key = keys[t]!;
    const sig = craftSshSignature(key, message, { flags: 0x01, counter: 42 });
    const blob = dearmorSshSignature(sig);
    const keySet = await loadKeySet({ sshPublicKeys: [key.publicLine] });
    // flags byte and counter are the last five bytes of the blob.
    for (const pos of [blob.length - 5, blob.length - 1]) {
      const v = verifySshSignature(armorSshSignature(flipByte(blob, pos)), message, keySet, signedAt);
      expect(v).toMatchObject({ verified: false, reason: 'bad-signature' });
    }
    const otherApp = craftSshKey(t, { application: 'ssh:other' });
    const forged = craftSshSignature(otherApp, message);
    const v = verifySshSignature(forged, message, keySet, signedAt);
    expect(v).toMatchObject({ verified: false, reason: 'unknown-key' });
  });
});

describe('RSA signature algorithms', () => {
  it('ssh-rsa (SHA-1) is refused like ssh-keygen refuses it; rsa-sha2-256/512 are good', async () => {
    const key = craftSshKey('ssh-rsa');
    const allowed = `rsa@x ${key.publicLine}\n`;
    const sha1 = await judge(craftSshSignature(key, message, { rsaSigType: 'ssh-rsa' }), allowed);
    expect(sha1.oracle).not.toBe(0);
    expect(sha1.v).toMatchObject({ verified: false, reason: 'weak-algorithm' });
    for (const rsaSigType of ['rsa-sha2-256', 'rsa-sha2-512'] as const) {
      const r = await judge(craftSshSignature(key, message, { rsaSigType }), allowed);
      expect(r.oracle).toBe(0);
      expect(r.v).toMatchObject({ verified: true, algorithm: 'ssh-rsa2048' });
    }
  });
});

describe('allowed-signers semantics', () => {
  let key: CraftedSshKey;
  let sig: string;
  beforeAll(() => {
    key = craftSshKey('ssh-ed25519');
    sig = craftSshSignature(key, message);
  });

  it.each([
    ['plain entry', 'dev@x KEY', 'dev@x', true, 'good'],
    ['one of several principals', 'a@x,dev@x KEY', 'dev@x', true, 'good'],
    ['wildcard principal', '*@example.org KEY', 'dev@example.org', true, 'good'],
    ['negated principal', '*@x,!dev@x KEY', 'dev@x', false, 'principal-not-allowed'],
    ['other principal', 'ops@x KEY', 'dev@x', false, 'principal-not-allowed'],
    ['namespaces includes git', 'dev@x namespaces="file,git" KEY', 'dev@x', true, 'good'],
    ['namespaces pattern', 'dev@x namespaces="g*" KEY', 'dev@x', true, 'good'],
    ['namespaces excludes git', 'dev@x namespaces="file" KEY', 'dev@x', false, 'wrong-namespace'],
    ['valid-before after the commit', 'dev@x valid-before="20240101" KEY', 'dev@x', true, 'good'],
    ['valid-before before the commit', 'dev@x valid-before="20230101Z" KEY', 'dev@x', false, 'expired-key'],
    ['valid-after before the commit', 'dev@x valid-after="202301011200Z" KEY', 'dev@x', true, 'good'],
    ['valid-after after the commit', 'dev@x valid-after="20240101000000Z" KEY', 'dev@x', false, 'key-not-yet-valid'],
    ['window around the commit', 'dev@x valid-after="20230101",valid-before="20240101",namespaces="git" KEY', 'dev@x', true, 'good'],
    ['cert-authority only', 'dev@x cert-authority KEY', 'dev@x', false, 'unknown-key'],
    ['quoted principal', '"dev@x" KEY', 'dev@x', true, 'good'],
    ['second line matches', 'dev@x valid-before="20200101" KEY\ndev@x KEY', 'dev@x', true, 'good'],
  ])('%s', async (_name, line, principal, verified, reason) => {
    const allowed = `# comment\n\n  ${line.replaceAll('KEY', key.publicLine)}\n`;
    const r = await judge(sig, allowed, { principal });
    expect({ verified: r.v.verified, reason: r.v.reason }).toEqual({ verified, reason });
    expect(r.oracle === 0).toBe(verified);
  });

  it('a key listed for no one is unknown-key', async () => {
    const other = craftSshKey('ssh-ed25519');
    const keys = await loadKeySet({ sshPublicKeys: [other.publicLine] });
    expect(verifySshSignature(sig, message, keys, signedAt)).toMatchObject({ verified: false, reason: 'unknown-key', keyFingerprint: expect.stringMatching(/^SHA256:/) });
  });

  it('reports every principal of the matching entries', () => {
    const set: KeySet = emptyKeySet();
    for (const e of parseAllowedSigners(`a@x,b@x ${key.publicLine}\nc@x ${key.publicLine}\n`, 'mem')) addSshEntry(set, e);
    expect(verifySshSignature(sig, message, set, signedAt)).toMatchObject({ verified: true, identity: 'a@x', principals: ['a@x', 'b@x', 'c@x'] });
  });

  it('an object without a timestamp cannot satisfy a validity window', () => {
    const set: KeySet = emptyKeySet();
    for (const e of parseAllowedSigners(`a@x valid-after="20200101" ${key.publicLine}\n`, 'mem')) addSshEntry(set, e);
    expect(verifySshSignature(sig, message, set, undefined).verified).toBe(false);
  });
});

describe('malformed SSH signatures never throw and never verify', () => {
  let keys: KeySet;
  let blob: Buffer;
  beforeAll(async () => {
    const key = lab.sshKey('ecdsa256');
    keys = await loadKeySet({ sshPublicKeys: [key.publicLine] });
    const sig = sshSign(key, message);
    blob = dearmorSshSignature(sig);
    expect(verifySshSignature(sig, message, keys, signedAt).verified).toBe(true);
    expect(parseSshSignature(sig).namespace).toBe('git');
  });

  it('every truncation of the blob', () => {
    for (let n = 0; n < blob.length; n++) {
      const v = verifySshSignature(armorSshSignature(blob.subarray(0, n)), message, keys, signedAt);
      expect(v.verified).toBe(false);
    }
  });

  it('every single-byte change of the blob', () => {
    for (let n = 0; n < blob.length; n++) {
      const v = verifySshSignature(armorSshSignature(flipByte(blob, n, 0x40)), message, keys, signedAt);
      if (v.verified) throw new Error(`byte ${n} changed and still verified`);
    }
  });

  it.each([
    ['trailing bytes', () => armorSshSignature(Buffer.concat([blob, Buffer.from([0])])), 'malformed'],
    ['bad base64', () => '-----BEGIN SSH SIGNATURE-----\n!!!!\n-----END SSH SIGNATURE-----\n', 'malformed'],
    ['no end line', () => '-----BEGIN SSH SIGNATURE-----\nU1NIU0lH\n', 'malformed'],
    ['version 2', () => armorSshSignature(Buffer.concat([blob.subarray(0, 6), Buffer.from([0, 0, 0, 2]), blob.subarray(10)])), 'malformed'],
  ])('%s', (_name, make, reason) => {
    expect(verifySshSignature(make(), message, keys, signedAt)).toMatchObject({ verified: false, reason });
  });

  it('an unsupported key type (ssh-dss) is unsupported-format', () => {
    const str = (b: Buffer | string): Buffer => {
      const buf = Buffer.from(b);
      const len = Buffer.alloc(4);
      len.writeUInt32BE(buf.length);
      return Buffer.concat([len, buf]);
    };
    const dss = str(Buffer.concat([str('ssh-dss'), str(Buffer.alloc(128, 1)), str(Buffer.alloc(20, 1)), str(Buffer.alloc(128, 2)), str(Buffer.alloc(128, 3))]));
    const sigBlob = Buffer.concat([Buffer.from('SSHSIG'), Buffer.from([0, 0, 0, 1]), dss, str('git'), str(''), str('sha512'), str(Buffer.concat([str('ssh-dss'), str(Buffer.alloc(40))]))]);
    expect(verifySshSignature(armorSshSignature(sigBlob), message, keys, signedAt)).toMatchObject({ verified: false, reason: 'unsupported-format' });
  });
});
