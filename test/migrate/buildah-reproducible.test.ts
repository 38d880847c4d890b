/**
 * Reproducibility proof with real tools: stand-in stagex images (busybox-static)
 * in a local docker-registry, an index of their digests, and the generated files:
 * - the Containerfiles built twice by buildah in separate fresh storage roots, with
 *   the flags build.sh uses, give identical manifest digests; a changed input changes them;
 * - build.sh itself, end to end: `nixharden verify image` requires 2 distinct
 *   maintainers' signatures before anything is built (one is refused), then
 *   `reproduce` builds everything twice under policy.json and compares.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILDAH_BUILD_FLAGS, BUILDAH_PUSH_FLAGS } from '../../src/migrate/generate/build-script.js';
import { hostFiles } from '../../src/migrate/generate/files.js';
import type { PlanInput } from '../../src/migrate/generate/plan.js';
import { repoRoot } from '../helpers/cli.js';
import { describeWhen } from '../helpers/requires.js';
import { gpgKeys, hasTool, mustRun, pushStandIn, run, signStagexStyle, startRegistry, storage, type Registry } from '../helpers/oci.js';
import { examplePlans, mapped, noService, service, testIndex, unmapped } from './helpers.js';

const tools = ['buildah', 'skopeo', 'docker-registry', 'busybox', 'gpg'].every(hasTool) && fs.existsSync(path.join(repoRoot, 'dist', 'cli', 'main.js'));
const IMAGES = ['core-musl', 'core-busybox', 'user-jq', 'user-openssh'];

const CONFIG = `{ pkgs, ... }: {
  environment.systemPackages = [ pkgs.busybox pkgs.jq ];
  services.openssh = { enable = true; settings.PermitRootLogin = "no"; };
  networking.firewall.allowedTCPPorts = [ 22 ];
}`;

describeWhen(tools, 'buildah, skopeo, docker-registry, busybox-static, gpg and dist/', 'migrate: reproducible builds with buildah', () => {
  let work: string;
  let registry: Registry;
  const digests: Record<string, string> = {};

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-buildah-'));
    registry = await startRegistry(work);
    for (const id of IMAGES) digests[id] = pushStandIn(work, registry.host, id);
    // FROM stagex/<id>@sha256:… resolves to docker.io/stagex, which this registry stands in for.
    fs.writeFileSync(
      path.join(work, 'registries.conf'),
      `unqualified-search-registries = ["docker.io"]\n[[registry]]\nprefix = "docker.io/stagex"\nlocation = "${registry.host}/stagex"\ninsecure = true\n[[registry]]\nlocation = "${registry.host}"\ninsecure = true\n`,
    );
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** Generates the host directory for a configuration text into `<dir>/out`. */
  async function generate(config: string, dir: string, opts: Partial<PlanInput> = {}): Promise<string> {
    const src = path.join(dir, 'config');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'configuration.nix'), config);
    const [out] = await examplePlans(src, {
      index: testIndex(IMAGES, 'test', (id) => digests[id]!),
      resolvePackage: (attr) => ({ attr, ...(attr === 'busybox' ? mapped(['core-musl', 'core-busybox']) : attr === 'jq' ? mapped(['core-musl', 'user-jq']) : unmapped('unknown')) }),
      resolveService: (name) => (name === 'openssh' ? service(name, ['core-musl', 'user-openssh']) : noService(name)),
      ...opts,
    });
    const host = path.join(dir, 'out');
    for (const f of await hostFiles(out!)) {
      const p = path.join(host, f.path);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, f.content, { mode: f.mode ?? 0o644 });
    }
    return host;
  }

  const env = () => ({ CONTAINERS_REGISTRIES_CONF: path.join(work, 'registries.conf') });

  /** Builds one Containerfile in a fresh storage root with build.sh's flags; returns the manifest digest. */
  function build(dir: string, file: string, context: string, round: string): string {
    const root = storage(path.join(dir, `root-${round}`));
    const cwd = path.join(dir, 'out');
    mustRun('buildah', [...root, 'build', ...BUILDAH_BUILD_FLAGS, '-f', file, '-t', 'localhost/test:latest', context], { cwd, env: env() });
    const digestFile = path.join(dir, `${round}.digest`);
    mustRun('buildah', [...root, 'push', ...BUILDAH_PUSH_FLAGS, '--digestfile', digestFile, 'localhost/test:latest', `oci:${path.join(dir, `oci-${round}`)}:latest`], { cwd, env: env() });
    return fs.readFileSync(digestFile, 'utf8').trim();
  }

  it('builds the host and service Containerfiles twice in fresh roots with identical digests; a changed input changes them', async () => {
    const a = path.join(work, 'a');
    await generate(CONFIG, a);
    expect(fs.readFileSync(path.join(a, 'out/Containerfile'), 'utf8')).toContain(`FROM stagex/core-busybox@${digests['core-busybox']} AS core-busybox`);
    const host1 = build(a, 'Containerfile', '.', 'host-1');
    expect(host1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(build(a, 'Containerfile', '.', 'host-2')).toBe(host1);
    const ssh1 = build(a, 'services/openssh.Containerfile', 'services', 'ssh-1');
    expect(build(a, 'services/openssh.Containerfile', 'services', 'ssh-2')).toBe(ssh1);
    expect(ssh1).not.toBe(host1);

    // A port opened in the firewall (EXPOSE) and an sshd setting (the rendered config) differ.
    const b = path.join(work, 'b');
    await generate(CONFIG.replace('allowedTCPPorts = [ 22 ]', 'allowedTCPPorts = [ 22 2222 ]').replace('PermitRootLogin = "no"', 'PermitRootLogin = "prohibit-password"'), b);
    expect(build(b, 'Containerfile', '.', 'host-1')).not.toBe(host1);
    expect(build(b, 'services/openssh.Containerfile', 'services', 'ssh-1')).not.toBe(ssh1);
  }, 300_000);

  it('build.sh: verifies 2 distinct maintainers before building, then reproduces every image under policy.json', async () => {
    const gnupgHome = path.join(work, 'gnupg');
    const fprs = gpgKeys(gnupgHome, ['alice', 'bob', 'carol']);
    const lookaside = path.join(work, 'lookaside');
    const c = path.join(work, 'c');
    const host = await generate(CONFIG, c, {
      mirror: `${registry.host}/stagex`,
      lookaside: `file://${lookaside}`,
      maintainers: ['alice', 'bob', 'carol'].map((id) => ({ id, name: id, fingerprints: [fprs[id]!] })),
    });
    for (const id of ['alice', 'bob', 'carol']) fs.writeFileSync(path.join(host, 'keys', `${id}.asc`), mustRun('gpg', ['--armor', '--export', fprs[id]!], { env: { GNUPGHOME: gnupgHome } }));
    const sign = (signer: string) => {
      for (const id of IMAGES) signStagexStyle({ work, registry: registry.host, id, digest: digests[id]!, fpr: fprs[signer]!, gnupgHome, lookaside });
    };
    const nixharden = `${process.execPath} ${path.join(repoRoot, 'bin', 'nixharden.js')}`;
    const buildSh = (...args: string[]) => run('sh', ['build.sh', ...args], { cwd: host, env: { ...env(), NIXHARDEN: nixharden } });

    // One maintainer's signature: the M-of-N check refuses, and nothing is built.
    sign('alice');
    const refused = buildSh('build', 'buildah');
    expect(refused.status).toBe(1);
    expect(refused.stdout).toMatch(/needs 2 of \{alice,bob,carol\}; got 1: alice/);
    expect(fs.existsSync(path.join(host, 'out'))).toBe(false);

    // Two distinct maintainers: verified, built twice from a clean state, identical digests.
    sign('bob');
    const r = buildSh('reproduce', 'buildah');
    expect({ status: r.status, stderr: r.stderr.split('\n').filter((l) => /NOT reproducible|rejected|error/i.test(l)) }).toEqual({ status: 0, stderr: [] });
    expect(r.stdout).toMatch(/^host: reproducible sha256:[0-9a-f]{64}$/m);
    expect(r.stdout).toMatch(/^openssh: reproducible sha256:[0-9a-f]{64}$/m);
  }, 600_000);
});
