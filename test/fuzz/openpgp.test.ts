/**
 * Fuzzing OpenPGP armour and signature packets (signatures/openpgp/). Bases are real
 * detached signatures by gpg (Ed25519, RSA 2048) over a commit payload; a case mutates
 * the armoured text, the packet bytes, or the signed payload. Properties:
 * - the armour reader throws nothing but ArmorError; openpgp.js's own reader throws
 *   nothing but its own errors (no engine fault such as 'Cannot read properties' escapes it); the verifier throws nothing and gives one-line details;
 * - a mutated signature never verifies: when it does, its packet bytes equal the
 *   base's outside the unhashed subpacket area (which the signature does not cover),
 *   and the payload is the one signed;
 * - oracle, on every 8th case: what we verify, gpgv verifies too.
 */
import fc from 'fast-check';
import fs from 'node:fs';
import path from 'node:path';
import * as openpgp from 'openpgp';
import { ArmorError, dearmorPgpSignature } from '../../src/trust/signatures/openpgp/armor.js';
import { verifyOpenPgpSignatures } from '../../src/trust/signatures/openpgp/verify.js';
import { loadKeySet, type KeySet } from '../../src/trust/signatures/keyset.js';
import { SigningLab, run } from '../helpers/signing.js';
import { describeWhen } from '../helpers/requires.js';
import { hasTool } from '../helpers/oci.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { applyByteEdits, byteEdits, sampled, type ByteEdit } from './gen/bytes.js';
import { COMMIT_PAYLOAD } from './gen/signed.js';

interface Base {
  armored: string;
  binary: Buffer;
  /** [start, end) of the unhashed subpacket area's contents in `binary`. */
  unhashed: [number, number];
}
interface PgpCase {
  base: number;
  layer: 'armor' | 'binary' | 'payload';
  edits: ByteEdit[];
}
interface Mutated {
  armored: string;
  payload: Buffer;
}

const lab = new SigningLab();
const bases: Base[] = [];
let keys: KeySet;
let keyring: string;

/** Where a v4 signature packet's unhashed subpackets lie (old or new packet header). */
function unhashedArea(b: Buffer): [number, number] {
  const body = b[0]! & 0x40 ? (b[1]! < 192 ? 2 : b[1]! < 224 ? 3 : 6) : 1 + [1, 2, 4][b[0]! & 3]!;
  const hashedEnd = body + 6 + b.readUInt16BE(body + 4);
  return [hashedEnd + 2, hashedEnd + 2 + b.readUInt16BE(hashedEnd)];
}

function mutate(c: PgpCase): Mutated {
  const base = bases[c.base % bases.length]!;
  if (c.layer === 'payload') return { armored: base.armored, payload: applyByteEdits(COMMIT_PAYLOAD, c.edits) };
  if (c.layer === 'armor') return { armored: applyByteEdits(Buffer.from(base.armored), c.edits).toString('latin1'), payload: COMMIT_PAYLOAD };
  const bytes = applyByteEdits(base.binary, c.edits);
  return { armored: openpgp.armor(openpgp.enums.armor.signature, bytes), payload: COMMIT_PAYLOAD };
}

/** gpgv's verdict: true when it reports a good signature. */
function gpgvGood(m: Mutated): boolean {
  const dir = fs.mkdtempSync(path.join(lab.root, 'v-'));
  fs.writeFileSync(path.join(dir, 'sig.asc'), m.armored);
  fs.writeFileSync(path.join(dir, 'data'), m.payload);
  const r = run('gpgv', ['--status-fd', '1', '--keyring', keyring, path.join(dir, 'sig.asc'), path.join(dir, 'data')], { check: false, env: { GNUPGHOME: dir } });
  fs.rmSync(dir, { recursive: true, force: true });
  return r.status === 0 && /\[GNUPG:\] VALIDSIG/.test(r.stdout);
}

/** Messages of JavaScript's own faults (a bug escaping a parser), as opposed to errors it throws on purpose. */
const ENGINE_FAULT = /Cannot read propert|Cannot set propert|is not a function|is not iterable|is not defined|Maximum call stack|Invalid array length|Invalid typed array length|outside the bounds|out of range|Cannot convert|Cannot mix BigInt/;

/** An error a parser means to throw (openpgp.js throws TypeErrors on purpose too), not an engine fault escaping it. */
export function isCleanError(e: unknown): boolean {
  return e instanceof Error && !ENGINE_FAULT.test(e.message);
}

export async function checkPgp(c: PgpCase, gpgv: boolean | undefined): Promise<void> {
  const base = bases[c.base % bases.length]!;
  const m = mutate(c);
  let binary: Buffer | undefined;
  try {
    binary = dearmorPgpSignature(m.armored);
  } catch (e) {
    if (!(e instanceof ArmorError)) throw e;
  }
  try {
    await openpgp.readSignature({ armoredSignature: m.armored });
  } catch (e) {
    if (!isCleanError(e)) throw new Error(`openpgp.js throws a ${(e as Error)?.constructor?.name}: ${String(e)}`);
  }
  const verdicts = await verifyOpenPgpSignatures(m.armored, m.payload, keys);
  for (const v of verdicts) if (/\n/.test(v.detail)) throw new Error(`detail spans lines: ${v.detail}`);
  const verified = verdicts.some((v) => v.verified);
  if (verified) {
    if (!m.payload.equals(COMMIT_PAYLOAD)) throw new Error('a signature verifies over a changed payload');
    if (!binary || binary.length !== base.binary.length) throw new Error('a signature of another length verifies');
    for (let i = 0; i < binary.length; i++) {
      if (binary[i] !== base.binary[i] && (i < base.unhashed[0] || i >= base.unhashed[1])) throw new Error(`a signature changed at byte ${i} (outside the unhashed area) verifies`);
    }
  }
  if (gpgv !== undefined && verified && !gpgv) throw new Error('we verify a signature gpgv rejects');
}

const pgpCase: fc.Arbitrary<PgpCase> = fc.record({ base: fc.nat({ max: 1 }), layer: fc.constantFrom('armor', 'binary', 'binary', 'payload'), edits: byteEdits() });

export const openpgpTarget: FuzzTarget<PgpCase, boolean | undefined> = {
  name: 'openpgp-signature',
  arbitrary: pgpCase,
  oracle: (cases) => cases.map((c, i) => (sampled(i, 8) ? gpgvGood(mutate(c)) : undefined)),
  check: checkPgp,
  fromFixture: (b) => JSON.parse(b.toString('utf8')) as PgpCase,
  shortCases: 60,
};

describeWhen(hasTool('gpg') && hasTool('gpgv'), 'gpg and gpgv (apt-get install gnupg gpgv)', 'fuzz: OpenPGP armour and signature packets (oracle: gpgv)', () => {
  beforeAll(async () => {
    const home = lab.gpgHome();
    const signers = [home.genKey({ uid: 'Ed <ed@example.org>' }), home.genKey({ uid: 'Rsa <rsa@example.org>', algo: 'rsa2048' })];
    for (const k of signers) {
      const armored = home.detachSign(k, COMMIT_PAYLOAD);
      const binary = dearmorPgpSignature(armored);
      bases.push({ armored, binary, unhashed: unhashedArea(binary) });
    }
    keyring = lab.file('keyring.gpg', home.exportPublic(signers));
    keys = await loadKeySet({ armoredKeys: [fs.readFileSync(keyring)] });
    // The bases themselves verify, with us and with gpgv.
    for (const b of bases) expect((await verifyOpenPgpSignatures(b.armored, COMMIT_PAYLOAD, keys))[0]!.verified).toBe(true);
    expect(gpgvGood({ armored: bases[0]!.armored, payload: COMMIT_PAYLOAD })).toBe(true);
  }, 120_000);
  afterAll(() => lab.cleanup());
  fuzz(openpgpTarget);
  replayFixtures(openpgpTarget);
});
