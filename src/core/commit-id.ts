/**
 * A full git commit (object) id: 40 hex digits in a SHA-1 repository, 64 in a SHA-256
 * one, lower case as git writes them. The one definition: pins, policies, sources and
 * the signature layer all use it, so "pinned to a commit" means the same everywhere.
 */
export const COMMIT_ID_PATTERN = '(?:[0-9a-f]{40}|[0-9a-f]{64})';

/** Exactly a full commit id. */
export const FULL_COMMIT_ID = new RegExp(`^${COMMIT_ID_PATTERN}$`);

/** Exactly a full commit id, in either case (users write what they copy; Nix lower-cases). */
export const FULL_COMMIT_ID_ANY_CASE = new RegExp(`^${COMMIT_ID_PATTERN}$`, 'i');

/** A full commit id standing alone inside longer text (a URL path, a query, an argument). */
export const COMMIT_ID_IN_TEXT = new RegExp(`(?:^|[^0-9a-f])${COMMIT_ID_PATTERN}(?:[^0-9a-f]|$)`, 'i');

export function isFullCommitId(s: string): boolean {
  return FULL_COMMIT_ID.test(s);
}
