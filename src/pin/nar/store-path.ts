import { createHash } from 'node:crypto';
import { toNixBase32 } from '../../core/nix-base32.js';
import type { NixHash } from '../../core/nix-hash.js';

export const DEFAULT_STORE_DIR = '/nix/store';

/** Store path names Nix accepts (libstore checkName): 1–211 chars of [A-Za-z0-9+-._?=], not starting with a dot. */
export function isValidStoreName(name: string): boolean {
  return name.length > 0 && name.length <= 211 && !name.startsWith('.') && /^[A-Za-z0-9+\-._?=]+$/.test(name);
}

/**
 * The store path Nix gives fixed-output content (what `nix-prefetch-url --print-path`
 * prints): recursive sha256 uses the "source" type, anything else the
 * "output:out" type over "fixed:out:[r:]<algo>:<hex>:" (libstore makeFixedOutputPath).
 */
export function fixedOutputStorePath(name: string, hash: NixHash, recursive: boolean, storeDir = DEFAULT_STORE_DIR): string {
  if (recursive && hash.algorithm === 'sha256') return makeStorePath('source', `sha256:${hash.hex}`, name, storeDir);
  const inner = createHash('sha256').update(`fixed:out:${recursive ? 'r:' : ''}${hash.algorithm}:${hash.hex}:`).digest('hex');
  return makeStorePath('output:out', `sha256:${inner}`, name, storeDir);
}

function makeStorePath(type: string, typedHex: string, name: string, storeDir: string): string {
  const digest = createHash('sha256').update(`${type}:${typedHex}:${storeDir}:${name}`).digest();
  // Nix folds the 32-byte digest into 20 bytes by XOR before printing it in base32.
  const folded = Buffer.alloc(20);
  for (let i = 0; i < digest.length; i++) folded[i % 20] ^= digest[i]!;
  return `${storeDir}/${toNixBase32(folded)}-${name}`;
}
