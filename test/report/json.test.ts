import fs from 'node:fs';
import path from 'node:path';
import { Ajv } from 'ajv';
import addFormatsModule from 'ajv-formats';
import { renderJson } from '../../src/report/json.js';
import { findingAt, resultOf } from './helpers.js';

// ajv-formats is CommonJS with a default export.
const addFormats = ((addFormatsModule as unknown as { default?: typeof addFormatsModule }).default ?? addFormatsModule) as unknown as (a: Ajv) => Ajv;
export function jsonValidator() {
  const ajv = new Ajv({ allErrors: true, strict: true, strictRequired: false });
  addFormats(ajv);
  return ajv.compile(JSON.parse(fs.readFileSync(path.resolve('docs/json-schema-v1.json'), 'utf8')));
}

const text = 'let\n  a = builtins.fetchTarball "https://x/a.tar.gz";\n  b = builtins.fetchTarball "https://x/b.tar.gz";\nin a\n';

describe('JSON report (json-v1)', () => {
  const validate = jsonValidator();
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  type Doc = any;

  it('validates against docs/json-schema-v1.json and carries findings, suppressed and a summary', () => {
    const a = findingAt('x.nix', text, 'builtins.fetchTarball "https://x/a.tar.gz"', 'NH011');
    const b = findingAt('x.nix', text, 'builtins.fetchTarball "https://x/b.tar.gz"', 'NH011', { suppressed: { by: 'config', reason: 'vendored' } });
    const result = resultOf({ 'x.nix': text }, [a, b], {
      notes: [{ kind: 'expired-ignore', message: 'ignore entry expired', where: '.nixharden.toml:3' }],
      configFile: '/repo/.nixharden.toml',
    });
    const doc = JSON.parse(renderJson(result));
    expect(validate(doc)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(doc.version).toBe(1);
    expect(doc.findings).toHaveLength(1);
    expect(doc.findings[0]).toMatchObject({ ruleId: 'NH011', severity: 'high', location: { file: 'x.nix', startLine: 2, startColumn: 7 } });
    expect(doc.suppressed[0].suppression).toEqual({ kind: 'config', reason: 'vendored' });
    expect(doc.summary).toMatchObject({ files: 1, findings: 1, suppressed: 1, bySeverity: { high: 1, critical: 0 } });
    expect(doc.notes[0].kind).toBe('expired-ignore');
  });

  it('carries the fix a finding offers and what --fix did with it, both in the schema', () => {
    const edit = { file: 'x.nix', startOffset: 0, endOffset: 3, replacement: 'let' };
    const a = findingAt('x.nix', text, 'builtins.fetchTarball "https://x/a.tar.gz"', 'NH011', {
      fix: { tier: 'safe', description: 'pin the tarball', edits: [edit] },
      fixStatus: { state: 'applied', tier: 'safe', description: 'pin the tarball' },
    });
    const b = findingAt('x.nix', text, 'builtins.fetchTarball "https://x/b.tar.gz"', 'NH011', {
      fix: { tier: 'unsafe', description: 'drop the fetch', edits: [edit] },
      fixStatus: { state: 'refused', tier: 'unsafe', description: 'drop the fetch', reason: 'needs --fix unsafe' },
    });
    const plain = findingAt('x.nix', text, 'in a', 'NH011');
    const doc = JSON.parse(renderJson(resultOf({ 'x.nix': text }, [a, b, plain])));
    expect(validate(doc)).toBe(true);
    expect(validate.errors ?? []).toEqual([]);
    expect(doc.findings.map((f: Doc) => [f.fix, f.fixStatus])).toEqual([
      [{ tier: 'safe', description: 'pin the tarball' }, { state: 'applied', tier: 'safe', description: 'pin the tarball' }],
      [{ tier: 'unsafe', description: 'drop the fetch' }, { state: 'refused', tier: 'unsafe', description: 'drop the fetch', reason: 'needs --fix unsafe' }],
      [undefined, undefined],
    ]);
    // The schema still holds these objects to their shape.
    const f0 = doc.findings[0];
    expect(validate({ ...doc, findings: [{ ...f0, fixStatus: { ...f0.fixStatus, state: 'done' } }] })).toBe(false);
    expect(validate({ ...doc, findings: [{ ...f0, fix: { ...f0.fix, tier: 'risky' } }] })).toBe(false);
    expect(validate({ ...doc, findings: [{ ...f0, fix: { ...f0.fix, edits: [edit] } }] })).toBe(false);
    expect(validate({ ...doc, findings: [{ ...f0, fixStatus: { tier: 'safe', description: 'x' } }] })).toBe(false);
  });

  it('the schema rejects what it should (it is not vacuous)', () => {
    const good = JSON.parse(renderJson(resultOf({ 'x.nix': text }, [findingAt('x.nix', text, 'builtins.fetchTarball', 'NH011')])));
    expect(validate(good)).toBe(true);
    expect(validate({ ...good, version: 2 })).toBe(false);
    expect(validate({ ...good, findings: [{ ...good.findings[0], severity: 'severe' }] })).toBe(false);
    expect(validate({ ...good, findings: [{ ...good.findings[0], location: { ...good.findings[0].location, startLine: 0 } }] })).toBe(false);
    expect(validate({ ...good, suppressed: [good.findings[0]] })).toBe(false);
    const noSummary: Doc = { ...good };
    delete noSummary.summary;
    expect(validate(noSummary)).toBe(false);
  });
});
