import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { renderSarif } from '../../src/report/sarif.js';
import { analyzePaths } from '../../src/app/scan.js';
import { findingAt, resultOf } from './helpers.js';

/**
 * The official SARIF 2.1.0 schema as shipped by @microsoft/jest-sarif, validated the
 * way its matcher does (ajv 6 with the draft-04 meta-schema). The matcher itself
 * cannot be loaded here because its `tslib` dependency is not installed.
 */
const jestSarifDir = path.resolve('node_modules/@microsoft/jest-sarif');
const requireFromJestSarif = createRequire(path.join(jestSarifDir, 'lib', 'index.js'));
const Ajv6 = requireFromJestSarif('ajv');
const ajv6 = new Ajv6({ schemaId: 'auto', validateSchema: false, allErrors: true });
ajv6.addMetaSchema(requireFromJestSarif('ajv/lib/refs/json-schema-draft-04.json'));
const validateSarif = ajv6.compile(JSON.parse(fs.readFileSync(path.join(jestSarifDir, 'lib/schemas/sarif-2.1.0-rtm.5.json'), 'utf8')));
function schemaErrors(log: unknown): string[] {
  return validateSarif(log) ? [] : (validateSarif.errors ?? []).map((e: { dataPath: string; message: string }) => `${e.dataPath} ${e.message}`);
}

const multitool = path.resolve('node_modules/.bin/sarif-multitool');

/** Runs `sarif-multitool validate` and returns its error/warning results (it exits 0 either way). */
function multitoolProblems(log: string): string[] {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-sarif-'));
  const input = path.join(dir, 'in.sarif');
  const output = path.join(dir, 'out.sarif');
  fs.writeFileSync(input, log);
  const r = spawnSync(multitool, ['validate', '-o', output, input], { encoding: 'utf8' });
  expect(r.status).toBe(0);
  const validation = JSON.parse(fs.readFileSync(output, 'utf8'));
  fs.rmSync(dir, { recursive: true });
  return (validation.runs[0].results ?? []).map((x: { level?: string; ruleId: string; message: { arguments?: string[] } }) => `${x.level ?? 'warning'} ${x.ruleId} ${(x.message.arguments ?? []).join(' ')}`);
}

describe('SARIF 2.1.0 report', () => {
  let real: string;
  beforeAll(async () => {
    // Every rule fires on the fixtures: a realistic log with all rule kinds, related locations and JSON files.
    const result = await analyzePaths([path.resolve('fixtures/rules')], { noConfig: true, root: path.resolve('.'), jobs: 1 });
    expect(result.findings.length).toBeGreaterThan(50);
    real = renderSarif(result);
  }, 180000);

  it('is valid against the official SARIF 2.1.0 schema (from @microsoft/jest-sarif)', () => {
    expect(schemaErrors(JSON.parse(real))).toEqual([]);
  });

  it('passes sarif-multitool validate with no errors or warnings', () => {
    expect(multitoolProblems(real)).toEqual([]);
  }, 180000);

  it('sarif-multitool does report a broken log (the oracle is not vacuous)', () => {
    const broken = JSON.parse(real);
    broken.runs[0].results[0].locations[0].physicalLocation.region.startLine = 0;
    expect(multitoolProblems(JSON.stringify(broken)).some((p) => p.startsWith('error'))).toBe(true);
    expect(schemaErrors(broken).length).toBeGreaterThan(0);
  }, 180000);

  it('has what GitHub code scanning needs', () => {
    const log = JSON.parse(real);
    const run = log.runs[0];
    expect(run.tool.driver.rules.length).toBeGreaterThanOrEqual(17);
    for (const r of run.tool.driver.rules) {
      expect(r.shortDescription.text.length).toBeGreaterThan(0);
      expect(r.fullDescription.text.length).toBeGreaterThan(0);
      expect(r.help.text).toContain(r.id);
      expect(r.help.markdown).toContain('## How to fix');
      expect(r.helpUri).toMatch(new RegExp(`^https://github.com/nixharden/nixharden/blob/main/docs/rules/${r.id}-[a-z0-9-]+\\.md$`));
      expect(r.properties['security-severity']).toMatch(/^\d+\.\d$/);
      expect(r.properties.tags).toEqual(expect.arrayContaining(['security']));
      expect(r.properties.tags.length).toBe(2);
    }
    for (const res of run.results) {
      const loc = res.locations[0].physicalLocation;
      expect(loc.artifactLocation.uri).toMatch(/^fixtures\/rules\/[^:]+$/);
      expect(loc.artifactLocation.uriBaseId).toBe('%SRCROOT%');
      expect(loc.region.startLine).toBeGreaterThanOrEqual(1);
      expect(res.partialFingerprints.primaryLocationLineHash).toMatch(/^[0-9a-f]{16}:\d+$/);
      expect(run.tool.driver.rules[res.ruleIndex].id).toBe(res.ruleId);
    }
    expect(run.originalUriBaseIds['%SRCROOT%'].uri).toBe(`file://${path.resolve('.')}/`);
  });
});

describe('SARIF fingerprints and suppressions', () => {
  const body = '  nix.settings.require-sigs = false;\n';
  it('primaryLocationLineHash survives moving the line and tells repeats apart', () => {
    const before = `{\n${body}}\n`;
    const after = `{\n  # a new comment\n\n${body}}\n`;
    const fp = (text: string): string[] => {
      const f = findingAt('a.nix', text, 'nix.settings.require-sigs = false;', 'NH005');
      return JSON.parse(renderSarif(resultOf({ 'a.nix': text }, [f]))).runs[0].results.map((r: { partialFingerprints: { primaryLocationLineHash: string } }) => r.partialFingerprints.primaryLocationLineHash);
    };
    expect(fp(before)).toEqual(fp(after));
    const twice = `{\n${body}${body}}\n`;
    const first = findingAt('a.nix', twice, 'nix.settings.require-sigs = false;', 'NH005');
    const secondStart = twice.lastIndexOf('nix.settings');
    const second = { ...first, span: { ...first.span, startLine: 3, endLine: 3, startOffset: secondStart, endOffset: secondStart + 34 } };
    const hashes = JSON.parse(renderSarif(resultOf({ 'a.nix': twice }, [first, second]))).runs[0].results.map((r: { partialFingerprints: { primaryLocationLineHash: string } }) => r.partialFingerprints.primaryLocationLineHash);
    expect(hashes[0]!.split(':')[0]).toBe(hashes[1]!.split(':')[0]);
    expect(hashes.map((h: string) => h.split(':')[1])).toEqual(['1', '2']);
  });

  it('keeps suppressed results with inSource/external suppressions and justifications', () => {
    const text = `{\n${body}  nix.settings.sandbox = false;\n}\n`;
    const a = findingAt('a.nix', text, 'nix.settings.require-sigs = false;', 'NH005', { suppressed: { by: 'inline', reason: 'air-gapped lab' } });
    const b = findingAt('a.nix', text, 'nix.settings.sandbox = false;', 'NH006', { suppressed: { by: 'config' } });
    const log = JSON.parse(renderSarif(resultOf({ 'a.nix': text }, [a, b])));
    expect(schemaErrors(log)).toEqual([]);
    const sup = log.runs[0].results.map((r: { suppressions: unknown }) => r.suppressions);
    expect(sup).toEqual([[{ kind: 'inSource', status: 'accepted', justification: 'air-gapped lab' }], [{ kind: 'external', status: 'accepted' }]]);
    expect(multitoolProblems(JSON.stringify(log))).toEqual([]);
  }, 180000);
});
