// Benchmark: verify 1,000 signed commits with nixharden (one process, one
// `git cat-file --batch`) against a `git verify-commit` loop over the very
// same commits, in the same run. Goal: at least 20x faster than the loop.
//
//   node bench/run.mjs verify                       generate a repo of 1,000 signed commits
//   node bench/run.mjs verify REPO --keyring F --allowed-signers F [--count N]
//
// The generated repo signs in-process (half SSH Ed25519 via node:crypto, half
// OpenPGP Ed25519 via openpgp.js) and writes loose objects directly, so setup
// takes seconds rather than a gpg process per commit.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, generateKeyPairSync, sign } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';
import * as openpgp from 'openpgp';

const dist = path.join(path.dirname(fileURLToPath(import.meta.url)), '..', 'dist');
const { LocalGitSource } = await import(path.join(dist, 'sources', 'local-git.js'));
const { verifyCommits } = await import(path.join(dist, 'trust', 'verify-commits', 'pipeline.js'));

export async function run(args = []) {
  const opts = parseArgs(args);
  const setupStart = performance.now();
  const fixture = opts.repo ? { repo: path.resolve(opts.repo), keyring: opts.keyring, allowedSigners: opts.allowedSigners, env: process.env } : await generate(opts.count);
  const oids = execFileSync('git', ['-C', fixture.repo, 'rev-list', `--max-count=${opts.count}`, 'HEAD'], { encoding: 'utf8' }).trim().split('\n');
  console.log(`repository: ${fixture.repo} (${oids.length} commits${opts.repo ? '' : `, generated in ${secs(performance.now() - setupStart)}`})`);

  // nixharden: one process (this one), every commit read and verified.
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  const source = await LocalGitSource.open(fixture.repo);
  const { commits } = await verifyCommits({
    source,
    revs: ['HEAD'],
    limit: oids.length,
    keyrings: fixture.keyring ? [fixture.keyring] : [],
    ...(fixture.allowedSigners ? { allowedSigners: fixture.allowedSigners } : {}),
  });
  await source.close();
  const ours = performance.now() - t0;
  const oursCpu = cpuMs(process.cpuUsage(cpu0));
  const good = commits.filter((c) => c.verified).length;

  // Baseline: what a script does today, one `git verify-commit` per commit.
  const children0 = childrenCpuMs();
  const t1 = performance.now();
  let gitGood = 0;
  for (const oid of oids) {
    const r = spawnSync('git', ['-C', fixture.repo, ...(fixture.allowedSigners ? ['-c', `gpg.ssh.allowedSignersFile=${fixture.allowedSigners}`] : []), 'verify-commit', oid], {
      env: fixture.env,
      stdio: 'ignore',
    });
    if (r.status === 0) gitGood++;
  }
  const theirs = performance.now() - t1;
  const children1 = childrenCpuMs();

  console.log(`nixharden verify-commit: ${secs(ours)} for ${commits.length} commits (${good} verified)`);
  console.log(`git verify-commit loop:  ${secs(theirs)} for ${oids.length} commits (${gitGood} verified)`);
  const ratio = theirs / ours;
  console.log(`speed-up: ${ratio.toFixed(1)}x (goal: >= 20x); ${os.availableParallelism()} CPUs, load average ${os.loadavg()[0].toFixed(1)}`);
  // CPU time does not depend on how busy the machine is; wall time (the goal) does.
  if (children0 !== undefined && children1 !== undefined) {
    const theirsCpu = children1 - children0;
    console.log(`CPU time: nixharden ${secs(oursCpu)} (git cat-file not counted), git verify-commit loop ${secs(theirsCpu)} (git, gpg, ssh-keygen): ${(theirsCpu / oursCpu).toFixed(1)}x`);
  }
  if (good !== gitGood) {
    console.error(`bench verify: verdicts disagree with git (${good} vs ${gitGood})`);
    process.exitCode = 1;
  }
  if (!opts.repo && !process.env.NH_BENCH_KEEP) fs.rmSync(fixture.dir, { recursive: true, force: true });
  return { ours, theirs, ratio, verified: good, commits: commits.length };
}

function parseArgs(args) {
  const opts = { count: 1000 };
  for (let i = 0; i < args.length; i++) {
    const a = args[i];
    if (a === '--keyring') opts.keyring = args[++i];
    else if (a === '--allowed-signers') opts.allowedSigners = args[++i];
    else if (a === '--count') opts.count = Number(args[++i]);
    else if (!opts.repo) opts.repo = a;
  }
  return opts;
}

const secs = (ms) => `${(ms / 1000).toFixed(2)} s`;
const cpuMs = (u) => (u.user + u.system) / 1000;

/** CPU time of waited-for child processes (Linux /proc; undefined elsewhere). */
function childrenCpuMs() {
  try {
    const stat = fs.readFileSync('/proc/self/stat', 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // Fields 16 and 17 of stat(5) (cutime, cstime), counted from field 3 here; clock ticks are 100 Hz on Linux.
    return ((Number(fields[13]) + Number(fields[14])) * 1000) / 100;
  } catch {
    return undefined;
  }
}

const sshString = (b) => {
  const buf = Buffer.isBuffer(b) ? b : Buffer.from(b);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(buf.length);
  return Buffer.concat([len, buf]);
};

/** A repository of `count` commits, alternately SSH- and OpenPGP-signed, plus the keys git needs. */
async function generate(count) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nh-bench-verify-'));
  const repo = path.join(dir, 'repo');
  const gnupg = path.join(dir, 'gnupg');
  fs.mkdirSync(gnupg, { mode: 0o700 });
  const env = { ...process.env, GNUPGHOME: gnupg };
  execFileSync('git', ['init', '-q', repo]);
  const tree = execFileSync('git', ['-C', repo, 'hash-object', '-w', '-t', 'tree', '/dev/null'], { encoding: 'utf8' }).trim();

  // SSH Ed25519 key: raw 32-byte public key from the SPKI DER tail.
  const ssh = generateKeyPairSync('ed25519');
  const rawPub = ssh.publicKey.export({ format: 'der', type: 'spki' }).subarray(-32);
  const pubBlob = Buffer.concat([sshString('ssh-ed25519'), sshString(rawPub)]);
  const allowedSigners = path.join(dir, 'allowed_signers');
  fs.writeFileSync(allowedSigners, `bench@example.org ssh-ed25519 ${pubBlob.toString('base64')}\n`);

  const { privateKey, publicKey } = await openpgp.generateKey({ type: 'ecc', curve: 'ed25519Legacy', userIDs: [{ name: 'Bench', email: 'bench@example.org' }], format: 'object' });
  const keyring = path.join(dir, 'bench.asc');
  fs.writeFileSync(keyring, publicKey.armor());
  execFileSync('gpg', ['--batch', '--import', keyring], { env, stdio: 'ignore' });

  const sshSign = (payload) => {
    const h = createHash('sha512').update(payload).digest();
    const signed = Buffer.concat([Buffer.from('SSHSIG'), sshString('git'), sshString(''), sshString('sha512'), sshString(h)]);
    const sig = sign(null, signed, ssh.privateKey);
    const version = Buffer.alloc(4);
    version.writeUInt32BE(1);
    const blob = Buffer.concat([Buffer.from('SSHSIG'), version, sshString(pubBlob), sshString('git'), sshString(''), sshString('sha512'), sshString(Buffer.concat([sshString('ssh-ed25519'), sshString(sig)]))]);
    const b64 = blob.toString('base64').match(/.{1,70}/g).join('\n');
    return `-----BEGIN SSH SIGNATURE-----\n${b64}\n-----END SSH SIGNATURE-----\n`;
  };
  const pgpSign = async (payload) =>
    openpgp.sign({ message: await openpgp.createMessage({ binary: payload }), signingKeys: privateKey, detached: true, format: 'armored' });

  let parent;
  const t = 1_700_000_000;
  for (let i = 0; i < count; i++) {
    const who = `Bench <bench@example.org> ${t + i * 60} +0000`;
    const payload = Buffer.from(`tree ${tree}\n${parent ? `parent ${parent}\n` : ''}author ${who}\ncommitter ${who}\n\ncommit ${i}\n`);
    const armored = i % 2 === 0 ? sshSign(payload) : await pgpSign(payload);
    const text = payload.toString();
    const end = text.indexOf('\n\n') + 1;
    const header = `gpgsig ${armored.replace(/\n$/, '').split('\n').join('\n ')}\n`;
    const raw = Buffer.from(text.slice(0, end) + header + text.slice(end));
    const store = Buffer.concat([Buffer.from(`commit ${raw.length}\0`), raw]);
    const oid = createHash('sha1').update(store).digest('hex');
    const objDir = path.join(repo, '.git', 'objects', oid.slice(0, 2));
    fs.mkdirSync(objDir, { recursive: true });
    fs.writeFileSync(path.join(objDir, oid.slice(2)), deflateSync(store));
    parent = oid;
  }
  execFileSync('git', ['-C', repo, 'update-ref', 'HEAD', parent]);
  return { dir, repo, keyring, allowedSigners, env };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) await run(process.argv.slice(2));
