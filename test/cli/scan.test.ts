import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

// The built CLI is what users run: `npx tsc -p tsconfig.build.json` first (scripts/test.sh does).
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;
const ajv = new Ajv({ allErrors: true, strictRequired: false });
addFormats(ajv);
const validateJson = ajv.compile(JSON.parse(fs.readFileSync(path.resolve('docs/json-schema-v1.json'), 'utf8')));

const risky = `{ pkgs, ... }:
{
  nix.settings.require-sigs = false;
  nix.settings.trusted-users = [ "root" "@wheel" ];
}
`;

// Each case spawns the CLI several times; the shared 2-core machine can be slow.
jest.setTimeout(180000);

let tmp: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cli-'));
  execFileSync('git', ['init', '-q', tmp]);
  fs.mkdirSync(path.join(tmp, 'hosts', 'legacy'), { recursive: true });
  fs.writeFileSync(path.join(tmp, 'hosts', 'legacy', 'configuration.nix'), risky);
});
afterEach(() => fs.rmSync(tmp, { recursive: true, force: true }));

describe('nixharden scan', () => {
  it('prints code frames and a summary, exits 1 on findings, without colour when NO_COLOR is set', () => {
    const r = runCli(['scan', tmp]);
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('NH005 critical: signature checking of substituted paths is turned off (nix.settings.require-sigs)');
    expect(r.stdout).toContain('  --> hosts/legacy/configuration.nix:3:3');
    expect(r.stdout).toContain('3 |   nix.settings.require-sigs = false;');
    expect(r.stdout).toMatch(/2 findings \(1 critical, 1 high\); 1 file scanned\n$/);
    expect(r.stdout).not.toContain('\x1b[');
    expect(r.stderr).toBe('');
  });

  it('colours with FORCE_COLOR even when stdout is not a TTY', () => {
    const r = runCli(['scan', tmp], { env: { NO_COLOR: '', FORCE_COLOR: '1' } });
    expect(r.stdout).toContain('\x1b[1;31mcritical\x1b[0m');
  });

  it('exits 0 with nothing to report', () => {
    fs.writeFileSync(path.join(tmp, 'hosts', 'legacy', 'configuration.nix'), '{ nix.settings.sandbox = true; }\n');
    const r = runCli(['scan', tmp]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('No findings; 1 file scanned\n');
  });

  it('a bad path is one line on stderr and exit 2', () => {
    const r = runCli(['scan', path.join(tmp, 'nope')]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nixharden: ${path.join(tmp, 'nope')}: no such file or directory\n`);
  });

  it('--format json is schema-valid; --min-severity filters and sets the exit code', () => {
    const r = runCli(['scan', tmp, '--format', 'json']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(validateJson(doc)).toBe(true);
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['NH005', 'NH007']);
    expect(doc.findings[0].location.file).toBe('hosts/legacy/configuration.nix');

    const critical = JSON.parse(runCli(['scan', tmp, '--format', 'json', '--min-severity', 'critical']).stdout);
    expect(critical.summary).toMatchObject({ findings: 1, belowThreshold: 1, minSeverity: 'critical' });
    fs.writeFileSync(path.join(tmp, 'hosts', 'legacy', 'configuration.nix'), '{ nix.settings.trusted-users = [ "alice" ]; }\n');
    expect(runCli(['scan', tmp, '--min-severity', 'high']).status).toBe(0);
    expect(runCli(['scan', tmp, '--min-severity', 'medium']).status).toBe(1);
    expect(runCli(['scan', tmp, '--min-severity', 'severe']).status).toBe(2);
  });

  it('--format sarif and markdown render', () => {
    const sarif = JSON.parse(runCli(['scan', tmp, '--format', 'sarif']).stdout);
    expect(sarif.version).toBe('2.1.0');
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation).toEqual({ uri: 'hosts/legacy/configuration.nix', uriBaseId: '%SRCROOT%' });
    const md = runCli(['scan', tmp, '--format', 'markdown']).stdout;
    expect(md).toMatch(/^### nixharden: 2 findings/);
  });

  it('--output writes the report atomically and nothing to stdout; an unwritable output is exit 2 and no file', () => {
    const out = path.join(tmp, 'report.sarif');
    const r = runCli(['scan', tmp, '--format', 'sarif', '--output', out]);
    expect(r.status).toBe(1);
    expect(r.stdout).toBe('');
    expect(JSON.parse(fs.readFileSync(out, 'utf8')).runs[0].results).toHaveLength(2);
    expect(fs.readdirSync(tmp).filter((n) => n.endsWith('.tmp'))).toEqual([]);
    const bad = runCli(['scan', tmp, '--output', path.join(tmp, 'no', 'such', 'dir', 'r.txt')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^nixharden: .*r\.txt: cannot write: no such file or directory\n$/);
  });

  it('--output /dev/null writes through the device and leaves it a device (as root it was replaced once)', () => {
    const r = runCli(['scan', tmp, '--output', '/dev/null']);
    expect(r.status).toBe(1);
    expect(fs.lstatSync('/dev/null').isCharacterDevice()).toBe(true);
  });

  it('--output through a symlink writes the target and keeps the link; a directory is refused', () => {
    const target = path.join(tmp, 'real-report.json');
    fs.writeFileSync(target, 'old');
    const link = path.join(tmp, 'report-link.json');
    fs.symlinkSync(target, link);
    expect(runCli(['scan', tmp, '--format', 'json', '--output', link]).status).toBe(1);
    expect(fs.lstatSync(link).isSymbolicLink()).toBe(true);
    expect(JSON.parse(fs.readFileSync(target, 'utf8')).version).toBe(1);
    const dirOut = runCli(['scan', tmp, '--output', path.join(tmp, 'hosts')]);
    expect(dirOut.status).toBe(2);
    expect(dirOut.stderr).toMatch(/hosts: is a directory; give a file path\n$/);
  });

  it('honours inline suppressions: kept in JSON, not counted for the exit code', () => {
    fs.writeFileSync(
      path.join(tmp, 'hosts', 'legacy', 'configuration.nix'),
      '{\n  # nixharden: ignore[NH005] offline lab\n  nix.settings.require-sigs = false;\n}\n',
    );
    const r = runCli(['scan', tmp, '--format', 'json']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([]);
    expect(doc.suppressed[0]).toMatchObject({ ruleId: 'NH005', suppression: { kind: 'inline', reason: 'offline lab' } });
  });

  it('finds .nixharden.toml at the git root; --no-config and --config override it', () => {
    fs.writeFileSync(
      path.join(tmp, '.nixharden.toml'),
      '[rules]\ndisable = ["trusted-users"]\n\n[[ignore]]\nrule = "NH005"\npath = "hosts/legacy/**"\nreason = "retired in 2027"\nuntil = 2099-12-31\n',
    );
    const r = runCli(['scan', path.join(tmp, 'hosts')]);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe('No findings; 1 suppressed; 1 file scanned\n');
    expect(runCli(['scan', path.join(tmp, 'hosts'), '--no-config']).status).toBe(1);
    const other = path.join(tmp, 'other.toml');
    fs.writeFileSync(other, '[rules]\ndisable = ["NH005"]\n');
    const withOther = JSON.parse(runCli(['scan', tmp, '--config', other, '--format', 'json']).stdout);
    expect(withOther.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['NH007']);
    expect(withOther.summary.configFile).toBe(other);
  });

  it('an expired ignore stops suppressing, warns on stderr and notes it in JSON', () => {
    fs.writeFileSync(path.join(tmp, '.nixharden.toml'), '[[ignore]]\nrule = "NH005"\nuntil = 2020-01-01\n');
    const r = runCli(['scan', tmp, '--format', 'json']);
    expect(r.status).toBe(1);
    expect(r.stderr).toBe(`nixharden: warning: ${path.join(tmp, '.nixharden.toml')}:1: ignore entry for NH005 expired on 2020-01-01; its findings are reported again\n`);
    const doc = JSON.parse(r.stdout);
    expect(doc.notes).toEqual([{ kind: 'expired-ignore', where: `${path.join(tmp, '.nixharden.toml')}:1`, message: expect.stringContaining('expired on 2020-01-01') }]);
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId)).toContain('NH005');
  });

  it('a bad config file is one line naming file:line, exit 2', () => {
    fs.writeFileSync(path.join(tmp, '.nixharden.toml'), '[rules]\ndisable = ["NH005"]\nseverity = "high"\n');
    const r = runCli(['scan', tmp]);
    expect(r.status).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`nixharden: ${path.join(tmp, '.nixharden.toml')}:3: "rules.severity" must be a table of rule = "severity"\n`);
  });

  it('rejects --jobs 0 and an unknown --format as usage errors', () => {
    expect(runCli(['scan', tmp, '--jobs', '0']).status).toBe(2);
    expect(runCli(['scan', tmp, '--format', 'html']).status).toBe(2);
    expect(runCli(['scan', tmp, '--jobs', '2']).status).toBe(1);
  });
});

describe('nixharden rules / explain', () => {
  it('lists every rule as text and JSON', () => {
    const text = runCli(['rules']);
    expect(text.status).toBe(0);
    expect(text.stdout.split('\n')[0]).toMatch(/^ID\s+SEVERITY\s+CATEGORY\s+SLUG\s+TITLE$/);
    expect(text.stdout).toMatch(/^NH005\s+critical\s+signature-policy\s+require-sigs-disabled\s+Signature checking/m);
    const json = JSON.parse(runCli(['rules', '--format', 'json']).stdout);
    expect(json.rules.length).toBeGreaterThanOrEqual(17);
    expect(json.rules[0]).toMatchObject({ id: 'NH001', docs: 'docs/rules/NH001-unofficial-substituter.md' });
  });

  it('explains a rule by id or slug, naming its docs page; an unknown rule is exit 2', () => {
    const byId = runCli(['explain', 'NH007']);
    expect(byId.status).toBe(0);
    for (const s of ['NH007 trusted-users:', 'Severity: high', 'Why it matters:', 'How to fix:', 'Example that triggers it:', 'References:', 'Docs: docs/rules/NH007-trusted-users.md'])
      expect(byId.stdout).toContain(s);
    expect(runCli(['explain', 'trusted-users']).stdout).toBe(byId.stdout);
    const unknown = runCli(['explain', 'NH999']);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toBe('nixharden: unknown rule "NH999"; run `nixharden rules` to list them\n');
  });
});
