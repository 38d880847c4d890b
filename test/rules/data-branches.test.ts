/** `nixharden data branches`: the supported-release list NH020 uses, shown and replaced (built CLI). */
import { jest } from '@jest/globals';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { SUPPORTED_BRANCHES } from '../../src/data/nixpkgs-branches.js';
import { runCli } from '../helpers/cli.js';

jest.setTimeout(180_000);

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
    const r = runCli(['data', 'branches', '--set', '23.11,24.05', '--as-of', '2099-01-01'], { env });
    expect(r.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dataDir, 'nixpkgs-branches.json'), 'utf8'))).toEqual({ asOf: '2099-01-01', releases: ['23.11', '24.05'] });
    expect(runCli(['data', 'branches'], { env }).stdout).toContain('as of 2099-01-01: 23.11, 24.05');
    expect(nh020(work, env)).toEqual([]);
    runCli(['data', 'branches', '--set', '23.11', '--as-of', '2000-01-01'], { env });
    expect(nh020(work, env)).toHaveLength(1);
  });

  it('--from reads a JSON list; bad input is a one-line error naming file and line', () => {
    const good = path.join(work, 'list.json');
    fs.writeFileSync(good, JSON.stringify({ asOf: '2099-02-01', releases: ['23.11'] }));
    expect(runCli(['data', 'branches', '--from', good], { env }).status).toBe(0);
    expect(nh020(work, env)).toEqual([]);
    const bad = path.join(work, 'bad.json');
    fs.writeFileSync(bad, '{\n  "asOf": "2099-03-01",\n  "releases": [\n    "26.05",\n    "nixos-26.11"\n  ]\n}\n');
    const r = runCli(['data', 'branches', '--from', bad], { env });
    expect(r.status).toBe(2);
    expect(r.stderr.trim()).toBe(`nixharden: ${bad}:5: release "nixos-26.11" is not a YY.MM version`);
  });
});
