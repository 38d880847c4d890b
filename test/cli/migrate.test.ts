/** `nixharden migrate` as a user runs it: output layout, exit codes, atomic writes, --force, --host, --strict. */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli } from '../helpers/cli.js';
import { describeWhen } from '../helpers/requires.js';
import { describeWithSharedData, sharedDataDir } from '../helpers/shared-data.js';

const built = fs.existsSync(path.resolve('dist', 'cli', 'main.js'));
const FLAKE_HOSTS = path.resolve('fixtures', 'migrate', 'flake-hosts');

let work: string;
let env: NodeJS.ProcessEnv;
beforeEach(() => {
  work = fs.mkdtempSync(path.join(os.tmpdir(), 'nixharden-migrate-'));
  env = { NIXHARDEN_CACHE_DIR: path.join(work, 'cache') };
});
afterEach(() => fs.rmSync(work, { recursive: true, force: true }));

describeWhen(built, 'dist/ (npm run build)', 'nixharden migrate', () => {
  it('writes one directory per host, says so on stdout, and warns that nothing is pinned', () => {
    const out = path.join(work, 'out');
    const r = runCli(['migrate', FLAKE_HOSTS, '--out', out], { env });
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^web: \d+\/2 packages mapped .*UNPINNED → .*out\/web$/m);
    expect(r.stdout).toMatch(/^db: .*out\/db$/m);
    expect(r.stderr).toContain('nixharden: warning: web: no stagex index: every FROM line is unpinned');
    expect(fs.readdirSync(out).sort()).toEqual(['db', 'web']);
    for (const f of ['Containerfile', 'build.sh', 'Makefile', 'policy.json', 'registries.d/stagex.yaml', 'nixharden-policy.toml', 'ci/github-actions.yml', 'ci/forgejo-actions.yml', 'MIGRATION.md', 'plan.json', 'plan.html']) {
      expect(fs.existsSync(path.join(out, 'web', f))).toBe(true);
    }
    expect(fs.statSync(path.join(out, 'web', 'build.sh')).mode & 0o111).not.toBe(0);
    expect(fs.readdirSync(work).filter((n) => n.includes('.nixharden-'))).toEqual([]);
  });

  it('--quiet drops the warnings, as on every command; the result and the exit code stay', () => {
    const r = runCli(['migrate', FLAKE_HOSTS, '--out', path.join(work, 'out'), '--quiet'], { env });
    expect(r.status).toBe(0);
    expect(r.stderr).toBe('');
    expect(r.stdout).toMatch(/^web: .*UNPINNED → .*out\/web$/m);
  });

  it('never writes over an existing host directory without --force, and keeps fetched keys with it', () => {
    const out = path.join(work, 'out');
    expect(runCli(['migrate', FLAKE_HOSTS, '--out', out, '--host', 'web'], { env }).status).toBe(0);
    fs.writeFileSync(path.join(out, 'web', 'keys', 'lancevick.asc'), 'certificate');
    fs.writeFileSync(path.join(out, 'web', 'Containerfile'), 'edited');
    const again = runCli(['migrate', FLAKE_HOSTS, '--out', out], { env });
    expect(again.status).toBe(2);
    expect(again.stderr.trim()).toMatch(/^nixharden: .*out\/web: already exists; not overwriting \(use --force to replace it\)$/);
    expect(fs.existsSync(path.join(out, 'db'))).toBe(false); // nothing at all was written
    expect(fs.readFileSync(path.join(out, 'web', 'Containerfile'), 'utf8')).toBe('edited');
    expect(runCli(['migrate', FLAKE_HOSTS, '--out', out, '--force'], { env }).status).toBe(0);
    expect(fs.readFileSync(path.join(out, 'web', 'Containerfile'), 'utf8')).toMatch(/^# Host web/);
    expect(fs.readFileSync(path.join(out, 'web', 'keys', 'lancevick.asc'), 'utf8')).toBe('certificate');
  });

  it('--host picks one host; an unknown one is a usage error naming the hosts', () => {
    const out = path.join(work, 'out');
    expect(runCli(['migrate', FLAKE_HOSTS, '--out', out, '--host', 'db'], { env }).status).toBe(0);
    expect(fs.readdirSync(out)).toEqual(['db']);
    const bad = runCli(['migrate', FLAKE_HOSTS, '--out', path.join(work, 'o2'), '--host', 'nope'], { env });
    expect([bad.status, bad.stderr.trim()]).toEqual([2, 'nixharden: no host named "nope"; this configuration has: web, db']);
  });

  it('--strict exits 1 when something is unpinned or unmapped, after writing', () => {
    const out = path.join(work, 'out');
    const r = runCli(['migrate', FLAKE_HOSTS, '--out', out, '--strict'], { env });
    expect(r.status).toBe(1);
    expect(r.stderr).toContain('nixharden: strict: web: no stagex index: every image is unpinned');
    expect(fs.existsSync(path.join(out, 'web', 'plan.json'))).toBe(true);
  });

  it('bad input is exit 2 with one line: a missing path, a missing index', () => {
    const r1 = runCli(['migrate', path.join(work, 'missing')], { env });
    expect(r1.status).toBe(2);
    expect(r1.stderr.trim().split('\n')).toHaveLength(1);
    const r2 = runCli(['migrate', FLAKE_HOSTS, '--out', path.join(work, 'o'), '--stagex', path.join(work, 'no-index.json')], { env });
    expect(r2.status).toBe(2);
    expect(r2.stderr.trim()).toMatch(/^nixharden: .*no-index\.json: /);
    expect(fs.existsSync(path.join(work, 'o'))).toBe(false);
  });
});

describeWithSharedData('stagex/2026.03.0', 'nixharden migrate --stagex with the real 2026.03.0 release', () => {
  it('pins every FROM line to a release digest and takes the signers from MAINTAINERS', () => {
    const release = path.join(sharedDataDir, 'stagex', '2026.03.0');
    const out = path.join(work, 'out');
    const r = runCli(['migrate', path.resolve('examples', 'server'), '--out', out, '--stagex', release, '--strict'], { env });
    expect(r.stdout).toMatch(/^server: .* pinned to stagex 2026\.03\.0 → /m);
    const digests = new Set(
      fs
        .readdirSync(path.join(release, 'digests'))
        .flatMap((f) => fs.readFileSync(path.join(release, 'digests', f), 'utf8').split('\n'))
        .filter(Boolean)
        .map((l) => `stagex/${l.split(' ')[1]}@sha256:${l.split(' ')[0]}`),
    );
    for (const file of ['Containerfile', 'services/openssh.Containerfile', 'services/postgresql.Containerfile', 'services/redis-cache.Containerfile', 'services/caddy.Containerfile']) {
      const froms = fs.readFileSync(path.join(out, 'server', file), 'utf8').split('\n').filter((l) => /^FROM stagex\//.test(l));
      expect(froms.length).toBeGreaterThan(0);
      for (const f of froms) expect(digests.has(f.split(' ')[1]!)).toBe(true);
    }
    const plan = JSON.parse(fs.readFileSync(path.join(out, 'server', 'plan.json'), 'utf8'));
    expect(plan.stagex).toMatchObject({ release: '2026.03.0', pinned: true });
    expect(plan.signers).toHaveLength(8);
    // --strict: htop, rsync, ripgrep have no stagex image.
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/strict: server: unmapped packages: .*htop \(not-packaged\)/);
  });
});
