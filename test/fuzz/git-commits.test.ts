/**
 * Fuzzing git commit objects (signatures/git-object.ts, verify-commits/verify-raw.ts).
 * Bases are real commits signed by git with a gpg key and with an SSH key; a case
 * applies byte edits and header edits (the signature moved to `gpgsig-sha256`, a second
 * `gpgsig` header, CRLF line ends). Properties:
 * - the parser throws nothing but MalformedObjectError; verifying never throws;
 * - a mutated commit never verifies: when it does, the bytes the signature covers are
 *   the base's (only the signature header's own encoding changed);
 * - oracle, on every 10th case: `git verify-commit` on the same object (written with
 *   `git hash-object --literally`) succeeds whenever we verify, and for every object we
 *   parse, we verify whenever it succeeds (but for OpenPGP armour whose BEGIN or END line
 *   is damaged, which gpg still reads and we refuse, failing closed).
 */
import fc from 'fast-check';
import { createHash } from 'node:crypto';
import { MalformedObjectError, parseGitObject } from '../../src/trust/signatures/git-object.js';
import { loadKeySet, type KeySet } from '../../src/trust/signatures/keyset.js';
import { verifyRawCommit } from '../../src/trust/verify-commits/verify-raw.js';
import { SigningLab, allowedSignersLine, type TempRepo } from '../helpers/signing.js';
import { describeWhen } from '../helpers/requires.js';
import { hasTool } from '../helpers/oci.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { applyByteEdits, byteEdits, sampled, type ByteEdit } from './gen/bytes.js';

type HeaderEdit = 'none' | 'to-sha256-header' | 'second-gpgsig' | 'crlf' | 'drop-blank-line';
interface CommitCase {
  base: number;
  header: HeaderEdit;
  edits: ByteEdit[];
}

const lab = new SigningLab();
const bases: { raw: Buffer; payload: Buffer }[] = [];
let repo: TempRepo;
let keys: KeySet;
let keyring: Buffer;
let allowedFile: string;

function headerEdit(raw: Buffer, edit: HeaderEdit): Buffer {
  const s = raw.toString('latin1');
  switch (edit) {
    case 'none':
      return raw;
    case 'to-sha256-header':
      return Buffer.from(s.replace('\ngpgsig ', '\ngpgsig-sha256 '), 'latin1');
    case 'second-gpgsig': {
      const m = /\ngpgsig [^\n]*\n(?: [^\n]*\n)*/.exec(s)!;
      return Buffer.from(s.slice(0, m.index + m[0].length) + m[0].slice(1) + s.slice(m.index + m[0].length), 'latin1');
    }
    case 'crlf':
      return Buffer.from(s.replace(/\n/g, '\r\n'), 'latin1');
    case 'drop-blank-line':
      return Buffer.from(s.replace('\n\n', '\n'), 'latin1');
  }
}

function mutate(c: CommitCase): { oid: string; raw: Buffer } {
  const raw = applyByteEdits(headerEdit(bases[c.base % bases.length]!.raw, c.header), c.edits);
  const oid = createHash('sha1').update(`commit ${raw.length}\0`).update(raw).digest('hex');
  return { oid, raw };
}

function gitVerifies(c: CommitCase): boolean {
  const { raw } = mutate(c);
  const oid = repo.writeObject(raw);
  return repo.verifyCommit(oid, { keyring, allowedSigners: allowedFile }).status === 0;
}

export async function checkCommit(c: CommitCase, git: boolean | undefined): Promise<void> {
  const m = mutate(c);
  let parsed = true;
  try {
    parseGitObject(m.raw, 'commit', m.oid);
  } catch (e) {
    if (!(e instanceof MalformedObjectError)) throw e;
    parsed = false;
  }
  const r = await verifyRawCommit(m, keys, {}, false);
  const verified = r.verdicts.some((v) => v.verified);
  for (const v of r.verdicts) if (/\n/.test(v.detail)) throw new Error(`detail spans lines: ${v.detail}`);
  if (verified && !parseGitObject(m.raw, 'commit', m.oid).payload.equals(bases[c.base % bases.length]!.payload)) throw new Error('a commit whose signed bytes changed verifies');
  if (git !== undefined && verified && !git) throw new Error('we verify a commit git verify-commit rejects');
  // gpg reads damaged armour lines (a flipped character in `-----END PGP SIGNATURE-----`) that we refuse: failing closed there is on purpose.
  const armourRefused = r.verdicts.some((v) => v.detail.startsWith('unreadable OpenPGP armour'));
  if (git !== undefined && parsed && git && !verified && !armourRefused) throw new Error(`git verify-commit accepts a commit we parse but do not verify: ${r.verdicts.map((v) => `${v.reason} ${v.detail}`).join('; ') || 'no verdict'}`);
}

export const commitTarget: FuzzTarget<CommitCase, boolean | undefined> = {
  name: 'git-commit',
  arbitrary: fc.record({
    base: fc.nat({ max: 1 }),
    header: fc.constantFrom<HeaderEdit>('none', 'none', 'none', 'to-sha256-header', 'second-gpgsig', 'crlf', 'drop-blank-line'),
    edits: fc.oneof({ weight: 1, arbitrary: fc.constant<ByteEdit[]>([]) }, { weight: 5, arbitrary: byteEdits() }),
  }),
  oracle: (cases) => cases.map((c, i) => (sampled(i, 10) ? gitVerifies(c) : undefined)),
  check: checkCommit,
  fromFixture: (b) => JSON.parse(b.toString('utf8')) as CommitCase,
  shortCases: 60,
};

describeWhen(hasTool('git') && hasTool('gpg') && hasTool('ssh-keygen'), 'git, gpg and ssh-keygen', 'fuzz: git commit objects (oracle: git verify-commit)', () => {
  beforeAll(async () => {
    const home = lab.gpgHome();
    const gpgKey = home.genKey({ uid: 'Ed <ed@example.org>' });
    const sshKey = lab.sshKey('ed25519');
    repo = lab.repo();
    for (const signer of [{ gpg: gpgKey }, { ssh: sshKey }]) {
      const raw = repo.catFile(repo.commit(`signed ${'gpg' in signer ? 'gpg' : 'ssh'}`, signer, { date: new Date(1_700_000_000_000) }));
      bases.push({ raw, payload: parseGitObject(raw, 'commit').payload });
    }
    keyring = home.exportPublic([gpgKey]);
    allowedFile = lab.file('allowed_signers', `${allowedSignersLine('test@example.org', sshKey)}\n`);
    keys = await loadKeySet({ armoredKeys: [keyring], allowedSigners: allowedFile });
    for (const [i] of bases.entries()) expect(gitVerifies({ base: i, header: 'none', edits: [] })).toBe(true);
  }, 120_000);
  afterAll(() => lab.cleanup());
  fuzz(commitTarget);
  replayFixtures(commitTarget);
});
