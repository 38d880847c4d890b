// Scan benchmark: nixharden's full scan pipeline (discover → parse → model)
// against Nix's own parser (`nix-instantiate --parse`) over the same .nix files,
// in the same run. Goal: the full scan takes at most 2× Nix's parser.
//
//   node bench/scan.mjs [DIR…]     (or `npm run bench -- scan [DIR…]`)
//
// Without DIRs it generates two trees in temp dirs and removes them afterwards:
// ~10,000 nixfmt-style modules (~22 MB) and 2,000 module-heavy files
// (bench/module-tree.mjs, ~22 MB). Each scan runs in a fresh process (cold, with
// its own peak memory), once on all threads and once with --jobs 1. Real trees:
// docs/performance.md says which and how to fetch them. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { writeTree } from './generate.mjs';
import { generateModuleTree } from './module-tree.mjs';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');

// ---------------------------------------------------------------------------
// A deterministic synthetic tree.

const WORDS = ['git', 'vim', 'curl', 'wget', 'htop', 'ripgrep', 'fd', 'jq', 'tmux', 'zsh', 'firefox', 'openssl', 'python3', 'nodejs', 'gcc', 'gnumake', 'coreutils', 'findutils', 'gnused', 'gawk'];

function module(r, i) {
  const pick = (a) => a[Math.floor(r() * a.length)];
  const n = (k) => Math.floor(r() * k);
  const lines = [];
  lines.push(`# Module ${i}: generated for the scan benchmark.`);
  lines.push('{');
  lines.push('  config,');
  lines.push('  lib,');
  lines.push('  pkgs,');
  if (r() < 0.5) lines.push('  modulesPath,');
  lines.push('  ...');
  lines.push('}:');
  lines.push('let');
  lines.push(`  cfg = config.services.bench${i};`);
  lines.push(`  cache = "https://cache${n(50)}.example.org";`);
  lines.push('in');
  lines.push('{');
  lines.push(`  options.services.bench${i} = {`);
  lines.push(`    enable = lib.mkEnableOption "bench service ${i}";`);
  lines.push('    package = lib.mkOption {');
  lines.push('      type = lib.types.package;');
  lines.push(`      default = pkgs.${pick(WORDS)};`);
  lines.push(`      description = ''`);
  lines.push(`        The package to use. See <https://example.org/${i}> and \${pkgs.hello}.`);
  lines.push("        Escapes: ''$ and ''' stay literal.");
  lines.push("      '';");
  lines.push('    };');
  lines.push('  };');
  lines.push('');
  lines.push('  config = lib.mkIf cfg.enable {');
  lines.push('    environment.systemPackages = with pkgs; [');
  for (let k = 0, m = 24 + n(50); k < m; k++) lines.push(`      ${pick(WORDS)}`);
  lines.push('    ];');
  lines.push('    nix.settings = {');
  lines.push(`      substituters = [ cache ] ++ [ "https://cache.nixos.org" ];`);
  lines.push(`      trusted-public-keys = [ "cache${n(50)}.example.org-1:${'A'.repeat(43)}=" ];`);
  lines.push(`      sandbox = ${r() < 0.9 ? 'true' : 'false'};`);
  lines.push(`      max-jobs = ${1 + n(16)};`);
  lines.push('    };');
  if (r() < 0.3) {
    lines.push("    nix.extraOptions = ''");
    lines.push('      experimental-features = nix-command flakes');
    lines.push(`      extra-substituters = https://extra${n(9)}.example.org`);
    lines.push("    '';");
  }
  lines.push(`    systemd.services.bench${i} = {`);
  lines.push('      wantedBy = [ "multi-user.target" ];');
  lines.push('      after = [ "network.target" ];');
  lines.push('      serviceConfig = {');
  lines.push('        ExecStart = "${cfg.package}/bin/run --port ${toString (8000 + ' + i + ')}";');
  lines.push('        DynamicUser = true;');
  lines.push('        Restart = "on-failure";');
  lines.push('      };');
  lines.push('    };');
  const f = r();
  if (f < 0.3) {
    lines.push(`    bench.src${i} = pkgs.fetchFromGitHub {`);
    lines.push('      owner = "example";');
    lines.push(`      repo = "repo${i}";`);
    lines.push(`      rev = "${'0123456789abcdef'.repeat(2).slice(0, 40)}";`);
    lines.push(`      hash = "sha256-${'B'.repeat(43)}=";`);
    lines.push('    };');
  } else if (f < 0.4) {
    lines.push(`    bench.tarball${i} = builtins.fetchTarball "https://github.com/NixOS/nixpkgs/archive/nixos-24.05.tar.gz";`);
  } else if (f < 0.5) {
    lines.push(`    bench.pkgs${i} = import <nixpkgs> { };`);
  }
  lines.push('    users.users = lib.genAttrs [');
  for (let k = 0, m = 8 + n(24); k < m; k++) lines.push(`      "user${k}"`);
  lines.push('    ] (name: {');
  lines.push('      isNormalUser = true;');
  lines.push('      extraGroups = [ "wheel" "networkmanager" ];');
  lines.push('    });');
  lines.push('  };');
  lines.push('}');
  return lines.join('\n') + '\n';
}

export function generateTree(dir, files = 10000, seed = 42) {
  return writeTree(dir, { files, seed, folder: 'group', name: 'module', make: module });
}

// ---------------------------------------------------------------------------
// Nix's parser over the same files: one process per chunk of files.

// Runs through `sh` so that `times` reports the CPU time Nix used (user + sys of the children).
const NIX_SCRIPT = 'nix-instantiate --parse "$@" >/dev/null; s=$?; times >&2; exit $s';

function childCpu(stderr) {
  // `times` prints two lines: the shell's own times, then its children's: "0m1.234s 0m0.056s".
  const lines = stderr.trim().split('\n');
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines[lines.length - 1] ?? '');
  return m ? Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]) : 0;
}

function nixParse(files) {
  let failed = 0;
  let cpu = 0;
  const CHUNK = 1000;
  const run = (args) => {
    const r = spawnSync('sh', ['-c', NIX_SCRIPT, 'sh', ...args], { encoding: 'utf8', maxBuffer: 1 << 26 });
    if (r.error) throw r.error;
    cpu += childCpu(r.stderr);
    return r;
  };
  for (let i = 0; i < files.length; i += CHUNK) {
    let chunk = files.slice(i, i + CHUNK);
    while (chunk.length) {
      const r = run(chunk);
      if (r.status === 0) break;
      // Nix parses in order and stops at the first bad file, which its error names
      // (`at FILE:LINE:COL`): count it and go on after it. Starting a process per
      // file instead would time Nix's start-up, not its parser.
      const bad = chunk.findIndex((f) => r.stderr.includes(`at ${f}:`));
      failed++;
      if (bad < 0) break; // an error that names no file of the chunk: give up on the rest of it
      chunk = chunk.slice(bad + 1);
    }
  }
  return { failed, cpu };
}

function hasNix() {
  const r = spawnSync('nix-instantiate', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

/**
 * One scan (discover → parse → model) in a fresh process, so each measurement
 * starts cold as a user's would and its peak memory is its own. Prints one JSON line.
 */
async function child([jobs, ...dirs]) {
  const { loadConfigModel } = await import(pathToFileURL(path.join(dist, 'model', 'load', 'index.js')).href);
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  const model = await loadConfigModel(dirs, { jobs: Number(jobs) });
  const wall = (performance.now() - t0) / 1000;
  const c1 = process.cpuUsage(c0);
  const nixFiles = model.files.filter((f) => f.kind === 'nix');
  console.log(
    JSON.stringify({
      wall,
      cpu: (c1.user + c1.system) / 1e6,
      // resourceUsage() counts every thread of the process, the workers' CPU included.
      maxRssMb: process.resourceUsage().maxRSS / 1024,
      files: model.files.length,
      bytes: model.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0),
      problems: model.files.reduce((n, f) => n + f.parseProblems.length, 0),
      facts: model.files.reduce((n, f) => n + f.assignments.length + f.settings.length + f.fetches.length, 0),
      nixFiles: nixFiles.map((f) => f.absPath),
      nixBytes: nixFiles.reduce((n, f) => n + Buffer.byteLength(f.text), 0),
    }),
  );
}

function scanInChild(dirs, jobs) {
  const r = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', String(jobs), ...dirs], { encoding: 'utf8', maxBuffer: 1 << 28 });
  if (r.status !== 0) throw new Error(`bench scan: the scan failed (exit ${r.status}): ${r.stderr.trim().split('\n').slice(-3).join(' ')}`);
  return JSON.parse(r.stdout.trim().split('\n').pop());
}

const mb = (b) => `${(b / 1e6).toFixed(1)} MB`;

/** Times the scan of `dirs` (all threads, then one) against Nix's parser; returns one result row. */
function measure(label, dirs) {
  const jobs = os.availableParallelism();
  const all = scanInChild(dirs, jobs);
  console.log(`nixharden scan : ${all.files} files, ${mb(all.bytes)}, ${all.wall.toFixed(2)} s wall, ${all.cpu.toFixed(2)} s CPU, peak ${all.maxRssMb.toFixed(0)} MB (${all.facts} facts, ${all.problems} parse problems)`);
  const one = scanInChild(dirs, 1);
  console.log(`one thread     : ${one.wall.toFixed(2)} s wall, ${one.cpu.toFixed(2)} s CPU, peak ${one.maxRssMb.toFixed(0)} MB`);
  const row = { label, files: all.files, bytes: all.bytes, all, one };
  if (!hasNix()) {
    console.log('nix-instantiate not found: no baseline');
    return row;
  }
  const t1 = performance.now();
  const { failed, cpu: nixCpu } = nixParse(all.nixFiles);
  const nixS = (performance.now() - t1) / 1000;
  console.log(`nix --parse    : ${all.nixFiles.length} files, ${mb(all.nixBytes)}, ${nixS.toFixed(2)} s wall, ${nixCpu.toFixed(2)} s CPU (${failed} rejected)`);
  // Under load, wall time is mostly waiting for a core: CPU time is the steadier ratio.
  const load = os.loadavg()[0];
  console.log(
    `ratio          : ${(all.cpu / nixCpu).toFixed(2)}× CPU, ${(all.wall / nixS).toFixed(2)}× wall; one thread ${(one.cpu / nixCpu).toFixed(2)}× CPU, ${(one.wall / nixS).toFixed(2)}× wall (goal ≤ 2×); load average ${load.toFixed(1)} on ${jobs} cores`,
  );
  return { ...row, nix: { wall: nixS, cpu: nixCpu, failed }, load };
}

/** The generated trees `npm run bench` scans when given no DIRs. */
const GENERATED = [
  { label: 'generated nixfmt-style (10,000 files)', make: (dir) => generateTree(dir, 10000) },
  { label: 'generated module-heavy (2,000 files)', make: (dir) => generateModuleTree(dir, 2000) },
];

export async function run(dirs = []) {
  if (!fs.existsSync(path.join(dist, 'model', 'load', 'index.js'))) {
    console.error('bench scan: run `npm run build` first');
    process.exitCode = 2;
    return [];
  }
  if (dirs.length > 0) return [measure(dirs.map((d) => path.basename(path.resolve(d))).join(' + '), dirs)];
  const rows = [];
  for (const g of GENERATED) {
    const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-bench-'));
    try {
      const t = performance.now();
      const bytes = g.make(tmp);
      console.log(`${g.label}: ${mb(bytes)} in ${((performance.now() - t) / 1000).toFixed(1)} s at ${tmp}`);
      rows.push(measure(g.label, [tmp]));
    } finally {
      fs.rmSync(tmp, { recursive: true, force: true });
    }
  }
  return rows;
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const args = process.argv.slice(2);
  if (args[0] === '--child') await child(args.slice(1));
  else await run(args);
}
