/**
 * Defaults that a command's `--help` names and its implementation uses. They live in a
 * module with no imports so that printing help loads nothing heavy.
 */

/** `pin --limit`: commits examined per branch. */
export const DEFAULT_PIN_LIMIT = 1000;

/** `pin --ttl`: seconds a cached branch tip is reused without asking GitHub, like Nix's tarball-ttl. */
export const DEFAULT_BRANCH_TTL_SECONDS = 3600;
