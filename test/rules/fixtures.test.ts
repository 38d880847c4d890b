import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { analyzePaths } from '../../src/app/scan.js';
import { loadRules } from '../../src/rules/registry.js';
import { expectationsIn, walk } from './annotations.js';

const fixturesRoot = path.resolve('fixtures/rules');
const rules = await loadRules();

describe('rule fixtures (real pipeline: discover → parse → model → rules)', () => {
  for (const { meta } of rules) {
    it(`${meta.id} ${meta.slug}: findings match the annotations exactly`, async () => {
      const dir = path.join(fixturesRoot, `${meta.id}-${meta.slug}`);
      expect(fs.existsSync(dir)).toBe(true);
      const expectations = expectationsIn(dir);
      const own = expectations.filter((e) => e.rule === meta.id);
      // Every rule needs at least one positive and one negative case.
      expect(own.some((e) => e.kind === 'ruleid')).toBe(true);
      expect(own.some((e) => e.kind === 'ok')).toBe(true);

      const result = await analyzePaths([dir], { noConfig: true, root: dir, jobs: 1, now: new Date('2026-01-01T00:00:00Z') });
      const abs = new Map(result.files.map((f) => [f.file, f.absPath]));
      const annotatedRules = new Set(expectations.map((e) => e.rule).concat(meta.id));
      for (const rule of annotatedRules) {
        const key = (file: string, line: number): string => `${path.relative(fixturesRoot, file)}:${line}`;
        const got = new Set(
          [...result.findings, ...result.suppressed].filter((f) => f.ruleId === rule).map((f) => key(abs.get(f.span.file) ?? path.resolve(dir, f.span.file), f.span.startLine)),
        );
        const want = new Set(expectations.filter((e) => e.rule === rule && e.kind === 'ruleid').map((e) => key(e.file, e.line)));
        expect({ rule, findings: [...got].sort() }).toEqual({ rule, findings: [...want].sort() });
        for (const ok of expectations.filter((e) => e.rule === rule && e.kind === 'ok')) expect(got.has(key(ok.file, ok.line))).toBe(false);
      }
    });
  }
});

describe('fixtures are real Nix (oracle: nix-instantiate --parse)', () => {
  const nixFiles = walk(fixturesRoot).filter((f) => f.endsWith('.nix'));
  const broken = nixFiles.filter((f) => f.endsWith('.broken.nix'));
  const valid = nixFiles.filter((f) => !f.endsWith('.broken.nix'));

  it('every fixture not marked .broken.nix parses', () => {
    expect(valid.length).toBeGreaterThan(20);
    const r = spawnSync('nix-instantiate', ['--parse', ...valid], { encoding: 'utf8' });
    if (r.status !== 0) {
      // One process stops at the first bad file; name it.
      const bad = valid.filter((f) => spawnSync('nix-instantiate', ['--parse', f]).status !== 0);
      expect(bad).toEqual([]);
    }
    expect(r.status).toBe(0);
  });

  it('every .broken.nix fixture is rejected by Nix, at the line its NH017 annotation names', () => {
    expect(broken.length).toBeGreaterThan(0);
    for (const f of broken) {
      const r = spawnSync('nix-instantiate', ['--parse', f], { encoding: 'utf8' });
      const at = new RegExp(`at ${f.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:(\\d+):\\d+`).exec(r.stderr);
      const annotated = expectationsIn(path.dirname(f)).filter((e) => e.file === f && e.rule === 'NH017' && e.kind === 'ruleid').map((e) => e.line);
      expect({ f, status: r.status, error: /error: syntax error/.test(r.stderr), lines: annotated }).toEqual({ f, status: 1, error: true, lines: [Number(at?.[1])] });
    }
  });
});
