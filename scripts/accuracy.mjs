#!/usr/bin/env node
// `npm run accuracy -- DIR…`: what each profile shows over a set of trees. Per rule, the
// number of findings under regular, pedantic and auditor, and each rule's share of the
// regular report; then each profile's total and its share of everything (auditor).
// Findings are counted as reported: regular folds NH018/NH019 per lock file.
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
if (!existsSync(path.join(dist, 'app', 'scan.js'))) {
  console.error('accuracy: run `npm run build` first');
  process.exit(2);
}
const { analyzePaths } = await import(path.join(dist, 'app', 'scan.js'));

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error('usage: npm run accuracy -- DIR…');
  process.exit(2);
}
const PROFILES = ['regular', 'pedantic', 'auditor'];
/** rule → profile → count */
const counts = new Map();
const totals = Object.fromEntries(PROFILES.map((p) => [p, 0]));
for (const dir of dirs) {
  if (!existsSync(dir)) {
    console.error(`accuracy: ${dir}: no such file or directory`);
    process.exit(2);
  }
  for (const profile of PROFILES) {
    // Each tree on its own, as a user scans it (its own root, its own .nixharden.toml).
    const result = await analyzePaths([dir], { profile, root: path.resolve(dir), jobs: 1 });
    for (const f of result.findings) {
      if (!counts.has(f.ruleId)) counts.set(f.ruleId, Object.fromEntries(PROFILES.map((p) => [p, 0])));
      counts.get(f.ruleId)[profile]++;
      totals[profile]++;
    }
  }
}

const pct = (n, of) => (of === 0 ? '-' : `${((100 * n) / of).toFixed(1)}%`);
const rows = [['rule', ...PROFILES, 'share of regular']];
for (const rule of [...counts.keys()].sort()) {
  const c = counts.get(rule);
  rows.push([rule, ...PROFILES.map((p) => String(c[p])), pct(c.regular, totals.regular)]);
}
rows.push(['total', ...PROFILES.map((p) => String(totals[p])), '']);
const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => r[i].length)));
for (const r of rows) console.log(r.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ').trimEnd());
console.log('');
console.log(`trees: ${dirs.length}`);
for (const p of PROFILES) console.log(`${p}: ${totals[p]} findings, ${pct(totals[p], totals.auditor)} of all (auditor), ${(totals[p] / dirs.length).toFixed(1)} per tree`);
