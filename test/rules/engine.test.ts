import { buildFileModel } from '../../src/model/index.js';
import type { ConfigModel } from '../../src/model/types.js';
import { DEFAULT_OPTIONS, runRules, type RulePolicy } from '../../src/rules/engine.js';
import { loadRules } from '../../src/rules/registry.js';
import type { RuleOptions } from '../../src/rules/types.js';

const rules = await loadRules();
const options = (now = '2026-06-01T12:00:00Z'): RuleOptions => ({ ...DEFAULT_OPTIONS, now: new Date(now) });

/** A model built by the real model builder from in-memory files under /repo. */
function model(files: Record<string, string>): ConfigModel {
  return {
    root: '/repo',
    files: Object.entries(files).map(([file, text]) =>
      buildFileModel({ file, absPath: `/repo/${file}`, text, kind: file.endsWith('nix.conf') ? 'nix.conf' : 'nix' }),
    ),
    skipped: [],
  };
}

const host = `{
  nix.settings.require-sigs = false; # nixharden: ignore[NH005] air-gapped lab, no substituters
  # nixharden: ignore[sandbox-disabled, NH007]: builder VM
  nix.settings.sandbox = false;
  nix.settings.trusted-users = [ "root" "@wheel" ];
  # nixharden: ignore[NH010]
  nix.settings.accept-flake-config = true;
}
`;

describe('engine: inline suppressions', () => {
  const r = runRules(model({ 'hosts/a.nix': host }), rules, options());
  const ids = (list: typeof r.findings): string[] => list.map((f) => `${f.ruleId}@${f.span.startLine}`);

  it('suppresses on the same line or the line before, by id or slug, keeping the reason', () => {
    expect(ids(r.suppressed)).toEqual(['NH005@2', 'NH006@4']);
    expect(r.suppressed[0]!.suppressed).toEqual({ by: 'inline', reason: 'air-gapped lab, no substituters' });
    expect(r.suppressed[1]!.suppressed).toEqual({ by: 'inline', reason: 'builder VM' });
  });
  it('does not reach two lines down, and only silences the rules it names', () => {
    // NH007 is named on line 3 but its finding is on line 5; NH008 on line 7 is not NH010.
    expect(ids(r.findings)).toEqual(['NH007@5', 'NH008@7']);
  });
  it('suppresses in nix.conf with # comments', () => {
    const conf = 'require-sigs = false\n# nixharden: ignore[NH007] remote builder account\ntrusted-users = root builder\n';
    const res = runRules(model({ 'etc/nix/nix.conf': conf }), rules, options());
    expect(ids(res.findings)).toEqual(['NH005@1']);
    expect(ids(res.suppressed)).toEqual(['NH007@3']);
  });
});

describe('engine: config policy', () => {
  const files = { 'hosts/legacy/a.nix': host.replace(/#.*$/gm, ''), 'hosts/new/b.nix': '{ nix.settings.require-sigs = false; }\n' };
  const base: RulePolicy = { disable: [], severity: {}, ignore: [] };

  it('disables rules by id or slug', () => {
    const r = runRules(model(files), rules, options(), { ...base, disable: ['NH005', 'sandbox-disabled'] });
    expect(r.findings.map((f) => f.ruleId).sort()).toEqual(['NH007', 'NH008']);
  });
  it('overrides severity per rule', () => {
    const r = runRules(model(files), rules, options(), { ...base, severity: { NH005: 'low', 'trusted-users': 'critical' } });
    expect(r.findings.filter((f) => f.ruleId === 'NH005').map((f) => f.severity)).toEqual(['low', 'low']);
    expect(r.findings.find((f) => f.ruleId === 'NH007')!.severity).toBe('critical');
  });
  it('[[ignore]] with a path glob suppresses only matching files, until its date (inclusive)', () => {
    const ignore = [{ rule: 'NH005', path: 'hosts/legacy/**', reason: 'decommissioned in Q4', until: '2026-06-01', baseDir: '/repo', where: '/repo/.nixharden.toml:5' }];
    const r = runRules(model(files), rules, options('2026-06-01T23:59:00Z'), { ...base, ignore });
    expect(r.suppressed.map((f) => `${f.ruleId} ${f.span.file}`)).toEqual(['NH005 hosts/legacy/a.nix']);
    expect(r.suppressed[0]!.suppressed).toEqual({ by: 'config', reason: 'decommissioned in Q4' });
    expect(r.findings.some((f) => f.ruleId === 'NH005' && f.span.file === 'hosts/new/b.nix')).toBe(true);
    expect(r.notes).toEqual([]);
  });
  it('an expired [[ignore]] stops suppressing and says so', () => {
    const ignore = [{ rule: 'require-sigs-disabled', path: 'hosts/legacy/**', until: '2026-06-01', baseDir: '/repo', where: '/repo/.nixharden.toml:5' }];
    const r = runRules(model(files), rules, options('2026-06-02T00:00:01Z'), { ...base, ignore });
    expect(r.suppressed).toEqual([]);
    expect(r.findings.filter((f) => f.ruleId === 'NH005')).toHaveLength(2);
    expect(r.notes).toEqual([
      { kind: 'expired-ignore', where: '/repo/.nixharden.toml:5', message: 'ignore entry for require-sigs-disabled on hosts/legacy/** expired on 2026-06-01; its findings are reported again' },
    ]);
  });
  it('a path outside the config directory never matches', () => {
    const ignore = [{ rule: 'NH005', path: '**', baseDir: '/repo/hosts/new', where: 'x:1' }];
    const r = runRules(model(files), rules, options(), { ...base, ignore });
    expect(r.suppressed.map((f) => f.span.file)).toEqual(['hosts/new/b.nix']);
  });
});

describe('engine: selection (min severity)', () => {
  it('drops findings below the threshold and counts them', () => {
    const r = runRules(model({ 'a.nix': host.replace(/#.*$/gm, '') }), rules, options(), undefined, { minSeverity: 'critical' });
    expect(r.findings.map((f) => f.ruleId)).toEqual(['NH005']);
    expect(r.belowThreshold).toBe(3);
  });
  it('the threshold uses the effective (overridden, per-finding) severity', () => {
    const text = '{ nix.settings.trusted-users = [ "*" "alice" ]; }\n';
    const r = runRules(model({ 'a.nix': text }), rules, options(), undefined, { minSeverity: 'critical' });
    expect(r.findings.map((f) => f.message)).toEqual([expect.stringContaining('every local user')]);
  });
  it('is deterministic and sorted by file, line, column, rule', () => {
    const m = model({ 'b.nix': host, 'a.nix': host });
    const a = runRules(m, rules, options());
    const b = runRules(m, [...rules].reverse(), options());
    expect(a).toEqual(b);
    expect(a.findings.map((f) => f.span.file)).toEqual(['a.nix', 'a.nix', 'b.nix', 'b.nix']);
  });
});

describe('engine: one finding per rule and span', () => {
  it('drops a rule reporting the same span twice', () => {
    const m = model({ 'a.nix': '{ nix.settings.sandbox = false; }\n' });
    const base = rules.find((r) => r.meta.id === 'NH006')!;
    const twice = { meta: base.meta, check: (f: Parameters<typeof base.check>[0], c: Parameters<typeof base.check>[1]) => [...base.check(f, c), ...base.check(f, c)] };
    expect(runRules(m, [twice], options()).findings).toHaveLength(1);
  });
});

describe('engine: a failing rule', () => {
  it('becomes a rule-error note for that file while other rules and files still report', () => {
    const m = model({ 'a.nix': '{ nix.settings.sandbox = false; }\n', 'b.nix': '{ nix.settings.require-sigs = false; }\n' });
    const sandbox = rules.find((r) => r.meta.id === 'NH006')!;
    const sigs = rules.find((r) => r.meta.id === 'NH005')!;
    const flaky = {
      meta: sandbox.meta,
      check: (f: Parameters<typeof sandbox.check>[0], c: Parameters<typeof sandbox.check>[1]) => {
        if (f.file === 'a.nix') throw new Error('unexpected node');
        return sandbox.check(f, c);
      },
    };
    const r = runRules(m, [flaky, sigs], options());
    expect(r.findings.map((f) => `${f.ruleId} ${f.span.file}`)).toEqual(['NH005 b.nix']);
    expect(r.notes).toEqual([{ kind: 'rule-error', where: 'a.nix', message: 'NH006 could not check this file: unexpected node' }]);
  });
});
