import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

/** A fake but well-formed digest for an image id. */
export const fakeDigest = (id: string): string => createHash('sha256').update(id).digest('hex');

/** Writes files (relative path → content) under a fresh temp directory and returns it. */
export function writeTree(files: Record<string, string>, prefix = 'nh-stagex-'): string {
  const root = mkdtempSync(path.join(os.tmpdir(), prefix));
  for (const [rel, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
    writeFileSync(path.join(root, rel), content);
  }
  return root;
}

/**
 * A small release: core-musl, core-zlib, core-openssl (one `version_from` chain in
 * pallet-tls), and user/multi publishing two subpackages without a main image.
 */
export function smallRelease(overrides: Record<string, string> = {}): string {
  const digests = (ids: string[]) => ids.map((id) => `${fakeDigest(id)} ${id}\n`).join('');
  return writeTree({
    'packages/core/filesystem/package.toml': '[package]\nname = "filesystem"\n',
    'packages/core/filesystem/Containerfile': 'FROM scratch AS package\n',
    'packages/core/musl/package.toml': '[package]\nname = "musl"\nversion = "1.2.5"\n',
    'packages/core/musl/Containerfile': 'FROM scratch AS build\nFROM stagex/core-filesystem AS package\n',
    'packages/core/zlib/package.toml': '[package]\nname = "zlib"\nversion = "1.3.1"\ndescription = "zlib"\n',
    'packages/core/zlib/Containerfile': 'FROM scratch AS build\nCOPY --from=stagex/core-musl . /\nFROM stagex/core-filesystem AS package\n',
    'packages/core/openssl/package.toml': '[package]\nname = "openssl"\nversion = "3.5.2"\n',
    'packages/core/openssl/Containerfile':
      'ARG REG=stagex\nFROM --platform=linux/amd64 docker.io/stagex/core-musl:1.2.5 AS musl\nCOPY --from=${REG}/core-zlib@sha256:' +
      fakeDigest('x') +
      ' . /\n# COPY --from=stagex/user-commented . /\nFROM stagex/core-filesystem AS package\n',
    'packages/pallet/tls/package.toml': '[package]\nname = "tls"\nversion_from = "core-openssl"\n',
    'packages/pallet/tls/Containerfile': 'FROM stagex/core-openssl AS package\n',
    'packages/user/multi/package.toml': '[package]\nname = "multi"\nversion = "2.0"\nsubpackages = ["multi-a", "multi-b"]\n',
    'packages/user/multi/Containerfile': 'FROM stagex/pallet-tls AS build\nFROM stagex/core-filesystem AS package-multi-a\nFROM stagex/core-filesystem AS package-multi-b\n',
    'digests/bootstrap.txt': '',
    'digests/core.txt': digests(['core-filesystem', 'core-musl', 'core-zlib', 'core-openssl']),
    'digests/pallet.txt': digests(['pallet-tls']),
    'digests/user.txt': digests(['user-multi-a', 'user-multi-b']),
    ...overrides,
  });
}
