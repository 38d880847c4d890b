#!/usr/bin/env node
// Prints the top entries of a V8 CPU profile by self time, as recorded in
// docs/performance.md:
//
//   node --cpu-prof --cpu-prof-dir=DIR bin/nixharden.js scan TREE --jobs 1
//   node bench/profile-top.mjs DIR/*.cpuprofile [--top N] [--by-file]
//
// Self time is summed per function (name, file and line), so a function called
// from many places is one entry; `--by-file` sums per source file instead.
import fs from 'node:fs';
import path from 'node:path';

const args = process.argv.slice(2);
const top = Number(args[args.indexOf('--top') + 1]) || 5;
const byFile = args.includes('--by-file');
const files = args.filter((a, i) => a.endsWith('.cpuprofile') && args[i - 1] !== '--top');
if (files.length === 0) {
  console.error('usage: profile-top.mjs PROFILE.cpuprofile… [--top N] [--by-file]');
  process.exit(2);
}

for (const file of files) {
  const prof = JSON.parse(fs.readFileSync(file, 'utf8'));
  const byId = new Map(prof.nodes.map((n) => [n.id, n]));
  const self = new Map();
  // timeDeltas[i] is the time before samples[i]; attribute it to that sample's node.
  let total = 0;
  for (let i = 0; i < prof.samples.length; i++) {
    const dt = prof.timeDeltas[i] ?? 0;
    const n = byId.get(prof.samples[i]);
    const cf = n.callFrame;
    const where = cf.url ? shorten(cf.url) : '';
    const key = byFile ? where || `(${cf.functionName || 'native'})` : `${cf.functionName || '(anonymous)'} ${where}${where ? `:${cf.lineNumber + 1}` : ''}`;
    self.set(key, (self.get(key) ?? 0) + dt);
    total += dt;
  }
  const rows = [...self.entries()].sort((a, b) => b[1] - a[1]).slice(0, top);
  console.log(`${path.basename(file)}: ${(total / 1e6).toFixed(2)} s sampled`);
  for (const [key, us] of rows) console.log(`  ${((100 * us) / total).toFixed(1).padStart(5)}%  ${(us / 1e6).toFixed(2).padStart(6)} s  ${key}`);
}

function shorten(url) {
  const s = url.replace(/^file:\/\//, '');
  const i = s.lastIndexOf('/dist/');
  if (i >= 0) return s.slice(i + 1);
  const j = s.lastIndexOf('/node_modules/');
  return j >= 0 ? s.slice(j + 1) : s.startsWith('node:') ? s : path.basename(s);
}
