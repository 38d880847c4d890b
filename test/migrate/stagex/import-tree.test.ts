import { rmSync } from 'node:fs';
import path from 'node:path';
import { UserError } from '../../../src/core/errors.js';
import { importStagex } from '../../../src/migrate/stagex/load.js';
import { scrapeContainerfile } from '../../../src/migrate/stagex/containerfile.js';
import { fakeDigest, smallRelease } from './fixture.js';
import { indexValidator } from './schema.js';

const roots: string[] = [];
const release = (overrides: Record<string, string> = {}) => {
  const r = smallRelease(overrides);
  roots.push(r);
  return r;
};
afterAll(() => roots.forEach((r) => rmSync(r, { recursive: true, force: true })));

async function importError(root: string): Promise<UserError> {
  const err = await importStagex(root).then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(UserError);
  return err as UserError;
}

describe('stagex import of a release tree', () => {
  test('images, digests, version_from, subpackages and build dependencies', async () => {
    const idx = await importStagex(release(), { env: { SOURCE_DATE_EPOCH: '1' } });
    expect(indexValidator()(idx)).toBe(true);
    expect(idx.generatedAt).toBe('1970-01-01T00:00:01.000Z');
    expect(idx.packageData).toBe(true);
    expect(idx.images.map((i) => i.id)).toEqual(['core-filesystem', 'core-musl', 'core-openssl', 'core-zlib', 'pallet-tls', 'user-multi-a', 'user-multi-b']);
    const by = Object.fromEntries(idx.images.map((i) => [i.id, i]));
    expect(by['core-openssl']).toMatchObject({ version: '3.5.2', digest: `sha256:${fakeDigest('core-openssl')}`, image: 'stagex/core-openssl', packageDir: 'packages/core/openssl' });
    // --platform, a registry prefix, :tag, @digest and an ARG-substituted name; comments are not instructions.
    expect(by['core-openssl']!.buildDeps).toEqual(['core-musl', 'core-zlib', 'core-filesystem']);
    expect(by['pallet-tls']!.version).toBe('3.5.2');
    expect(by['user-multi-a']).toMatchObject({ package: 'multi', name: 'multi-a', version: '2.0', subpackages: [], buildDeps: ['pallet-tls', 'core-filesystem'] });
    expect(by['user-multi']).toBeUndefined();
    // Versionless filesystem is reported, not fatal.
    expect(idx.warnings).toEqual([expect.stringMatching(/filesystem\/package\.toml: neither version nor version_from is set$/)]);
  });

  test('a bare `AS package` stage also publishes the main image, which lists its subpackages', async () => {
    const root = release({
      'packages/user/multi/Containerfile': 'FROM scratch AS build\nFROM stagex/core-filesystem AS package\nFROM stagex/core-filesystem AS package-multi-a\n',
      'digests/user.txt': ['user-multi', 'user-multi-a', 'user-multi-b'].map((id) => `${fakeDigest(id)} ${id}`).join('\n'),
    });
    const idx = await importStagex(root);
    expect(idx.images.find((i) => i.id === 'user-multi')!.subpackages).toEqual(['user-multi-a', 'user-multi-b']);
  });

  test('a digest line that is not "<64 hex> <stage>-<name>" names file and line', async () => {
    const root = release({ 'digests/core.txt': `${fakeDigest('core-musl')} core-musl\n\n${fakeDigest('a').slice(1)} core-zlib\n` });
    const err = await importError(root);
    expect(err.file).toBe(path.join(root, 'digests', 'core.txt'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^not a digest line/);
    expect(err.exitCode).toBe(2);
  });

  test('an image of another stage in a digest list, and a duplicate, are errors', async () => {
    const wrongStage = await importError(release({ 'digests/pallet.txt': `${fakeDigest('core-musl')} core-musl\n` }));
    expect([wrongStage.line, wrongStage.message]).toEqual([1, 'core-musl is not a pallet image (listed in the pallet digests)']);
    const twice = await importError(release({ 'digests/pallet.txt': `${fakeDigest('1')} pallet-tls\n${fakeDigest('2')} pallet-tls\n` }));
    expect([twice.line, twice.message]).toEqual([2, 'pallet-tls is listed twice (first on line 1)']);
  });

  test('a package.toml that does not parse names file and line', async () => {
    const root = release({ 'packages/core/zlib/package.toml': '[package]\nname = "zlib"\nversion = 1.3.1\n' });
    const err = await importError(root);
    expect(err.file).toBe(path.join(root, 'packages', 'core', 'zlib', 'package.toml'));
    expect(err.line).toBe(3);
    expect(err.message).toMatch(/^package\.toml does not parse: /);
  });

  test('a package.toml without a usable name points at the key', async () => {
    const root = release({ 'packages/core/zlib/package.toml': '[package]\nversion = "1"\nname = 7\n' });
    const err = await importError(root);
    expect([err.line, err.message]).toEqual([3, '[package] name must be a string']);
  });

  test('a digest for an image no package publishes is an error naming the digest line', async () => {
    const root = release({ 'digests/user.txt': ['user-multi-a', 'user-multi-b', 'user-ghost'].map((id) => `${fakeDigest(id)} ${id}`).join('\n') });
    const err = await importError(root);
    expect(err.toOneLine()).toBe(`${path.join(root, 'digests', 'user.txt')}:3: digest for user-ghost, which no package publishes`);
  });

  test('an image without a digest, a directory without package.toml and an unknown dependency are warnings', async () => {
    const root = release({
      'digests/user.txt': `${fakeDigest('user-multi-a')} user-multi-a\n`,
      'packages/user/wip/Containerfile': 'FROM stagex/core-musl AS package\n',
      'packages/user/dangling/package.toml': '[package]\nname = "dangling"\nversion = "1"\n',
      'packages/user/dangling/Containerfile': 'FROM stagex/user-nowhere AS build\nFROM stagex/core-filesystem AS package\n',
    });
    const idx = await importStagex(root);
    expect(idx.images.find((i) => i.id === 'user-multi-b')!.digest).toBeNull();
    expect(idx.warnings).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^user-multi-b: no digest in digests\/user\.txt \(published by .*multi\/package\.toml\)$/),
        expect.stringMatching(/^user-dangling: no digest/),
        expect.stringMatching(/user\/wip: no package\.toml; stagex publishes no image from it, skipped$/),
        expect.stringMatching(/dangling\/Containerfile: build dependency user-nowhere is not an image of this release$/),
      ]),
    );
  });

  test('a missing digests file is one warning, not one per image', async () => {
    const root = release();
    rmSync(path.join(root, 'digests', 'user.txt'));
    const idx = await importStagex(root);
    expect(idx.warnings.filter((w) => w.includes('user'))).toEqual([expect.stringMatching(/user\.txt: missing; the user images have no digests$/)]);
  });

  test('a directory that is not a release tree is refused', async () => {
    const root = release();
    rmSync(path.join(root, 'digests'), { recursive: true });
    expect((await importError(root)).message).toBe('not a stagex release tree: digests/ is missing');
    expect((await importError(path.join(root, 'nope'))).message).toBe('no such file or directory');
  });
});

describe('scrapeContainerfile', () => {
  test('follows stagex targets.py: instruction lines only, bare `AS package`, unresolvable ARGs reported', () => {
    const r = scrapeContainerfile(
      [
        'FROM stagex/pallet-rust AS build',
        'COPY --from=stagex/core-openssl . /',
        'COPY --chmod=644 --from=stagex/core-zlib /usr/lib /usr/lib',
        '  COPY --from=stagex/core-indented . /',
        'RUN <<EOF',
        'echo FROM stagex/core-not-an-instruction',
        'EOF',
        'COPY --from=stagex/${UNSET} . /',
        'COPY --from=build /rootfs/ /',
        'FROM stagex/core-filesystem AS package',
      ].join('\n'),
    );
    expect(r.deps).toEqual(['pallet-rust', 'core-openssl', 'core-zlib', 'core-filesystem']);
    expect(r.hasPackageStage).toBe(true);
    expect(r.problems).toEqual([{ line: 8, message: 'cannot resolve the build argument in "stagex/${UNSET}"' }]);
  });
});
