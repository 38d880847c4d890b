/**
 * git-object parsing. The oracle for the signed payload is git itself: a
 * gpg.program wrapper records the exact bytes git hands to gpg when verifying.
 */
import fs from 'node:fs';
import path from 'node:path';
import { SigningLab, type GpgKey, type TempRepo } from '../../helpers/signing.js';
import { describeWithSharedData, sharedDataDir } from '../../helpers/shared-data.js';
import { MalformedObjectError, parseGitObject, primarySignatureHeader } from '../../../src/trust/signatures/git-object.js';

const lab = new SigningLab();
afterAll(() => lab.cleanup());

/** Bytes git passes to gpg for `git verify-commit|verify-tag oid`. */
function payloadGitVerifies(repo: TempRepo, key: GpgKey, oid: string, kind: 'commit' | 'tag'): Buffer {
  const capture = path.join(lab.root, `payload-${oid}`);
  const wrapper = lab.file(`gpg-capture-${oid}.sh`, `#!/bin/sh\ncat > '${capture}'\nexec gpg "$@" < '${capture}'\n`);
  fs.chmodSync(wrapper, 0o755);
  const r = repo.git(['-c', `gpg.program=${wrapper}`, kind === 'commit' ? 'verify-commit' : 'verify-tag', oid], { env: key.home.env, check: false });
  expect(r.status).toBe(0);
  return fs.readFileSync(capture);
}

describe('signed payload equals the bytes git verifies', () => {
  let key: GpgKey;
  beforeAll(() => {
    key = lab.gpgHome().genKey({ uid: 'Payload <p@x>' });
  });

  it('sha1 commit with a multi-line message', () => {
    const repo = lab.repo();
    const oid = repo.commit('subject\n\nbody line 1\n  indented line\n\ntrailer: x', { gpg: key });
    const obj = parseGitObject(repo.catFile(oid), 'commit', oid);
    expect(obj.signatures.map((s) => s.header)).toEqual(['gpgsig']);
    expect(obj.payload.equals(payloadGitVerifies(repo, key, oid, 'commit'))).toBe(true);
    expect(obj.message).toBe('subject\n\nbody line 1\n  indented line\n\ntrailer: x\n');
    // The armour's empty line is stored as a single space and read back as empty.
    expect(obj.signatures[0]!.armored).toMatch(/^-----BEGIN PGP SIGNATURE-----\n\n/);
    expect(obj.signatures[0]!.armored.endsWith('-----END PGP SIGNATURE-----\n')).toBe(true);
  });

  it('sha256 repository: gpgsig-sha256 header', () => {
    const repo = lab.repo('sha256');
    repo.commit('first');
    const oid = repo.commit('second', { gpg: key });
    const obj = parseGitObject(repo.catFile(oid), 'commit', oid);
    expect(oid).toHaveLength(64);
    expect(obj.parents[0]).toHaveLength(64);
    expect(obj.signatures.map((s) => s.header)).toEqual(['gpgsig-sha256']);
    expect(primarySignatureHeader(obj)).toBe('gpgsig-sha256');
    expect(obj.payload.equals(payloadGitVerifies(repo, key, oid, 'commit'))).toBe(true);
  });

  it('signed tag: the trailing signature block is cut off', () => {
    const repo = lab.repo();
    repo.commit('base');
    const oid = repo.tag('v1.0', 'Release 1.0\n\nnotes', { gpg: key });
    const obj = parseGitObject(repo.catFile(oid, 'tag'), 'tag', oid);
    expect(obj.type).toBe('tag');
    expect(obj.signatures.map((s) => s.header)).toEqual(['tag']);
    expect(obj.payload.equals(payloadGitVerifies(repo, key, oid, 'tag'))).toBe(true);
    expect(obj.payload.toString()).not.toContain('BEGIN PGP');
    expect(obj.committer).toMatch(/^Test User <test@example.org> \d+ \+0000$/);
  });

  it('signed merge of a signed tag keeps the mergetag header (and its embedded signature) in the payload', () => {
    const repo = lab.repo();
    repo.commit('base');
    repo.git(['checkout', '-q', '-b', 'side']);
    repo.commit('side work', undefined, { file: 'side.txt' });
    repo.tag('side-v1', 'side release', { gpg: key });
    repo.git(['checkout', '-q', 'main']);
    repo.commit('main work', undefined, { file: 'main.txt' });
    const oid = repo.merge('side-v1', 'merge the release', { gpg: key });
    const obj = parseGitObject(repo.catFile(oid), 'commit', oid);
    expect(obj.parents).toHaveLength(2);
    expect(obj.headers.some((h) => h.name === 'mergetag' && h.value.includes('-----BEGIN PGP SIGNATURE-----'))).toBe(true);
    expect(obj.signatures.map((s) => s.header)).toEqual(['gpgsig']);
    expect(obj.payload.equals(payloadGitVerifies(repo, key, oid, 'commit'))).toBe(true);
    expect(obj.payload.toString()).toContain('\nmergetag object ');
  });

  it('a commit message in another encoding keeps its exact bytes', () => {
    const repo = lab.repo();
    const msgFile = lab.file('latin1-msg', Buffer.from('caf\xe9 na\xefve\n', 'latin1'));
    fs.writeFileSync(path.join(repo.dir, 'x'), 'x');
    repo.git(['add', 'x']);
    repo.git(['-c', 'i18n.commitEncoding=ISO-8859-1', '-c', `user.signingkey=${key.fingerprint}`, 'commit', '-q', '-S', '-F', msgFile], { env: key.home.env });
    const oid = repo.revParse('HEAD');
    const obj = parseGitObject(repo.catFile(oid), 'commit', oid);
    expect(obj.headers.find((h) => h.name === 'encoding')?.value).toBe('ISO-8859-1');
    expect(obj.payload.equals(payloadGitVerifies(repo, key, oid, 'commit'))).toBe(true);
    expect(obj.payload.includes(Buffer.from([0xe9]))).toBe(true);
  });
});

describeWithSharedData('real-commits', 'real objects', () => {
  const read = (rev: string): Buffer => fs.readFileSync(path.join(sharedDataDir, 'real-commits', `${rev}.commit`));

  it('parses a merge commit with a platform signature', () => {
    const obj = parseGitObject(read('84aa8e9f196e50549aa5cdef76f61f442ce40b82'));
    expect(obj.type).toBe('commit');
    expect(obj.tree).toBe('76ec7a26bcb69fc12c81335b55ec3886e2a2e9f6');
    expect(obj.parents).toEqual(['b91c935c2faf08ced2c763dcd2a831f26d84fa86', '2cea88dbc8c277d7403e6dd65f482fd2eb931e52']);
    expect(obj.author).toBe('John Ericson <John.Ericson@Obsidian.Systems> 1704838982 -0500');
    expect(obj.committer).toBe('GitHub <noreply@github.com> 1704838982 -0500');
    expect(obj.message).toBe('Merge pull request #9728 from obsidiansystems/readline-support\n\nImprove build sytem support for readline instead of editline');
    expect(obj.payload.toString()).not.toContain('gpgsig');
    // Payload = raw minus exactly the signature header lines.
    const sigLines = obj.signatures[0]!.armored.split('\n').length - 1;
    const rawLines = obj.raw.toString().split('\n').length;
    expect(obj.payload.toString().split('\n').length).toBe(rawLines - sigLines);
  });

  it('accepts the loose-object form and checks its size', () => {
    const raw = read('f1ebf4cac57420a3cbe5a9ddcd6537e32d339597');
    const loose = Buffer.concat([Buffer.from(`commit ${raw.length}\0`), raw]);
    expect(parseGitObject(loose).payload.equals(raw)).toBe(true);
    const wrong = Buffer.concat([Buffer.from(`commit ${raw.length + 1}\0`), raw]);
    expect(() => parseGitObject(wrong)).toThrow(MalformedObjectError);
    expect(() => parseGitObject(loose, 'tag')).toThrow(MalformedObjectError);
  });

  it('every truncation and every single-byte corruption either parses or throws MalformedObjectError', () => {
    for (const rev of ['88b09c64fbea076a0376830d98e5331f70ed31a3', '1689dd40222db4c12381411b75685c14610bc2fa']) {
      const raw = read(rev);
      for (let n = 0; n < raw.length; n++) {
        for (const candidate of [raw.subarray(0, n), Buffer.from(raw).fill(0x0a, n, n + 1), Buffer.from(raw).fill(0x00, n, n + 1)]) {
          try {
            parseGitObject(candidate);
          } catch (e) {
            expect(e).toBeInstanceOf(MalformedObjectError);
          }
        }
      }
    }
  });
});

describe('malformed objects', () => {
  const ok = 'tree 4b825dc642cb6eb9a060e54bf8d69288fbe4904b\nauthor A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nmsg\n';
  it('accepts a minimal commit', () => {
    expect(parseGitObject(Buffer.from(ok)).message).toBe('msg\n');
  });
  it.each([
    ['empty', ''],
    ['no tree', 'author A <a@x> 1 +0000\ncommitter A <a@x> 1 +0000\n\nm'],
    ['bad tree id', ok.replace('4b825dc6', 'zz825dc6')],
    ['no committer', ok.replace(/committer.*\n/, '')],
    ['continuation before any header', ` x\n${ok}`],
    ['headers never end', ok.slice(0, ok.indexOf('\n\n') + 1)],
    ['unterminated header line', ok.slice(0, 30)],
    ['NUL in headers', ok.replace('author A', 'author \0A')],
    ['header without value', ok.replace('committer A', 'committer\nfoo A')],
    ['parent after author', ok.replace('committer', 'parent 4b825dc642cb6eb9a060e54bf8d69288fbe4904b\ncommitter')],
    ['tag without object', 'type commit\ntag v1\n\nm'],
  ])('%s', (_name, text) => {
    expect(() => parseGitObject(Buffer.from(text))).toThrow(MalformedObjectError);
  });
  it('rejects a bad object id argument', () => {
    expect(() => parseGitObject(Buffer.from(ok), 'commit', 'xyz')).toThrow(MalformedObjectError);
  });
});
