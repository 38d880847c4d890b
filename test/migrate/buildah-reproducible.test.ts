/**
 * Reproducibility proof with real tools: stand-in stagex images (busybox-static)
 * in a local docker-registry, an index of their digests, the generated
 * Containerfiles built twice by buildah in separate fresh storage roots with the
 * flags build.sh uses: identical manifest digests. A changed input changes them.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { BUILDAH_BUILD_FLAGS, BUILDAH_PUSH_FLAGS } from '../../src/migrate/generate/build-script.js';
import { hostFiles } from '../../src/migrate/generate/files.js';
import { describeWhen } from '../helpers/requires.js';
import { hasTool, mustRun, pushStandIn, startRegistry, storage, type Registry } from '../helpers/oci.js';
import { examplePlans, mapped } from './helpers.js';

const tools = ['buildah', 'docker-registry', 'busybox'].every(hasTool);
const IMAGES = ['core-musl', 'core-busybox', 'user-jq', 'user-openssh'];

describeWhen(tools, 'buildah, docker-registry and busybox-static', 'migrate: reproducible builds with buildah', () => {
  let work: string;
  let registry: Registry;
  let index: { release: string; images: { id: string; stage: string; image: string; version: string; digest: string }[] };

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-buildah-'));
    registry = await startRegistry(work);
    index = { release: 'test', images: IMAGES.map((id) => ({ id, stage: id.split('-')[0]!, image: `stagex/${id}`, version: '1.0', digest: pushStandIn(work, registry.host, id) })) };
    // FROM stagex/<id>@sha256:… resolves to docker.io/stagex, which this registry stands in for.
    fs.writeFileSync(
      path.join(work, 'registries.conf'),
      `unqualified-search-registries = ["docker.io"]\n[[registry]]\nprefix = "docker.io/stagex"\nlocation = "${registry.host}/stagex"\ninsecure = true\n`,
    );
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** Generates the host directory for a configuration text into `dir`. */
  async function generate(config: string, dir: string): Promise<void> {
    const src = path.join(dir, 'config');
    fs.mkdirSync(src, { recursive: true });
    fs.writeFileSync(path.join(src, 'configuration.nix'), config);
    const [out] = await examplePlans(src, {
      index,
      resolvePackage: (attr) => (attr === 'busybox' ? mapped(['core-musl', 'core-busybox']) : attr === 'jq' ? mapped(['core-musl', 'user-jq']) : { status: 'unmapped', images: [], reason: 'unknown' }),
      resolveService: (name) => (name === 'openssh' ? { status: 'mapped', images: ['core-musl', 'user-openssh'] } : { status: 'unmapped', images: [], reason: 'unknown' }),
    });
    for (const f of await hostFiles(out!)) {
      const p = path.join(dir, 'out', f.path);
      fs.mkdirSync(path.dirname(p), { recursive: true });
      fs.writeFileSync(p, f.content);
    }
  }

  /** Builds one Containerfile in a fresh storage root, as build.sh does; returns the manifest digest. */
  function build(dir: string, file: string, context: string, round: string): string {
    const root = storage(path.join(dir, `root-${round}`));
    const env = { CONTAINERS_REGISTRIES_CONF: path.join(work, 'registries.conf') };
    const cwd = path.join(dir, 'out');
    mustRun('buildah', [...root, 'build', ...BUILDAH_BUILD_FLAGS, '-f', file, '-t', 'localhost/test:latest', context], { cwd, env });
    const digestFile = path.join(dir, `${round}.digest`);
    mustRun('buildah', [...root, 'push', ...BUILDAH_PUSH_FLAGS, '--digestfile', digestFile, 'localhost/test:latest', `oci:${path.join(dir, `oci-${round}`)}:latest`], { cwd, env });
    return fs.readFileSync(digestFile, 'utf8').trim();
  }

  const CONFIG = `{ pkgs, ... }: {
    environment.systemPackages = [ pkgs.busybox pkgs.jq ];
    services.openssh = { enable = true; settings.PermitRootLogin = "no"; };
    networking.firewall.allowedTCPPorts = [ 22 ];
  }`;

  it('builds the host and service Containerfiles twice in fresh roots with identical digests; a changed input changes them', async () => {
    const a = path.join(work, 'a');
    await generate(CONFIG, a);
    const containerfile = fs.readFileSync(path.join(a, 'out/Containerfile'), 'utf8');
    expect(containerfile).toContain(`FROM stagex/core-busybox@${index.images[1]!.digest} AS core-busybox`);

    const host1 = build(a, 'Containerfile', '.', 'host-1');
    const host2 = build(a, 'Containerfile', '.', 'host-2');
    expect(host1).toMatch(/^sha256:[0-9a-f]{64}$/);
    expect(host2).toBe(host1);
    const ssh1 = build(a, 'services/openssh.Containerfile', 'services', 'ssh-1');
    const ssh2 = build(a, 'services/openssh.Containerfile', 'services', 'ssh-2');
    expect(ssh2).toBe(ssh1);
    expect(ssh1).not.toBe(host1);

    // A different port opened in the firewall (EXPOSE) and a different sshd setting (the rendered config).
    const b = path.join(work, 'b');
    await generate(CONFIG.replace('allowedTCPPorts = [ 22 ]', 'allowedTCPPorts = [ 22 2222 ]').replace('PermitRootLogin = "no"', 'PermitRootLogin = "prohibit-password"'), b);
    expect(build(b, 'Containerfile', '.', 'host-1')).not.toBe(host1);
    expect(build(b, 'services/openssh.Containerfile', 'services', 'ssh-1')).not.toBe(ssh1);
  }, 300_000);
});
