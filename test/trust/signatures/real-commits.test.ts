import fs from 'node:fs';
import path from 'node:path';
import { describeWithSharedData, sharedDataDir } from '../../helpers/shared-data.js';
import { parseGitObject } from '../../../src/trust/signatures/git-object.js';
import { crc24 } from '../../../src/trust/signatures/openpgp/armor.js';
import { loadKeySet, type KeySet } from '../../../src/trust/signatures/keyset.js';
import { verifyObject, verifyObjectSummary } from '../../../src/trust/signatures/verify.js';
import type { GitObject } from '../../../src/trust/signatures/types.js';

const dir = path.join(sharedDataDir, 'real-commits');
const load = (rev: string): GitObject => parseGitObject(fs.readFileSync(path.join(dir, `${rev}.commit`)), 'commit', rev);

/** Expected verdicts, from the README beside the vectors (what git verify-commit said). */
const expected: Record<string, { verified: boolean; reason: string; key?: string; identity?: string; keyExpiredSince?: boolean }> = {
  '88b09c64fbea076a0376830d98e5331f70ed31a3': { verified: true, reason: 'good', key: '968479A1AFF927E37D1A566BB5690EEEBB952194' },
  '649e823fb24ed118d72e613be35fa8ea1b64afe7': { verified: true, reason: 'good', key: '968479A1AFF927E37D1A566BB5690EEEBB952194' },
  c6d85ee045c0c0c07d8fc2bb0e047f01942cfc3d: { verified: true, reason: 'good', key: '968479A1AFF927E37D1A566BB5690EEEBB952194' },
  '84aa8e9f196e50549aa5cdef76f61f442ce40b82': { verified: false, reason: 'expired-key', key: '5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23', keyExpiredSince: true },
  b91c935c2faf08ced2c763dcd2a831f26d84fa86: { verified: false, reason: 'expired-key', key: '5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23', keyExpiredSince: true },
  '295a1f428ccf03183597f6caaff016219a86490a': { verified: true, reason: 'good', identity: 'mdaniels5757@gmail.com' },
  '1689dd40222db4c12381411b75685c14610bc2fa': { verified: true, reason: 'good', identity: 'artemis.tosini@obsidian.systems' },
  '7b465060eba653187cb188ba91c65514f2037fc9': { verified: false, reason: 'unknown-key' },
  f1ebf4cac57420a3cbe5a9ddcd6537e32d339597: { verified: false, reason: 'unsigned' },
};

describeWithSharedData('real-commits', 'real signed commits from a public Nix repository', () => {
  let keys: KeySet;
  beforeAll(async () => {
    keys = await loadKeySet({ keyrings: [path.join(sharedDataDir, 'github-web-flow.gpg')], allowedSigners: path.join(dir, 'allowed_signers') });
  });

  it('covers every vector in the folder', () => {
    const revs = fs.readdirSync(dir).filter((f) => f.endsWith('.commit')).map((f) => f.replace(/\.commit$/, ''));
    expect(revs.sort()).toEqual(Object.keys(expected).sort());
  });

  it('loads both platform keys from one binary keyring and both SSH signers', () => {
    expect(keys.openpgp.map((c) => c.fingerprint).sort()).toEqual(['5DE3E0509C47EA3CF04A42D34AEE18F83AFDEB23', '968479A1AFF927E37D1A566BB5690EEEBB952194']);
    expect(keys.ssh.map((e) => e.principals[0])).toEqual(['mdaniels5757@gmail.com', 'artemis.tosini@obsidian.systems']);
  });

  it.each(Object.entries(expected))('%s gives the verdict git gave', async (rev, want) => {
    const v = await verifyObjectSummary(load(rev), keys);
    expect({ verified: v.verified, reason: v.reason }).toEqual({ verified: want.verified, reason: want.reason });
    if (want.key) expect(v.keyFingerprint).toBe(want.key);
    if (want.identity) expect(v.identity).toBe(want.identity);
    if (want.keyExpiredSince) expect(v.keyExpiredSince).toBe(true);
  });

  it('reports the FIDO flags of the hardware-key signature', async () => {
    const [v] = await verifyObject(load('1689dd40222db4c12381411b75685c14610bc2fa'), keys);
    expect(v).toMatchObject({ format: 'ssh', algorithm: 'sk-ssh-ed25519@openssh.com', userPresent: true });
  });

  it('the expired key is good when "now" is before its expiry (2024-01-16)', async () => {
    const v = await verifyObjectSummary(load('84aa8e9f196e50549aa5cdef76f61f442ce40b82'), keys, { now: new Date('2024-01-10T00:00:00Z') });
    expect(v).toMatchObject({ verified: true, reason: 'good', algorithm: 'rsa2048' });
  });

  describe('every sampled one-byte change of a good commit makes it not verified', () => {
    const goodRevs = Object.entries(expected).filter(([, w]) => w.verified || w.keyExpiredSince).map(([rev]) => rev);
    // Before the old platform key expired, so that its commits count as good too.
    const opts = { now: new Date('2024-01-10T00:00:00Z') };

    it.each(goodRevs)('%s: payload bytes', async (rev) => {
      const obj = load(rev);
      expect((await verifyObjectSummary(obj, keys, opts)).verified).toBe(true);
      for (const [pos, mask] of samplePositions(obj.payload.length, 200, rev)) {
        const v = await verifyObjectSummary({ ...obj, payload: flip(obj.payload, pos, mask) }, keys, opts);
        if (v.verified) throw new Error(`payload byte ${pos} ^ ${mask} still verifies`);
      }
    });

    it.each(goodRevs)('%s: signature bytes', async (rev) => {
      const obj = load(rev);
      const sig = obj.signatures[0]!;
      const { bytes, rearmor } = dearmor(sig.armored);
      const same = { ...obj, signatures: [{ ...sig, armored: rearmor(bytes) }] };
      expect((await verifyObjectSummary(same, keys, opts)).verified).toBe(true); // re-armouring alone changes nothing
      const positions = samplePositions(bytes.length, 300, rev);
      for (const [pos, mask] of positions) {
        const v = await verifyObjectSummary({ ...obj, signatures: [{ ...sig, armored: rearmor(flip(bytes, pos, mask)) }] }, keys, opts);
        if (v.verified) throw new Error(`signature byte ${pos} ^ ${mask} still verifies`);
      }
    });
  });

  it('without the keys nothing verifies', async () => {
    const none = await loadKeySet({});
    for (const rev of Object.keys(expected)) {
      expect((await verifyObjectSummary(load(rev), none)).verified).toBe(false);
    }
  });
});

/** Deterministic sample of (position, xor mask) pairs: every position when the buffer is small. */
function samplePositions(length: number, max: number, seed: string): [number, number][] {
  let state = parseInt(seed.slice(0, 8), 16) || 1;
  const next = (): number => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return state;
  };
  const positions = length <= max ? [...Array(length).keys()] : [...new Set(Array.from({ length: max }, () => next() % length))];
  return positions.map((p) => [p, (next() % 255) + 1]);
}

function flip(buf: Buffer, pos: number, mask: number): Buffer {
  const out = Buffer.from(buf);
  out[pos] = out[pos]! ^ mask;
  return out;
}

/** Armour body → bytes, and a function that armours bytes the same way (with a fresh checksum line). */
/** The armour checksum line's base64 (without '='). */
function crcLine(b: Buffer): string {
  const c = crc24(b);
  return Buffer.from([c >> 16, (c >> 8) & 0xff, c & 0xff]).toString('base64');
}

function dearmor(armored: string): { bytes: Buffer; rearmor: (b: Buffer) => string } {
  const lines = armored.trim().split('\n');
  const begin = lines[0]!;
  const end = lines[lines.length - 1]!;
  let body = lines.slice(1, -1);
  if (begin.includes('PGP')) {
    body = body.slice(body.indexOf('') + 1).filter((l) => !l.startsWith('='));
  }
  const bytes = Buffer.from(body.join(''), 'base64');
  const rearmor = (b: Buffer): string => {
    const b64 = b.toString('base64').match(/.{1,64}/g)!.join('\n');
    return begin.includes('PGP') ? `${begin}\n\n${b64}\n=${crcLine(b)}\n${end}\n` : `${begin}\n${b64}\n${end}\n`;
  };
  return { bytes, rearmor };
}
