import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseConfig } from '../../src/config/config.js';
import { UserError } from '../../src/core/errors.js';
import { analyzePaths } from '../../src/app/scan.js';
import { loadRuleMetas } from '../../src/rules/meta.js';

const known = loadRuleMetas();
const FILE = '/repo/.nixharden.toml';

function errorOf(text: string): string {
  try {
    parseConfig(text, FILE, known);
  } catch (e) {
    if (e instanceof UserError) return e.toOneLine();
    throw e;
  }
  throw new Error('expected a UserError');
}

describe('.nixharden.toml: [options] supportedReleases and [scan] profile', () => {
  it('parses the release list, its date (TOML date or string) and the profile', () => {
    const c = parseConfig('[options]\nsupportedReleases = ["25.11", "26.05"]\nsupportedReleasesAsOf = 2026-06-01\n\n[scan]\nprofile = "auditor"\n', FILE, known);
    expect(c.options).toEqual({ supportedReleases: ['25.11', '26.05'], supportedReleasesAsOf: '2026-06-01' });
    expect(c.profile).toBe('auditor');
    expect(parseConfig('[options]\nsupportedReleases = ["26.05"]\nsupportedReleasesAsOf = "2026-07-01"\n', FILE, known).options.supportedReleasesAsOf).toBe('2026-07-01');
    expect(parseConfig('[scan]\nminSeverity = "low"\n', FILE, known).profile).toBeUndefined();
  });

  it('names file and line for bad values', () => {
    expect(errorOf('[options]\nstaleDays = 3\nsupportedReleases = "26.05"\n')).toBe('/repo/.nixharden.toml:3: "supportedReleases" must be a list of strings');
    expect(errorOf('[options]\nsupportedReleases = ["26.05", "2605"]\n')).toBe(
      '/repo/.nixharden.toml:2: "supportedReleases" entries must be nixpkgs releases like "26.05" or "26.11" (got "2605")',
    );
    expect(errorOf('[options]\nsupportedReleases = ["25.13"]\n')).toBe(
      '/repo/.nixharden.toml:2: "supportedReleases" entries must be nixpkgs releases like "26.05" or "26.11" (got "25.13")',
    );
    expect(errorOf('[options]\nsupportedReleases = []\n')).toBe('/repo/.nixharden.toml:2: "supportedReleases" must name at least one release');
    expect(errorOf('[options]\nsupportedReleases = ["26.05"]\nsupportedReleasesAsOf = "June"\n')).toBe(
      '/repo/.nixharden.toml:3: "supportedReleasesAsOf" must be a date (YYYY-MM-DD)',
    );
    expect(errorOf('[options]\n\nsupportedReleasesAsOf = 2026-06-01\n')).toBe(
      '/repo/.nixharden.toml:3: "supportedReleasesAsOf" dates a "supportedReleases" list; set that too',
    );
    expect(errorOf('[scan]\nminSeverity = "low"\nprofile = "paranoid"\n')).toBe('/repo/.nixharden.toml:3: "profile" must be one of regular, pedantic, auditor');
    expect(errorOf('[scan]\nprofile = 1\n')).toBe('/repo/.nixharden.toml:2: "profile" must be one of regular, pedantic, auditor');
    expect(errorOf('[scan]\nprofiles = "auditor"\n')).toBe('/repo/.nixharden.toml:2: unknown key "scan.profiles" (expected "minSeverity", "profile")');
  });
});

describe('config keys reach the scan (real pipeline: config → model → NH020 / selection)', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cfgkeys-'));
  fs.mkdirSync(path.join(tmp, '.git'));
  fs.writeFileSync(path.join(tmp, 'flake.nix'), '{\n  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";\n  outputs = { self, nixpkgs }: { };\n}\n');
  const cfg = path.join(tmp, '.nixharden.toml');
  afterAll(() => fs.rmSync(tmp, { recursive: true }));
  const nh020 = async (extra: Parameters<typeof analyzePaths>[1] = {}): Promise<string[]> =>
    (await analyzePaths([tmp], { jobs: 1, ...extra })).findings.filter((f) => f.ruleId === 'NH020').map((f) => `${f.span.startLine}: ${f.message}`);

  it('supportedReleases replaces the embedded list, and its date is cited', async () => {
    if (fs.existsSync(cfg)) fs.rmSync(cfg);
    expect(await nh020()).toHaveLength(1); // 24.05 is not in the embedded list
    fs.writeFileSync(cfg, '[options]\nsupportedReleases = ["24.05"]\n');
    expect(await nh020()).toEqual([]);
    fs.writeFileSync(cfg, '[options]\nsupportedReleases = ["26.05", "26.11"]\nsupportedReleasesAsOf = 2026-06-01\n');
    expect(await nh020()).toEqual([expect.stringMatching(/^2: .*nixos-24\.05.*\(the supported list of 2026-06-01: 26\.05, 26\.11\)/)]);
    // An explicit list from the caller still wins over the config.
    expect(await nh020({ supportedReleases: ['24.05'] })).toEqual([]);
  });

  it('[scan] profile applies unless --profile names one; without either, defaultProfile', async () => {
    fs.writeFileSync(cfg, '[scan]\nprofile = "auditor"\n');
    expect((await analyzePaths([tmp], { jobs: 1, defaultProfile: 'regular' })).selection.profile).toBe('auditor');
    expect((await analyzePaths([tmp], { jobs: 1, profile: 'pedantic', defaultProfile: 'regular' })).selection.profile).toBe('pedantic');
    fs.writeFileSync(cfg, '[scan]\nminSeverity = "info"\n');
    expect((await analyzePaths([tmp], { jobs: 1, defaultProfile: 'regular' })).selection.profile).toBe('regular');
    expect((await analyzePaths([tmp], { jobs: 1 })).selection.profile).toBeUndefined();
  });
});
