/**
 * `scan --fix` on every fixture under fixtures/fix/<id>-<slug>/ (oracles: Nix's parser and evaluator):
 * the result equals the reviewed `.fixed` file, parses with `nix-instantiate --parse`,
 * evaluates to the same value except at the targeted settings, holds values of the types the
 * options take (nix-instantiate --eval; nix.conf text through `nix show-config`), re-scans
 * without the fixed findings, and a second run changes nothing.
 */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { applyFixPlan, planFixes, type FixMode } from '../../src/fix/plan.js';
import { analyzePaths } from '../../src/app/scan.js';
import { loadRules } from '../../src/rules/registry.js';

const root = path.resolve('fixtures/fix');
const rules = await loadRules();
const NOW = new Date('2026-01-01T00:00:00Z');
const UPDATE = process.env.UPDATE_FIXED === '1';

/** A stand-in for nixpkgs' lib with the module-system wrappers, written in Nix. */
const LIB = '{ mkForce = v: { _type = "override"; priority = 50; content = v; }; mkDefault = v: { _type = "override"; priority = 1000; content = v; }; }';

/**
 * The types NixOS gives the options the fixes write (nixos/modules/services/system/nix-daemon.nix,
 * nix.nix), as Nix predicates on the value under any mkForce/mkDefault: sandbox is
 * `either bool (enum [ "relaxed" ])`, the other settings are Nix booleans, extraOptions is `lines`.
 */
const OPTION_TYPES: Record<string, string> = {
  'nix.settings.sandbox': 'v: builtins.isBool v || v == "relaxed"',
  'nix.useSandbox': 'v: builtins.isBool v || v == "relaxed"',
  'nix.settings.require-sigs': 'builtins.isBool',
  'nix.requireSignedBinaryCaches': 'builtins.isBool',
  'nix.settings.accept-flake-config': 'builtins.isBool',
  'nix.extraOptions': 'builtins.isString',
};

/** Options of OPTION_TYPES that `file` sets to a value of the wrong type, with the value (nix-instantiate --eval). */
function illTyped(file: string): unknown[] {
  const checks = Object.entries(OPTION_TYPES).map(([option, ok]) => `{ option = "${option}"; ok = ${ok}; }`);
  const expr = `let
    m = import ${file} { lib = ${LIB}; pkgs = { }; config = { }; };
    unwrap = v: if builtins.isAttrs v && (v._type or null) == "override" then unwrap v.content else v;
    at = option: builtins.foldl' (a: k: if builtins.isAttrs a && a ? \${k} then a.\${k} else null) m (builtins.filter builtins.isString (builtins.split "[.]" option));
  in builtins.concatMap (c: let v = at c.option; in if v == null || c.ok (unwrap v) then [ ] else [ { inherit (c) option; value = unwrap v; } ]) [ ${checks.join(' ')} ]`;
  const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } });
  if (r.status !== 0) throw new Error(`nix-instantiate --eval failed for ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout) as unknown[];
}

/** What Nix says about nix.conf text (settings Nix rejects, such as `require-sigs = "true"`); empty when it takes it. */
function nixConfProblems(text: string): string {
  const r = spawnSync('nix', ['--extra-experimental-features', 'nix-command', 'show-config'], { encoding: 'utf8', env: { ...process.env, NIX_CONFIG: text } });
  return r.status === 0 ? '' : r.stderr.trim();
}

function copyDir(src: string, dst: string): void {
  fs.mkdirSync(dst, { recursive: true });
  for (const e of fs.readdirSync(src, { withFileTypes: true })) {
    if (e.name.endsWith('.fixed') || e.name === 'expect.json') continue;
    const s = path.join(src, e.name);
    const d = path.join(dst, e.name);
    if (e.isDirectory()) copyDir(s, d);
    else fs.copyFileSync(s, d);
  }
}

function evalJson(file: string, select?: string): unknown {
  const expr = select ? `(import ${file}).${select}` : `import ${file} { lib = ${LIB}; pkgs = { }; config = { }; }`;
  const r = spawnSync('nix-instantiate', ['--eval', '--strict', '--json', '-E', expr], { encoding: 'utf8', env: { ...process.env, NIX_PATH: '' } });
  if (r.status !== 0) throw new Error(`nix-instantiate --eval failed for ${file}: ${r.stderr}`);
  return JSON.parse(r.stdout);
}

/** Paths (dotted) where two JSON values differ; a list whose length changed is one path. */
function changedPaths(a: unknown, b: unknown, at: string[] = []): string[] {
  const isObj = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
  if (isObj(a) && isObj(b)) {
    return [...new Set([...Object.keys(a), ...Object.keys(b)])].flatMap((k) => (k in a && k in b ? changedPaths(a[k], b[k], [...at, k]) : [[...at, k].join('.')]));
  }
  if (Array.isArray(a) && Array.isArray(b) && a.length === b.length) return a.flatMap((x, i) => changedPaths(x, b[i], [...at, String(i)]));
  return JSON.stringify(a) === JSON.stringify(b) ? [] : [at.join('.')];
}

async function fixOnce(dir: string, mode: FixMode) {
  const result = await analyzePaths([dir], { noConfig: true, root: dir, jobs: 1, now: NOW });
  const plan = await applyFixPlan(planFixes(result, mode));
  return { result, plan };
}

/** One fixture per fixable rule; the others (guard-refusal, conflict-group) have tests of their own below. */
const dirs = fs.readdirSync(root).filter((d) => /^NH\d{3}-/.test(d) && fs.statSync(path.join(root, d)).isDirectory());

describe('scan --fix on fixtures/fix (oracles: nix-instantiate --parse / --eval)', () => {
  it('every fixable rule has a fix fixture', () => {
    const fixable = rules.filter((r) => r.meta.fix === 'safe' || r.meta.fix === 'unsafe').map((r) => `${r.meta.id}-${r.meta.slug}`);
    expect(fixable.length).toBeGreaterThanOrEqual(9);
    expect(fixable.filter((s) => !dirs.includes(s))).toEqual([]);
  });

  for (const slug of dirs) {
    it(`${slug}: fixed output, parses, only targeted values change, findings gone, idempotent`, async () => {
      const rule = rules.find((r) => `${r.meta.id}-${r.meta.slug}` === slug)!;
      const mode = rule.meta.fix as FixMode;
      const src = path.join(root, slug);
      const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `nh-fix-${slug}-`));
      copyDir(src, tmp);
      const { result, plan } = await fixOnce(tmp, mode);
      const ownFixes = plan.fixed.filter((x) => x.finding.ruleId === rule.meta.id);
      expect(ownFixes.length).toBeGreaterThan(0);
      expect(ownFixes.filter((x) => x.status.state !== 'applied')).toEqual([]);

      // 1. Each input file equals its reviewed .fixed output (unchanged files have none).
      for (const f of result.files) {
        const fixedPath = path.join(src, `${f.file}.fixed`);
        const after = fs.readFileSync(f.absPath, 'utf8');
        if (UPDATE && after !== f.text) fs.writeFileSync(fixedPath, after);
        if (fs.existsSync(fixedPath)) expect(after).toBe(fs.readFileSync(fixedPath, 'utf8'));
        else expect(after).toBe(f.text);
      }

      // 2. Every fixed .nix parses with Nix's own parser; 3. only the targeted values change.
      const expectations = JSON.parse(fs.readFileSync(path.join(src, 'expect.json'), 'utf8')) as Record<string, { changed: string[]; eval?: string }>;
      for (const f of result.files.filter((x) => x.file.endsWith('.nix'))) {
        const parse = spawnSync('nix-instantiate', ['--parse', f.absPath], { encoding: 'utf8' });
        expect({ file: f.file, status: parse.status, stderr: parse.stderr }).toEqual({ file: f.file, status: 0, stderr: '' });
        const want = expectations[f.file];
        if (!want) continue;
        const beforeFile = path.join(tmp, `.before-${path.basename(f.file)}`);
        fs.writeFileSync(beforeFile, f.text);
        const changed = changedPaths(evalJson(beforeFile, want.eval), evalJson(f.absPath, want.eval)).sort();
        fs.rmSync(beforeFile);
        expect({ file: f.file, changed }).toEqual({ file: f.file, changed: [...want.changed].sort() });
      }
      // 4. Every value the fixes wrote has the type of its option, as NixOS and Nix read it (modules: files evaluated whole).
      for (const f of result.files) {
        if (f.file.endsWith('.conf')) expect({ file: f.file, nix: nixConfProblems(fs.readFileSync(f.absPath, 'utf8')) }).toEqual({ file: f.file, nix: '' });
        const want = expectations[f.file];
        if (!f.file.endsWith('.nix') || !want || want.eval) continue;
        expect({ file: f.file, illTyped: illTyped(f.absPath) }).toEqual({ file: f.file, illTyped: [] });
        const extraOptions = (evalJson(f.absPath) as { nix?: { extraOptions?: unknown } }).nix?.extraOptions;
        if (typeof extraOptions === 'string') expect({ file: f.file, nix: nixConfProblems(extraOptions) }).toEqual({ file: f.file, nix: '' });
      }
      // Every file the expectations name was changed by the fix.
      for (const name of Object.keys(expectations)) expect(result.files.find((f) => f.file === name)?.text).not.toBe(fs.readFileSync(path.join(tmp, name), 'utf8'));

      // 5. Re-scanning: no finding of this rule still offers a fix of this tier.
      const { result: again, plan: second } = await fixOnce(tmp, mode);
      expect(again.findings.filter((f) => f.ruleId === rule.meta.id && f.fix)).toEqual([]);
      // 6. A second --fix run changes nothing.
      expect(second.files.filter((f) => f.after !== f.before)).toEqual([]);
      fs.rmSync(tmp, { recursive: true });
    });
  }

  it('an edit Nix would reject is not written, and the finding says why', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fix-guard-'));
    copyDir(path.join(root, 'guard-refusal'), tmp);
    const before = fs.readFileSync(path.join(tmp, 'configuration.nix'), 'utf8');
    const { plan } = await fixOnce(tmp, 'safe');
    const sandbox = plan.fixed.find((x) => x.finding.ruleId === 'NH006')!;
    expect(sandbox.status.state).toBe('refused');
    expect(sandbox.status.reason).toMatch(/syntax error at line 6, column 3: attribute 'nix.settings.sandbox' already defined/);
    expect(fs.readFileSync(path.join(tmp, 'configuration.nix'), 'utf8')).toBe(before);
    fs.rmSync(tmp, { recursive: true });
  });

  it('a fix that would break the file is left out with its group; the other fixes are made; each refusal names the edit and why', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fix-group-'));
    copyDir(path.join(root, 'conflict-group'), tmp);
    const file = path.join(tmp, 'configuration.nix');
    const { plan } = await fixOnce(tmp, 'safe');
    const outcome = plan.fixed.map((x) => ({ rule: x.finding.ruleId, line: x.finding.span.startLine, state: x.status.state, reason: x.status.reason }));
    expect(outcome).toEqual([
      {
        rule: 'NH006',
        line: 6,
        state: 'refused',
        reason: `the edit at line 6 ("nix.useSandbox" → "nix.settings.sandbox") would introduce a Nix syntax error at line 7, column 3: attribute 'nix.settings.sandbox' already defined`,
      },
      {
        rule: 'NH006',
        line: 7,
        state: 'refused',
        reason: 'goes with the NH006 fix at line 6, which cannot be made (both set sandbox; fixing one alone would leave two different values)',
      },
      { rule: 'NH005', line: 8, state: 'applied', reason: undefined },
      { rule: 'NH008', line: 9, state: 'applied', reason: undefined },
    ]);
    expect(fs.readFileSync(file, 'utf8')).toBe(fs.readFileSync(path.join(root, 'conflict-group', 'configuration.nix.fixed'), 'utf8'));
    expect(spawnSync('nix-instantiate', ['--parse', file], { encoding: 'utf8' }).status).toBe(0);
    fs.rmSync(tmp, { recursive: true });
  });

  it('a file changed on disk after it was read is not written', async () => {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-fix-race-'));
    copyDir(path.join(root, 'NH008-accept-flake-config'), tmp);
    const file = path.join(tmp, 'configuration.nix');
    const result = await analyzePaths([tmp], { noConfig: true, root: tmp, jobs: 1, now: NOW });
    const plan = planFixes(result, 'safe');
    fs.appendFileSync(file, '# edited meanwhile\n');
    const edited = fs.readFileSync(file, 'utf8');
    const done = await applyFixPlan(plan);
    const ofFile = done.fixed.filter((x) => x.files.includes(file));
    expect(ofFile.map((x) => x.status.state)).toEqual(['refused']);
    expect(ofFile[0]!.status.reason).toMatch(/changed/);
    expect(fs.readFileSync(file, 'utf8')).toBe(edited);
    fs.rmSync(tmp, { recursive: true });
  });
});
