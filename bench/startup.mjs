// Start-up benchmark: `nixharden --version` and a scan of one small file, each a
// fresh process as a pre-commit hook runs them, against `nix-instantiate
// --version` / `--parse` of the same file, in the same run. Goals (issue #12):
// --version ≤ 150 ms, one small file ≤ 300 ms. Reports the median of RUNS.
//
//   node bench/run.mjs startup [--runs N]
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'nixharden.js');

const SMALL = `{ pkgs, ... }:
{
  nix.settings.substituters = [ "https://cache.nixos.org" ];
  environment.systemPackages = [ pkgs.git ];
}
`;

/** Median wall milliseconds of `runs` runs of one command (one warm-up run first). */
function median(cmd, args, runs) {
  spawnSync(cmd, args, { stdio: 'ignore' });
  const times = [];
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const r = spawnSync(cmd, args, { stdio: 'ignore' });
    times.push(performance.now() - t);
    if (r.error) return undefined;
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)];
}

export async function run(args = []) {
  const runs = Number(args[args.indexOf('--runs') + 1]) || 9;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-bench-startup-'));
  try {
    const file = path.join(dir, 'configuration.nix');
    fs.writeFileSync(file, SMALL);
    const hasNix = spawnSync('nix-instantiate', ['--version'], { stdio: 'ignore' }).status === 0;
    const cases = [
      { label: 'start-up: --version', ours: [bin, '--version'], theirs: ['nix-instantiate', ['--version']], goalMs: 150 },
      { label: 'start-up: scan one small file', ours: [bin, 'scan', file, '--no-config'], theirs: ['nix-instantiate', ['--parse', file]], goalMs: 300 },
    ];
    const node = median(process.execPath, ['-e', '0'], runs);
    console.log(`node -e 0 (the floor): ${node.toFixed(0)} ms`);
    const rows = [];
    for (const c of cases) {
      const ours = median(process.execPath, c.ours, runs);
      const theirs = hasNix ? median(c.theirs[0], c.theirs[1], runs) : undefined;
      const load = os.loadavg()[0];
      console.log(`${c.label}: nixharden ${ours.toFixed(0)} ms (goal ≤ ${c.goalMs} ms), ${theirs === undefined ? 'no nix-instantiate' : `${c.theirs[0]} ${c.theirs[1][0]} ${theirs.toFixed(0)} ms`}; median of ${runs}, load average ${load.toFixed(1)}`);
      rows.push({ label: c.label, ours, theirs, goalMs: c.goalMs, node, load });
    }
    return rows;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));
