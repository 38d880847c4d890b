/**
 * Quorum counting over verdicts, as a table. The verdicts are plain data in
 * the signature layer's contract shape; the CLI tests cover the same rules
 * end to end with real gpg/ssh signatures.
 */
import type { RepositoryPolicy } from '../../../src/trust/policy/policy.js';
import type { PolicySigner } from '../../../src/trust/policy/signers.js';
import { classifyTrustRoot, evaluateCommit, type SignedCommit } from '../../../src/trust/policy/quorum.js';
import type { SignatureVerdict } from '../../../src/trust/signatures/types.js';

const signer = (id: string, role: string, ...fprs: string[]): PolicySigner => ({
  id,
  role,
  keys: fprs.map((fingerprint) => ({ kind: 'openpgp', fingerprint, subkeyFingerprints: [], text: '', origin: 'test' })),
});
const signers = [signer('alice', 'maintainer', 'A1', 'A2'), signer('bob', 'maintainer', 'B1'), signer('carol', 'maintainer', 'C1'), signer('github', 'platform', 'G1')];
const index = new Map(signers.flatMap((s) => s.keys.map((k) => [k.fingerprint, s] as const)));

const good = (fpr: string): SignatureVerdict => ({ verified: true, reason: 'good', detail: 'good', format: 'openpgp', keyFingerprint: fpr });
const bad = (fpr: string, reason: SignatureVerdict['reason'] = 'bad-signature'): SignatureVerdict => ({ verified: false, reason, detail: reason, format: 'openpgp', keyFingerprint: fpr });

const repo = (over: Partial<RepositoryPolicy> = {}): RepositoryPolicy => ({
  url: 'o/r',
  key: 'github.com/o/r',
  platform: 'ignore',
  crypto: { allowWeakHash: false, requireUserPresence: false, requireUserVerification: false },
  rules: [{ type: 'threshold', min: 2, signers: ['alice', 'bob', 'carol'], setLabel: '{alice,bob,carol}' }],
  ...over,
});
const twoParty = repo({ rules: [{ type: 'two-party', signers: ['alice', 'bob', 'carol'], setLabel: 'role maintainer' }] });

const commit = (oid: string, verdicts: SignatureVerdict[], parents: string[] = ['p0']): SignedCommit => ({ oid, parents, verdicts });
const none = () => undefined;

describe('threshold', () => {
  test.each([
    ['one signer with two keys counts once', [good('A1'), good('A2')], false, 'needs 2 of {alice,bob,carol}; got 1: alice'],
    ['two distinct signers', [good('A1'), good('B1')], true, 'got 2: alice,bob'],
    ['a bad signature does not count', [good('A1'), bad('B1')], false, 'got 1: alice'],
    ['an expired key does not count', [good('A1'), bad('C1', 'expired-key')], false, 'got 1: alice'],
    ['unknown keys count for nothing, even when "verified"', [good('A1'), good('ZZ')], false, 'got 1: alice'],
    ['the platform key is ignored by default', [good('A1'), good('G1')], false, 'got 1: alice'],
    ['unsigned', [], false, 'got 0'],
  ])('%s', (_name, verdicts, satisfied, explanation) => {
    const e = evaluateCommit(commit('c', verdicts), repo(), index, none);
    expect(e.satisfied).toBe(satisfied);
    expect(e.explanation).toContain(explanation);
  });

  test('rejected signatures are listed with their reason', () => {
    const e = evaluateCommit(commit('c', [good('A1'), bad('B1'), good('ZZ')]), repo(), index, none);
    expect(e.rejected.map((r) => r.why)).toEqual(['bad-signature: bad-signature', 'key ZZ is not listed for any signer in the policy']);
  });

  test('platform "count-as-one": every platform key together is one party', () => {
    const e = evaluateCommit(commit('c', [good('A1'), good('G1')]), repo({ platform: 'count-as-one' }), index, none);
    expect(e.satisfied).toBe(true);
    expect(e.explanation).toContain('got 2: alice,platform');
  });

  test('platform-only signatures are reported as centralised trust, accepted or not', () => {
    for (const platform of ['ignore', 'count-as-one', 'sufficient'] as const) {
      const e = evaluateCommit(commit('c', [good('G1')]), repo({ platform }), index, none);
      expect(e.platformOnly).toBe(true);
      expect(e.notes[0]).toBe('centralised trust: only the platform key signed this (github)');
      expect(e.satisfied).toBe(platform === 'sufficient');
    }
  });
});

describe('two-party', () => {
  const merged = new Map([
    ['f-alice', commit('f-alice', [good('A2')])],
    ['f-bob', commit('f-bob', [good('B1')])],
    ['f-none', commit('f-none', [])],
    ['f-platform', commit('f-platform', [good('G1')])],
  ]);
  const lookup = (oid: string) => merged.get(oid);
  test.each([
    ['merge by bob of work by alice', [good('B1')], 'f-alice', 'ignore', true, 'merge signed by bob, merged f-alice signed by alice'],
    ['merge by alice of her own work (other key)', [good('A1')], 'f-alice', 'ignore', false, 'needs two different parties'],
    ['merge of unsigned work', [good('B1')], 'f-none', 'ignore', false, 'signed by nobody'],
    ['platform merge of maintainer work, platform ignored', [good('G1')], 'f-bob', 'ignore', false, 'merge not signed by anyone'],
    ['platform merge of maintainer work, platform counts', [good('G1')], 'f-bob', 'count-as-one', true, 'merge signed by platform, merged f-bob signed by bob'],
    ['merged commit cannot be read', [good('B1')], 'f-missing', 'ignore', false, 'could not be read'],
  ] as const)('%s', (_n, verdicts, parent, platform, satisfied, explanation) => {
    const e = evaluateCommit(commit('m', [...verdicts], ['main', parent]), { ...twoParty, platform }, index, lookup);
    expect(e.satisfied).toBe(satisfied);
    expect(e.explanation).toContain(explanation);
  });

  test('a non-merge passes only when co-signed by two parties', () => {
    expect(evaluateCommit(commit('c', [good('A1')]), twoParty, index, none).satisfied).toBe(false);
    expect(evaluateCommit(commit('c', [good('A1'), good('A2')]), twoParty, index, none).satisfied).toBe(false);
    expect(evaluateCommit(commit('c', [good('A1'), good('C1')]), twoParty, index, none).explanation).toBe('ok two-party: co-signed by alice,carol');
  });
});

describe('classifyTrustRoot', () => {
  //  x - R - a - m      (m merges s; s branched from x, before R)
  //   \         /
  //    s ------
  const graph = [
    { oid: 'm', parents: ['a', 's'] },
    { oid: 'a', parents: ['R'] },
    { oid: 's', parents: ['x'] },
    { oid: 'R', parents: ['x'] },
    { oid: 'x', parents: [] },
    { oid: 'y', parents: ['x'] },
  ];
  test('descendants of the root pass, the root is itself, everything else is outside', () => {
    const s = classifyTrustRoot(graph, 'R');
    expect(Object.fromEntries(s)).toEqual({ m: 'descendant', a: 'descendant', R: 'root', s: 'outside', x: 'outside', y: 'outside' });
  });
  test('deep linear history does not overflow the stack', () => {
    const n = 50_000;
    const chain = Array.from({ length: n }, (_, i) => ({ oid: `c${i}`, parents: i === 0 ? [] : [`c${i - 1}`] })).reverse();
    const s = classifyTrustRoot(chain, 'c10');
    expect(s.get(`c${n - 1}`)).toBe('descendant');
    expect(s.get('c9')).toBe('outside');
  });
});
