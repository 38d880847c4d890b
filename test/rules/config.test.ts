import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { findConfigFile, loadConfig, parseConfig } from '../../src/config/config.js';
import { UserError } from '../../src/core/errors.js';
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

describe('.nixharden.toml', () => {
  it('parses rules, severities, ignores, options and scan defaults', () => {
    const c = parseConfig(
      `# team policy
[rules]
disable = ["NH010", "channel-lookup"]

[rules.severity]
NH004 = "low"
trusted-users = "critical"

[[ignore]]
rule = "NH003"
path = "hosts/legacy/**"
reason = "moving to signed cache"
until = 2026-12-31

[[ignore]]
rule = "unpinned-fetch"
until = "2027-01-15"

[options]
officialSubstituters = ["https://cache.nixos.org", "https://cache.example.org"]
officialKeys = ["cache.example.org-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="]
staleDays = 30

[scan]
minSeverity = "medium"
`,
      FILE,
      known,
    );
    expect(c.policy.disable).toEqual(['NH010', 'channel-lookup']);
    expect(c.policy.severity).toEqual({ NH004: 'low', 'trusted-users': 'critical' });
    expect(c.policy.ignore).toEqual([
      { rule: 'NH003', path: 'hosts/legacy/**', reason: 'moving to signed cache', until: '2026-12-31', baseDir: '/repo', where: '/repo/.nixharden.toml:9' },
      { rule: 'unpinned-fetch', until: '2027-01-15', baseDir: '/repo', where: '/repo/.nixharden.toml:15' },
    ]);
    expect(c.options).toEqual({
      officialSubstituters: ['https://cache.nixos.org', 'https://cache.example.org'],
      officialKeys: ['cache.example.org-1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA='],
      staleDays: 30,
    });
    expect(c.minSeverity).toBe('medium');
  });

  it('names file and line for unknown keys, wrong types and unknown rules', () => {
    expect(errorOf('[rules]\ndisabel = ["NH001"]\n')).toBe('/repo/.nixharden.toml:2: unknown key "rules.disabel" (expected "disable", "severity")');
    expect(errorOf('[rules]\ndisable = "NH001"\n')).toBe('/repo/.nixharden.toml:2: "disable" must be a list of strings');
    expect(errorOf('[rules]\ndisable = ["NH999"]\n')).toBe('/repo/.nixharden.toml:2: unknown rule "NH999"');
    expect(errorOf('[rules.severity]\nNH001 = "severe"\n')).toBe('/repo/.nixharden.toml:2: severity must be one of info, low, medium, high, critical');
    expect(errorOf('[[ignore]]\nrule = "NH001"\n\n[[ignore]]\nrule = "NH002"\nuntil = "someday"\n')).toBe('/repo/.nixharden.toml:6: "until" must be a date (YYYY-MM-DD)');
    expect(errorOf('[[ignore]]\npath = "x/**"\n')).toBe('/repo/.nixharden.toml:1: [[ignore]] entry needs "rule"');
    expect(errorOf('[[ignore]]\nrule = "NH001"\nexpires = 2026-01-01\n')).toMatch(/^\/repo\/\.nixharden\.toml:3: unknown key "ignore\.expires"/);
    expect(errorOf('[options]\nstaleDays = -1\n')).toBe('/repo/.nixharden.toml:2: "staleDays" must be a positive integer');
    expect(errorOf('colour = true\n')).toMatch(/^\/repo\/\.nixharden\.toml:1: unknown key "colour"/);
    expect(errorOf('[scan]\nminSeverity = "loud"\n')).toMatch(/:2: severity must be one of/);
  });

  it('reports TOML syntax errors with their line', () => {
    expect(errorOf('[rules]\ndisable = ["NH001"\n')).toMatch(/^\/repo\/\.nixharden\.toml:\d: invalid TOML: /);
  });

  it('rejects a TOML date-time for until (a day is expected)', () => {
    expect(errorOf('[[ignore]]\nrule = "NH001"\nuntil = 2026-01-01T10:00:00Z\n')).toMatch(/:3: "until" must be a date/);
  });
});

describe('config discovery', () => {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-cfg-'));
  const repo = path.join(tmp, 'repo');
  fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
  fs.mkdirSync(path.join(repo, 'hosts', 'a'), { recursive: true });
  afterAll(() => fs.rmSync(tmp, { recursive: true }));

  it('walks up from the scanned path to the git root', () => {
    expect(findConfigFile(path.join(repo, 'hosts', 'a'))).toBeUndefined();
    fs.writeFileSync(path.join(repo, '.nixharden.toml'), '[rules]\ndisable = ["NH013"]\n');
    expect(findConfigFile(path.join(repo, 'hosts', 'a'))).toBe(path.join(repo, '.nixharden.toml'));
    expect(findConfigFile(path.join(repo, 'hosts', 'a', 'missing-file.nix'))).toBe(path.join(repo, '.nixharden.toml'));
  });
  it('does not look above the enclosing git root', () => {
    fs.writeFileSync(path.join(tmp, '.nixharden.toml'), '[rules]\ndisable = ["NH001"]\n');
    fs.rmSync(path.join(repo, '.nixharden.toml'));
    expect(findConfigFile(path.join(repo, 'hosts'))).toBeUndefined();
    expect(findConfigFile(tmp)).toBe(path.join(tmp, '.nixharden.toml'));
  });
  it('--config names a file, --no-config ignores all, a missing --config file is a UserError', () => {
    const explicit = path.join(tmp, 'custom.toml');
    fs.writeFileSync(explicit, '[rules]\ndisable = ["NH002"]\n');
    expect(loadConfig({ explicit, start: repo }, known).policy.disable).toEqual(['NH002']);
    expect(loadConfig({ none: true, start: tmp }, known).policy.disable).toEqual([]);
    expect(() => loadConfig({ explicit: path.join(tmp, 'nope.toml'), start: repo }, known)).toThrow(/config file not found/);
  });
});
