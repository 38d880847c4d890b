import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { parse, TomlDate } from 'smol-toml';
import { parseConfig } from '../../src/config/config.js';
import { renderSchemas, staleSchemas, writeSchemas } from '../../src/config/published-schemas.js';
import { UserError } from '../../src/core/errors.js';
import { loadRuleMetas } from '../../src/rules/meta.js';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;

/** A validator built from the published file alone, as an editor or another tool would. */
function published(name: string) {
  const ajv = new Ajv({ allErrors: true, strict: false });
  addFormats(ajv);
  const schema = JSON.parse(fs.readFileSync(path.join('docs', 'schemas', name), 'utf8')) as object;
  expect(ajv.validateSchema(schema)).toBe(true); // against the draft-07 meta-schema
  return ajv.compile(schema);
}

/** TOML as taplo hands it to a schema: local dates as YYYY-MM-DD strings. */
function tomlAsJson(text: string): unknown {
  return JSON.parse(JSON.stringify(parse(text), (_, v: unknown) => (v instanceof TomlDate && v.isDate() ? v.toISOString().slice(0, 10) : v)));
}

function fencedToml(file: string, after: string): string {
  const text = fs.readFileSync(file, 'utf8');
  const m = /```toml\n([\s\S]*?)```/.exec(text.slice(text.indexOf(after)));
  return m![1]!;
}

describe('published JSON Schemas (docs/schemas)', () => {
  it('equal the schemas the code validates with (run `npm run schemas` after changing one)', () => {
    expect(staleSchemas()).toEqual([]);
  });

  it('are valid draft-07 schemas that accept the documented examples', () => {
    const config = published('nixharden-config.schema.json');
    const example = tomlAsJson(fencedToml('README.md', '#### Configuration: `.nixharden.toml`'));
    expect(config(example) ? [] : config.errors).toEqual([]);
    expect(config({ rules: { disabel: [] } })).toBe(false);
    expect(config({ ignore: [{ rule: 'NH001', until: '2026-2-3' }] })).toBe(false);

    const policy = published('nixharden-policy.schema.json');
    const policyExample = tomlAsJson(fencedToml('docs/policy.md', ''));
    expect(policy(policyExample) ? [] : policy.errors).toEqual([]);
  });

  it('detects a stale or missing file', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-schemas-'));
    await writeSchemas(dir);
    expect(staleSchemas(dir)).toEqual([]);
    fs.appendFileSync(path.join(dir, 'nixharden-policy.schema.json'), ' ');
    fs.rmSync(path.join(dir, 'nixharden-config.schema.json'));
    expect(staleSchemas(dir)).toEqual(['nixharden-config.schema.json', 'nixharden-policy.schema.json']);
    expect([...renderSchemas().keys()]).toEqual(['nixharden-config.schema.json', 'nixharden-policy.schema.json']);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('.nixharden.toml validated by the schema', () => {
  const known = loadRuleMetas();
  const errorOf = (text: string): string => {
    try {
      parseConfig(text, '/repo/.nixharden.toml', known);
    } catch (e) {
      if (e instanceof UserError) return e.toOneLine();
      throw e;
    }
    throw new Error('expected a UserError');
  };

  it('reports the problem nearest the top of the file', () => {
    expect(errorOf('[scan]\nprofile = "x"\n\n[rules]\ndisable = "NH001"\n')).toBe('/repo/.nixharden.toml:2: "profile" must be one of regular, pedantic, auditor');
    expect(errorOf('colour = 1\n[scan]\nprofile = "x"\n')).toBe('/repo/.nixharden.toml:1: unknown key "colour" (expected "rules", "ignore", "options", "scan")');
  });

  it('names the line for tables of the wrong shape and values inside lists', () => {
    expect(errorOf('rules = 1\n')).toBe('/repo/.nixharden.toml:1: "rules" must be a table');
    expect(errorOf('[ignore]\nrule = "NH001"\n')).toBe('/repo/.nixharden.toml:1: "ignore" must be an array of tables ([[ignore]])');
    expect(errorOf('[rules]\n\ndisable = ["NH001", 2]\n')).toBe('/repo/.nixharden.toml:3: "disable" must be a list of strings');
    expect(errorOf('[options]\nofficialKeys = [1]\n')).toBe('/repo/.nixharden.toml:2: "officialKeys" must be a list of strings');
    expect(errorOf('[[ignore]]\nrule = "NH001"\n[[ignore]]\nrule = "NH002"\nreason = ""\n')).toBe('/repo/.nixharden.toml:5: "reason" must be a non-empty string');
    expect(errorOf('[rules.severity]\nNH001 = "low"\nNH002 = 3\n')).toBe('/repo/.nixharden.toml:3: severity must be one of info, low, medium, high, critical');
  });

  it('accepts only calendar days for dates', () => {
    expect(errorOf('[[ignore]]\nrule = "NH001"\nuntil = "2026-02-30"\n')).toBe('/repo/.nixharden.toml:3: "until" must be a date (YYYY-MM-DD)');
    expect(errorOf('[[ignore]]\nrule = "NH001"\nuntil = 10:00:00\n')).toBe('/repo/.nixharden.toml:3: "until" must be a date (YYYY-MM-DD)');
    const ok = parseConfig('[[ignore]]\nrule = "NH001"\nuntil = 2028-02-29\n', '/repo/.nixharden.toml', known);
    expect(ok.policy.ignore[0]!.until).toBe('2028-02-29');
  });
});
