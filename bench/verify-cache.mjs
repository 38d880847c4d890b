// Benchmark: `nixharden verify cache` on 2,000 store paths over 3 local
// binary caches against `nix store verify --no-contents`, on the same paths
// and caches, in the same run. Goal (issue #9): at least 5x faster.
//
//   node bench/run.mjs verify-cache [--count N]
//
// Setup (not timed): N input-addressed store paths from one multi-output
// derivation (built once with no substituters; later runs find them in the
// store), each output referring to the previous one; three `file://` caches
// made by `nix copy`, each signed by its own key (nix-store
// --generate-binary-cache-key): an upstream and two rebuilders. Every cache
// holds every path, so every narinfo and every signature is read and checked.
//
// Timed, each as a fresh process:
//   nixharden  verify cache --closure LIST --policy P   (3 of 3 signers, agreement on)
//   nix quorum store verify --store c1 -s c2 -s c3 --sigs-needed 3   (one process, all caches)
//   nix each   store verify --store cI --sigs-needed 1, for I = 1..3   (three processes)
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const bin = path.join(here, '..', 'bin', 'nixharden.js');
const NIX = ['--extra-experimental-features', 'nix-command'];

export async function run(args = []) {
  const count = Number(args[args.indexOf('--count') + 1]) || 2000;
  for (const tool of ['nix', 'nix-build', 'nix-store']) {
    if (spawnSync(tool, ['--version'], { stdio: 'ignore' }).status !== 0) {
      console.log(`# verify-cache: ${tool} not found; skipped`);
      return undefined;
    }
  }
  const t0 = performance.now();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-bench-cache-'));
  try {
    const fixture = setup(dir, count);
    console.log(`${count} store paths, 3 file:// caches, one signing key each (setup ${secs(performance.now() - t0)})`);

    const ours = timed(process.execPath, [bin, 'verify', 'cache', '--closure', fixture.list, '--policy', fixture.policy, '--format', 'json']);
    const good = ours.stdout.split('\n').filter((l) => l.includes('"verified":true')).length;
    const trusted = fixture.keys.map((k) => k.publicKey).join(' ');
    const verifyArgs = (store, extra, n) => [...NIX, 'store', 'verify', '--store', store, ...extra, '--no-contents', '--trusted-public-keys', trusted, '--sigs-needed', String(n), ...fixture.paths];
    const quorum = timed('nix', verifyArgs(fixture.caches[0], fixture.caches.slice(1).flatMap((c) => ['-s', c]), 3));
    const each = fixture.caches.map((c) => timed('nix', verifyArgs(c, [], 1)));
    const eachWall = each.reduce((s, r) => s + r.wall, 0);
    const eachCpu = each.reduce((s, r) => s + (r.cpu ?? NaN), 0);

    console.log(`nixharden verify cache:            ${secs(ours.wall)} wall, ${secs(ours.cpu)} CPU; ${good} of ${count} verified (exit ${ours.status})`);
    console.log(`nix store verify -s c2 -s c3 (N=3): ${secs(quorum.wall)} wall, ${secs(quorum.cpu)} CPU (exit ${quorum.status})`);
    console.log(`nix store verify per cache (N=1):  ${secs(eachWall)} wall, ${secs(eachCpu)} CPU (exits ${each.map((r) => r.status).join(',')})`);
    const ratio = eachWall / ours.wall;
    console.log(
      `speed-up: ${ratio.toFixed(2)}x against the per-cache runs, ${(quorum.wall / ours.wall).toFixed(2)}x against the quorum run (goal: >= 5x); ` +
        `CPU ${(eachCpu / ours.cpu).toFixed(2)}x / ${(quorum.cpu / ours.cpu).toFixed(2)}x; ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(1)}`,
    );
    if (good !== count || ours.status !== 0 || quorum.status !== 0 || each.some((r) => r.status !== 0)) {
      console.error('bench verify-cache: a tool did not verify every path');
      process.exitCode = 1;
    }
    return { ours: ours.wall, oursCpu: ours.cpu, nixQuorum: quorum.wall, nixQuorumCpu: quorum.cpu, nixEach: eachWall, nixEachCpu: eachCpu, ratio, count };
  } finally {
    if (!process.env.NH_BENCH_KEEP) fs.rmSync(dir, { recursive: true, force: true });
  }
}

function setup(dir, count) {
  const expr = path.join(dir, 'paths.nix');
  fs.writeFileSync(
    expr,
    `let outs = builtins.genList (i: "o\${toString i}") ${count}; in derivation {
  name = "nhbench-cache-${count}"; system = builtins.currentSystem; builder = "/bin/sh"; outputs = outs;
  args = [ "-c" ''i=0; prev=""; while [ $i -lt ${count} ]; do eval "p=\\$o$i"; printf '%s %s\\n' "$i" "$prev" > "$p"; prev="$p"; i=$((i+1)); done'' ];
}\n`,
  );
  const drv = sh('nix-instantiate', [expr]).split('\n')[0].split('!')[0];
  sh('nix-store', ['--realise', drv, '--option', 'substituters', '', '--option', 'sandbox', 'false']);
  const paths = sh('nix-store', ['--query', '--outputs', drv]).split('\n');
  const list = path.join(dir, 'closure.txt');
  fs.writeFileSync(list, `${paths.join('\n')}\n`);
  const keys = ['upstream-1', 'rebuilder-a-1', 'rebuilder-b-1'].map((name) => {
    const sk = path.join(dir, `${name}.sk`);
    const pk = path.join(dir, `${name}.pk`);
    sh('nix-store', ['--generate-binary-cache-key', name, sk, pk]);
    return { name, sk, publicKey: fs.readFileSync(pk, 'utf8').trim() };
  });
  const caches = keys.map((k, i) => {
    const url = `file://${path.join(dir, `cache${i + 1}`)}`;
    sh('nix', [...NIX, 'copy', '--to', `${url}?compression=none&secret-key=${k.sk}`, ...paths]);
    return url;
  });
  const policy = path.join(dir, 'policy.toml');
  fs.writeFileSync(
    policy,
    `version = 1\n${keys.map((k, i) => `[[signers]]\nid = "s${i + 1}"\nkeys = ["${k.publicKey}"]\n`).join('')}` +
      `[[caches]]\nurls = [${caches.map((c) => `"${c}"`).join(', ')}]\n[[caches.rules]]\ntype = "threshold"\nmin = 3\nsigners = ["s1", "s2", "s3"]\n`,
  );
  return { paths, list, keys, caches, policy };
}

function sh(cmd, args) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  if (r.status !== 0) throw new Error(`${cmd} ${args.slice(0, 4).join(' ')} … exited ${r.status}: ${r.stderr.slice(-500)}`);
  return r.stdout.trim();
}

/** Wall time and CPU time (user + system of the child, from /proc) of one process. */
function timed(cmd, args) {
  const c0 = childrenCpuMs();
  const t = performance.now();
  const r = spawnSync(cmd, args, { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const wall = performance.now() - t;
  const c1 = childrenCpuMs();
  return { wall, cpu: c0 !== undefined && c1 !== undefined ? c1 - c0 : undefined, status: r.status, stdout: r.stdout };
}

/** CPU time of waited-for child processes (Linux /proc; undefined elsewhere). */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const secs = (ms) => (ms === undefined || Number.isNaN(ms) ? '?' : `${(ms / 1000).toFixed(2)} s`);

if (process.argv[1] === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));
