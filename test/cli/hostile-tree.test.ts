import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { jest } from '@jest/globals';
import { runCli } from '../helpers/cli.js';

// Trees a user scans may be hostile: links out of the tree, odd file names, huge or
// encrypted files, unreadable directories. Each case here was reproduced before its fix.
jest.setTimeout(180000);

const SECRET = 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY';
let tmp: string;
let outside: string;
beforeEach(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-hostile-'));
  outside = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-host-'));
  execFileSync('git', ['init', '-q', tmp]);
  // The target parses as Nix and has a finding, so a scan that read it would show it.
  fs.writeFileSync(path.join(outside, 'secret.env'), `{ nix.settings.require-sigs = false; x = "${SECRET}"; }\n`);
  fs.writeFileSync(path.join(tmp, 'ok.nix'), '{ nix.settings.sandbox = true; }\n');
});
afterEach(() => {
  fs.chmodSync(tmp, 0o755);
  fs.rmSync(tmp, { recursive: true, force: true });
  fs.rmSync(outside, { recursive: true, force: true });
});

const formats = ['text', 'json', 'sarif', 'markdown'];

describe('a symlink out of the scanned tree', () => {
  it('is never read: no format shows the target, it is listed as skipped, and --fix never writes it', () => {
    fs.symlinkSync(path.join(outside, 'secret.env'), path.join(tmp, 'x.nix'));
    for (const format of formats) {
      const r = runCli(['scan', tmp, '--format', format, '--profile', 'auditor']);
      expect(r.stdout).not.toContain('wJalrXUtnFEMI');
      expect(r.stdout).not.toMatch(/NH005 critical|"ruleId": "NH005"|\*\*critical\*\*/);
      expect(r.stdout + r.stderr).toContain('x.nix');
      expect(r.stderr).toContain('x.nix: not read: a symlink to a file outside the scanned tree');
    }
    const json = JSON.parse(runCli(['scan', tmp, '--format', 'json']).stdout);
    expect(json.notes).toEqual([{ kind: 'skipped', where: 'x.nix', message: 'not read: a symlink to a file outside the scanned tree' }]);
    const before = fs.readFileSync(path.join(outside, 'secret.env'), 'utf8');
    runCli(['scan', tmp, '--fix=unsafe']);
    expect(fs.readFileSync(path.join(outside, 'secret.env'), 'utf8')).toBe(before);
  });

  it('named on the command line is skipped too, and an import through such a link is not followed', () => {
    fs.symlinkSync(path.join(outside, 'secret.env'), path.join(tmp, 'x.nix'));
    const named = runCli(['scan', path.join(tmp, 'x.nix'), '--format', 'json']);
    expect(named.stdout).not.toContain('wJalrXUtnFEMI');
    expect(JSON.parse(named.stdout).notes.map((n: { kind: string }) => n.kind)).toEqual(['skipped']);

    fs.mkdirSync(path.join(tmp, 'sub'));
    fs.renameSync(path.join(tmp, 'x.nix'), path.join(tmp, 'sub', 'hw.nix'));
    fs.writeFileSync(path.join(tmp, 'sub', 'configuration.nix'), '{ imports = [ ./hw.nix ]; }\n');
    const viaImport = runCli(['scan', path.join(tmp, 'sub', 'configuration.nix'), '--format', 'json']);
    expect(viaImport.stdout).not.toContain('wJalrXUtnFEMI');
    expect(JSON.parse(viaImport.stdout).findings).toEqual([]);
  });

  it('a link inside the tree is read as usual', () => {
    fs.writeFileSync(path.join(tmp, 'real.nix'), '{ nix.settings.require-sigs = false; }\n');
    fs.symlinkSync('real.nix', path.join(tmp, 'alias.nix'));
    const r = JSON.parse(runCli(['scan', tmp, '--format', 'json']).stdout);
    expect(r.findings.map((f: { location: { file: string } }) => f.location.file).sort()).toEqual(['alias.nix', 'real.nix']);
  });
});

describe('file names and values cannot forge output lines', () => {
  it('escapes newlines and escapes in paths in text and markdown', () => {
    const evil = 'a\n  --> fake.nix:1:1\nNH001 critical: forged.nix';
    fs.writeFileSync(path.join(tmp, evil), '{ nix.settings.require-sigs = false; }\n');
    for (const format of ['text', 'markdown']) {
      const r = runCli(['scan', tmp, '--format', format]);
      expect(r.status).toBe(1);
      expect(r.stdout.split('\n').some((l) => l.startsWith('NH001 critical: forged'))).toBe(false);
      expect(r.stdout.split('\n').some((l) => l.startsWith('  --> fake.nix'))).toBe(false);
      expect(r.stdout).toContain('a\\u000a  --> fake.nix');
    }
  });
});

describe('files too large, encrypted or binary', () => {
  it('a file over --max-file-size is skipped with a note and the rest is scanned', () => {
    fs.writeFileSync(path.join(tmp, 'big.nix'), `{ x = "${'a'.repeat(2 * 1024 * 1024)}"; }\n`);
    fs.writeFileSync(path.join(tmp, 'bad.nix'), '{ nix.settings.require-sigs = false; }\n');
    const r = runCli(['scan', tmp, '--format', 'json', '--max-file-size', '1M']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.notes).toEqual([{ kind: 'skipped', where: 'big.nix', message: '2 MiB, over the 1 MiB limit (--max-file-size); not scanned' }]);
    expect(doc.findings.map((f: { ruleId: string }) => f.ruleId)).toEqual(['NH005']);
  });

  it('a 50 MB file is skipped by default, in bounded memory and time', () => {
    const big = path.join(tmp, 'huge.nix');
    const fd = fs.openSync(big, 'w');
    const chunk = `${'{ a = [ 1 2 3 ]; } '.repeat(5000)}\n`;
    for (let written = 0; written < 50 * 1024 * 1024; written += chunk.length) fs.writeSync(fd, chunk);
    fs.closeSync(fd);
    const r = runCli(['scan', tmp, '--format', 'json']);
    expect(r.status).toBe(0);
    expect(JSON.parse(r.stdout).notes[0]).toMatchObject({ kind: 'skipped', where: 'huge.nix' });
  });

  it('git-crypt, age and binary files are reported once as not scanned, never as parse errors', () => {
    fs.writeFileSync(path.join(tmp, 'secrets.nix'), Buffer.concat([Buffer.from('\0GITCRYPT\0', 'latin1'), Buffer.from([1, 2, 3, 0, 255])]));
    fs.writeFileSync(path.join(tmp, 'wifi.nix'), '-----BEGIN AGE ENCRYPTED FILE-----\nYWdlLWVuY3J5cHRpb24ub3JnL3YxCi0+IFgyNTUxOQ\n-----END AGE ENCRYPTED FILE-----\n');
    fs.writeFileSync(path.join(tmp, 'blob.nix'), Buffer.from([0x7b, 0x00, 0x7d]));
    const r = runCli(['scan', tmp, '--format', 'json', '--profile', 'auditor']);
    expect(r.status).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings).toEqual([]);
    expect(doc.notes).toEqual([
      { kind: 'skipped', where: 'blob.nix', message: 'binary content (NUL bytes); not scanned' },
      { kind: 'skipped', where: 'secrets.nix', message: 'encrypted with git-crypt; not scanned' },
      { kind: 'skipped', where: 'wifi.nix', message: 'encrypted with age (agenix); not scanned' },
    ]);
  });
});

describe('unreadable directories', () => {
  const asRoot = process.getuid?.() === 0;
  // root reads every directory whatever its mode; drop to nobody with setpriv for the check.
  const runAsNobody = (args: string[]) => {
    try {
      const stdout = execFileSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, path.resolve('bin/nixharden.js'), ...args], {
        encoding: 'utf8',
        env: { ...process.env, NO_COLOR: '1', HOME: os.tmpdir() },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      return { status: 0, stdout, stderr: '' };
    } catch (e) {
      const err = e as { status: number; stdout: string; stderr: string };
      return { status: err.status, stdout: err.stdout, stderr: err.stderr };
    }
  };

  it('is reported as a read problem, not skipped silently; nothing readable at all is exit 2', () => {
    fs.mkdirSync(path.join(tmp, 'hosts'));
    fs.writeFileSync(path.join(tmp, 'hosts', 'a.nix'), '{ }\n');
    fs.chmodSync(path.join(tmp, 'hosts'), 0o000);
    for (const p of [tmp, outside]) fs.chmodSync(p, 0o755);
    fs.chmodSync(path.join(tmp, 'ok.nix'), 0o644);
    const run = asRoot ? runAsNobody : (args: string[]) => runCli(args);
    const r = run(['scan', tmp, '--format', 'json']);
    expect(r.status).toBe(1);
    const doc = JSON.parse(r.stdout);
    expect(doc.findings.map((f: { ruleId: string; location: { file: string }; message: string }) => [f.ruleId, f.location.file])).toEqual([['NH017', 'hosts']]);
    expect(doc.findings[0].message).toContain('cannot read directory: permission denied');

    const only = run(['scan', path.join(tmp, 'hosts')]);
    expect(only.status).toBe(2);
    expect(only.stderr).toMatch(/^nixharden: .*nothing could be read|permission denied/);
    fs.chmodSync(path.join(tmp, 'hosts'), 0o755);
  });
});
