/**
 * Differential test against git itself: for every object, our verdict must be
 * "verified" exactly when `git verify-commit` / `verify-tag` exits 0, given the
 * same keys (a GNUPGHOME holding exactly our keyring, the same allowed-signers).
 */
import { SigningLab, allowedSignersLine, flipByte, sshSign, withSignatureHeader, withoutSignatureHeaders, type GpgKey, type SshKey, type TempRepo } from '../../helpers/signing.js';
import { parseGitObject } from '../../../src/trust/signatures/git-object.js';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { verifyObjectSummary } from '../../../src/trust/signatures/verify.js';

interface Case {
  label: string;
  repo: TempRepo;
  oid: string;
  kind: 'commit' | 'tag';
}

const lab = new SigningLab();
const cases: Case[] = [];
let keys: KeySet;
let keyring: Buffer;
let allowedSigners: string;

const YEAR_2021 = new Date('2021-06-01T00:00:00Z');

beforeAll(() => {
  const signer = lab.gpgHome();
  const gk: Record<string, GpgKey> = {
    ed25519: signer.genKey({ uid: 'Ed <ed@x>', algo: 'ed25519' }),
    rsa2048: signer.genKey({ uid: 'Rsa2 <r2@x>', algo: 'rsa2048' }),
    rsa4096: signer.genKey({ uid: 'Rsa4 <r4@x>', algo: 'rsa4096' }),
    subkey: signer.genKey({ uid: 'Sub <sub@x>', algo: 'ed25519', signingSubkey: true }),
    nistp256: signer.genKey({ uid: 'Nist <n@x>', algo: 'nistp256' }),
    expired: signer.genKey({ uid: 'Exp <exp@x>', algo: 'ed25519', expire: '1d', at: new Date('2020-01-01T00:00:00Z') }),
    revoked: signer.genKey({ uid: 'Rev <rev@x>', algo: 'ed25519' }),
  };
  const strangerHome = lab.gpgHome();
  const stranger = strangerHome.genKey({ uid: 'Stranger <s@x>', algo: 'ed25519' });

  const sk: Record<string, SshKey> = {
    ed25519: lab.sshKey('ed25519'),
    ecdsa256: lab.sshKey('ecdsa256'),
    ecdsa384: lab.sshKey('ecdsa384'),
    ecdsa521: lab.sshKey('ecdsa521'),
    rsa: lab.sshKey('rsa'),
    stranger: lab.sshKey('ed25519'),
    before2022: lab.sshKey('ed25519'),
    after2099: lab.sshKey('ed25519'),
    window: lab.sshKey('ed25519'),
    nsFile: lab.sshKey('ed25519'),
    nsList: lab.sshKey('ecdsa256'),
    wildcard: lab.sshKey('ed25519'),
  };
  allowedSigners = lab.file(
    'allowed_signers',
    [
      '# trusted SSH signers',
      allowedSignersLine('ed@x', sk.ed25519!),
      allowedSignersLine('e256@x,alias@x', sk.ecdsa256!),
      allowedSignersLine('e384@x', sk.ecdsa384!, 'namespaces="git"'),
      allowedSignersLine('e521@x', sk.ecdsa521!),
      allowedSignersLine('rsa@x', sk.rsa!),
      allowedSignersLine('old@x', sk.before2022!, 'valid-before="20220101"'),
      allowedSignersLine('future@x', sk.after2099!, 'valid-after="20990101Z"'),
      allowedSignersLine('window@x', sk.window!, 'valid-after="20200101",valid-before="20990101000000Z"'),
      allowedSignersLine('files@x', sk.nsFile!, 'namespaces="file"'),
      allowedSignersLine('list@x', sk.nsList!, 'namespaces="file,git"'),
      allowedSignersLine('*@example.org', sk.wildcard!),
      '',
    ].join('\n'),
  );

  const repo = lab.repo();
  const add = (label: string, oid: string, r: TempRepo = repo, kind: 'commit' | 'tag' = 'commit'): string => {
    cases.push({ label, repo: r, oid, kind });
    return oid;
  };
  const good: string[] = [];
  // OpenPGP: good signatures by every kind of trusted key, three commits each.
  for (const [name, key] of Object.entries(gk)) {
    if (name === 'expired' || name === 'revoked') continue;
    for (let i = 0; i < 3; i++) good.push(add(`gpg ${name} #${i}`, repo.commit(`gpg ${name} ${i}`, { gpg: key })));
  }
  // Signed while valid, expired since (git: Y).
  const expiredAt = new Date('2020-01-01T12:00:00Z');
  add('gpg key expired since signing', repo.commit('expired', { gpg: gk.expired!, gpgProgram: signer.gpgProgramAt(expiredAt) }, { date: expiredAt }));
  // Signed, then the key was revoked.
  add('gpg key revoked after signing', repo.commit('revoked', { gpg: gk.revoked! }));
  signer.revoke(gk.revoked!);
  // Signed by a key nobody gave us.
  add('gpg untrusted key', repo.commit('stranger', { gpg: stranger }));
  add('gpg untrusted key #2', repo.commit('stranger 2', { gpg: stranger }));

  // SSH keys of every supported type.
  for (const name of ['ed25519', 'ecdsa256', 'ecdsa384', 'ecdsa521', 'rsa', 'window', 'nsList', 'wildcard']) {
    for (let i = 0; i < 2; i++) good.push(add(`ssh ${name} #${i}`, repo.commit(`ssh ${name} ${i}`, { ssh: sk[name]! })));
  }
  add('ssh untrusted key', repo.commit('ssh stranger', { ssh: sk.stranger! }));
  add('ssh valid-before 2022, committed 2021', repo.commit('old ok', { ssh: sk.before2022! }, { date: YEAR_2021 }));
  add('ssh valid-before 2022, committed now', repo.commit('old late', { ssh: sk.before2022! }));
  add('ssh valid-after 2099, committed now', repo.commit('future', { ssh: sk.after2099! }));
  add('ssh valid window, committed 2019', repo.commit('too early', { ssh: sk.window! }, { date: new Date('2019-06-01T00:00:00Z') }));
  add('ssh allowed only for namespace file', repo.commit('ns file', { ssh: sk.nsFile! }));

  // Unsigned commits.
  for (let i = 0; i < 3; i++) add(`unsigned #${i}`, repo.commit(`plain ${i}`));

  // Forgeries derived from good commits.
  good.forEach((oid, i) => {
    const raw = repo.catFile(oid);
    if (i % 2 === 0) {
      const msgPos = raw.lastIndexOf('\n', raw.length - 2) + 1;
      add(`message byte flipped (${oid.slice(0, 7)})`, repo.writeObject(flipByte(raw, msgPos)));
    }
    if (i % 3 === 0) {
      add(`author changed (${oid.slice(0, 7)})`, repo.writeObject(Buffer.from(raw.toString('utf8').replace('author Test User', 'author Evil User'))));
    }
    if (i % 4 === 1) {
      const text = raw.toString('utf8');
      const sigLine = text.indexOf('\n ', text.indexOf('gpgsig ') + 1);
      // A character in the middle of the second armour body line.
      const pos = text.indexOf('\n ', sigLine + 3) + 12;
      const c = text[pos]!;
      const swapped = `${text.slice(0, pos)}${c === 'A' ? 'B' : 'A'}${text.slice(pos + 1)}`;
      add(`signature byte changed (${oid.slice(0, 7)})`, repo.writeObject(Buffer.from(swapped)));
    }
    if (i % 5 === 2) add(`signature stripped (${oid.slice(0, 7)})`, repo.writeObject(withoutSignatureHeaders(raw)));
  });
  // A valid signature moved onto another commit.
  const donor = parseGitObject(repo.catFile(good[0]!));
  const target = withoutSignatureHeaders(repo.catFile(good[1]!));
  add('signature transplanted', repo.writeObject(withSignatureHeader(target, donor.signatures[0]!.armored)));
  // SSH signatures by trusted keys but in another namespace, spliced in by hand.
  const plain = repo.catFile(repo.commit('to be signed by hand'));
  add('ssh namespace "file" by trusted key', repo.writeObject(withSignatureHeader(plain, sshSign(sk.ed25519!, plain, 'file'))));
  add('ssh namespace "git" by trusted key, sha256 hash', repo.writeObject(withSignatureHeader(plain, sshSign(sk.ed25519!, plain, 'git', 'sha256'))));
  add('gpg detached signature spliced by hand', repo.writeObject(withSignatureHeader(plain, signer.detachSign(gk.rsa4096!, plain))));
  // A good signature in the other hash's header: a SHA-1 repository checks only gpgsig, so git says unsigned.
  add('sha1 repo, valid gpg signature under gpgsig-sha256 only', repo.writeObject(withSignatureHeader(plain, signer.detachSign(gk.ed25519!, plain), 'gpgsig-sha256')));
  add('sha1 repo, valid ssh signature under gpgsig-sha256 only', repo.writeObject(withSignatureHeader(plain, sshSign(sk.ed25519!, plain, 'git'), 'gpgsig-sha256')));

  // A sha256 repository: the signature header is gpgsig-sha256.
  const repo256 = lab.repo('sha256');
  add('sha256 repo gpg', repo256.commit('gpg in sha256', { gpg: gk.ed25519! }), repo256);
  add('sha256 repo ssh', repo256.commit('ssh in sha256', { ssh: sk.ecdsa384! }), repo256);
  add('sha256 repo untrusted', repo256.commit('stranger in sha256', { gpg: stranger }), repo256);

  // Signed tags.
  add('tag gpg', repo.tag('v1', 'release 1', { gpg: gk.rsa4096! }), repo, 'tag');
  add('tag ssh', repo.tag('v2', 'release 2', { ssh: sk.ed25519! }), repo, 'tag');
  add('tag untrusted', repo.tag('v3', 'release 3', { gpg: stranger }), repo, 'tag');
  add('tag unsigned', repo.tag('v4', 'release 4'), repo, 'tag');
  const tagRaw = repo.catFile(repo.revParse('refs/tags/v1'), 'tag');
  add('tag message tampered', repo.writeObject(Buffer.from(tagRaw.toString('utf8').replace('release 1', 'release 9')), 'tag'), repo, 'tag');
  add('sha256 tag ssh', repo256.tag('s1', 'sha256 release', { ssh: sk.ed25519! }), repo256, 'tag');

  keyring = signer.exportPublic(Object.values(gk));
}, 180_000);

afterAll(() => lab.cleanup());

describe('verdicts agree with git verify-commit / verify-tag', () => {
  beforeAll(async () => {
    keys = await loadKeySet({ armoredKeys: [keyring], allowedSigners });
  });

  it('has at least 50 objects, good and bad', () => {
    expect(cases.length).toBeGreaterThanOrEqual(50);
  });

  it('every verdict equals git’s exit status', async () => {
    const rows: string[] = [];
    let verifiedCount = 0;
    for (const c of cases) {
      const git = c.repo.verify(c.oid, { keyring, allowedSigners }, c.kind);
      const obj = parseGitObject(c.repo.catFile(c.oid, c.kind), c.kind, c.oid);
      const v = await verifyObjectSummary(obj, keys);
      if (v.verified) verifiedCount++;
      if (process.env.NH_DEBUG) console.log(`${c.label}\t${git.status}\t${v.reason}\t${v.detail}`);
      if (v.verified !== (git.status === 0)) rows.push(`${c.label}: git exit ${git.status}, ours ${v.reason} (${v.detail}) ${git.stderr.split('\n').slice(-3).join(' | ')}`);
    }
    expect(rows).toEqual([]);
    // Both outcomes are exercised in quantity.
    expect(verifiedCount).toBeGreaterThanOrEqual(20);
    expect(cases.length - verifiedCount).toBeGreaterThanOrEqual(25);
  });
});
