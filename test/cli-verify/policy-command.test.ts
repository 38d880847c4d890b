import fs from 'node:fs';
import path from 'node:path';
import { parse as parseToml } from 'smol-toml';
import { runCli } from '../helpers/cli.js';
import { Fixture } from '../sources/fixture-repo.js';

/** Several CLI processes per test on a shared machine: allow for a loaded CPU. */
const CLI_TIMEOUT = 240_000;

let f: Fixture;
beforeAll(() => {
  f = new Fixture('nh-policy-cmd-');
});
afterAll(() => f.cleanup());

test('policy init writes a commented starter policy and never overwrites without --force', () => {
  const out = path.join(f.dir, 'nixharden-policy.toml');
  const r = runCli(['policy', 'init'], { cwd: f.dir });
  expect(r.status).toBe(0);
  const text = fs.readFileSync(out, 'utf8');
  expect(text).toMatch(/^# nixharden trust policy/);
  expect(parseToml(text)).toMatchObject({ version: 1, repositories: [{ url: 'example-org/example-repo', rules: [{ type: 'threshold', min: 2 }] }] });

  fs.writeFileSync(out, 'mine = true\n');
  const again = runCli(['policy', 'init'], { cwd: f.dir });
  expect(again.status).toBe(2);
  expect(again.stderr).toBe(`nixharden: ${out}: already exists; pass --force to overwrite\n`);
  expect(fs.readFileSync(out, 'utf8')).toBe('mine = true\n');
  expect(fs.readdirSync(f.dir).filter((n) => n.endsWith('.tmp'))).toEqual([]);

  const forced = runCli(['policy', 'init', '--force', '--output', out]);
  expect(forced.status).toBe(0);
  expect(fs.readFileSync(out, 'utf8')).toBe(text);

  const nowhere = runCli(['policy', 'init', '--output', path.join(f.dir, 'no', 'such', 'dir.toml')]);
  expect(nowhere.status).toBe(2);
}, CLI_TIMEOUT);

test('the starter fails closed until its keys exist, then checks clean', () => {
  const file = path.join(f.dir, 'starter.toml');
  expect(runCli(['policy', 'init', '--output', file]).status).toBe(0);
  const missing = runCli(['policy', 'check', file]);
  expect(missing.status).toBe(2);
  const keyLine = fs.readFileSync(file, 'utf8').split('\n').findIndex((l) => l.includes('keys/alice.asc')) + 1;
  expect(missing.stderr).toMatch(new RegExp(`^nixharden: ${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:${keyLine}: signer "alice": cannot read key file .*keys/alice\\.asc: no such file or directory\\n$`));

  f.write('keys/alice.asc', f.gpgKey('Alice <alice@example.org>').armored);
  f.write('keys/carol.asc', f.gpgKey('Carol <carol@example.org>').armored);
  fs.copyFileSync(f.sshKey('bob').pub, path.join(f.dir, 'keys', 'bob.pub'));
  const ok = runCli(['policy', 'check', file]);
  expect(ok.stderr).toBe('');
  expect(ok.status).toBe(0);
  expect(ok.stdout).toBe(`${file}: ok: 3 signer(s), 3 key(s), 1 repository entry\n  example-org/example-repo@main: 2 of {alice,bob,carol}; platform ignore\n`);
}, CLI_TIMEOUT);

test('policy check refuses two [[repositories]] entries on the same repository and branch, in the words verify-commit uses', () => {
  f.write('keys/dana.asc', f.gpgKey('Dana <dana@example.org>').armored);
  f.commit('first');
  const branch = f.git(['rev-parse', '--abbrev-ref', 'HEAD']).trim();
  // The same repository spelled two ways (a path and a file:// URL), both for the current branch.
  const entry = (url: string) => `[[repositories]]\nurl = "${url}"\nbranch = "${branch}"\n[[repositories.rules]]\ntype = "threshold"\nmin = 1\nsigners = ["dana"]\n`;
  const file = f.write('twice.toml', `version = 1\n[[signers]]\nid = "dana"\nkeys = [{ path = "keys/dana.asc" }]\n\n${entry(f.repo)}\n${entry(`file://${f.repo}`)}`);
  const secondLine = fs.readFileSync(file, 'utf8').split('\n').lastIndexOf('[[repositories]]') + 1;
  const expected = `nixharden: ${file}:${secondLine}: several [[repositories]] entries match ${f.repo} on branch ${branch}; give each a distinct branch\n`;

  const check = runCli(['policy', 'check', file]);
  expect({ status: check.status, stdout: check.stdout, stderr: check.stderr }).toEqual({ status: 2, stdout: '', stderr: expected });
  const verify = runCli(['verify-commit', '--repo', f.repo, '--policy', file]);
  expect({ status: verify.status, stderr: verify.stderr }).toEqual({ status: 2, stderr: expected });

  // Distinct branches, or one entry for every branch next to one for this branch, are fine.
  const distinct = f.write('distinct.toml', fs.readFileSync(file, 'utf8').replace(new RegExp(`branch = "${branch}"\\n(?![\\s\\S]*branch = )`), 'branch = "release"\n'));
  expect(runCli(['policy', 'check', distinct]).status).toBe(0);
}, CLI_TIMEOUT);
