/** `nixharden scan --fix / --diff / --profile / --stale-days` as a user runs them (built CLI). */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';

const CONFIG = `{ lib, ... }:
{
  nix.settings = {
    require-sigs = false;
    substituters = [
      "https://cache.nixos.org"
      "https://cache.example.org"
    ];
    post-build-hook = "/etc/nix/upload.sh";
  };
}
`;

function workdir(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cli-fix-'));
  fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
  return dir;
}

jest.setTimeout(180_000);

describe('scan --fix (CLI)', () => {
  it('--diff prints a unified diff of the safe fixes and writes nothing', () => {
    const dir = workdir();
    const r = runCli(['scan', '--no-config', '--diff', 'configuration.nix'], { cwd: dir });
    expect(r.status).toBe(1);
    expect(r.stdout).toContain('--- a/configuration.nix\n+++ b/configuration.nix\n');
    expect(r.stdout).toContain('-    require-sigs = false;\n+    require-sigs = true;\n');
    // The unsafe removal is not part of the safe tier.
    expect(r.stdout).not.toContain('-      "https://cache.example.org"');
    expect(r.stderr).toContain('1 fix shown, nothing written');
    expect(fs.readFileSync(path.join(dir, 'configuration.nix'), 'utf8')).toBe(CONFIG);
  });

  it('--fix=unsafe writes every fix, says why for each unsafe one, and the file still parses', () => {
    const dir = workdir();
    const r = runCli(['scan', '--no-config', '--fix=unsafe', 'configuration.nix'], { cwd: dir });
    const after = fs.readFileSync(path.join(dir, 'configuration.nix'), 'utf8');
    expect(after).toBe(CONFIG.replace('require-sigs = false', 'require-sigs = true').replace('      "https://cache.example.org"\n', ''));
    expect(r.stderr).toMatch(/unsafe fix applied: configuration\.nix:7 NH001: remove https:\/\/cache\.example\.org: /);
    expect(r.stdout).toMatch(/= fixed \(safe\): set require-sigs = true/);
    // Everything reported was fixed: exit 0.
    expect(r.status).toBe(0);
    expect(spawnSync('nix-instantiate', ['--parse', path.join(dir, 'configuration.nix')]).status).toBe(0);
    // A second run changes nothing and finds nothing to fix.
    const again = runCli(['scan', '--no-config', '--fix=unsafe', 'configuration.nix'], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'configuration.nix'), 'utf8')).toBe(after);
    expect(again.stdout).toMatch(/^0 fixed, 0 remaining; /m);
    expect(again.status).toBe(0);
  });

  it('after --fix the summary says "N fixed, M remaining" in every format, and the exit code follows the remaining ones', () => {
    const dir = workdir();
    const summary = (out: string): string => out.trimEnd().split('\n').pop()!;
    // Safe tier: require-sigs is fixed; the third-party substituter (an unsafe fix) remains.
    const safe = runCli(['scan', '--no-config', '--fix', 'configuration.nix'], { cwd: dir });
    expect({ status: safe.status, summary: summary(safe.stdout) }).toEqual({ status: 1, summary: '1 fixed, 1 remaining (1 medium); 1 below the regular profile; 1 file scanned' });
    fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
    const json = runCli(['scan', '--no-config', '--fix', '--format', 'json', 'configuration.nix'], { cwd: dir });
    expect(json.status).toBe(1);
    expect((JSON.parse(json.stdout) as { summary: object }).summary).toMatchObject({ findings: 2, fixed: 1, remaining: 1 });
    fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
    const md = runCli(['scan', '--no-config', '--fix', '--format', 'markdown', 'configuration.nix'], { cwd: dir });
    expect(md.stdout.split('\n')[0]).toBe('### nixharden: 1 fixed, 1 remaining');
    // Unsafe tier: everything reported is fixed, nothing remains: exit 0.
    fs.writeFileSync(path.join(dir, 'configuration.nix'), CONFIG);
    const unsafe = runCli(['scan', '--no-config', '--fix=unsafe', 'configuration.nix'], { cwd: dir });
    expect({ status: unsafe.status, summary: summary(unsafe.stdout) }).toEqual({ status: 0, summary: '2 fixed, 0 remaining; 1 below the regular profile; 1 file scanned' });
    // Without --fix, the summary counts findings as before.
    expect(summary(runCli(['scan', '--no-config', 'configuration.nix'], { cwd: dir }).stdout)).toBe('No findings; 1 below the regular profile; 1 file scanned');
  });

  it('--fix with no value is the safe tier; a bad tier is a usage error', () => {
    const dir = workdir();
    const r = runCli(['scan', '--no-config', 'configuration.nix', '--fix'], { cwd: dir });
    expect(fs.readFileSync(path.join(dir, 'configuration.nix'), 'utf8')).toContain('require-sigs = true');
    expect(fs.readFileSync(path.join(dir, 'configuration.nix'), 'utf8')).toContain('"https://cache.example.org"');
    expect(r.status).toBe(1); // NH001 remains
    const bad = runCli(['scan', '--no-config', '--fix=maybe', 'configuration.nix'], { cwd: dir });
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/safe or unsafe/);
  });

  it('--profile decides which severities and confidences show', () => {
    const dir = workdir();
    const regular = runCli(['scan', '--no-config', '--format', 'json', 'configuration.nix'], { cwd: dir });
    const auditor = runCli(['scan', '--no-config', '--format', 'json', '--profile', 'auditor', 'configuration.nix'], { cwd: dir });
    const ids = (out: string): string[] => (JSON.parse(out) as { findings: { ruleId: string }[] }).findings.map((f) => f.ruleId).sort();
    // NH031 (info, low confidence) shows only to auditors.
    expect(ids(regular.stdout)).toEqual(['NH001', 'NH005']);
    expect(ids(auditor.stdout)).toEqual(['NH001', 'NH005', 'NH031']);
    const text = runCli(['scan', '--no-config', 'configuration.nix'], { cwd: dir });
    expect(text.stdout).toMatch(/1 below the regular profile/);
  });

  it('--stale-days sets the staleness limit', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cli-stale-'));
    const lastModified = Math.floor(Date.now() / 1000) - 10 * 86400;
    const lock = {
      nodes: {
        nixpkgs: {
          locked: { lastModified, narHash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=', owner: 'NixOS', repo: 'nixpkgs', rev: '0123456789abcdef0123456789abcdef01234567', type: 'github' },
          original: { owner: 'NixOS', repo: 'nixpkgs', rev: '0123456789abcdef0123456789abcdef01234567', type: 'github' },
        },
        root: { inputs: { nixpkgs: 'nixpkgs' } },
      },
      root: 'root',
      version: 7,
    };
    fs.writeFileSync(path.join(dir, 'flake.lock'), JSON.stringify(lock, null, 2));
    const stale = (days?: string): boolean =>
      (JSON.parse(runCli(['scan', '--no-config', '--format', 'json', ...(days ? ['--stale-days', days] : []), 'flake.lock'], { cwd: dir }).stdout) as { findings: { ruleId: string }[] }).findings.some((f) => f.ruleId === 'NH019');
    expect(stale()).toBe(false); // default 30
    expect(stale('7')).toBe(true);
    expect(runCli(['scan', '--no-config', '--stale-days', '0', 'flake.lock'], { cwd: dir }).status).toBe(2);
  });
});
