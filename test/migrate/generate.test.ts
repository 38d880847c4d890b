/** The generated files of a host, from real example trees: Containerfiles, configs, policies, plan. */
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Ajv } from 'ajv';
import { parse as parseToml } from 'smol-toml';
import { hostFiles } from '../../src/migrate/generate/files.js';
import type { MigrationPlan } from '../../src/migrate/generate/plan-types.js';
import { renderService } from '../../src/migrate/generate/services/index.js';
import { servicesOf } from '../../src/model/services.js';
import { modelText } from '../model/helpers.js';
import { ALL_IDS, examplePlans, mapped, testIndex } from './helpers.js';

const validatePlan = new Ajv({ allErrors: true }).compile(JSON.parse(fs.readFileSync(path.resolve('docs/migrate-plan-schema-v1.json'), 'utf8')));

async function serverFiles(pinned: boolean): Promise<{ plan: MigrationPlan; files: Map<string, string> }> {
  const [out] = await examplePlans('examples/server', pinned ? { index: testIndex(ALL_IDS) } : {});
  const files = new Map((await hostFiles(out!)).map((f) => [f.path, String(f.content)]));
  return { plan: out!.plan, files };
}

describe('migrate: generated files of examples/server', () => {
  let plan: MigrationPlan;
  let files: Map<string, string>;
  beforeAll(async () => {
    ({ plan, files } = await serverFiles(true));
  });

  it('writes exactly the fixed layout', () => {
    expect([...files.keys()].sort()).toEqual(
      [
        'Containerfile',
        'MIGRATION.md',
        'Makefile',
        'build.sh',
        'ci/forgejo-actions.yml',
        'ci/github-actions.yml',
        'keys/fetch-keys.sh',
        'nixharden-policy.toml',
        'plan.html',
        'plan.json',
        'policy.json',
        'registries.d/stagex.yaml',
        'services/Caddyfile',
        'services/caddy.Containerfile',
        'services/openssh.Containerfile',
        'services/pg_hba.conf',
        'services/postgresql.Containerfile',
        'services/postgresql.conf',
        'services/redis-cache.Containerfile',
        'services/redis-cache.conf',
        'services/sshd_config',
      ].sort(),
    );
  });

  it('writes Containerfiles in stagex style: pinned FROM … AS alias, FROM scratch, COPY --from each, no networked RUN', () => {
    for (const [name, text] of files) {
      if (!name.endsWith('Containerfile')) continue;
      const froms = text.split('\n').filter((l) => l.startsWith('FROM '));
      const stages = froms.filter((l) => l !== 'FROM scratch');
      expect(froms[froms.length - 1]).toBe('FROM scratch');
      for (const f of stages) expect(f).toMatch(/^FROM stagex\/(core|user|pallet|bootstrap)-[a-z0-9.+-]+@sha256:[0-9a-f]{64} AS [a-z][a-z0-9_.-]*$/);
      const aliases = stages.map((f) => f.split(' AS ')[1]);
      expect(text.split('\n').filter((l) => l.startsWith('COPY --from=')).map((l) => /--from=(\S+)/.exec(l)![1])).toEqual(aliases);
      if (aliases.includes('core-musl')) expect(aliases[0]).toBe('core-musl');
      expect(text).toContain('ENV SOURCE_DATE_EPOCH=1');
      expect(text).toMatch(/^LABEL dev\.nixharden\.source="flake\.nix configuration\.nix"$/m);
      expect(text).toMatch(/^USER \d+:\d+$/m);
      expect(text.split('\n').filter((l) => /^\s*RUN /.test(l))).toEqual([]);
      expect(text).not.toMatch(/ENTRYPOINT \["\/bin\/sh"\]/);
    }
    const host = files.get('Containerfile')!;
    expect(host).toContain('EXPOSE 22/tcp 80/tcp 443/tcp 443/udp');
    // htop is not packaged: a commented source build on a pinned pallet, with the source URL.
    expect(host).toMatch(/^# FROM stagex\/pallet-gcc-gnu-busybox@sha256:[0-9a-f]{64} AS build-htop$/m);
    expect(host).toMatch(/^# ADD --checksum=sha256:<sha256 of the tarball> https:\/\/github\.com\/htop-dev\/htop\/releases\/download\/3\.4\.1\/htop-3\.4\.1\.tar\.xz /m);
    expect(host).toContain('# RUN --network=none <<-EOF');
  });

  it('gives each service its user, entrypoint, config and only the ports the firewall opens', () => {
    const ssh = files.get('services/openssh.Containerfile')!;
    expect(ssh).toContain('COPY --chmod=644 sshd_config /etc/ssh/sshd_config');
    expect(ssh).toContain('ENTRYPOINT ["/usr/sbin/sshd","-D","-e","-f","/etc/ssh/sshd_config"]');
    expect(ssh).toContain('EXPOSE 22/tcp');
    const pg = files.get('services/postgresql.Containerfile')!;
    expect(pg).toContain('USER 1000:1000');
    expect(pg).toContain('# Not exposed (closed in the NixOS firewall): 5432/tcp');
    expect(pg).not.toContain('EXPOSE');
    expect(files.get('services/caddy.Containerfile')).toContain('EXPOSE 80/tcp 443/tcp 443/udp');
    expect(plan.services.map((s) => [s.id, s.ports.map((p) => `${p.port}/${p.proto}${p.exposed ? '' : '!'}`)])).toEqual([
      ['openssh', ['22/tcp']],
      ['postgresql', ['5432/tcp!']],
      ['redis-cache', ['6379/tcp!']],
      ['caddy', ['80/tcp', '443/tcp', '443/udp']],
    ]);
  });

  it('renders the service configs from the settings the model knows', () => {
    const sshd = files.get('services/sshd_config')!;
    for (const l of ['Port 22', 'PermitRootLogin no', 'PasswordAuthentication no', 'KbdInteractiveAuthentication no', 'AllowUsers deploy', 'X11Forwarding no']) expect(sshd).toMatch(new RegExp(`^${l}$`, 'm'));
    expect(sshd.trimEnd().endsWith('Match User deploy\n  AllowTcpForwarding no')).toBe(true);
    const redis = files.get('services/redis-cache.conf')!;
    for (const l of ['port 6379', 'bind 0.0.0.0', 'maxmemory 256mb', 'maxmemory-policy allkeys-lru', 'save 900 1']) expect(redis).toMatch(new RegExp(`^${l}$`, 'm'));
    expect(redis).not.toMatch(/requirepass/);
    const pg = files.get('services/postgresql.conf')!;
    for (const l of ["listen_addresses = '\\*'", 'port = 5432', 'max_connections = 200', "shared_buffers = '512MB'", 'log_connections = yes', "shared_preload_libraries = 'pg_stat_statements'", "hba_file = '/etc/postgresql/pg_hba.conf'"]) expect(pg).toMatch(new RegExp(`^${l}$`, 'm'));
    expect(files.get('services/pg_hba.conf')).toMatch(/^host app app 10\.0\.0\.0\/24 scram-sha-256\n\n# NixOS default rules\nlocal all all peer$/m);
    expect(files.get('services/Caddyfile')).toContain('{\n\temail admin@example.org\n}\n\nexample.org, www.example.org {\n\tencode gzip\n\treverse_proxy 127.0.0.1:8080\n}\n\nstatus.example.org {\n\trespond "ok"\n}\n');
  });

  it('lists every setting it could not render, with the reason, instead of dropping it', () => {
    const unrendered = plan.services.flatMap((s) => s.unrendered.map((u) => `${u.option}: ${u.why.split(':')[0]}`));
    expect(unrendered).toEqual([
      'services.postgresql.ensureDatabases: NixOS applies it at service start (systemd postStart); run the equivalent psql commands once against the new server',
      'services.redis.servers.cache.requirePassFile: a secret',
    ]);
    expect(plan.services.find((s) => s.id === 'postgresql')!.notes.join('\n')).toMatch(/pkgs\.postgresql_16.*moving from 16 to another major version/);
  });

  it('writes a plan.json that validates against the schema, with coverage and reasons', () => {
    const json = JSON.parse(files.get('plan.json')!);
    expect(validatePlan(json)).toBe(true);
    expect(json.version).toBe(1);
    expect(json.coverage).toEqual({ mapped: 8, total: 9, percent: 88.9 });
    expect(json.packages.find((p: { attr: string }) => p.attr === 'htop')).toMatchObject({ status: 'unmapped', reason: 'not-packaged', confidence: null, images: [] });
    expect(json.packages.find((p: { attr: string }) => p.attr === 'ripgrep')).toMatchObject({ status: 'mapped', confidence: 'exact', reason: null, conditional: true });
    expect(json.stagex).toEqual({ release: '2026.03.0', index: 'test-index.json', pinned: true });
  });

  it('writes the signature policies: policy.json with the quay remap, registries.d, and the nixharden [[images]] threshold', () => {
    const policy = JSON.parse(files.get('policy.json')!);
    expect(policy.default).toEqual([{ type: 'reject' }]);
    expect(policy.transports.docker['docker.io/stagex'][0]).toMatchObject({ type: 'signedBy', keyType: 'GPGKeys', signedIdentity: { type: 'matchRepoDigestOrExact' } });
    expect(policy.transports.docker['quay.io/stagex'][0].signedIdentity).toEqual({ type: 'remapIdentity', prefix: 'quay.io/stagex', signedPrefix: 'docker.io/stagex' });
    expect(policy.transports.docker['docker.io/stagex'][0].keyPaths).toHaveLength(8);
    expect(files.get('registries.d/stagex.yaml')).toBe(
      [
        '# Where containers/image (podman, buildah, skopeo, CRI-O) finds the signatures of stagex images.',
        '# Generated by nixharden migrate 0.0.0-test; used by build.sh through --registries-conf-dir.',
        'docker:',
        '  docker.io/stagex:',
        '    lookaside: https://sigs.stagex.tools',
        '  quay.io/stagex:',
        '    lookaside: https://sigs.stagex.tools',
        '',
      ].join('\n'),
    );
    const toml = parseToml(files.get('nixharden-policy.toml')!) as Record<string, unknown>;
    expect(toml.version).toBe(1);
    expect((toml.signers as { id: string; keys: unknown }[]).map((s) => [s.id, s.keys])).toContainEqual(['lancevick', [{ path: 'keys/lancevick.asc' }]]);
    expect(toml.images).toEqual([
      {
        prefix: 'docker.io/stagex',
        lookaside: 'https://sigs.stagex.tools',
        remap: { prefix: 'quay.io/stagex', 'signed-prefix': 'docker.io/stagex' },
        rules: [{ type: 'threshold', min: 2, signers: ['lancevick', 'antonlivaja', 'ryanheywood', 'dannygrove', 'conyel', 'logicwax', 'panekj', 'zoe'] }],
      },
    ]);
  });

  it('has build.sh verify every base image (M of N) before any build, with the reproducible flags', () => {
    const sh = files.get('build.sh')!;
    expect(spawnSync('sh', ['-n'], { input: sh }).status).toBe(0);
    expect(spawnSync('sh', ['-n'], { input: files.get('keys/fetch-keys.sh')! }).status).toBe(0);
    expect(sh).toContain('$NIXHARDEN verify image $BASE_IMAGES --policy nixharden-policy.toml');
    expect(sh).toMatch(/build\) verify && build_all/);
    expect(sh).toMatch(/reproduce\) verify && reproduce/);
    expect(sh).toContain('--timestamp 0 --identity-label=false');
    expect(sh).toContain('--provenance=false');
    expect(sh).toContain('type=oci,rewrite-timestamp=true,force-compression=true');
    expect(sh).toContain('export SOURCE_DATE_EPOCH=1');
    for (const img of plan.images) expect(sh).toContain(`docker.io/stagex/${img.id}@${img.digest}`);
    expect(files.get('Makefile')).toMatch(/^verify-reproducible:\n\t\.\/build\.sh reproduce \$\(BUILDER\)$/m);
  });

  it('has CI workflows that rebuild on two runner types, compare, and sign with nixharden sign image', () => {
    for (const name of ['ci/github-actions.yml', 'ci/forgejo-actions.yml']) {
      const y = files.get(name)!;
      expect(y).toMatch(/rebuild-a:\n {4}runs-on: (\S+)/);
      const runners = [...y.matchAll(/rebuild-[ab]:\n {4}runs-on: (\S+)/g)].map((m) => m[1]);
      expect(new Set(runners).size).toBe(2);
      expect(y).toContain('if [ -z "$A" ] || [ "$A" != "$B" ]');
      expect(y).toContain('nixharden sign image "$IMAGE_REPOSITORY/server-${pair%%=*}@${pair#*=}" --key "$RUNNER_TEMP/key.asc" --lookaside sigs');
      expect(y).not.toMatch(/uses: [^@\n]+@v\d/); // actions pinned by commit
    }
  });
});

describe('migrate: without a stagex index', () => {
  it('still generates, but every FROM is unpinned and says so at the top, and build.sh refuses', async () => {
    const { plan, files } = await serverFiles(false);
    expect(plan.stagex.pinned).toBe(false);
    expect(plan.warnings[0]).toMatch(/^no stagex index: every FROM line is unpinned/);
    const cf = files.get('Containerfile')!;
    expect(cf.split('\n').slice(0, 8).join('\n')).toContain('WARNING: UNPINNED');
    expect(cf).toMatch(/^FROM stagex\/core-musl:latest AS core-musl$/m);
    expect(files.get('MIGRATION.md')!.split('\n')[2]).toMatch(/^> \*\*UNPINNED\.\*\*/);
    expect(files.get('plan.html')).toContain('id="unpinned"');
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-build-'));
    fs.writeFileSync(path.join(dir, 'build.sh'), files.get('build.sh')!);
    const r = spawnSync('sh', [path.join(dir, 'build.sh'), 'build'], { encoding: 'utf8' });
    expect([r.status, r.stderr.trim()]).toEqual([1, expect.stringMatching(/^build\.sh: refusing to build: unpinned stagex images/)]);
    fs.rmSync(dir, { recursive: true });
  });
});

describe('migrate: service renderers', () => {
  it('never writes a line break from a value or key into a config file', () => {
    const m = modelText(`{ services.openssh = { enable = true; settings.Banner = "x\\nPermitRootLogin yes"; settings."A B" = "c"; }; }`);
    const [inst] = renderService(servicesOf([m])[0]!, { host: 'h' });
    expect(inst!.configFiles[0]!.content).not.toMatch(/^PermitRootLogin yes$/m);
    expect(inst!.configFiles[0]!.content).not.toMatch(/^A B/m);
    expect(inst!.unrendered.map((u) => u.option)).toEqual(['services.openssh.settings.Banner', 'services.openssh.settings."A B"']);
  });

  it('lists all options of a service without a renderer', () => {
    const m = modelText(`{ services.nginx = { enable = true; virtualHosts.x.root = "/srv"; recommendedTlsSettings = true; }; }`);
    const [inst] = renderService(servicesOf([m])[0]!, { host: 'h' });
    expect(inst!.unrendered.map((u) => u.option)).toEqual(['services.nginx.virtualHosts.x.root', 'services.nginx.recommendedTlsSettings']);
    expect(inst!.configFiles).toEqual([]);
  });
});

describe('migrate: untrusted names and index values', () => {
  it('keeps a redis server name to one safe file name', () => {
    const m = modelText(`{ services.redis.servers."../x y".enable = true; }`);
    const [inst] = renderService(servicesOf([m])[0]!, { host: 'h' });
    expect([inst!.id, inst!.configFiles[0]!.name]).toEqual(['redis-.._x_y', 'redis-.._x_y.conf']);
  });

  it('refuses an index digest or an image id that is not well formed', async () => {
    const index = testIndex(ALL_IDS);
    index.images[0]!.digest = "sha256:abc' ; rm -rf / #";
    await expect(examplePlans('examples/server', { index })).rejects.toThrow(/malformed digest for core-musl/);
    await expect(examplePlans('examples/server', { resolvePackage: (attr) => ({ attr, ...mapped(["core-x'"]) }) })).rejects.toThrow(/not a stagex image id/);
  });
});
