/**
 * Nix's names for its settings: the current nix.conf keys, their old aliases, which ones
 * take an `extra-` prefix, how a boolean is spelled, and the deprecated NixOS / nix-darwin
 * `nix.<option>` spellings. One table, read by the model's setting views and by the fixes
 * that rename a deprecated spelling. It follows Nix's own reading (libutil/config.cc
 * `Config::set`, libstore/globals.hh); `nix show-config` is the oracle of its tests.
 */

/** Old nix.conf names that Nix still accepts, and the current name of each. */
export const NIX_CONF_ALIASES: Readonly<Record<string, string>> = {
  'binary-caches': 'substituters',
  'trusted-binary-caches': 'trusted-substituters',
  'binary-cache-public-keys': 'trusted-public-keys',
  'build-use-sandbox': 'sandbox',
  'build-use-chroot': 'sandbox',
  'build-chroot-dirs': 'sandbox-paths',
  'build-sandbox-paths': 'sandbox-paths',
  'build-use-substitutes': 'substitute',
};

/**
 * Settings whose type is a list, set or map (Strings, StringSet, StringMap, PathSet, the
 * experimental features): the only ones `extra-NAME` appends to. For any other setting Nix
 * ignores `extra-NAME` with "unknown setting" (`extra-require-sigs = false` changes nothing).
 */
export const APPENDABLE: ReadonlySet<string> = new Set([
  'access-tokens',
  'allowed-impure-host-deps',
  'allowed-uris',
  'allowed-users',
  'experimental-features',
  'extra-platforms',
  'hashed-mirrors',
  'ignored-acls',
  'impure-env',
  'nix-path',
  'plugin-files',
  'sandbox-paths',
  'secret-key-files',
  'substituters',
  'system-features',
  'trusted-public-keys',
  'trusted-substituters',
  'trusted-users',
]);

/** Settings whose own name starts with `extra-` (not an append to another setting). */
const EXTRA_NAMED = new Set(['extra-platforms']);

/**
 * The canonical nix.conf name: aliases resolved, `extra-` split off as `append` when Nix
 * appends (the setting is a list). `extra-X` of a scalar setting stays as written, so no
 * rule mistakes it for X: Nix ignores it.
 */
export function canonicalKey(key: string): { key: string; append: boolean } {
  if (EXTRA_NAMED.has(key)) return { key, append: false };
  if (!key.startsWith('extra-')) return { key: NIX_CONF_ALIASES[key] ?? key, append: false };
  const base = key.slice('extra-'.length);
  const target = NIX_CONF_ALIASES[base] ?? base;
  return APPENDABLE.has(target) ? { key: target, append: true } : { key, append: false };
}

/**
 * A boolean setting's value as Nix reads the word (`BaseSetting<bool>::parse`): `true`,
 * `yes`, `1` and `false`, `no`, `0`. `sandbox` is not a boolean but a mode, and takes only
 * `true`, `false` and `relaxed` (Nix rejects `sandbox = 0`).
 */
export function nixBool(key: string, word: string): boolean | undefined {
  if (word === 'true') return true;
  if (word === 'false') return false;
  if (key === 'sandbox') return undefined;
  if (word === 'yes' || word === '1') return true;
  if (word === 'no' || word === '0') return false;
  return undefined;
}

/** Deprecated NixOS / nix-darwin `nix.<option>` names and the nix.conf key each one sets. */
export const DEPRECATED_OPTIONS: Readonly<Record<string, string>> = {
  binaryCaches: 'substituters',
  binaryCachePublicKeys: 'trusted-public-keys',
  trustedBinaryCaches: 'trusted-substituters',
  trustedUsers: 'trusted-users',
  allowedUsers: 'allowed-users',
  useSandbox: 'sandbox',
  sandboxPaths: 'extra-sandbox-paths',
  requireSignedBinaryCaches: 'require-sigs',
  maxJobs: 'max-jobs',
  buildCores: 'cores',
  autoOptimiseStore: 'auto-optimise-store',
};
