/**
 * Decides from a file's first bytes whether it is text we can parse at all.
 * An encrypted file (git-crypt, age, sops) or a binary one is not Nix: it is
 * reported once as skipped, never as a parse error that a user learns to ignore.
 */
import type { SkippedFile } from './index.js';

const GIT_CRYPT = Buffer.from('\0GITCRYPT\0', 'latin1');
const AGE_BINARY = Buffer.from('age-encryption.org/v1', 'latin1');
const AGE_ARMOR = Buffer.from('-----BEGIN AGE ENCRYPTED FILE-----', 'latin1');

/** How many leading bytes we look at for NUL bytes (git's own heuristic uses 8,000). */
const SNIFF_BYTES = 8000;

export function unscannableContent(head: Buffer): Pick<SkippedFile, 'reason' | 'message'> | undefined {
  if (head.subarray(0, GIT_CRYPT.length).equals(GIT_CRYPT)) return { reason: 'encrypted', message: 'encrypted with git-crypt; not scanned' };
  if (head.subarray(0, AGE_BINARY.length).equals(AGE_BINARY) || head.subarray(0, AGE_ARMOR.length).equals(AGE_ARMOR))
    return { reason: 'encrypted', message: 'encrypted with age (agenix); not scanned' };
  const text = head.subarray(0, SNIFF_BYTES).toString('latin1');
  if (/ENC\[AES256_GCM,data:/.test(text) && /"?sops"?\s*[:=]/.test(text)) return { reason: 'encrypted', message: 'encrypted with sops; not scanned' };
  if (head.subarray(0, SNIFF_BYTES).includes(0)) return { reason: 'binary', message: 'binary content (NUL bytes); not scanned' };
  return undefined;
}
