#!/usr/bin/env node
// `npm run bench [-- SUITE] [-- ARGS…]`: runs the benchmark suites, each of which
// times nixharden against a real baseline (Nix or git) in the same run, and ends
// with one table of every figure beside its baseline, ratio and goal.
//   npm run bench                 all suites on generated inputs
//   npm run bench -- DIR…         the scan suite on the given trees
//   npm run bench -- scan DIR…    likewise; `startup [--runs N]`, `verify [REPO]`, `nar [TARBALL]`,
//                                 `verify-cache [--count N]` run one suite
import { existsSync } from 'node:fs';
import os from 'node:os';
import { fileURLToPath } from 'node:url';
import path from 'node:path';

const here = path.dirname(fileURLToPath(import.meta.url));
const suites = ['scan', 'startup', 'verify', 'nar', 'verify-cache'];

if (!existsSync(path.join(here, '..', 'dist', 'cli', 'main.js'))) {
  console.error('bench: run `npm run build` first');
  process.exit(2);
}

const args = process.argv.slice(2);
let selected = suites;
let rest = args;
if (args[0] && suites.includes(args[0])) {
  selected = [args[0]];
  rest = args.slice(1);
} else if (args.length > 0) {
  selected = ['scan'];
}

const s = (ms) => `${(ms / 1000).toFixed(2)} s`;
const x = (r) => `${r.toFixed(2)}×`;

/** Each suite's result as table rows: what, nixharden, baseline, ratio (baseline's time over ours unless said), goal. */
const ROWS = {
  scan: (rows) =>
    rows.flatMap((r) => {
      const nix = r.nix ? `nix-instantiate --parse: ${r.nix.wall.toFixed(2)} s wall, ${r.nix.cpu.toFixed(2)} s CPU` : 'no nix-instantiate';
      const ratio = (m) => (r.nix ? `${x(m.cpu / r.nix.cpu)} CPU, ${x(m.wall / r.nix.wall)} wall (ours/Nix)` : '');
      const ours = (m) => `${m.wall.toFixed(2)} s wall, ${m.cpu.toFixed(2)} s CPU, peak ${m.maxRssMb.toFixed(0)} MB`;
      const what = `scan ${r.label}, ${(r.bytes / 1e6).toFixed(1)} MB`;
      return [
        { what: `${what}, all threads`, ours: ours(r.all), base: nix, ratio: ratio(r.all), goal: '≤ 2× Nix; ≤ 300 MB for 27 MB', load: r.load },
        { what: `${what}, --jobs 1`, ours: ours(r.one), base: nix, ratio: ratio(r.one), goal: '≤ 2× Nix', load: r.load },
      ];
    }),
  startup: (rows) =>
    rows.map((r) => ({
      what: `${r.label} (node -e 0: ${r.node.toFixed(0)} ms)`,
      ours: `${r.ours.toFixed(0)} ms`,
      base: r.theirs === undefined ? 'no nix-instantiate' : `nix-instantiate: ${r.theirs.toFixed(0)} ms`,
      ratio: r.theirs === undefined ? '' : `${x(r.ours / r.theirs)} (ours/Nix)`,
      goal: `≤ ${r.goalMs} ms`,
      load: r.load,
    })),
  verify: (r) => [{ what: `verify-commit, ${r.commits} commits`, ours: s(r.ours), base: `git verify-commit loop: ${s(r.theirs)}`, ratio: `${x(r.ratio)} faster`, goal: '≥ 20× faster' }],
  nar: (r) => [{ what: `NAR hash of a ${r.mb.toFixed(0)} MB tarball`, ours: s(r.ours), base: `nix-prefetch-url --unpack: ${s(r.nix)}`, ratio: `${x(r.ours / r.nix)} (ours/Nix)`, goal: '≤ 1×' }],
  'verify-cache': (r) => [
    {
      what: `verify cache, ${r.count} paths × 3 caches`,
      ours: `${s(r.ours)} wall, ${s(r.oursCpu)} CPU`,
      base: `nix store verify -s (quorum): ${s(r.nixQuorum)} wall, ${s(r.nixQuorumCpu)} CPU; per cache: ${s(r.nixEach)} wall, ${s(r.nixEachCpu)} CPU`,
      ratio: `${x(r.nixQuorum / r.ours)} / ${x(r.ratio)} faster (quorum / per cache)`,
      goal: '≥ 5× faster',
    },
  ],
};

const table = [];
for (const name of selected) {
  const file = path.join(here, `${name}.mjs`);
  if (!existsSync(file)) {
    console.log(`# ${name}: suite not available`);
    continue;
  }
  console.log(`# ${name}`);
  const suite = await import(file);
  const result = await suite.run(rest);
  const load = os.loadavg()[0];
  if (result) for (const row of ROWS[name](result)) table.push({ ...row, load: row.load ?? load });
}

if (table.length) {
  // The load average goes with every figure: on a shared machine wall times follow it.
  console.log(`\n| benchmark | nixharden | baseline | ratio | goal | load (${os.availableParallelism()} CPUs) |\n|---|---|---|---|---|---|`);
  for (const r of table) console.log(`| ${r.what} | ${r.ours} | ${r.base} | ${r.ratio} | ${r.goal} | ${r.load.toFixed(1)} |`);
}
