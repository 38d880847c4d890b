import fs from 'node:fs';
import path from 'node:path';
import { loadMapping, mappingCoverage, resolvePackage, resolveService, runtimeClosure } from '../../../src/migrate/mapping/index.js';
import type { StagexMapping } from '../../../src/migrate/mapping/index.js';
import { importStagex } from '../../../src/migrate/stagex/load.js';
import type { StagexIndex } from '../../../src/migrate/stagex/types.js';
import { describeWithSharedData, sharedDataDir } from '../../helpers/shared-data.js';

/** Compilers, linkers and build tools: never part of what a program needs at run time. */
const TOOLCHAIN = [
  'core-llvm', 'core-clang', 'core-gcc', 'core-lld', 'core-mold', 'core-binutils', 'core-llvm-binutils', 'core-make', 'core-cmake', 'core-meson',
  'core-samurai', 'user-ninja', 'core-pkgconf', 'core-bison', 'core-flex', 'core-m4', 'core-autoconf', 'core-automake', 'core-libtool', 'core-go',
  'core-rust', 'core-linux-headers', 'core-clang-rt-devel', 'core-busybox', 'core-profile', 'core-filesystem', 'core-onetbb', 'core-mimalloc',
  'core-argp-standalone', 'user-gperf', 'user-swig', 'user-doxygen', 'user-xmlto', 'user-util-macros', 'user-xorgproto',
];

describeWithSharedData('stagex/2026.03.0', 'nixpkgs → stagex mapping against the 2026.03.0 release', () => {
  let index: StagexIndex;
  let mapping: StagexMapping;
  beforeAll(async () => {
    index = await importStagex(path.join(sharedDataDir, 'stagex', '2026.03.0'));
    mapping = loadMapping();
  });

  test('every image the map names exists, every image is mapped or declared stagex-only, and docs/migrate.md reports the figure', () => {
    expect(mapping.release).toBe(index.release);
    const c = mappingCoverage(mapping, index);
    expect(c.notInIndex).toEqual([]);
    expect(c.unaccounted).toEqual([]);
    expect(c.total).toBe(513);
    expect(c.mapped + c.stagexOnly).toBe(c.total);
    expect(c.mapped).toBeGreaterThan(400);
    const pct = ((100 * c.mapped) / c.withCounterpart).toFixed(0);
    const docs = fs.readFileSync(path.resolve('docs/migrate.md'), 'utf8').replace(/\s+/g, ' ');
    expect(docs).toContain(`${c.mapped} of the ${c.withCounterpart} images that have a nixpkgs counterpart (${pct}%)`);
    expect(docs).toContain(`${c.stagexOnly} images have none`);
    expect(docs).toContain(`${Object.keys(mapping.packages).length} package entries`);
  });

  test('openssh: mapped exactly, core-musl first, its libraries derived, no compiler', () => {
    const r = resolvePackage('openssh', mapping, index);
    expect(r).toMatchObject({ status: 'mapped', confidence: 'exact', own: ['user-openssh'], runtimeDerived: true });
    expect(r.images[0]).toBe('core-musl');
    expect(r.images[r.images.length - 1]).toBe('user-openssh');
    expect(r.runtime).toEqual(expect.arrayContaining(['core-musl', 'core-openssl', 'core-zlib']));
    expect(r.runtime.filter((id) => TOOLCHAIN.includes(id))).toEqual([]);
    expect(resolvePackage('pkgs.openssh', mapping, index).images).toEqual(r.images);
  });

  test('the closure of user-openssh holds core-musl and core-openssl with its zlib, and no build tool', () => {
    const closure = runtimeClosure('user-openssh', index);
    expect(closure[0]).toBe('core-musl');
    expect(closure).toEqual(expect.arrayContaining(['core-openssl', 'core-zlib', 'core-libzstd']));
    expect(closure.indexOf('core-zlib')).toBeLessThan(closure.indexOf('core-openssl')); // dependencies first
    expect(closure.filter((id) => TOOLCHAIN.includes(id) || /^(pallet|bootstrap)-/.test(id))).toEqual([]);
  });

  test('no derived closure of any of the 513 images contains a compiler, build tool, pallet or header package', () => {
    for (const image of index.images) {
      const bad = runtimeClosure(image.id, index).filter((id) => TOOLCHAIN.includes(id) || /^(pallet|bootstrap)-/.test(id) || /-(devel|devel-static|headers)$/.test(id));
      expect([image.id, bad]).toEqual([image.id, []]);
    }
  });

  test('interpreters only for programs in their language', () => {
    expect(runtimeClosure('user-openssh', index)).not.toContain('core-python');
    expect(runtimeClosure('user-postgresql', index)).not.toContain('core-python'); // pallet-python is only a build tool there
    const boto3 = runtimeClosure('user-py-boto3', index);
    expect(boto3).toEqual(expect.arrayContaining(['core-python', 'user-py-botocore', 'user-py-jmespath', 'user-py-s3transfer']));
    expect(boto3).not.toContain('core-py-gpep517'); // an installer, not a runtime import
    expect(runtimeClosure('user-aws-cli', index)).toContain('core-python'); // built on pallet-cython
    expect(runtimeClosure('user-kernel-hardening-checker', index)).toContain('core-python'); // installed with gpep517
    expect(runtimeClosure('user-sequoia-sq', index)).toContain('core-libunwind'); // rust programs load libunwind
    expect(runtimeClosure('user-kubectl', index)).toEqual(['core-musl', 'core-ca-certificates']); // static Go, TLS roots
  });

  test('python3, postgresql and their versioned attributes', () => {
    expect(resolvePackage('python3', mapping, index)).toMatchObject({ status: 'mapped', confidence: 'equivalent', own: ['core-python'] });
    expect(resolvePackage('python313', mapping, index)).toMatchObject({ confidence: 'exact', own: ['core-python'] });
    expect(resolvePackage('postgresql', mapping, index)).toMatchObject({ confidence: 'equivalent', own: ['user-postgresql'] });
    expect(resolvePackage('postgresql_16', mapping, index)).toMatchObject({ status: 'mapped', confidence: 'equivalent', entry: 'postgresql' });
    expect(resolvePackage('postgresql_18', mapping, index).confidence).toBe('exact');
    const requests = resolvePackage('python313Packages.requests', mapping, index);
    expect(requests).toMatchObject({ status: 'mapped', entry: 'python3Packages.requests', runtimeDerived: false });
    expect(requests.images).toEqual(expect.arrayContaining(['core-python', 'user-py-idna', 'user-py-certifi', 'core-py-urllib3', 'core-openssl']));
  });

  test('outputs, aliases and package sets', () => {
    expect(resolvePackage('llvm.dev', mapping, index).own).toEqual(['core-llvm-devel', 'core-llvm-devel-static']);
    expect(resolvePackage('openssl.dev', mapping, index).own).toEqual(['core-openssl']); // headers are in the image
    expect(resolvePackage('xorg.libX11', mapping, index)).toMatchObject({ status: 'mapped', own: ['user-libx11'] });
    expect(resolvePackage('llvmPackages_21.lld', mapping, index).own).toEqual(['core-lld']);
    expect(resolvePackage('php85Extensions.curl', mapping, index).images).toEqual(expect.arrayContaining(['core-php', 'core-php-ext-curl']));
    expect(resolvePackage('git', mapping, index)).toMatchObject({ runtimeDerived: false });
    expect(resolvePackage('git', mapping, index).images).toEqual(expect.arrayContaining(['user-openssh', 'core-perl', 'core-curl']));
    expect(resolvePackage('busybox', mapping, index).images).toEqual(['core-busybox']); // static: nothing else
  });

  test('unmapped packages get one reason each', () => {
    expect(resolvePackage('firefox', mapping, index)).toMatchObject({ status: 'unmapped', reason: 'desktop', images: [] });
    expect(resolvePackage('gnome.nautilus', mapping, index).reason).toBe('desktop');
    expect(resolvePackage('kdePackages.kate', mapping, index).reason).toBe('desktop');
    const systemd = resolvePackage('systemd', mapping, index);
    expect(systemd).toMatchObject({ status: 'unmapped', reason: 'no-equivalent' });
    expect(systemd.nearest).toEqual(['user-tini', 'core-busybox', 'user-eudev']);
    expect(resolvePackage('nix', mapping, index).reason).toBe('no-equivalent');
    const nginx = resolvePackage('nginx', mapping, index);
    expect(nginx).toMatchObject({ status: 'unmapped', reason: 'not-packaged', source: { url: 'https://nginx.org/download/nginx-{version}.tar.gz' } });
    expect(resolvePackage('definitely-not-a-package', mapping, index)).toMatchObject({ status: 'unmapped', reason: 'unknown' });
  });

  test('services: openssh, postgresql, redis, caddy mapped with user, entrypoint and config file; the rest have reasons', () => {
    const ssh = resolveService('openssh', mapping, index);
    expect(ssh).toMatchObject({ status: 'mapped', own: ['user-openssh'], user: 'root', configFile: 'sshd_config', configPath: '/etc/ssh/sshd_config', ports: [22] });
    expect(ssh.entrypoint![0]).toBe('/usr/sbin/sshd');
    expect(ssh.images[0]).toBe('core-musl');
    expect(resolveService('sshd', mapping, index).own).toEqual(['user-openssh']);
    for (const [name, file] of [['postgresql', 'postgresql.conf'], ['redis', 'redis.conf'], ['caddy', 'Caddyfile']] as const) {
      const s = resolveService(name, mapping, index);
      expect(s).toMatchObject({ status: 'mapped', configFile: file });
      expect(s.user).not.toBe('root');
      expect(s.entrypoint!.length).toBeGreaterThan(0);
    }
    expect(resolveService('nginx', mapping, index)).toMatchObject({ status: 'unmapped', reason: 'not-packaged' });
    expect(resolveService('xserver', mapping, index).reason).toBe('desktop');
    expect(resolveService('journald', mapping, index).reason).toBe('no-equivalent');
    expect(resolveService('nonexistent', mapping, index).reason).toBe('unknown');
  });

  test('against an index that lacks the image, or has no package data', () => {
    const without = { ...index, images: index.images.filter((i) => i.id !== 'user-openssh') };
    expect(resolvePackage('openssh', mapping, without)).toMatchObject({ status: 'unmapped', reason: 'not-packaged', note: 'user-openssh not in stagex 2026.03.0' });
    const digestsOnly = { ...index, packageData: false, images: index.images.map((i) => ({ ...i, buildDeps: [], version: null })) };
    expect(resolvePackage('openssh', mapping, digestsOnly)).toMatchObject({ runtime: ['core-musl'], runtimeDerived: true });
    expect(resolvePackage('openssh', mapping)).toMatchObject({ status: 'mapped', images: ['core-musl', 'user-openssh'] });
  });
});
