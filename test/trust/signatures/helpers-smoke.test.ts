import { SigningLab } from '../../helpers/signing.js';

describe('signing helpers', () => {
  const lab = new SigningLab();
  afterAll(() => lab.cleanup());
  it('makes a gpg- and an ssh-signed commit that git verifies', () => {
    const gpg = lab.gpgHome();
    const k = gpg.genKey({ uid: 'A <a@x>' });
    const sub = gpg.genKey({ uid: 'S <s@x>', signingSubkey: true });
    expect(sub.signingFingerprint).not.toBe(sub.fingerprint);
    expect(gpg.fingerprints().sort()).toEqual([k.fingerprint, sub.fingerprint].sort());
    expect(gpg.subkeyFingerprints(sub.fingerprint)).toEqual([sub.signingFingerprint]);
    const ssh = lab.sshKey('ed25519');
    const repo = lab.repo();
    const c1 = repo.commit('one', { gpg: k });
    const c2 = repo.commit('two', { gpg: sub });
    const c3 = repo.commit('three', { ssh });
    const keyring = gpg.exportPublic([k, sub]);
    const signers = lab.file('allowed', `x@y ${ssh.publicLine}\n`);
    expect(repo.verifyCommit(c1, { keyring }).status).toBe(0);
    expect(repo.verifyCommit(c2, { keyring }).status).toBe(0);
    expect(repo.verifyCommit(c3, { allowedSigners: signers }).status).toBe(0);
  });
});
