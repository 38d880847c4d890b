/** What a pin is moved to: one verified commit of one repository, with its hashes. */
import type { NixHash } from '../../core/nix-hash.js';
import type { GitHubRepo } from '../../model/pin-types.js';

export interface PinTarget {
  repo: GitHubRepo;
  branch: string;
  /** Set when the pin was resolved from this tag: the rewritten `rev` says `# tag: T`, not `# branch: B`. */
  tag?: string;
  rev: string;
  /** Committer time (flake.lock lastModified). */
  lastModified?: number;
  /** NAR hash of the commit's tree (fetchTarball / fetchFromGitHub / flake.lock / niv / npins). */
  nar: NixHash;
  /** Flat hash of the archive bytes (fetchurl); absent when the tree was built from a local clone. */
  flat?: NixHash;
  /** The archive URL written into files: `<base>/OWNER/REPO/archive/REV.tar.gz`. */
  archiveUrl: string;
}

export type HashStyle = 'sri' | 'base32' | 'prefixed-base32' | 'hex';

/** The encoding a file already uses for a hash, so a rewrite keeps its style. */
export function hashStyleOf(existing: string | undefined, fallback: HashStyle): HashStyle {
  if (existing === undefined) return fallback;
  if (/^sha256-/.test(existing)) return 'sri';
  if (/^sha256:/.test(existing)) return 'prefixed-base32';
  if (/^[0-9abcdfghijklmnpqrsvwxyz]{52}$/.test(existing)) return 'base32';
  if (/^[0-9a-f]{64}$/.test(existing)) return 'hex';
  return fallback;
}

export function formatHash(h: NixHash, style: HashStyle): string {
  switch (style) {
    case 'sri':
      return h.sri;
    case 'base32':
      return h.base32;
    case 'prefixed-base32':
      return `${h.algorithm}:${h.base32}`;
    case 'hex':
      return h.hex;
  }
}
