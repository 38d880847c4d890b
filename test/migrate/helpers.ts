/** Test data for the generators: plans of real example trees with resolutions and an index written here. */
import { createHash } from 'node:crypto';
import path from 'node:path';
import { hostsOf } from '../../src/model/hosts.js';
import { loadConfigModel } from '../../src/model/load/index.js';
import { packagesOf } from '../../src/model/packages.js';
import { firewallOf, servicesOf } from '../../src/model/services.js';
import { usersOf } from '../../src/model/users.js';
import type { HostOutput } from '../../src/migrate/generate/files.js';
import { STAGEX_MAINTAINERS } from '../../src/migrate/generate/maintainers.js';
import { buildPlan, type IndexView, type PlanInput, type ResolvedPackage, type ResolvedService } from '../../src/migrate/generate/plan.js';

export const mapped = (images: string[], confidence: 'exact' | 'equivalent' | 'partial' = 'exact'): ResolvedPackage => ({ status: 'mapped', images, confidence });
export const unmapped = (reason: 'desktop' | 'not-packaged' | 'no-equivalent' | 'unknown', extra: Partial<ResolvedPackage> = {}): ResolvedPackage => ({ status: 'unmapped', images: [], reason, ...extra });

/** A small mapping, written for these tests (the real one lives in src/migrate/mapping). */
export const PACKAGES: Record<string, ResolvedPackage> = {
  curl: mapped(['core-musl', 'core-curl', 'core-openssl', 'core-zlib']),
  git: mapped(['core-musl', 'core-git', 'core-openssl', 'core-zlib', 'core-curl']),
  jq: mapped(['core-musl', 'user-jq']),
  tmux: mapped(['core-musl', 'user-tmux', 'core-ncurses']),
  vim: mapped(['core-musl', 'user-vim', 'core-ncurses'], 'equivalent'),
  openssl: mapped(['core-musl', 'core-openssl']),
  rsync: mapped(['core-musl', 'user-rsync']),
  ripgrep: mapped(['core-musl', 'user-ripgrep']),
  htop: unmapped('not-packaged', { source: { url: 'https://github.com/htop-dev/htop/releases/download/3.4.1/htop-3.4.1.tar.xz', hash: 'sha256-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=' } }),
};

export const SERVICES: Record<string, ResolvedService> = {
  openssh: { status: 'mapped', images: ['core-musl', 'user-openssh', 'core-openssl', 'core-zlib'] },
  postgresql: { status: 'mapped', images: ['core-musl', 'user-postgresql', 'core-openssl', 'core-icu', 'core-readline', 'core-libxml2'] },
  redis: { status: 'mapped', images: ['core-musl', 'user-redis', 'core-openssl'] },
  caddy: { status: 'mapped', images: ['user-caddy'] },
};

/** An index whose digests are derived from the image ids (any images the tests name). */
export function testIndex(ids: string[], release = '2026.03.0'): IndexView {
  return {
    release,
    images: [...new Set(ids)].map((id) => ({ id, stage: id.split('-')[0]!, image: `stagex/${id}`, version: '1.0', digest: `sha256:${createHash('sha256').update(id).digest('hex')}` })),
  };
}

export const ALL_IDS = [...Object.values(PACKAGES), ...Object.values(SERVICES)].flatMap((r) => r.images).concat(['pallet-gcc-gnu-busybox']);

export async function examplePlans(dir: string, opts: Partial<PlanInput> = {}): Promise<HostOutput[]> {
  const root = path.resolve(dir);
  const model = await loadConfigModel([root], { jobs: 1, root });
  return hostsOf(model).map((host) =>
    buildPlan({
      host,
      packages: packagesOf(host.files),
      services: servicesOf(host.files),
      firewall: firewallOf(host.files),
      users: usersOf(host.files),
      resolvePackage: (attr) => PACKAGES[attr] ?? unmapped('unknown'),
      resolveService: (name) => SERVICES[name] ?? { status: 'unmapped', images: [], reason: 'unknown' },
      indexSpec: opts.index ? 'test-index.json' : null,
      findings: [],
      pins: [],
      maintainers: STAGEX_MAINTAINERS,
      paths: [dir],
      toolVersion: '0.0.0-test',
      outputDir: `stagex-migration/${host.name}`,
      ...opts,
    }),
  );
}
