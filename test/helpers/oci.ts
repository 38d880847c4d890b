/**
 * Real container tools for tests (recipes in ../shared/ORACLES.md): a
 * docker-registry on 127.0.0.1, stand-in stagex images built from busybox-static
 * with buildah (vfs storage, chroot isolation), and OpenPGP keys in a temp GNUPGHOME.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import path from 'node:path';

export function hasTool(name: string): boolean {
  return spawnSync('sh', ['-c', `command -v ${name}`]).status === 0;
}

export function run(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): { status: number; stdout: string; stderr: string } {
  const r = spawnSync(cmd, args, { encoding: 'utf8', cwd: opts.cwd, env: { ...process.env, ...opts.env }, maxBuffer: 64 * 1024 * 1024 });
  return { status: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

export function mustRun(cmd: string, args: string[], opts: { cwd?: string; env?: NodeJS.ProcessEnv } = {}): string {
  const r = run(cmd, args, opts);
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r.stdout;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const port = (srv.address() as net.AddressInfo).port;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

function ping(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 500 }, (res) => {
      res.resume();
      resolve(res.statusCode === 200);
    });
    req.on('error', () => resolve(false));
    req.on('timeout', () => {
      req.destroy();
      resolve(false);
    });
  });
}

export interface Registry {
  /** `127.0.0.1:PORT` */
  host: string;
  stop(): Promise<void>;
}

/** A docker-registry serving from `dir`, on a free loopback port; stop() ends that process only. */
export async function startRegistry(dir: string): Promise<Registry> {
  const port = await freePort();
  const config = path.join(dir, 'registry.yml');
  fs.writeFileSync(config, `version: 0.1\nlog: {level: error}\nstorage: {filesystem: {rootdirectory: ${path.join(dir, 'data')}}}\nhttp: {addr: 127.0.0.1:${port}}\n`);
  const child: ChildProcess = spawn('docker-registry', ['serve', config], { stdio: 'ignore' });
  for (let i = 0; i < 100 && !(await ping(port)); i++) await new Promise((r) => setTimeout(r, 100));
  if (!(await ping(port))) {
    child.kill();
    throw new Error('docker-registry did not start');
  }
  return {
    host: `127.0.0.1:${port}`,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}

/** Global buildah flags for a fresh storage root under `dir`. */
export function storage(dir: string): string[] {
  return ['--root', path.join(dir, 'storage'), '--runroot', path.join(dir, 'run'), '--storage-driver', 'vfs'];
}

/**
 * Builds a stand-in for stagex image `id` (busybox-static plus a marker file, as a stagex
 * image would hold its package's files) and pushes it to `<registry>/stagex/<id>:1.0`.
 * Returns the manifest digest the registry holds.
 */
export function pushStandIn(work: string, registry: string, id: string): string {
  const ctx = path.join(work, `ctx-${id}`);
  fs.mkdirSync(path.join(ctx, 'rootfs/usr/bin'), { recursive: true });
  fs.mkdirSync(path.join(ctx, 'rootfs/usr/share/stagex'), { recursive: true });
  fs.copyFileSync('/usr/bin/busybox', path.join(ctx, 'rootfs/usr/bin/busybox'));
  fs.writeFileSync(path.join(ctx, 'rootfs/usr/share/stagex', id), `${id}\n`);
  fs.writeFileSync(path.join(ctx, 'Containerfile'), 'FROM scratch\nCOPY rootfs/ /\n');
  const root = storage(path.join(work, 'standins'));
  mustRun('buildah', [...root, 'build', '--isolation', 'chroot', '--timestamp', '0', '--identity-label=false', '-t', `localhost/standin-${id}:1`, ctx]);
  const digestFile = path.join(work, `${id}.digest`);
  mustRun('buildah', [...root, 'push', '--tls-verify=false', '--digestfile', digestFile, `localhost/standin-${id}:1`, `docker://${registry}/stagex/${id}:1.0`]);
  return fs.readFileSync(digestFile, 'utf8').trim();
}

/** A fresh GNUPGHOME with one ed25519 signing key per name; returns fingerprints by name. */
export function gpgKeys(home: string, names: string[]): Record<string, string> {
  fs.mkdirSync(home, { recursive: true, mode: 0o700 });
  const env = { GNUPGHOME: home };
  const out: Record<string, string> = {};
  for (const name of names) {
    mustRun('gpg', ['--batch', '--pinentry-mode', 'loopback', '--passphrase', '', '--quick-gen-key', `${name} <${name}@example.org>`, 'ed25519', 'sign', 'never'], { env });
    const colons = mustRun('gpg', ['--batch', '--with-colons', '--list-keys', `${name}@example.org`], { env });
    out[name] = /^fpr:+([0-9A-F]{40}):/m.exec(colons)![1]!;
  }
  return out;
}

/**
 * Signs image `<registry>/stagex/<id>@<digest>` the way stagex does (simple signing, identity
 * `stagex/<id>:1.0`) with the key `fpr` of `gnupgHome`, as the next `signature-N` in the lookaside.
 */
export function signStagexStyle(opts: { work: string; registry: string; id: string; digest: string; fpr: string; gnupgHome: string; lookaside: string }): void {
  const manifest = path.join(opts.work, `${opts.id}.manifest.json`);
  fs.writeFileSync(manifest, mustRun('skopeo', ['inspect', '--raw', '--tls-verify=false', `docker://${opts.registry}/stagex/${opts.id}@${opts.digest}`]));
  const dir = path.join(opts.lookaside, 'stagex', `${opts.id}@${opts.digest.replace(':', '=')}`);
  fs.mkdirSync(dir, { recursive: true });
  let n = 1;
  while (fs.existsSync(path.join(dir, `signature-${n}`))) n++;
  mustRun('skopeo', ['standalone-sign', '-o', path.join(dir, `signature-${n}`), manifest, `stagex/${opts.id}:1.0`, opts.fpr], { env: { GNUPGHOME: opts.gnupgHome } });
}
