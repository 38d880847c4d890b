/**
 * Real signed commits from a public Nix repository (../shared/data/real-commits,
 * see its README): imported byte for byte into a temp repository and verified
 * through the CLI, against the README's expectations and `git verify-commit`.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { describeWithSharedData, sharedDataDir } from '../helpers/shared-data.js';

/** Several CLI processes per test on a shared machine: allow for a loaded CPU. */
const CLI_TIMEOUT = 240_000;

const dataDir = path.join(sharedDataDir, 'real-commits');
const webFlow = path.join(sharedDataDir, 'github-web-flow.gpg');
const allowed = path.join(dataDir, 'allowed_signers');

/** The README's table. */
const expected: Record<string, string> = {
  '88b09c64fbea076a0376830d98e5331f70ed31a3': 'good',
  '649e823fb24ed118d72e613be35fa8ea1b64afe7': 'good',
  c6d85ee045c0c0c07d8fc2bb0e047f01942cfc3d: 'good',
  '84aa8e9f196e50549aa5cdef76f61f442ce40b82': 'expired-key',
  b91c935c2faf08ced2c763dcd2a831f26d84fa86: 'expired-key',
  '295a1f428ccf03183597f6caaff016219a86490a': 'good',
  '1689dd40222db4c12381411b75685c14610bc2fa': 'good',
  '7b465060eba653187cb188ba91c65514f2037fc9': 'unknown-key',
  f1ebf4cac57420a3cbe5a9ddcd6537e32d339597: 'unsigned',
};
const platformSigned = ['88b09c64fbea076a0376830d98e5331f70ed31a3', '649e823fb24ed118d72e613be35fa8ea1b64afe7', 'c6d85ee045c0c0c07d8fc2bb0e047f01942cfc3d'];

interface Verdict {
  rev: string;
  verified: boolean;
  reason: string;
  key: string | null;
  policy?: { notes: string[]; platformOnly: boolean; signers: string[] };
}

describeWithSharedData('real-commits', 'real signed commits', () => {
  let dir: string;
  let repo: string;
  let gnupg: string;
  const git = (args: string[], input?: Buffer) =>
    execFileSync('git', ['-C', repo, ...args], { input, encoding: 'utf8', env: { ...process.env, GNUPGHOME: gnupg }, stdio: ['pipe', 'pipe', 'pipe'] });
  const verify = (...args: string[]) => {
    const r = runCli(['verify-commit', '--repo', repo, '--format', 'json', ...args]);
    return { ...r, out: r.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Verdict) };
  };

  beforeAll(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-real-'));
    repo = path.join(dir, 'repo');
    gnupg = path.join(dir, 'gnupg');
    fs.mkdirSync(gnupg, { mode: 0o700 });
    execFileSync('git', ['init', '-q', repo]);
    execFileSync('gpg', ['--batch', '--import', webFlow], { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' });
  });
  afterAll(() => {
    try {
      execFileSync('gpgconf', ['--kill', 'gpg-agent'], { env: { ...process.env, GNUPGHOME: gnupg }, stdio: 'ignore' });
    } catch {
      /* no agent */
    }
    fs.rmSync(dir, { recursive: true, force: true });
  });

  test('the raw objects hash to their names when imported', () => {
    for (const rev of Object.keys(expected)) {
      const oid = git(['hash-object', '-t', 'commit', '-w', '--literally', path.join(dataDir, `${rev}.commit`)]).trim();
      expect(oid).toBe(rev);
    }
  }, CLI_TIMEOUT);

  test('verdicts match the README and git verify-commit', () => {
    const revs = Object.keys(expected);
    const r = verify('--keyring', webFlow, '--allowed-signers', allowed, ...revs);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(1);
    expect(Object.fromEntries(r.out.map((v) => [v.rev, v.reason]))).toEqual(expected);
    for (const v of r.out) expect(v.verified).toBe(v.reason === 'good');
    const gitSays = Object.fromEntries(
      revs.map((rev) => {
        try {
          git(['-c', `gpg.ssh.allowedSignersFile=${allowed}`, 'verify-commit', rev]);
          return [rev, true];
        } catch {
          return [rev, false];
        }
      }),
    );
    expect(Object.fromEntries(r.out.map((v) => [v.rev, v.verified]))).toEqual(gitSays);
    expect(r.out.find((v) => v.rev === platformSigned[0])!.key).toBe('968479A1AFF927E37D1A566BB5690EEEBB952194');
  }, CLI_TIMEOUT);

  test('one flipped byte in the payload or the signature turns every good into not verified', () => {
    const good = Object.keys(expected).filter((k) => expected[k] === 'good');
    const flipped: string[] = [];
    for (const rev of good) {
      const raw = fs.readFileSync(path.join(dataDir, `${rev}.commit`));
      const msg = raw.indexOf('\n\n') + 2;
      const a = Buffer.from(raw);
      a[msg] ^= 0x01; // first byte of the message: signed payload
      const sigStart = raw.indexOf('-----BEGIN');
      const b = Buffer.from(raw);
      const at = raw.indexOf('\n ', sigStart) + 10; // inside the first base64 line of the armour
      b[at] = b[at] === 0x41 ? 0x42 : 0x41;
      for (const obj of [a, b]) flipped.push(git(['hash-object', '-t', 'commit', '-w', '--literally', '--stdin'], obj).trim());
    }
    const r = verify('--keyring', webFlow, '--allowed-signers', allowed, ...flipped);
    expect(r.out).toHaveLength(good.length * 2);
    for (const v of r.out) {
      expect(v.verified).toBe(false);
      expect(['bad-signature', 'malformed']).toContain(v.reason);
    }
    expect(r.out.filter((v) => v.reason === 'bad-signature').length).toBeGreaterThanOrEqual(good.length);
  }, CLI_TIMEOUT);

  test('with a policy, platform-only commits are reported as centralised trust', () => {
    const lines = fs.readFileSync(allowed, 'utf8').trim().split('\n');
    const sshKey = (principal: string) => lines.find((l) => l.startsWith(principal))!.split(' ').slice(-2).join(' ');
    const write = (platform: string) => {
      const file = path.join(dir, `policy-${platform}.toml`);
      fs.writeFileSync(
        file,
        `version = 1
[[signers]]
id = "mdaniels"
role = "maintainer"
keys = ["${sshKey('mdaniels5757@gmail.com')}"]
[[signers]]
id = "artemis"
role = "maintainer"
keys = ["${sshKey('artemis.tosini@obsidian.systems')}"]
[[signers]]
id = "github"
role = "platform"
keys = [{ path = "${webFlow}" }]
[[repositories]]
url = "${repo}"
platform = "${platform}"
[[repositories.rules]]
type = "threshold"
min = 1
role = "maintainer"
`,
      );
      return file;
    };
    const revs = [...platformSigned, '295a1f428ccf03183597f6caaff016219a86490a', '1689dd40222db4c12381411b75685c14610bc2fa', '84aa8e9f196e50549aa5cdef76f61f442ce40b82'];
    const strict = verify('--policy', write('ignore'), ...revs);
    expect(strict.out.map((v) => v.verified)).toEqual([false, false, false, true, true, false]);
    for (const v of strict.out.slice(0, 3)) expect(v.policy!.notes).toContain('centralised trust: only the platform key signed this (github)');
    expect(strict.out[3].policy!.signers).toEqual(['mdaniels']);
    expect(strict.out[4].policy!.signers).toEqual(['artemis']);
    const lax = verify('--policy', write('sufficient'), ...revs);
    expect(lax.out.map((v) => v.verified)).toEqual([true, true, true, true, true, false]);
    expect(lax.out.slice(0, 3).every((v) => v.policy!.platformOnly)).toBe(true);
  }, CLI_TIMEOUT);
});
