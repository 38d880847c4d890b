/**
 * `nixharden verify-commit` through the built CLI, against real commits made
 * and signed by git, gpg and ssh-keygen. Without a policy the oracle is
 * `git verify-commit`'s exit status on the very same commits and keys.
 */
import fs from 'node:fs';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { Fixture, type GpgKey, type SshKey } from '../sources/fixture-repo.js';

/** Several CLI processes per test on a shared machine: allow for a loaded CPU. */
const CLI_TIMEOUT = 240_000;

interface JsonVerdict {
  rev: string;
  verified: boolean;
  reason: string;
  detail: string;
  signer: string | null;
  key: string | null;
  algorithm: string | null;
  signedAt: string | null;
  policy?: { satisfied: boolean; signers: string[]; platformOnly: boolean; notes: string[]; rules: { type: string; satisfied: boolean; explanation: string }[]; trustRoot?: string };
}

const parseLines = (stdout: string): JsonVerdict[] =>
  stdout
    .split('\n')
    .filter(Boolean)
    .map((l) => JSON.parse(l) as JsonVerdict);

describe('verify-commit without a policy matches git verify-commit', () => {
  let f: Fixture;
  let keyring: string;
  let allowed: string;
  const commits: Record<string, string> = {};

  beforeAll(() => {
    f = new Fixture('nh-verify-');
    const alice = f.gpgKey('Alice <alice@example.org>');
    const expiring = f.gpgKey('Old <old@example.org>', { expire: '1d', fakedTime: '20200101T000000' });
    const revoked = f.gpgKey('Revoked <revoked@example.org>');
    const gone = f.gpgKey('Gone <gone@example.org>');
    const carol = f.sshKey('carol');
    const dave = f.sshKey('dave');
    allowed = f.write('allowed_signers', `carol@example.org ${carol.line}\n`);
    // gpg.program that signs as if it were 2020, while the key was still valid.
    const oldGpg = f.write('old-gpg.sh', '#!/bin/sh\nexec gpg --faked-system-time 20200101T120000 "$@"\n');
    fs.chmodSync(oldGpg, 0o755);

    commits.base = f.commit('base');
    commits.alice = f.commit('good alice', { gpg: alice.fpr });
    commits.carol = f.commit('good carol', { ssh: carol });
    commits.unsigned = f.commit('unsigned');
    commits.expired = f.commit('signed while the key was valid', { gpg: expiring.fpr, gpgProgram: oldGpg });
    commits.revoked = f.commit('revoked later', { gpg: revoked.fpr });
    commits.unknown = f.commit('key not in the keyring', { gpg: gone.fpr });
    commits.dave = f.commit('ssh key not allowed', { ssh: dave });
    commits.multi = f.commitMultiSigned('two signatures in one block', [alice.fpr, revoked.fpr]);
    // Same signature, different content: must be bad.
    const raw = f.git(['cat-file', 'commit', commits.alice]);
    commits.tampered = f.writeCommitObject(raw.replace('good alice', 'evil alice'));

    // Revoke one key, forget another; git and nixharden then see the same keys.
    const rev = fs.readFileSync(path.join(f.gnupgHome, 'openpgp-revocs.d', `${revoked.fpr}.rev`), 'utf8').replace(/^:-----BEGIN/m, '-----BEGIN');
    f.run('gpg', ['--batch', '--import'], { input: rev });
    f.run('gpg', ['--batch', '--yes', '--delete-secret-and-public-key', gone.fpr]);
    keyring = f.write('keys.gpg', f.run('gpg', ['--export'], { encoding: 'buffer' }) as unknown as Buffer);
  });
  afterAll(() => f.cleanup());

  test('every commit: same verdict as git, with its own reason', () => {
    const names = Object.keys(commits);
    const r = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--allowed-signers', allowed, '--format', 'json', ...names.map((n) => commits[n])]);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    const out = parseLines(r.stdout);
    expect(out.map((v) => v.rev)).toEqual(names.map((n) => commits[n]));
    const ours = Object.fromEntries(names.map((n, i) => [n, out[i].verified]));
    const git = Object.fromEntries(names.map((n) => [n, f.gitVerifies(commits[n], allowed)]));
    expect(ours).toEqual(git);
    // Guard against a vacuous agreement: both outcomes occur.
    expect(Object.values(git).filter(Boolean).length).toBe(2);
    const reasons = Object.fromEntries(names.map((n, i) => [n, out[i].reason]));
    expect(reasons).toMatchObject({
      alice: 'good',
      carol: 'good',
      unsigned: 'unsigned',
      base: 'unsigned',
      expired: 'expired-key',
      revoked: 'revoked-key',
      unknown: 'unknown-key',
      tampered: 'bad-signature',
    });
    const alice = out[names.indexOf('alice')];
    expect(alice).toMatchObject({ signer: 'Alice <alice@example.org>', algorithm: expect.stringMatching(/ed25519/i) });
    expect(alice.key).toMatch(/^[0-9A-F]{40}$/);
    expect(new Date(alice.signedAt!).getTime()).toBeGreaterThan(0);
    expect(out[names.indexOf('carol')].key).toMatch(/^SHA256:/);
    // Worker threads (used for big batches) give exactly the same verdicts.
    const threaded = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--allowed-signers', allowed, '--format', 'json', ...names.map((n) => commits[n])], {
      env: { NIXHARDEN_VERIFY_PARALLEL_MIN: '1', NIXHARDEN_VERIFY_THREADS: '2' },
    });
    expect(threaded.stdout).toBe(r.stdout);
  }, CLI_TIMEOUT);

  test('text output, exit 0 when everything verifies, ranges and first-parent walks', () => {
    const ok = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--allowed-signers', allowed, commits.alice, commits.carol]);
    expect(ok.status).toBe(0);
    expect(ok.stdout).toContain(`${commits.alice} good: signer Alice <alice@example.org>, key `);
    const range = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--format', 'json', '--range', `${commits.base}..${commits.carol}`]);
    expect(parseLines(range.stdout).map((v) => v.rev)).toEqual([commits.carol, commits.alice]);
    const positional = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--format', 'json', `${commits.base}..${commits.carol}`]);
    expect(positional.stdout).toBe(range.stdout);
    const limited = runCli(['verify-commit', '--repo', f.repo, '--keyring', keyring, '--format', 'json', '--limit', '3', 'HEAD~1']);
    expect(parseLines(limited.stdout).map((v) => v.rev)).toEqual(f.git(['rev-list', '-n', '3', 'HEAD~1']).trim().split('\n'));
  }, CLI_TIMEOUT);

  test('usage and input errors exit 2 with one line', () => {
    for (const args of [
      ['--repo', f.repo, 'no-such-rev'],
      ['--repo', path.join(f.dir, 'nope')],
      ['--repo', f.repo, '--keyring', path.join(f.dir, 'nope.gpg')],
      ['--repo', f.repo, '--limit', 'x'],
      ['--repo', f.repo, '--', '--output=/tmp/x'],
    ]) {
      const r = runCli(['verify-commit', ...args]);
      expect({ args, status: r.status }).toEqual({ args, status: 2 });
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toMatch(/^nixharden: /);
    }
  }, CLI_TIMEOUT);
});

describe('verify-commit with a policy', () => {
  let f: Fixture;
  let alice: GpgKey;
  let alice2: GpgKey;
  let bob: GpgKey;
  let carol: SshKey;
  let platform: GpgKey;
  const c: Record<string, string> = {};

  const policy = (repoBlock: string, name = 'policy.toml') =>
    f.write(
      name,
      `version = 1
[[signers]]
id = "alice"
role = "maintainer"
keys = [{ path = "keys/alice.asc" }, { path = "keys/alice2.asc" }]
[[signers]]
id = "bob"
role = "maintainer"
keys = [{ path = "keys/bob.asc" }]
[[signers]]
id = "carol"
role = "maintainer"
keys = [{ path = "keys/carol.pub" }]
[[signers]]
id = "github"
role = "platform"
keys = [{ path = "keys/platform.gpg" }]

[[repositories]]
url = "git@github.com:example/project.git"
${repoBlock}
`,
    );
  const threshold2 = '[[repositories.rules]]\ntype = "threshold"\nmin = 2\nsigners = ["alice", "bob", "carol"]';
  const verify = (policyFile: string, ...args: string[]) => {
    const r = runCli(['verify-commit', '--repo', f.repo, '--policy', policyFile, '--format', 'json', ...args]);
    return { ...r, out: r.stdout ? parseLines(r.stdout) : [] };
  };

  beforeAll(() => {
    f = new Fixture('nh-policy-cli-');
    alice = f.gpgKey('Alice <alice@example.org>');
    alice2 = f.gpgKey('Alice (laptop) <alice@example.org>');
    bob = f.gpgKey('Bob <bob@example.org>');
    platform = f.gpgKey('GitHub <noreply@github.com>');
    carol = f.sshKey('carol');
    f.write('keys/alice.asc', alice.armored);
    f.write('keys/alice2.asc', alice2.armored);
    f.write('keys/bob.asc', bob.armored);
    f.write('keys/carol.pub', carol.line);
    f.write('keys/platform.gpg', f.run('gpg', ['--export', platform.fpr], { encoding: 'buffer' }) as unknown as Buffer);
    f.git(['remote', 'add', 'origin', 'https://github.com/Example/project']);

    c.old = f.commit('before the trust root');
    f.git(['branch', 'side', c.old]);
    c.root = f.commitMultiSigned('trust root', [alice.fpr, bob.fpr]);
    c.aliceTwice = f.commitMultiSigned('alice with both her keys', [alice.fpr, alice2.fpr]);
    c.aliceBob = f.commitMultiSigned('alice and bob', [alice2.fpr, bob.fpr]);
    c.platformOnly = f.commit('web merge', { gpg: platform.fpr });
    c.carolSolo = f.commit('carol alone', { ssh: carol });
    // Two-party: alice's feature merged by bob; bob's feature merged by bob.
    f.git(['checkout', '-q', '-b', 'feat-a']);
    c.featA = f.commit('feature by alice', { gpg: alice.fpr });
    f.git(['checkout', '-q', '-b', 'feat-b', c.carolSolo]);
    c.featB = f.commit('feature by bob', { gpg: bob.fpr });
    f.git(['checkout', '-q', 'main']);
    c.mergeGood = f.merge('feat-a', { gpg: bob.fpr });
    c.mergeSelf = f.merge('feat-b', { gpg: bob.fpr });
    c.tip = f.commitMultiSigned('tip', [alice.fpr, bob.fpr]);
  });
  afterAll(() => f.cleanup());

  test('2-of-3: a signer with two keys counts once; every decision is explained', () => {
    const p = policy(threshold2);
    const r = verify(p, c.aliceTwice, c.aliceBob, c.carolSolo);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(r.out.map((v) => v.verified)).toEqual([false, true, false]);
    expect(r.out[0].policy!.rules[0].explanation).toBe('threshold: needs 2 of {alice,bob,carol}; got 1: alice');
    expect(r.out[0].reason).toBe('policy');
    expect(r.out[1].policy!.signers).toEqual(['alice', 'bob']);
    expect(r.out[2].policy!.rules[0].explanation).toBe('threshold: needs 2 of {alice,bob,carol}; got 1: carol');
    const ok = verify(p, c.aliceBob);
    expect(ok.status).toBe(0);
    const text = runCli(['verify-commit', '--repo', f.repo, '--policy', p, c.aliceTwice]);
    expect(text.stdout).toContain('NOT VERIFIED (policy)');
    expect(text.stdout).toContain('FAILED threshold: needs 2 of {alice,bob,carol}; got 1: alice');
  }, CLI_TIMEOUT);

  test('two-party merges: a different signer must sign the merge', () => {
    const p = policy('[[repositories.rules]]\ntype = "two-party"\nrole = "maintainer"', 'two-party.toml');
    const r = verify(p, c.mergeGood, c.mergeSelf, c.carolSolo);
    expect(r.out.map((v) => v.verified)).toEqual([true, false, false]);
    expect(r.out[0].policy!.rules[0].explanation).toBe(`two-party: merge signed by bob, merged ${c.featA.slice(0, 12)} signed by alice`);
    expect(r.out[1].policy!.rules[0].explanation).toContain('needs two different parties');
    expect(r.out[2].policy!.rules[0].explanation).toContain('not a merge');
  }, CLI_TIMEOUT);

  test('platform-only signatures are reported honestly, accepted only when the policy says so', () => {
    const ignore = verify(policy(`platform = "ignore"\n${threshold2.replace('min = 2', 'min = 1')}`, 'p-ignore.toml'), c.platformOnly);
    expect(ignore.out[0].verified).toBe(false);
    expect(ignore.out[0].policy!.notes).toContain('centralised trust: only the platform key signed this (github)');
    const sufficient = verify(policy(`platform = "sufficient"\n${threshold2}`, 'p-suff.toml'), c.platformOnly);
    expect(sufficient.out[0].verified).toBe(true);
    expect(sufficient.out[0].policy!.platformOnly).toBe(true);
    expect(sufficient.out[0].policy!.notes[0]).toBe('centralised trust: only the platform key signed this (github)');
  }, CLI_TIMEOUT);

  test('trust root: history from it must satisfy the rules; commits before it are not checked', () => {
    const oneOf = threshold2.replace('min = 2', 'min = 1');
    const p = policy(`trust-root = "${c.root}"\n${oneOf}`, 'root.toml');
    // Every first-parent commit from the root up to the tip, oldest excluded.
    const r = verify(p, '--first-parent', c.carolSolo);
    expect(r.out.map((v) => v.rev)).toEqual([c.carolSolo, c.platformOnly, c.aliceBob, c.aliceTwice, c.root]);
    expect(r.out.map((v) => v.verified)).toEqual([true, false, true, true, true]);
    expect(r.out.every((v) => v.policy!.trustRoot !== 'outside')).toBe(true);
    expect(r.out.some((v) => v.rev === c.old)).toBe(false);
    // --limit verifies fewer commits but still judges descent over the whole path to the root.
    const limited = verify(p, '--first-parent', '--limit', '2', c.carolSolo);
    expect(limited.out.map((v) => [v.rev, v.policy!.trustRoot])).toEqual([
      [c.carolSolo, 'descendant'],
      [c.platformOnly, 'descendant'],
    ]);
    // A commit before the root is outside the policy: never "verified".
    const before = verify(p, c.old);
    expect(before.out[0]).toMatchObject({ verified: false, reason: 'outside-trust-root' });
    // A history that does not descend from the root fails.
    f.git(['checkout', '-q', 'side']);
    const sideTip = f.commit('side work', { gpg: alice.fpr });
    f.git(['checkout', '-q', 'main']);
    const side = verify(p, sideTip);
    expect(side.status).toBe(1);
    expect(side.out.map((v) => [v.rev, v.reason])).toEqual([[sideTip, 'outside-trust-root']]);
  }, CLI_TIMEOUT);

  test('a policy for another repository does not apply (exit 2)', () => {
    const p = f.write('other.toml', fs.readFileSync(policy(threshold2), 'utf8').replace('example/project', 'someone/else'));
    const r = runCli(['verify-commit', '--repo', f.repo, '--policy', p, 'HEAD']);
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/no \[\[repositories\]\] entry matches/);
  }, CLI_TIMEOUT);
});
