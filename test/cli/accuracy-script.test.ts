/**
 * `npm run accuracy -- DIR…` counts what `scan --profile P` reports: its per-rule table and
 * totals must agree with the CLI's own JSON on the bundled example.
 */
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { repoRoot, runCli } from '../helpers/cli.js';

const example = path.join(repoRoot, 'examples', 'insecure-host');

function scanCounts(profile: string): Map<string, number> {
  const r = runCli(['scan', '--profile', profile, '--format', 'json', example], { cwd: repoRoot });
  const counts = new Map<string, number>();
  for (const f of (JSON.parse(r.stdout) as { findings: { ruleId: string }[] }).findings) counts.set(f.ruleId, (counts.get(f.ruleId) ?? 0) + 1);
  return counts;
}

test('per-rule counts and profile totals match scan --profile', () => {
  const r = spawnSync('node', ['scripts/accuracy.mjs', example, example], { cwd: repoRoot, encoding: 'utf8' });
  expect(r.stderr).toBe('');
  expect(r.status).toBe(0);
  const table = new Map(
    r.stdout
      .split('\n')
      .filter((l) => /^NH\d{3}\s/.test(l))
      .map((l) => {
        const [rule, regular, pedantic, auditor] = l.split(/\s+/);
        return [rule!, { regular: Number(regular), pedantic: Number(pedantic), auditor: Number(auditor) }];
      }),
  );
  for (const profile of ['regular', 'pedantic', 'auditor'] as const) {
    const want = scanCounts(profile);
    // The tree is given twice: every count doubles.
    for (const [rule, n] of want) expect({ rule, profile, n: table.get(rule)?.[profile] }).toEqual({ rule, profile, n: 2 * n });
    const total = [...want.values()].reduce((a, b) => a + b, 0);
    expect(r.stdout).toContain(`${profile}: ${2 * total} findings`);
  }
  expect(r.stdout).toContain('trees: 2');
});

test('no directory is a usage error', () => {
  const r = spawnSync('node', ['scripts/accuracy.mjs'], { cwd: repoRoot, encoding: 'utf8' });
  expect(r.status).toBe(2);
  expect(r.stderr.trim()).toBe('usage: npm run accuracy -- DIR…');
});
