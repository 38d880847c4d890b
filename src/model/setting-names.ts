/**
 * Nix's names for its settings: the current nix.conf keys, their old aliases, and the
 * deprecated NixOS / nix-darwin `nix.<option>` spellings. One table, read by the model's
 * setting views and by the fixes that rename a deprecated spelling.
 */

/** Old nix.conf names that Nix still accepts, and the current name of each. */
export const NIX_CONF_ALIASES: Readonly<Record<string, string>> = {
  'binary-caches': 'substituters',
  'trusted-binary-caches': 'trusted-substituters',
  'binary-cache-public-keys': 'trusted-public-keys',
  'build-use-sandbox': 'sandbox',
  'build-use-substitutes': 'substitute',
};

/** The canonical nix.conf name (aliases resolved, `extra-` split off as `append`). */
export function canonicalKey(key: string): { key: string; append: boolean } {
  const append = key.startsWith('extra-');
  const base = append ? key.slice('extra-'.length) : key;
  return { key: NIX_CONF_ALIASES[base] ?? base, append };
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
