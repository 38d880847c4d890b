/**
 * The generated policy.json and registries.d, enforced by skopeo (containers/image):
 * stand-in stagex images in a local registry (a mirror of docker.io/stagex), with
 * stagex-style signatures (identity `stagex/<id>:<version>`) in a `file://`
 * lookaside. An image signed by a required key is accepted; an unsigned one, and
 * one signed by a key outside the policy, are rejected.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { hostFiles } from '../../src/migrate/generate/files.js';
import { describeWhen } from '../helpers/requires.js';
import { gpgKeys, hasTool, mustRun, pushStandIn, run, signStagexStyle, startRegistry, type Registry } from '../helpers/oci.js';
import { examplePlans, mapped, testIndex } from './helpers.js';

const tools = ['skopeo', 'buildah', 'docker-registry', 'busybox', 'gpg'].every(hasTool);

describeWhen(tools, 'skopeo, buildah, docker-registry, busybox-static and gpg', 'migrate: policy.json and registries.d under skopeo', () => {
  let work: string;
  let registry: Registry;
  let hostDir: string;
  let fprs: Record<string, string>;
  const digests: Record<string, string> = {};
  const gnupg = () => ({ GNUPGHOME: path.join(work, 'gnupg') });

  beforeAll(async () => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-skopeo-'));
    registry = await startRegistry(work);
    for (const id of ['core-musl', 'user-signed', 'user-unsigned', 'user-stranger']) digests[id] = pushStandIn(work, registry.host, id);
    fprs = gpgKeys(path.join(work, 'gnupg'), ['alice', 'bob', 'mallory']);

    const src = path.join(work, 'config');
    fs.mkdirSync(src);
    fs.writeFileSync(path.join(src, 'configuration.nix'), '{ pkgs, ... }: { environment.systemPackages = [ pkgs.signed ]; }');
    const [out] = await examplePlans(src, {
      resolvePackage: (attr) => ({ attr, ...mapped(['core-musl', 'user-signed']) }),
      index: testIndex(Object.keys(digests), 'test', (id) => digests[id]!),
      maintainers: [
        { id: 'alice', name: 'Alice', fingerprints: [fprs.alice!] },
        { id: 'bob', name: 'Bob', fingerprints: [fprs.bob!] },
      ],
      mirror: `${registry.host}/stagex`,
      lookaside: `file://${path.join(work, 'lookaside')}`,
    });
    hostDir = path.join(work, 'out');
    for (const f of await hostFiles(out!)) {
      fs.mkdirSync(path.dirname(path.join(hostDir, f.path)), { recursive: true });
      fs.writeFileSync(path.join(hostDir, f.path), f.content);
    }
    // What keys/fetch-keys.sh would fetch: each signer's certificate.
    for (const name of ['alice', 'bob']) fs.writeFileSync(path.join(hostDir, 'keys', `${name}.asc`), mustRun('gpg', ['--armor', '--export', fprs[name]!], { env: gnupg() }));
    // Signatures as stagex publishes them: simple signing, identity stagex/<id>:<version>, in the lookaside layout.
    const sign = (id: string, signer: string) =>
      signStagexStyle({ work, registry: registry.host, id, digest: digests[id]!, fpr: fprs[signer]!, gnupgHome: path.join(work, 'gnupg'), lookaside: path.join(work, 'lookaside') });
    sign('user-signed', 'alice');
    sign('core-musl', 'bob');
    sign('user-stranger', 'mallory');
  }, 300_000);

  afterAll(async () => {
    await registry?.stop();
    if (work) fs.rmSync(work, { recursive: true, force: true });
  });

  /** skopeo copy with the generated policy.json and registries.d, from the host directory (key paths are relative). */
  function pull(id: string): { status: number; stderr: string } {
    return run(
      'skopeo',
      ['--policy', 'policy.json', '--registries.d', 'registries.d', 'copy', '--remove-signatures', '--src-tls-verify=false', `docker://${registry.host}/stagex/${id}@${digests[id]}`, `oci:${path.join(work, `pulled-${id}`)}:latest`],
      { cwd: hostDir },
    );
  }

  it('generates a policy for the mirror that remaps to docker.io/stagex and reads the file:// lookaside', () => {
    const policy = JSON.parse(fs.readFileSync(path.join(hostDir, 'policy.json'), 'utf8'));
    expect(policy.transports.docker[`${registry.host}/stagex`][0].signedIdentity).toEqual({ type: 'remapIdentity', prefix: `${registry.host}/stagex`, signedPrefix: 'docker.io/stagex' });
    expect(fs.readFileSync(path.join(hostDir, 'registries.d/stagex.yaml'), 'utf8')).toContain(`  ${registry.host}/stagex:\n    lookaside: file://`);
  });

  it('accepts images signed by a required key', () => {
    for (const id of ['user-signed', 'core-musl']) expect(pull(id)).toMatchObject({ status: 0 });
  });

  it('rejects an image without a signature', () => {
    const r = pull('user-unsigned');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Source image rejected: A signature was required, but no signature exists/);
  });

  it('rejects an image signed only by a key outside the policy', () => {
    const r = pull('user-stranger');
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/Source image rejected/);
  });

  it('rejects an image from anywhere else (default reject)', () => {
    mustRun('skopeo', ['copy', '--insecure-policy', '--src-tls-verify=false', '--dest-tls-verify=false', `docker://${registry.host}/stagex/user-signed@${digests['user-signed']}`, `docker://${registry.host}/other/x:1`]);
    const r = run('skopeo', ['--policy', 'policy.json', '--registries.d', 'registries.d', 'copy', '--src-tls-verify=false', `docker://${registry.host}/other/x:1`, `oci:${path.join(work, 'pulled-other')}:latest`], { cwd: hostDir });
    expect(r.status).not.toBe(0);
    expect(r.stderr).toMatch(/rejected by policy/);
  });
});
