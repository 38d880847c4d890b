/**
 * `--fix=unsafe` over a copy of every fixture the project has (rules, model, broken files):
 * only files with applied fixes change, each changed .nix file still parses with Nix's own
 * parser, files Nix rejects are never touched, the re-scan offers no fix, and a second run is a no-op.
 */
import { jest } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyFixPlan, planFixes } from '../../src/fix/plan.js';
import { analyzePaths } from '../../src/app/scan.js';

jest.setTimeout(180_000);
const NOW = new Date('2026-01-01T00:00:00Z');

function snapshot(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (d: string): void => {
    for (const e of fs.readdirSync(d, { withFileTypes: true })) {
      const p = path.join(d, e.name);
      if (e.isDirectory()) walk(p);
      else out.set(p, fs.readFileSync(p, 'utf8'));
    }
  };
  walk(dir);
  return out;
}

const parses = (file: string): boolean => spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' }).status === 0;

describe('--fix=unsafe over the whole fixture corpus', () => {
  it('changes only fixed files, keeps them parsing, and is idempotent', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fix-corpus-'));
    for (const sub of ['rules', 'model']) fs.cpSync(path.resolve('fixtures', sub), path.join(tmp, sub), { recursive: true });
    const before = snapshot(tmp);
    const result = await analyzePaths([tmp], { noConfig: true, root: tmp, jobs: 1, now: NOW });
    const plan = await applyFixPlan(planFixes(result, 'unsafe'));
    const applied = plan.fixed.filter((x) => x.status.state === 'applied');
    expect(applied.length).toBeGreaterThan(20);
    const after = snapshot(tmp);

    const changed = [...after.keys()].filter((f) => after.get(f) !== before.get(f)).sort();
    const fixedFiles = [...new Set(applied.flatMap((x) => x.files))].sort();
    expect(changed).toEqual(fixedFiles);
    for (const f of changed.filter((x) => x.endsWith('.nix'))) {
      expect({ f, parses: parses(f) }).toEqual({ f, parses: true });
    }
    // Files Nix rejects are never edited (the guard cannot vouch for them).
    for (const f of [...before.keys()].filter((x) => x.endsWith('.broken.nix') || x.includes('/broken/'))) expect(after.get(f)).toBe(before.get(f));

    // A fix that overlapped another one ('conflict': "scan again afterwards") may be offered once more,
    // now that the file's other fixes are made; a fix refused the first time (a broken file, say) is
    // refused again; nothing else is left, and the run after that changes nothing.
    const conflicts = plan.fixed.filter((x) => x.status.state === 'conflict').length;
    const offered = async () => {
      const again = await analyzePaths([tmp], { noConfig: true, root: tmp, jobs: 1, now: NOW });
      return planFixes(again, 'unsafe');
    };
    const second = await applyFixPlan(await offered());
    expect(second.fixed.filter((x) => x.status.state === 'applied').length).toBeLessThanOrEqual(conflicts);
    const third = await offered();
    expect(third.fixed.filter((x) => x.status.state === 'planned').map((x) => `${x.finding.span.file}:${x.finding.span.startLine} ${x.finding.ruleId}`)).toEqual([]);
    expect(third.files.filter((f) => !f.error && f.after !== f.before)).toEqual([]);
    fs.rmSync(tmp, { recursive: true });
  });
});
