/**
 * Fuzzing SSH signatures (signatures/ssh/). Bases are real `ssh-keygen -Y sign`
 * signatures (Ed25519, ECDSA P-256, RSA 3072) over a commit payload; a case mutates
 * the armoured text, the SSHSIG blob, or the payload. Properties:
 * - the verifier throws nothing and gives one-line details;
 * - a mutated signature never verifies: when it does, its blob and payload are the base's;
 * - oracle, on every 8th case: `ssh-keygen -Y verify` (same allowed signers, namespace
 *   and verify-time) accepts exactly what we accept.
 */
import fc from 'fast-check';
import { dearmorSshSignature } from '../../src/trust/signatures/ssh/sshsig.js';
import { verifySshSignature } from '../../src/trust/signatures/ssh/verify.js';
import { loadKeySet, type KeySet } from '../../src/trust/signatures/keyset.js';
import { SigningLab, allowedSignersLine, armorSshSignature, sshKeygenVerify, sshSign } from '../helpers/signing.js';
import { describeWhen } from '../helpers/requires.js';
import { hasTool } from '../helpers/oci.js';
import { fuzz, replayFixtures, type FuzzTarget } from './harness.js';
import { applyByteEdits, byteEdits, sampled, type ByteEdit } from './gen/bytes.js';
import { COMMIT_PAYLOAD, COMMIT_TIME } from './gen/signed.js';

interface SshCase {
  base: number;
  layer: 'armor' | 'blob' | 'payload';
  edits: ByteEdit[];
}

const PRINCIPAL = 'signer@example.org';
const lab = new SigningLab();
const bases: { armored: string; blob: Buffer }[] = [];
let keys: KeySet;
let allowedFile: string;

function mutate(c: SshCase): { armored: string; payload: Buffer } {
  const base = bases[c.base % bases.length]!;
  if (c.layer === 'payload') return { armored: base.armored, payload: applyByteEdits(COMMIT_PAYLOAD, c.edits) };
  if (c.layer === 'armor') return { armored: applyByteEdits(Buffer.from(base.armored), c.edits).toString('latin1'), payload: COMMIT_PAYLOAD };
  return { armored: armorSshSignature(applyByteEdits(base.blob, c.edits)), payload: COMMIT_PAYLOAD };
}

function sshKeygenGood(c: SshCase): boolean {
  const m = mutate(c);
  return sshKeygenVerify(allowedFile, PRINCIPAL, m.armored, m.payload, 'git', new Date(COMMIT_TIME * 1000)).status === 0;
}

export function checkSsh(c: SshCase, oracle: boolean | undefined): void {
  const base = bases[c.base % bases.length]!;
  const m = mutate(c);
  const v = verifySshSignature(m.armored, m.payload, keys, COMMIT_TIME);
  if (/\n/.test(v.detail)) throw new Error(`detail spans lines: ${v.detail}`);
  if (v.verified) {
    if (!m.payload.equals(COMMIT_PAYLOAD)) throw new Error('a signature verifies over a changed payload');
    if (!dearmorSshSignature(m.armored).equals(base.blob)) throw new Error('a changed SSHSIG blob verifies');
  }
  if (oracle !== undefined && oracle !== v.verified) throw new Error(`ssh-keygen says ${oracle ? 'good' : 'bad'}, we say ${v.reason}: ${v.detail}`);
}

export const sshTarget: FuzzTarget<SshCase, boolean | undefined> = {
  name: 'ssh-signature',
  arbitrary: fc.record({ base: fc.nat({ max: 2 }), layer: fc.constantFrom('armor', 'blob', 'blob', 'payload'), edits: byteEdits() }),
  oracle: (cases) => cases.map((c, i) => (sampled(i, 8) ? sshKeygenGood(c) : undefined)),
  check: checkSsh,
  fromFixture: (b) => JSON.parse(b.toString('utf8')) as SshCase,
  shortCases: 60,
};

describeWhen(hasTool('ssh-keygen'), 'ssh-keygen (apt-get install openssh-client)', 'fuzz: SSH signatures (oracle: ssh-keygen -Y verify)', () => {
  beforeAll(async () => {
    const signers = (['ed25519', 'ecdsa256', 'rsa'] as const).map((algo) => lab.sshKey(algo));
    for (const k of signers) {
      const armored = sshSign(k, COMMIT_PAYLOAD);
      bases.push({ armored, blob: dearmorSshSignature(armored) });
    }
    allowedFile = lab.file('allowed_signers', signers.map((k) => `${allowedSignersLine(PRINCIPAL, k)}\n`).join(''));
    keys = await loadKeySet({ allowedSigners: allowedFile });
    for (const b of bases) expect(verifySshSignature(b.armored, COMMIT_PAYLOAD, keys, COMMIT_TIME).verified).toBe(true);
  }, 120_000);
  afterAll(() => lab.cleanup());
  fuzz(sshTarget);
  replayFixtures(sshTarget);
});
