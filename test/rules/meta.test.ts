import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { UserError } from '../../src/core/errors.js';
import { findRule, loadRuleMetas, parseRuleMeta } from '../../src/rules/meta.js';
import { loadRules } from '../../src/rules/registry.js';

const rulesDir = path.resolve('rules');

describe('rule metadata', () => {
  const files = fs.readdirSync(rulesDir).filter((f) => f.endsWith('.yaml'));
  const metas = loadRuleMetas(rulesDir);

  it('every rules/*.yaml validates and ids and slugs are unique', () => {
    expect(metas.length).toBe(files.length);
    expect(metas.length).toBeGreaterThanOrEqual(17);
    expect(new Set(metas.map((m) => m.id)).size).toBe(metas.length);
    expect(new Set(metas.map((m) => m.slug)).size).toBe(metas.length);
  });

  it('one key per rule names its metadata, logic, fixtures and docs page', async () => {
    for (const m of metas) {
      const key = `${m.id}-${m.slug}`;
      expect(fs.existsSync(path.resolve('rules', `${key}.yaml`))).toBe(true);
      expect(fs.existsSync(path.resolve('src/rules/checks', `${key}.ts`))).toBe(true);
      expect(fs.existsSync(path.resolve('fixtures/rules', key))).toBe(true);
      expect(fs.existsSync(path.resolve('docs/rules', `${key}.md`))).toBe(true);
      if (m.fix === 'safe' || m.fix === 'unsafe') expect(fs.existsSync(path.resolve('fixtures/fix', key))).toBe(true);
    }
    const rules = await loadRules(rulesDir);
    expect(rules.map((r) => typeof r.check)).toEqual(metas.map(() => 'function'));
  });

  it('covers the required categories', () => {
    const cats = new Set(metas.map((m) => m.category));
    for (const c of ['substituter', 'insecure-transport', 'signature-policy', 'trusted-key', 'sandbox', 'trusted-users', 'flake-config', 'eval-safety', 'unpinned-fetch', 'channel', 'mutable-pin', 'secret', 'insecure-package', 'parse-error'])
      expect(cats.has(c as never)).toBe(true);
  });

  it('finds rules by id (any case) or slug', () => {
    expect(findRule(metas, 'nh005')?.slug).toBe('require-sigs-disabled');
    expect(findRule(metas, 'trusted-users')?.id).toBe('NH007');
    expect(findRule(metas, 'NH999')).toBeUndefined();
  });
});

describe('bad rule metadata is a one-line UserError with file and line', () => {
  const good = fs.readFileSync(path.join(rulesDir, 'NH005-require-sigs-disabled.yaml'), 'utf8');
  const file = 'rules/NH005-require-sigs-disabled.yaml';
  const err = (text: string, name = file): UserError => {
    try {
      parseRuleMeta(text, name);
    } catch (e) {
      if (e instanceof UserError) return e;
      throw e;
    }
    throw new Error('expected a UserError');
  };

  it('accepts the real file', () => {
    expect(parseRuleMeta(good, file).severity).toBe('critical');
  });
  it('rejects an unknown severity, naming its line', () => {
    const e = err(good.replace('severity: critical', 'severity: catastrophic'));
    expect(e.toOneLine()).toMatch(/NH005-require-sigs-disabled\.yaml:4: "severity" must be one of info, low, medium, high, critical/);
  });
  it('rejects unknown keys, missing keys, bad categories, non-https references and a mismatched file name', () => {
    expect(err(`${good}\nseverityy: high\n`).message).toMatch(/unknown key "severityy"/);
    expect(err(good.replace(/^title:.*\n/m, '')).message).toMatch(/missing required key "title"/);
    expect(err(good.replace('category: signature-policy', 'category: vibes')).message).toMatch(/"category" must be one of/);
    expect(err(good.replace(/- https:\/\/search/, '- http://search')).message).toMatch(/not an https URL/);
    expect(err(good, 'rules/NH005-other.yaml').message).toMatch(/file name must be NH005-require-sigs-disabled\.yaml/);
    expect(err('id: [unclosed').message).toMatch(/invalid YAML/);
  });
  it('rejects duplicate ids across files', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-rules-'));
    fs.writeFileSync(path.join(dir, 'NH005-require-sigs-disabled.yaml'), good);
    fs.writeFileSync(path.join(dir, 'NH005-other-slug.yaml'), good.replace('slug: require-sigs-disabled', 'slug: other-slug'));
    expect(() => loadRuleMetas(dir)).toThrow(/"NH005" is also used by/);
    fs.rmSync(dir, { recursive: true });
  });
  it('metadata without logic, or logic without metadata, is an error, not a silently skipped rule', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-rules-'));
    const noChecks = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-checks-'));
    fs.writeFileSync(path.join(dir, 'NH005-require-sigs-disabled.yaml'), good);
    await expect(loadRules(dir, noChecks)).rejects.toThrow(/has no logic module src\/rules\/checks\/NH005-require-sigs-disabled\.ts/);
    await expect(loadRules(dir)).rejects.toThrow(/rule logic src\/rules\/checks\/NH001-unofficial-substituter\.ts has no rules\/NH001-unofficial-substituter\.yaml/);
    fs.rmSync(dir, { recursive: true });
    fs.rmSync(noChecks, { recursive: true });
  });
});
