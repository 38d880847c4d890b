import { runtimeClosure } from '../../../src/migrate/mapping/index.js';
import type { ClosureRules } from '../../../src/migrate/mapping/index.js';
import type { StagexImage, StagexIndex } from '../../../src/migrate/stagex/types.js';

const image = (id: string, buildDeps: string[]): StagexImage => {
  const dash = id.indexOf('-');
  const name = id.slice(dash + 1);
  return { id, stage: id.slice(0, dash) as StagexImage['stage'], name, image: `stagex/${id}`, version: '1', digest: null, packageDir: '', package: name, subpackages: [], buildDeps };
};

// A miniature release with the shapes the rule must handle.
const index: StagexIndex = {
  version: 1,
  release: null,
  source: 'test',
  generatedAt: '1970-01-01T00:00:00.000Z',
  packageData: true,
  warnings: [],
  images: [
    image('core-musl', []),
    image('core-llvm', ['core-musl', 'core-libzstd']),
    image('core-gmp', ['core-musl']),
    image('core-libzstd', []),
    image('core-zlib', ['core-musl', 'core-llvm', 'core-libzstd']),
    image('core-openssl', ['core-musl', 'core-zlib', 'core-perl', 'core-linux-headers', 'core-filesystem']),
    image('core-perl', ['core-musl', 'core-zlib']),
    image('core-python', ['core-musl', 'core-openssl', 'core-libffi']),
    image('core-libffi', ['core-musl']),
    image('core-ca-certificates', ['core-openssl', 'core-perl']),
    image('core-libfoo-devel', []),
    image('pallet-clang', ['core-llvm', 'core-musl', 'core-zlib', 'core-gmp']),
    image('pallet-python', ['core-python', 'pallet-clang']),
    image('pallet-rust', ['pallet-clang', 'core-ca-certificates']),
    image('user-tool', ['pallet-clang', 'core-openssl', 'core-gmp', 'core-libfoo-devel', 'core-filesystem']),
    image('user-py-lib', ['pallet-python', 'user-py-dep', 'user-py-backend']),
    image('user-py-dep', ['pallet-python']),
    image('user-py-backend', ['pallet-python']),
    image('user-cli', ['pallet-python']),
    image('user-rusty', ['pallet-rust']),
    image('core-libunwind', []),
  ],
};

const rules: ClosureRules = {
  libraries: ['core-zlib', 'core-openssl'],
  data: ['core-ca-certificates'],
  toolchainLibraries: ['core-gmp'],
  buildOnly: [],
  interpreters: { 'core-python': { packages: '^user-py-', buildEnvs: ['pallet-python'], buildOnlyPackages: ['user-py-backend'] } },
  toolchainRuntime: { 'pallet-rust': ['core-libunwind'] },
};

describe('runtimeClosure', () => {
  test('libraries among the build dependencies, transitively, dependencies first; no tools, headers or the filesystem base', () => {
    // core-gmp is named directly, so it counts; through pallet-clang alone it would not.
    expect(runtimeClosure('user-tool', index, { rules })).toEqual(['core-musl', 'core-libzstd', 'core-zlib', 'core-openssl', 'core-gmp']);
  });

  test('pallets are looked through for general-purpose libraries only', () => {
    expect(runtimeClosure('user-cli', index, { rules })).not.toContain('core-gmp');
    expect(runtimeClosure('user-cli', index, { rules })).toContain('core-zlib');
  });

  test('a program in an interpreted language gets the interpreter and its language packages, not its build backends', () => {
    const c = runtimeClosure('user-py-lib', index, { rules });
    expect(c).toEqual(expect.arrayContaining(['core-python', 'core-openssl', 'core-libffi', 'user-py-dep']));
    expect(c).not.toContain('user-py-backend');
    expect(runtimeClosure('user-cli', index, { rules })).toContain('core-python'); // first build dependency is pallet-python
    expect(runtimeClosure('user-tool', index, { rules })).not.toContain('core-python');
  });

  test('runtime data is included without its own build dependencies; toolchain runtimes are added', () => {
    expect(runtimeClosure('user-rusty', index, { rules })).toEqual(['core-musl', 'core-libunwind', 'core-libzstd', 'core-zlib', 'core-ca-certificates']);
  });

  test('a fixed set replaces the derivation for its image and is expanded in turn; core-musl only when asked for', () => {
    expect(runtimeClosure('user-tool', index, { rules, runtime: { 'user-tool': ['core-python'] } })).toEqual(['core-libzstd', 'core-zlib', 'core-openssl', 'core-libffi', 'core-python']);
    expect(runtimeClosure('user-tool', index, { rules, runtime: { 'user-tool': ['core-python', 'core-musl'] } })[0]).toBe('core-musl');
    expect(runtimeClosure('user-tool', index, { rules, runtime: { 'user-tool': [] } })).toEqual([]);
  });

  test('an unknown image has only core-musl', () => {
    expect(runtimeClosure('user-nope', index, { rules })).toEqual(['core-musl']);
  });
});
