import fs from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { loadPolicy, repoKey, selectRepository, signerIndex } from '../../../src/trust/policy/policy.js';
import { Fixture, type GpgKey, type SshKey } from '../../sources/fixture-repo.js';

const fixturesDir = path.resolve('fixtures/policy');

let f: Fixture;
let alice: GpgKey;
let bob: SshKey;

beforeAll(() => {
  f = new Fixture('nh-policy-');
  alice = f.gpgKey('Alice <alice@example.org>');
  bob = f.sshKey('bob');
  f.write('keys/alice.asc', alice.armored);
  f.write('keys/alice.gpg', f.run('gpg', ['--export', alice.fpr], { encoding: 'buffer' }) as unknown as Buffer);
  f.write('keys/bob.pub', `${bob.line}\n`);
});
afterAll(() => f.cleanup());

async function expectUserError(file: string, match: RegExp, line?: number): Promise<void> {
  const err = await loadPolicy(file).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  const u = err as UserError;
  expect(u.message).toMatch(match);
  expect(u.file).toBe(file);
  if (line !== undefined) expect(u.line).toBe(line);
}

const base = (keysToml: string, rules = 'type = "threshold"\nmin = 1\nsigners = ["alice"]') => `version = 1

[[signers]]
id = "alice"
role = "maintainer"
${keysToml}

[[signers]]
id = "bob"
role = "maintainer"
keys = [{ path = "keys/bob.pub" }]

[[repositories]]
url = "https://github.com/Example/Repo.git"

[[repositories.rules]]
${rules}
`;

describe('loadPolicy', () => {
  test('resolves inline armored, armored and binary key files and SSH lines to the oracles\u2019 fingerprints', async () => {
    const gpgFpr = alice.fpr.toUpperCase();
    const sshFpr = f.run('ssh-keygen', ['-l', '-E', 'sha256', '-f', bob.pub]).split(' ')[1];
    for (const keys of [
      `keys = ["""\n${alice.armored}"""]`,
      'keys = [{ path = "keys/alice.asc" }]',
      'keys = [{ path = "keys/alice.gpg" }]',
    ]) {
      const file = f.write('p.toml', base(keys));
      const p = await loadPolicy(file);
      expect(p.signers.get('alice')!.keys.map((k) => k.fingerprint)).toEqual([gpgFpr]);
      expect(p.signers.get('bob')!.keys.map((k) => k.fingerprint)).toEqual([sshFpr]);
      const index = signerIndex(p);
      expect(index.get(gpgFpr)!.id).toBe('alice');
      expect(index.get(sshFpr)!.id).toBe('bob');
      expect(p.repositories[0].key).toBe('github.com/example/repo');
      expect(p.repositories[0].platform).toBe('ignore');
      expect(p.repositories[0].crypto).toEqual({ allowWeakHash: false, requireUserPresence: false, requireUserVerification: false });
    }
  });

  test('a role expands to every signer holding it; an SSH key line may be inline', async () => {
    const carol = f.sshKey('carol');
    const file = f.write('role.toml', base(`keys = ["${carol.line}"]`, 'type = "threshold"\nmin = 2\nrole = "maintainer"'));
    const p = await loadPolicy(file);
    expect(p.repositories[0].rules[0]).toMatchObject({ type: 'threshold', min: 2, signers: ['alice', 'bob'], setLabel: 'role maintainer' });
    expect(p.signers.get('alice')!.keys[0]).toMatchObject({ kind: 'ssh', text: carol.line.split(' ').slice(0, 2).join(' ') });
  });

  test('YAML policies are accepted by extension', async () => {
    const file = f.write(
      'p.yaml',
      `version: 1
signers:
  - id: alice
    keys: [{ path: keys/alice.asc }]
  - id: bob
    keys: [{ path: keys/bob.pub }]
repositories:
  - url: owner/repo
    platform: count-as-one
    rules:
      - { type: two-party, signers: [alice, bob] }
`,
    );
    const p = await loadPolicy(file);
    expect(p.repositories[0]).toMatchObject({ key: 'github.com/owner/repo', platform: 'count-as-one' });
    expect(p.repositories[0].rules[0]).toMatchObject({ type: 'two-party', signers: ['alice', 'bob'] });
  });

  test('the committed fixtures under fixtures/policy/invalid fail with the documented message and line', async () => {
    // Each fixture names its expected error in its first line: `# error: <regex> @ <line>`.
    const dir = path.join(fixturesDir, 'invalid');
    const files = fs.readdirSync(dir).filter((n) => /\.(toml|ya?ml)$/.test(n));
    expect(files.length).toBeGreaterThanOrEqual(8);
    const got: string[] = [];
    const want: string[] = [];
    for (const name of files) {
      // Copy beside the keys so relative key paths resolve the same way for every case.
      const text = fs.readFileSync(path.join(dir, name), 'utf8');
      const m = text.match(/^# error: (.+) @ (\d+)\s*$/m);
      if (!m) throw new Error(`${name}: no "# error:" header`);
      const file = f.write(name, text);
      const err = await loadPolicy(file).then(() => undefined, (e: unknown) => e);
      const ok = err instanceof UserError && new RegExp(m[1]).test(err.message) && err.file === file;
      got.push(`${name}: ${ok ? 'matches' : String((err as Error)?.message)} @ ${(err as UserError)?.line}`);
      want.push(`${name}: matches @ ${m[2]}`);
    }
    expect(got).toEqual(want);
  });

  test('line numbers stay right after a multi-line inline certificate', async () => {
    const text = base(`keys = ["""\n${alice.armored}"""]`).replace('keys = [{ path = "keys/bob.pub" }]', 'keys = ["hello"]');
    const file = f.write('lines.toml', text);
    const expected = text.split('\n').findIndex((l) => l === 'keys = ["hello"]') + 1;
    expect(expected).toBeGreaterThan(10);
    await expectUserError(file, /signer "bob": key is neither/, expected);
  });

  test('a missing policy file is a UserError naming it', async () => {
    await expectUserError(path.join(f.dir, 'nope.toml'), /cannot read policy: no such file or directory/);
  });
});

describe('selectRepository', () => {
  test('matches owner/repo, URLs and paths; a policy for another repository never applies', async () => {
    const file = f.write('sel.toml', base('keys = [{ path = "keys/alice.asc" }]'));
    const p = await loadPolicy(file);
    for (const ref of ['example/repo', 'git@github.com:example/repo.git', 'ssh://git@github.com/Example/Repo', 'https://github.com/example/repo/']) {
      expect(selectRepository(p, [ref]).url).toBe('https://github.com/Example/Repo.git');
    }
    expect(() => selectRepository(p, ['other/repo', '/tmp/x'])).toThrow(/no \[\[repositories\]\] entry matches/);
    expect(repoKey('file:///srv/git/x')).toBe('/srv/git/x');
    expect(repoKey('not a url')).toBeUndefined();
  });
});
