import path from 'node:path';
import { SigningLab, run, type GpgHome, type GpgKey } from '../../helpers/signing.js';
import { findOpenPgpCerts, loadKeySet } from '../../../src/trust/signatures/keyset.js';
import { UserError } from '../../../src/core/errors.js';

const lab = new SigningLab();
let home: GpgHome;
let a: GpgKey;
let b: GpgKey;
beforeAll(() => {
  home = lab.gpgHome();
  a = home.genKey({ uid: 'A <a@x>' });
  b = home.genKey({ uid: 'B <b@x>', signingSubkey: true });
});
afterAll(() => lab.cleanup());

describe('loadKeySet', () => {
  it('reads several armoured blocks from one file, and binary keyrings', async () => {
    const armoured = lab.file('two.asc', Buffer.concat([home.exportPublic([a], { armor: true }), Buffer.from('\nsome text between blocks\n'), home.exportPublic([b], { armor: true })]));
    const binary = lab.file('two.gpg', home.exportPublic([a, b]));
    for (const file of [armoured, binary]) {
      const set = await loadKeySet({ keyrings: [file] });
      expect(set.openpgp.map((c) => c.fingerprint).sort()).toEqual([a.fingerprint, b.fingerprint].sort());
      expect(set.warnings).toEqual([]);
    }
  });

  it('indexes subkeys by fingerprint and key id, mapping to the primary', async () => {
    const set = await loadKeySet({ armoredKeys: [home.exportPublic([b])] });
    const byFpr = findOpenPgpCerts(set, b.signingFingerprint.toLowerCase());
    const byKeyId = findOpenPgpCerts(set, b.signingFingerprint.slice(-16));
    expect(byFpr.map((c) => c.fingerprint)).toEqual([b.fingerprint]);
    expect(byKeyId.map((c) => c.fingerprint)).toEqual([b.fingerprint]);
    expect(findOpenPgpCerts(set, a.fingerprint)).toEqual([]);
  });

  it('keeps only the public part of a secret key', async () => {
    const secret = home.gpg(['--export-secret-keys', '--armor', a.fingerprint]).stdoutBuf;
    const set = await loadKeySet({ armoredKeys: [secret] });
    expect(set.openpgp[0]!.key.isPrivate()).toBe(false);
  });

  it('skips an unreadable block with a warning when others load', async () => {
    const broken = '-----BEGIN PGP PUBLIC KEY BLOCK-----\n\nAAAA\n-----END PGP PUBLIC KEY BLOCK-----\n';
    const file = lab.file('mixed.asc', Buffer.concat([Buffer.from(broken), home.exportPublic([a], { armor: true })]));
    const set = await loadKeySet({ keyrings: [file] });
    expect(set.openpgp.map((c) => c.fingerprint)).toEqual([a.fingerprint]);
    expect(set.warnings).toHaveLength(1);
    expect(set.warnings[0]).toContain('mixed.asc');
  });

  it('skips an unreadable certificate inside a binary keyring', async () => {
    const good = home.exportPublic([a, b]);
    // A public-key packet (tag 6, new format) of version 99 that no one can parse, between two good certificates.
    const bogus = Buffer.from([0xc6, 0x03, 99, 0, 0]);
    const first = home.exportPublic([a]);
    const file = lab.file('mixed.gpg', Buffer.concat([first, bogus, good.subarray(first.length)]));
    const set = await loadKeySet({ keyrings: [file] });
    expect(set.openpgp.map((c) => c.fingerprint).sort()).toEqual([a.fingerprint, b.fingerprint].sort());
    expect(set.warnings).toHaveLength(1);
  });

  it.each([
    ['garbage', () => lab.file('garbage.gpg', 'hello, not a key\n'), /no OpenPGP certificate/],
    ['empty', () => lab.file('empty.gpg', ''), /no OpenPGP certificate/],
    ['missing', () => path.join(lab.root, 'nope.gpg'), /cannot read: no such file or directory/],
    ['a keybox', () => path.join(home.dir, 'pubring.kbx'), /keybox/],
  ])('keyring that is %s is a UserError naming the file', async (_name, make, message) => {
    const file = make();
    const err = await loadKeySet({ keyrings: [file] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).toOneLine()).toMatch(message);
    expect((err as UserError).file).toBe(file);
  });

  it('reads OpenSSH public key lines, trusted for any principal', async () => {
    const key = lab.sshKey('ecdsa384');
    const set = await loadKeySet({ sshPublicKeys: [key.publicLine] });
    // ssh-keygen -lf prints "bits SHA256:… comment (TYPE)".
    const fpr = run('ssh-keygen', ['-lf', key.pubPath]).stdout.split(' ')[1];
    expect([...set.sshIndex.keys()]).toEqual([fpr]);
    await expect(loadKeySet({ sshPublicKeys: ['ssh-ed25519 AAAA'] })).rejects.toThrow(UserError);
  });
});

