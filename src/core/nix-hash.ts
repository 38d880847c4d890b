import { createHash } from 'node:crypto';
import { UserError } from './errors.js';
import { fromNixBase32, nixBase32Length, toNixBase32 } from './nix-base32.js';

/** The hash algorithms Nix knows. md5 and sha1 parse, but never verify anything (see isStrongAlgorithm). */
export type HashAlgorithm = 'md5' | 'sha1' | 'sha256' | 'sha512';

export const DIGEST_BYTES: Readonly<Record<HashAlgorithm, number>> = { md5: 16, sha1: 20, sha256: 32, sha512: 64 };

export type HashEncoding = 'sri' | 'base32' | 'hex' | 'base64';

export function isHashAlgorithm(s: string): s is HashAlgorithm {
  return Object.prototype.hasOwnProperty.call(DIGEST_BYTES, s);
}

/** Collision-resistant enough to pin content with. */
export function isStrongAlgorithm(a: HashAlgorithm): boolean {
  return a === 'sha256' || a === 'sha512';
}

/** A digest with its algorithm, printable in every encoding Nix uses. */
export class NixHash {
  readonly bytes: Buffer;
  constructor(
    readonly algorithm: HashAlgorithm,
    bytes: Uint8Array,
  ) {
    if (bytes.length !== DIGEST_BYTES[algorithm]) throw new Error(`${algorithm} digest must be ${DIGEST_BYTES[algorithm]} bytes, got ${bytes.length}`);
    this.bytes = Buffer.from(bytes);
  }
  get hex(): string {
    return this.bytes.toString('hex');
  }
  get base32(): string {
    return toNixBase32(this.bytes);
  }
  get base64(): string {
    return this.bytes.toString('base64');
  }
  /** Subresource-integrity form, `sha256-<base64>`, as `nix hash path` prints. */
  get sri(): string {
    return `${this.algorithm}-${this.base64}`;
  }
  format(encoding: HashEncoding): string {
    return encoding === 'sri' ? this.sri : this[encoding];
  }
  equals(other: NixHash): boolean {
    return this.algorithm === other.algorithm && this.bytes.equals(other.bytes);
  }
  toString(): string {
    return this.sri;
  }
}

/**
 * Parses a hash in any form Nix accepts or prints:
 * `sha256-<base64>` (SRI), `sha256:<base32|hex|base64>`, or a bare digest
 * (base32, hex or base64, told apart by length) when `defaultAlgorithm` is given.
 * Returns undefined for anything else: callers treat that as "not verified".
 */
export function tryParseHash(text: string, defaultAlgorithm?: HashAlgorithm): NixHash | undefined {
  const s = text.trim();
  const sri = /^([a-z0-9]+)-([A-Za-z0-9+/]+={0,2})$/.exec(s);
  if (sri) {
    const algorithm = sri[1]!;
    if (!isHashAlgorithm(algorithm)) return undefined;
    return decodeDigest(algorithm, sri[2]!, ['base64']);
  }
  const prefixed = /^([a-z0-9]+):(.+)$/.exec(s);
  if (prefixed) {
    const algorithm = prefixed[1]!;
    if (!isHashAlgorithm(algorithm)) return undefined;
    return decodeDigest(algorithm, prefixed[2]!, ['base32', 'hex', 'base64']);
  }
  if (!defaultAlgorithm) return undefined;
  return decodeDigest(defaultAlgorithm, s, ['base32', 'hex', 'base64']);
}

/** Like tryParseHash, but a malformed hash is a user error naming what was wrong. */
export function parseHash(text: string, defaultAlgorithm?: HashAlgorithm, where?: { file?: string; line?: number }): NixHash {
  const h = tryParseHash(text, defaultAlgorithm);
  if (!h) {
    throw new UserError(
      `not a valid hash: '${text}' (expected SRI 'sha256-<base64>', 'sha256:<base32|hex>'${defaultAlgorithm ? `, or a bare ${defaultAlgorithm} in Nix base32 or hex` : ''})`,
      undefined,
      where?.file,
      where?.line,
    );
  }
  return h;
}

function decodeDigest(algorithm: HashAlgorithm, digest: string, encodings: Array<'base32' | 'hex' | 'base64'>): NixHash | undefined {
  const size = DIGEST_BYTES[algorithm];
  for (const encoding of encodings) {
    let bytes: Buffer | undefined;
    if (encoding === 'hex' && digest.length === size * 2 && /^[0-9a-fA-F]+$/.test(digest)) bytes = Buffer.from(digest, 'hex');
    else if (encoding === 'base32' && digest.length === nixBase32Length(size)) bytes = fromNixBase32(digest, size);
    else if (encoding === 'base64' && digest.length === Math.ceil(size / 3) * 4 && /^[A-Za-z0-9+/]+={0,2}$/.test(digest)) {
      bytes = Buffer.from(digest, 'base64');
      // Reject non-canonical base64 (stray bits in the padding): it is not what any tool prints.
      if (bytes.length !== size || bytes.toString('base64') !== digest) bytes = undefined;
    }
    if (bytes) return new NixHash(algorithm, bytes);
  }
  return undefined;
}

export type HashVerdict = 'match' | 'mismatch' | 'unverifiable';

/**
 * Compares a hash declared in a file (any Nix form) with one we computed.
 * Fails closed: text that does not parse, a weak algorithm (md5, sha1) or an
 * algorithm other than the computed one gives 'unverifiable', never 'match'.
 */
export function verifyDeclaredHash(
  declared: string,
  actual: NixHash,
  defaultAlgorithm: HashAlgorithm = 'sha256',
): { verdict: HashVerdict; declared?: NixHash; reason?: string } {
  const parsed = tryParseHash(declared, defaultAlgorithm);
  if (!parsed) return { verdict: 'unverifiable', reason: `not a hash Nix would accept: '${declared}'` };
  if (!isStrongAlgorithm(parsed.algorithm)) return { verdict: 'unverifiable', declared: parsed, reason: `${parsed.algorithm} is too weak to verify content` };
  if (parsed.algorithm !== actual.algorithm) {
    return { verdict: 'unverifiable', declared: parsed, reason: `declared ${parsed.algorithm}, computed ${actual.algorithm}` };
  }
  return { verdict: parsed.equals(actual) ? 'match' : 'mismatch', declared: parsed };
}

/** Converts between encodings: `convertHash('sha256:1b8m…', 'sri')`. */
export function convertHash(text: string, to: HashEncoding, defaultAlgorithm?: HashAlgorithm): string {
  return parseHash(text, defaultAlgorithm).format(to);
}

/** Flat hash of bytes (what `nix-prefetch-url` without --unpack and `nix hash file` compute). */
export function hashBytes(data: Uint8Array | string, algorithm: HashAlgorithm = 'sha256'): NixHash {
  return new NixHash(algorithm, createHash(algorithm).update(data).digest());
}
