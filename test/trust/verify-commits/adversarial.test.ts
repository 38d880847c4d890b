/**
 * Adversarial signed commits (issue #14): each row is a raw commit object, built from
 * a real commit of a temp repository and a real signature (gpg, openpgp.js or
 * ssh-keygen), then damaged or re-signed the way an attacker would: mutated bytes,
 * foreign keys, weak or mismatched algorithms, a `gpgsig-sha256` signature in a SHA-1
 * repository, truncated armour. Each row gives the reason verify-commits must report.
 * None may ever be verified wrongly: a row we verify, `git verify-commit` verifies too
 * (the converse need not hold: gpg reads armour without its END line, for one; we refuse it).
 */
import * as openpgp from 'openpgp';
import { createHash } from 'node:crypto';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { verifyRawCommit, type VerifiedCommit } from '../../../src/trust/verify-commits/verify-raw.js';
import { SigningLab, allowedSignersLine, craftPgpSignature, craftSshKey, craftSshSignature, flipByte, sshSign, withSignatureHeader, withoutSignatureHeaders, type TempRepo } from '../../helpers/signing.js';
import { dearmorPgpSignature } from '../../../src/trust/signatures/openpgp/armor.js';
import { dearmorSshSignature } from '../../../src/trust/signatures/ssh/sshsig.js';

interface Row {
  name: string;
  raw: Buffer;
  /** The verdict reason of the commit: its verified signature's, else its first signature's, `unsigned`, or `malformed-commit`. */
  reason: string;
  /**
   * Other reasons the same case may get. The keys are generated per run, and some damage
   * lands differently on different signatures (a flipped last byte can make the Ed25519
   * scalar out of range, or leave it in range but wrong); gpg itself accepts an armour
   * without its checksum for some bodies and not others. Every reason listed here is
   * "not verified" unless it is 'good', and then git must agree (below).
   */
  alsoReasons?: readonly string[];
}

const lab = new SigningLab();
let repo: TempRepo;
let keys: KeySet;
let keyring: Buffer;
let allowedFile: string;
const rows: Row[] = [];
afterAll(() => lab.cleanup());

const sign = async (key: openpgp.PrivateKey, data: Buffer): Promise<string> =>
  (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(data) }), signingKeys: key, detached: true })) as string;
type GenOptions = Omit<Parameters<typeof openpgp.generateKey>[0], 'format'>;
const gen = async (opts: Partial<GenOptions> = {}): Promise<openpgp.PrivateKey> =>
  (await openpgp.generateKey({ userIDs: [{ name: 'K', email: 'k@example.org' }], type: 'ecc', curve: 'ed25519Legacy', ...opts, format: 'object' } as GenOptions & { format: 'object' })).privateKey;
const pub = (k: openpgp.PrivateKey): Buffer => Buffer.from(k.toPublic().write());
const armorPgp = (bytes: Buffer): string => openpgp.armor(openpgp.enums.armor.signature, bytes);
const armorSsh = (blob: Buffer): string => `-----BEGIN SSH SIGNATURE-----\n${(blob.toString('base64').match(/.{1,70}/g) ?? []).join('\n')}\n-----END SSH SIGNATURE-----\n`;
/** Replaces the text of a commit's message (after the blank line). */
const withMessage = (raw: Buffer, message: string): Buffer => Buffer.concat([raw.subarray(0, raw.indexOf('\n\n') + 2), Buffer.from(message)]);
/** Keeps the armour's first and last lines and `keep` of the base64 lines between. */
function truncateArmor(armored: string, keep: number): string {
  const lines = armored.trimEnd().split('\n');
  const body = lines.slice(1, -1);
  return [lines[0], ...body.slice(0, Math.max(1, Math.floor(body.length * keep))), lines[lines.length - 1]].join('\n');
}

beforeAll(async () => {
  repo = lab.repo();
  const plain = withoutSignatureHeaders(repo.catFile(repo.commit('a commit to sign', undefined, { date: new Date(1_700_000_000_000) })));
  const other = withoutSignatureHeaders(repo.catFile(repo.commit('another commit', undefined, { date: new Date(1_700_000_100_000) })));
  const tampered = (edit: (s: string) => string): Buffer => Buffer.from(edit(plain.toString('latin1')), 'latin1');

  const alice = await gen();
  const bob = await gen({ type: 'rsa', rsaBits: 2048 });
  const mallory = await gen();
  const subkeyed = await gen({ type: 'rsa', rsaBits: 2048, subkeys: [{}] }); // an encryption subkey: it must not sign
  const revoked = await gen({ subkeys: [{ sign: true }] });
  const expiring = await gen({ date: new Date('2022-01-01T00:00:00Z'), keyExpirationTime: 86400 });
  const gpgHome = lab.gpgHome();
  const weak = gpgHome.genKey({ uid: 'Weak <w@example.org>', algo: 'rsa1024' });
  const carol = gpgHome.genKey({ uid: 'Carol <c@example.org>', algo: 'rsa2048' });
  const ssh = lab.sshKey('ed25519');
  const sshRsa = craftSshKey('ssh-rsa', { rsaBits: 2048 });
  const sshForeign = lab.sshKey('ed25519');

  const revokedSig = (await openpgp.sign({ message: await openpgp.createMessage({ binary: new Uint8Array(plain) }), signingKeys: revoked, signingKeyIDs: [revoked.subkeys[0]!.getKeyID()], detached: true })) as string;
  revoked.subkeys[0] = await revoked.subkeys[0]!.revoke(revoked.keyPacket as openpgp.SecretKeyPacket);

  keyring = Buffer.concat([pub(alice), pub(bob), pub(subkeyed), pub(revoked), pub(expiring), gpgHome.exportPublic([weak, carol])]);
  allowedFile = lab.file('allowed_signers', `${allowedSignersLine('dev@example.org', ssh)}\ndev@example.org ${sshRsa.publicLine}\n`);
  keys = await loadKeySet({ armoredKeys: [keyring], allowedSigners: allowedFile });

  const add = (name: string, raw: Buffer, reason: string, alsoReasons?: readonly string[]): void => void rows.push({ name, raw, reason, ...(alsoReasons ? { alsoReasons } : {}) });
  const gpgsig = (armored: string, base = plain, header = 'gpgsig'): Buffer => withSignatureHeader(base, armored, header);

  // Good signatures: the controls.
  const aliceSig = await sign(alice, plain);
  const bobSig = await sign(bob, plain);
  const sshSig = sshSign(ssh, plain);
  add('ed25519 OpenPGP signature', gpgsig(aliceSig), 'good');
  add('RSA 2048 OpenPGP signature', gpgsig(bobSig), 'good');
  const carolSig = gpgHome.detachSign(carol, plain);
  add('RSA 2048 signature by gpg', gpgsig(carolSig), 'good');
  add('SSH ed25519 signature', gpgsig(sshSig), 'good');
  add('SSH rsa-sha2-512 signature', gpgsig(craftSshSignature(sshRsa, plain)), 'good');
  add('unsigned commit', plain, 'unsigned');

  // Signed bytes changed after signing.
  for (const [label, sig] of [['OpenPGP', aliceSig], ['SSH', sshSig]] as const) {
    add(`${label}: message changed`, gpgsig(sig, withMessage(plain, 'a commit to sing\n')), 'bad-signature');
    add(`${label}: message gained a trailing newline`, gpgsig(sig, Buffer.concat([plain, Buffer.from('\n')])), 'bad-signature');
    add(`${label}: author changed`, gpgsig(sig, tampered((s) => s.replace('author Test User', 'author Mallory'))), 'bad-signature');
    add(`${label}: committer time changed`, gpgsig(sig, tampered((s) => s.replace(/(committer .*> )1700000000/, '$11700000001'))), 'bad-signature');
    add(`${label}: tree changed`, gpgsig(sig, tampered((s) => s.replace(/^tree (.)/, (_, c: string) => `tree ${c === 'a' ? 'b' : 'a'}`))), 'bad-signature');
    add(`${label}: parent added`, gpgsig(sig, tampered((s) => s.replace(/\nauthor/, `\nparent ${'1'.repeat(40)}\nauthor`))), 'bad-signature');
    add(`${label}: CRLF line ends`, gpgsig(sig, tampered((s) => s.replace(/\n/g, '\r\n'))), 'malformed-commit');
    add(`${label}: signature of another commit`, gpgsig(label === 'SSH' ? sshSign(ssh, other) : await sign(alice, other)), 'bad-signature');
  }

  // Mutated signature bytes.
  const pgpBytes = dearmorPgpSignature(aliceSig);
  add('OpenPGP: last byte of the signature value flipped', gpgsig(armorPgp(flipByte(pgpBytes, pgpBytes.length - 1))), 'malformed', ['bad-signature']);
  add('OpenPGP: hashed creation time changed', gpgsig(armorPgp(flipByte(pgpBytes, pgpBytes.indexOf(Buffer.from([0x05, 0x02])) + 5))), 'malformed');
  add('OpenPGP: version byte changed', gpgsig(armorPgp(flipByte(pgpBytes, 2, 0x02))), 'malformed');
  add('OpenPGP: packet tag changed', gpgsig(armorPgp(flipByte(pgpBytes, 0, 0x04))), 'malformed');
  add('OpenPGP: armour checksum wrong', gpgsig(aliceSig.replace(/\n=(.)/, (_, c: string) => `\n=${c === 'A' ? 'B' : 'A'}`)), 'malformed');
  add('OpenPGP: Ed25519 armour without its checksum line (as git decides)', gpgsig(aliceSig.split('\n').filter((l) => !/^=[A-Za-z0-9+/]{4}$/.test(l)).join('\n')), 'malformed', ['good']);
  add('OpenPGP: armour without its END line', gpgsig(aliceSig.replace('-----END PGP SIGNATURE-----', '')), 'malformed');
  add('OpenPGP: text after the armour', gpgsig(`${aliceSig}trailing text\n`), 'malformed');
  add('OpenPGP: two signature packets in one block', gpgsig(armorPgp(Buffer.concat([pgpBytes, dearmorPgpSignature(bobSig)]))), 'malformed');
  // gpg's RSA signature: an old-format packet with a two-octet length, so the body starts at 3.
  const carolBytes = dearmorPgpSignature(carolSig);
  const firstUnhashedType = 3 + 6 + carolBytes.readUInt16BE(3 + 4) + 2 + 1;
  add('OpenPGP: a critical subpacket in the unhashed area (gpg rejects it)', gpgsig(armorPgp(flipByte(carolBytes, firstUnhashedType, 0x80))), 'malformed');
  const sshBlob = dearmorSshSignature(sshSig);
  add('SSH: last byte of the signature flipped', gpgsig(armorSsh(flipByte(sshBlob, sshBlob.length - 1))), 'bad-signature');
  add('SSH: magic changed', gpgsig(armorSsh(flipByte(sshBlob, 0, 0x20))), 'malformed');
  add('SSH: version 2', gpgsig(armorSsh(flipByte(sshBlob, 9, 0x03))), 'malformed');
  add('SSH: armour after a leading space', gpgsig(` ${sshSig}`), 'malformed');
  add('SSH: base64 with stray bits in its last character', gpgsig(sshSig.replace(/([A-Za-z0-9+/])(=+\n)/, (_, c: string, pad: string) => `${String.fromCharCode(c.charCodeAt(0) ^ 1)}${pad}`)), 'malformed');
  add('SSH: text after the END line (ignored, as ssh-keygen ignores it)', gpgsig(`${sshSig}trailing text\n`), 'good');
  add('SSH: trailing bytes after the blob', gpgsig(armorSsh(Buffer.concat([sshBlob, Buffer.from([0, 0, 0, 0])]))), 'malformed');
  add('SSH: hash algorithm sha256 → sha257 (signed field)', gpgsig(armorSsh(Buffer.from(sshBlob.toString('latin1').replace('sha512', 'sha513'), 'latin1'))), 'unsupported-format');

  // Truncated signatures.
  for (const keep of [0, 0.5, 0.9]) {
    add(`OpenPGP: armour truncated to ${keep * 100}% of its lines`, gpgsig(truncateArmor(aliceSig, keep)), 'malformed');
    add(`SSH: armour truncated to ${keep * 100}% of its lines`, gpgsig(truncateArmor(sshSig, keep)), 'malformed');
  }
  add('OpenPGP: packet cut short (re-armoured)', gpgsig(armorPgp(pgpBytes.subarray(0, pgpBytes.length - 10))), 'malformed');
  add('SSH: blob cut short (re-armoured)', gpgsig(armorSsh(sshBlob.subarray(0, sshBlob.length - 10))), 'malformed');
  add('empty gpgsig header', Buffer.from(plain.toString('latin1').replace('\n\n', '\ngpgsig \n\n'), 'latin1'), 'unsupported-format');

  // Foreign keys.
  add('OpenPGP: key not in the keyring', gpgsig(await sign(mallory, plain)), 'unknown-key');
  add('SSH: key not an allowed signer', gpgsig(sshSign(sshForeign, plain)), 'unknown-key');
  add('SSH: signature for namespace "file"', gpgsig(sshSign(ssh, plain, 'file')), 'wrong-namespace');
  add('OpenPGP: by an encryption-only subkey', gpgsig(await craftPgpSignature(subkeyed.subkeys[0]!.keyPacket as openpgp.SecretSubkeyPacket, plain)), 'not-signing-capable');
  add('OpenPGP: by a revoked subkey', gpgsig(revokedSig), 'revoked-key');
  add('OpenPGP: made after the key expired', gpgsig(await craftPgpSignature(expiring.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2022-01-03T00:00:00Z') })), 'expired-key');
  add('OpenPGP: dated before the key existed', gpgsig(await craftPgpSignature(expiring.keyPacket as openpgp.SecretKeyPacket, plain, { created: new Date('2021-01-01T00:00:00Z') })), 'bad-signature');

  // Weak or wrong algorithms.
  add('OpenPGP: SHA-1 digest', gpgsig(gpgHome.detachSign(carol, plain, { digest: 'SHA1' })), 'weak-algorithm');
  add('OpenPGP: RSA 1024 key', gpgsig(gpgHome.detachSign(weak, plain)), 'weak-algorithm');
  add('OpenPGP: MD5 digest', gpgsig(await craftPgpSignature(bob.keyPacket as openpgp.SecretKeyPacket, plain, { hash: openpgp.enums.hash.md5 })), 'weak-algorithm');
  add('SSH: ssh-rsa (SHA-1) signature', gpgsig(craftSshSignature(sshRsa, plain, { rsaSigType: 'ssh-rsa' })), 'weak-algorithm');
  add('SSH: ed25519 key with an rsa-sha2-512 signature type', gpgsig(armorSsh(Buffer.from(sshBlob.toString('latin1').replace(/ssh-ed25519([^]*)ssh-ed25519/, 'ssh-ed25519$1rsa-sha2-5'), 'latin1'))), 'malformed');
  add('x509 (gitsign) signature', gpgsig('-----BEGIN SIGNED MESSAGE-----\nMIIB\n-----END SIGNED MESSAGE-----'), 'unsupported-format');
  add('OpenPGP message instead of a detached signature', gpgsig(aliceSig.replace(/PGP SIGNATURE/g, 'PGP MESSAGE')), 'unsupported-format');

  // The other hash's header (issue #14 item 4) and duplicated headers.
  add('good signature under gpgsig-sha256 in a SHA-1 repository', gpgsig(aliceSig, plain, 'gpgsig-sha256'), 'unsigned');
  add('good SSH signature under gpgsig-sha256 in a SHA-1 repository', gpgsig(sshSig, plain, 'gpgsig-sha256'), 'unsigned');
  add('bad gpgsig next to a good gpgsig-sha256', gpgsig(aliceSig, gpgsig(sshSign(sshForeign, plain)), 'gpgsig-sha256'), 'unknown-key');
  add('two gpgsig headers, both good OpenPGP (git joins them, gpg refuses the pair)', gpgsig(aliceSig, gpgsig(bobSig)), 'malformed');
  add('two gpgsig headers, a good SSH one first (git joins them, ssh-keygen reads the first)', gpgsig(sshSign(sshForeign, plain), gpgsig(sshSig)), 'good');
  add('two gpgsig headers, a foreign SSH one first', gpgsig(sshSig, gpgsig(sshSign(sshForeign, plain))), 'unknown-key');

  // Commits git itself would not parse.
  add('no blank line after the headers', Buffer.from(`${gpgsig(aliceSig).toString('latin1').split('\n\n')[0]}\n`, 'latin1'), 'malformed-commit');
  add('NUL byte in the headers', gpgsig(aliceSig, tampered((s) => s.replace('author ', 'author \0'))), 'malformed-commit');
  add('author line missing', gpgsig(aliceSig, tampered((s) => s.replace(/author [^\n]*\n/, ''))), 'malformed-commit');
  add('sha256 tree id in a SHA-1 commit', gpgsig(aliceSig, tampered((s) => s.replace(/^tree ([0-9a-f]{40})/, (_, t: string) => `tree ${t}${'0'.repeat(24)}`))), 'malformed-commit');
}, 300_000);

function reasonOf(r: VerifiedCommit): string {
  if (r.error) return 'malformed-commit';
  return (r.verdicts.find((v) => v.verified) ?? r.verdicts[0])?.reason ?? 'unsigned';
}

test('the corpus holds every kind of attack', () => {
  expect(rows.length).toBeGreaterThanOrEqual(60);
  expect(new Set(rows.map((r) => r.name)).size).toBe(rows.length);
});

test('each commit gets its expected reason, and git verify-commit agrees with every one we verify', async () => {
  const got: { name: string; reason: string }[] = [];
  for (const row of rows) {
    const oid = createHash('sha1').update(`commit ${row.raw.length}\0`).update(row.raw).digest('hex');
    const r = await verifyRawCommit({ oid, raw: row.raw }, keys, {}, false);
    const reason = reasonOf(r);
    got.push({ name: row.name, reason: row.alsoReasons?.includes(reason) ? row.reason : reason });
    const verified = r.verdicts.some((v) => v.verified);
    // A case that may go either way must go git's way.
    if (row.alsoReasons?.includes('good') && !verified) expect({ name: row.name, git: repo.verifyCommit(repo.writeObject(row.raw), { keyring, allowedSigners: allowedFile }).status }).not.toEqual({ name: row.name, git: 0 });
    if (verified) expect({ name: row.name, git: repo.verifyCommit(repo.writeObject(row.raw), { keyring, allowedSigners: allowedFile }).status }).toEqual({ name: row.name, git: 0 });
  }
  expect(got).toEqual(rows.map((r) => ({ name: r.name, reason: r.reason })));
}, 300_000);
