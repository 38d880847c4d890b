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
import { buildPlan, type PlanInput } from '../../src/migrate/generate/plan.js';
import type { Confidence, PackageResolution, ServiceResolution, UnmappedReason } from '../../src/migrate/mapping/index.js';
import type { StagexIndex, StagexStage } from '../../src/migrate/stagex/types.js';

/** A package resolution as the mapping gives it, without the attribute (set by the resolver). */
type Resolution = Omit<PackageResolution, 'attr'>;

/** The package is its last image; the others are its runtime closure. */
export const mapped = (images: string[], confidence: Confidence = 'exact'): Resolution => ({ status: 'mapped', images, own: images.slice(-1), runtime: images.slice(0, -1), runtimeDerived: true, confidence });
export const unmapped = (reason: UnmappedReason, extra: Partial<Resolution> = {}): Resolution => ({ status: 'unmapped', images: [], own: [], runtime: [], runtimeDerived: false, reason, ...extra });
export const service = (name: string, images: string[]): ServiceResolution => ({ service: name, status: 'mapped', images, own: images.slice(-1), runtime: images.slice(0, -1) });
export const noService = (name: string): ServiceResolution => ({ service: name, status: 'unmapped', images: [], own: [], runtime: [], reason: 'unknown' });

/** A small mapping, written for these tests (the real one lives in src/migrate/mapping). */
export const PACKAGES: Record<string, Resolution> = {
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

export const SERVICES: Record<string, ServiceResolution> = {
  openssh: service('openssh', ['core-musl', 'core-openssl', 'core-zlib', 'user-openssh']),
  postgresql: service('postgresql', ['core-musl', 'core-openssl', 'core-icu', 'core-readline', 'core-libxml2', 'user-postgresql']),
  redis: service('redis', ['core-musl', 'core-openssl', 'user-redis']),
  caddy: service('caddy', ['user-caddy']),
};

/** An index of the given images and digests (default: digests derived from the ids). */
export function testIndex(ids: string[], release = '2026.03.0', digestOf = (id: string) => `sha256:${createHash('sha256').update(id).digest('hex')}`): StagexIndex {
  return {
    version: 1,
    release,
    source: 'test',
    generatedAt: '1970-01-01T00:00:01Z',
    packageData: true,
    warnings: [],
    images: [...new Set(ids)].map((id) => {
      const [stage, ...name] = id.split('-');
      return { id, stage: stage as StagexStage, name: name.join('-'), image: `stagex/${id}`, version: '1.0', digest: digestOf(id), packageDir: `packages/${stage}/${name.join('-')}`, package: name.join('-'), subpackages: [], buildDeps: [] };
    }),
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
      resolvePackage: (attr) => ({ attr, ...(PACKAGES[attr] ?? unmapped('unknown')) }),
      resolveService: (name) => SERVICES[name] ?? noService(name),
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
