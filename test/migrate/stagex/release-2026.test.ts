import fs from 'node:fs';
import path from 'node:path';
import { importStagex } from '../../../src/migrate/stagex/load.js';
import type { StagexIndex } from '../../../src/migrate/stagex/types.js';
import { describeWithSharedData, sharedDataDir } from '../../helpers/shared-data.js';
import { indexValidator } from './schema.js';

const root = path.join(sharedDataDir, 'stagex', '2026.03.0');

describeWithSharedData('stagex/2026.03.0', 'stagex import of the real 2026.03.0 release', () => {
  let idx: StagexIndex;
  const by = (id: string) => idx.images.find((i) => i.id === id)!;
  beforeAll(async () => {
    idx = await importStagex(root);
  });

  test('513 images whose digests equal digests/*.txt, and the index validates against the schema', () => {
    const listed = new Map<string, string>();
    for (const f of fs.readdirSync(path.join(root, 'digests'))) {
      for (const line of fs.readFileSync(path.join(root, 'digests', f), 'utf8').split('\n').filter(Boolean)) {
        const [hex, id] = line.split(' ');
        listed.set(id!, `sha256:${hex}`);
      }
    }
    expect(listed.size).toBe(513);
    expect(idx.images).toHaveLength(513);
    expect(new Map(idx.images.map((i) => [i.id, i.digest]))).toEqual(listed);
    expect(idx.release).toBe('2026.03.0');
    expect(indexValidator()(idx)).toBe(true);
  });

  test('versions, version_from included', () => {
    expect(by('core-openssl').version).toBe('3.5.2');
    expect(by('core-llvm').version).toBe('21.1.8');
    expect(by('core-clang').version).toBe('21.1.8'); // a subpackage takes its package's version
    expect(by('pallet-python').version).toBe(by('core-python').version); // version_from = "core-python"
    expect(by('pallet-clang').version).toBe('21.1.8'); // version_from = "core-clang", itself a subpackage
    expect(by('core-python').version).toMatch(/^3\.\d+\.\d+$/);
  });

  test('subpackages: core/llvm publishes 31 images, user/linux seven without a main image', () => {
    const fromLlvm = idx.images.filter((i) => i.packageDir === 'packages/core/llvm');
    expect(fromLlvm).toHaveLength(31);
    expect(fromLlvm.every((i) => i.package === 'llvm')).toBe(true);
    expect(by('core-llvm').subpackages).toHaveLength(30);
    expect(by('core-llvm').subpackages).toContain('core-clang');
    expect(idx.images.filter((i) => i.package === 'linux').map((i) => i.name).sort()).toEqual(
      ['gen_initramfs', 'linux-airgap', 'linux-generic', 'linux-guest', 'linux-guest-net', 'linux-nitro', 'linux-server'],
    );
    expect(idx.images.find((i) => i.id === 'user-linux')).toBeUndefined();
  });

  test("build dependencies: core-openssl's eight COPY --from lines, user-openssh's pallet", () => {
    const cf = fs.readFileSync(path.join(root, 'packages/core/openssl/Containerfile'), 'utf8');
    const copies = [...cf.matchAll(/^COPY --from=stagex\/(\S+) /gm)].map((m) => m[1]);
    expect(copies).toHaveLength(8);
    expect(by('core-openssl').buildDeps).toEqual([...copies, 'core-filesystem']);
    expect(by('user-openssh').buildDeps).toEqual(['pallet-clang-gnu-busybox', 'core-openssl', 'core-filesystem']);
    expect(by('core-go').buildDeps[0]).toBe('bootstrap-stage1'); // FROM --platform=linux/386 stagex/…
  });

  test('the one package directory stagex does not build (mesa, no package.toml) is a warning', () => {
    expect(idx.warnings.filter((w) => /mesa/.test(w))).toEqual([expect.stringMatching(/user\/mesa: no package\.toml/)]);
    expect(idx.warnings.some((w) => /no digest/.test(w))).toBe(false);
  });
});
