/** `nixharden data branches`: the supported-release list NH020 uses, shown and replaced (built CLI). */
import { jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPPORTED_BRANCHES } from '../../src/data/nixpkgs-branches.js';
import { runCli } from '../helpers/cli.js';

jest.setTimeout(180_000);

/** An ISO date `days` from now (UTC). */
const isoDay = (days: number): string => new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);

function nh020(dir: string, env: NodeJS.ProcessEnv): string[] {
  const r = runCli(['scan', '--no-config', '--format', 'json', 'flake.nix'], { cwd: dir, env });
  return (JSON.parse(r.stdout) as { findings: { ruleId: string; message: string }[] }).findings.filter((f) => f.ruleId === 'NH020').map((f) => f.message);
}

describe('nixharden data branches', () => {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-data-'));
  const env = { NIXHARDEN_DATA_DIR: dataDir };
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-data-work-'));
  fs.writeFileSync(path.join(work, 'flake.nix'), '{\n  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-23.11";\n  outputs = { self, nixpkgs }: { };\n}\n');

  it('shows the embedded list with its date', () => {
    const r = runCli(['data', 'branches'], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`supported nixpkgs releases as of ${SUPPORTED_BRANCHES.asOf}: ${SUPPORTED_BRANCHES.releases.join(', ')} (embedded list)\n`);
    expect(nh020(work, env)).toHaveLength(1);
  });

  it('--set replaces the list for later scans; an older list does not override the embedded one', () => {
    const today = isoDay(0);
    const r = runCli(['data', 'branches', '--set', '23.11,24.05', '--as-of', today], { env });
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'nixpkgs-branches.json'), 'utf8'))).toEqual({ asOf: today, releases: ['23.11', '24.05'] });
    expect(runCli(['data', 'branches'], { env }).stdout).toContain(`as of ${today}: 23.11, 24.05`);
    expect(nh020(work, env)).toEqual([]);
    runCli(['data', 'branches', '--set', '23.11', '--as-of', '2000-01-01'], { env });
    expect(nh020(work, env)).toHaveLength(1);
  });

  it('--from reads a JSON list; bad input is a one-line error naming file and line', () => {
    const good = path.join(work, 'list.json');
    fs.writeFileSync(good, JSON.stringify({ asOf: isoDay(0), releases: ['23.11'] }));
    expect(runCli(['data', 'branches', '--from', good], { env }).status).toBe(0);
    expect(nh020(work, env)).toEqual([]);
    const bad = path.join(work, 'bad.json');
    fs.writeFileSync(bad, '{\n  "asOf": "2026-03-01",\n  "releases": [\n    "26.05",\n    "nixos-26.11"\n  ]\n}\n');
    const r = runCli(['data', 'branches', '--from', bad], { env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`nixharden: ${bad}:5: release "nixos-26.11" is not a nixpkgs release (YY.05 or YY.11)`);
  });

  it('refuses dates that are not on the calendar or lie in the future (tomorrow is allowed: time zones)', () => {
    const cases: Array<[string, RegExp]> = [
      ['2099-13-45', /^nixharden: --as-of: "2099-13-45" is not a calendar date \(YYYY-MM-DD\)$/],
      ['2026-02-30', /"2026-02-30" is not a calendar date/],
      ['26-05-01', /"26-05-01" is not a calendar date/],
      ['2099-01-01', /^nixharden: --as-of: 2099-01-01 is in the future; a list can only say what was supported up to today$/],
      [isoDay(2), /is in the future/],
    ];
    const before = fs.readFileSync(path.join(dataDir, 'nixpkgs-branches.json'), 'utf8');
    for (const [date, message] of cases) {
      const r = runCli(['data', 'branches', '--set', '26.05', '--as-of', date], { env });
      expect({ date, status: r.status, stderr: r.stderr.trim() }).toEqual({ date, status: 2, stderr: expect.stringMatching(message) });
    }
    expect(fs.readFileSync(path.join(dataDir, 'nixpkgs-branches.json'), 'utf8')).toBe(before);
    expect(runCli(['data', 'branches', '--set', '26.05', '--as-of', isoDay(1)], { env }).status).toBe(0);
    expect(runCli(['data', 'branches', '--as-of', isoDay(0)], { env }).stderr.trim()).toBe('nixharden: --as-of dates a list given with --set');
  });

  it('refuses release names nixpkgs never used (releases come out in May and November) and an empty list', () => {
    const cases: Array<[string, RegExp]> = [
      ['25.13', /^nixharden: --set: release "25.13" is not a nixpkgs release \(YY\.05 or YY\.11\)$/],
      ['26.04', /release "26.04" is not a nixpkgs release/],
      ['26.05,nixos-26.11', /release "nixos-26.11" is not a nixpkgs release/],
      ['', /^nixharden: --set: name at least one release \(YY\.05 or YY\.11\)$/],
      [' , ', /name at least one release/],
    ];
    for (const [releases, message] of cases) {
      const r = runCli(['data', 'branches', '--set', releases, '--as-of', isoDay(0)], { env });
      expect({ releases, status: r.status, stderr: r.stderr.trim() }).toEqual({ releases, status: 2, stderr: expect.stringMatching(message) });
    }
  });

  it('a stored list dated in the future (hand-edited or written by an older version) is an error naming the file, not a silent override', () => {
    const file = path.join(dataDir, 'nixpkgs-branches.json');
    fs.writeFileSync(file, '{\n  "asOf": "2099-01-01",\n  "releases": ["23.11"]\n}\n');
    const r = runCli(['scan', '--no-config', 'flake.nix'], { cwd: work, env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`nixharden: ${file}:2: 2099-01-01 is in the future; a list can only say what was supported up to today`);
  });
});
