// Scan benchmark: nixharden's full scan pipeline (discover → parse → model)
// against Nix's own parser (`nix-instantiate --parse`) over the same .nix files,
// in the same run. Goal: the full scan takes at most 2× Nix's parser.
//
//   node bench/scan.mjs [DIR…]     (or `npm run bench -- scan [DIR…]`)
//
// Without DIRs it generates a synthetic tree (~10,000 nixfmt-style modules,
// ~25 MB) in a temp dir and removes it afterwards. Needs `npm run build`.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const dist = path.join(here, '..', 'dist');

// ---------------------------------------------------------------------------
// A deterministic synthetic tree.

function rng(seed) {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
  const r = rng(seed);
  let bytes = 0;
  for (let i = 0; i < files; i++) {
    const sub = path.join(dir, `group${String(Math.floor(i / 100)).padStart(3, '0')}`);
    if (i % 100 === 0) fs.mkdirSync(sub, { recursive: true });
    const text = module(r, i);
    bytes += Buffer.byteLength(text);
    fs.writeFileSync(path.join(sub, `module${i}.nix`), text);
  }
  return bytes;
}

// ---------------------------------------------------------------------------
// Nix's parser over the same files: one process per chunk, per file on failure.

// Runs through `sh` so that `times` reports the CPU time Nix used (user + sys of the children).
const NIX_SCRIPT = 'nix-instantiate --parse "$@" >/dev/null 2>&1; s=$?; times >&2; exit $s';

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
    return r.status;
  };
  for (let i = 0; i < files.length; i += CHUNK) {
    const chunk = files.slice(i, i + CHUNK);
    if (run(chunk) !== 0) {
      // Nix stops at the first bad file: parse the chunk file by file.
      for (const f of chunk) if (run([f]) !== 0) failed++;
    }
  }
  return { failed, cpu };
}

function hasNix() {
  const r = spawnSync('nix-instantiate', ['--version'], { stdio: 'ignore' });
  return r.status === 0;
}

export async function run(dirs = []) {
  if (!fs.existsSync(path.join(dist, 'model', 'load', 'index.js'))) {
    console.error('bench scan: run `npm run build` first');
    process.exitCode = 2;
    return undefined;
  }
  const { loadConfigModel } = await import(pathToFileURL(path.join(dist, 'model', 'load', 'index.js')).href);
  let tmp;
  if (dirs.length === 0) {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-bench-'));
    const t = performance.now();
    const bytes = generateTree(tmp);
    console.log(`generated 10000 files, ${(bytes / 1e6).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s at ${tmp}`);
    dirs = [tmp];
  }
  try {
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    const model = await loadConfigModel(dirs);
    const scanS = (performance.now() - t0) / 1000;
    const c1 = process.cpuUsage(c0);
    const scanCpu = (c1.user + c1.system) / 1e6;
    const nixFiles = model.files.filter((f) => f.kind === 'nix');
    const bytes = model.files.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
    const problems = model.files.reduce((n, f) => n + f.parseProblems.length, 0);
    const facts = model.files.reduce((n, f) => n + f.assignments.length + f.settings.length + f.fetches.length, 0);
    console.log(`nixharden scan : ${model.files.length} files, ${(bytes / 1e6).toFixed(1)} MB, ${scanS.toFixed(2)} s wall, ${scanCpu.toFixed(2)} s CPU (${facts} facts, ${problems} parse problems)`);
    if (!hasNix()) {
      console.log('nix-instantiate not found: no baseline');
      return { files: model.files.length, bytes, scanS };
    }
    const nixBytes = nixFiles.reduce((n, f) => n + Buffer.byteLength(f.text), 0);
    const t1 = performance.now();
    const { failed, cpu: nixCpu } = nixParse(nixFiles.map((f) => f.absPath));
    const nixS = (performance.now() - t1) / 1000;
    console.log(`nix --parse    : ${nixFiles.length} files, ${(nixBytes / 1e6).toFixed(1)} MB, ${nixS.toFixed(2)} s wall, ${nixCpu.toFixed(2)} s CPU (${failed} rejected)`);
    const ratio = scanS / nixS;
    console.log(`ratio          : ${ratio.toFixed(2)}× wall (goal ≤ 2×), ${(scanCpu / nixCpu).toFixed(2)}× CPU; load average ${os.loadavg()[0].toFixed(1)} on ${os.availableParallelism()} cores`);
    // The same scan on one thread: where threads don't get cores of their own
    // (a busy or oversubscribed host), this is the better of the two.
    const c2 = process.cpuUsage();
    const t2 = performance.now();
    await loadConfigModel(dirs, { jobs: 1 });
    const oneS = (performance.now() - t2) / 1000;
    const c3 = process.cpuUsage(c2);
    const oneCpu = (c3.user + c3.system) / 1e6;
    console.log(`one thread     : ${oneS.toFixed(2)} s wall, ${oneCpu.toFixed(2)} s CPU, ${(oneS / nixS).toFixed(2)}× wall`);
    return { files: model.files.length, bytes, scanS, scanCpu, nixS, nixCpu, ratio, oneS, oneCpu, problems, failed };
  } finally {
    if (tmp) fs.rmSync(tmp, { recursive: true, force: true });
  }
}

if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  await run(process.argv.slice(2));
}
