/**
 * Nix binary-cache signatures: Ed25519 keys written `name:base64` and `Sig:
 * name:base64` lines over a path's fingerprint, checked with node:crypto.
 * Nix looks a signature's key up by name; so do we, and a name whose key
 * bytes differ from the signer's simply does not verify.
 */
import { createPublicKey, verify, type KeyObject } from 'node:crypto';


export interface NixPublicKey {
  name: string;
  /** Raw 32-byte Ed25519 public key. */
  bytes: Buffer;
  /** `name:base64`, as written. */
  text: string;
  key: KeyObject;
}

const NAME = /^[^\s:]+$/;

/** Splits `name:base64` into the name and the decoded bytes when the base64 is canonical. */
function splitNamed(text: string): { name: string; bytes: Buffer } | undefined {
  const t = text.trim();
  const colon = t.indexOf(':');
  if (colon <= 0) return undefined;
  const name = t.slice(0, colon);
  const b64 = t.slice(colon + 1);
  if (!NAME.test(name) || !/^[A-Za-z0-9+/]+={0,2}$/.test(b64)) return undefined;
  const bytes = Buffer.from(b64, 'base64');
  // Only the canonical encoding: two spellings of one key must not look like two keys.
  if (bytes.toString('base64') !== b64) return undefined;
  return { name, bytes };
}

/** A Nix public key (`nix-store --generate-binary-cache-key`'s public half), or undefined. */
export function parseNixPublicKey(text: string): NixPublicKey | undefined {
  const parts = splitNamed(text);
  if (!parts || parts.bytes.length !== 32) return undefined;
  const key = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: parts.bytes.toString('base64url') }, format: 'jwk' });
  return { name: parts.name, bytes: parts.bytes, text: text.trim(), key };
}

/** A Nix secret key (64 bytes: seed and public key), which must never sit in a policy. */
export function isNixSecretKey(text: string): boolean {
  return splitNamed(text)?.bytes.length === 64;
}

/** A `Sig:` value split into key name and the 64-byte signature; undefined when malformed. */
export function parseNixSignature(text: string): { name: string; signature: Buffer } | undefined {
  const parts = splitNamed(text);
  return parts && parts.bytes.length === 64 ? { name: parts.name, signature: parts.bytes } : undefined;
}

/** Ed25519 check of `signature` over the fingerprint's bytes. */
export function verifyNixSignature(key: NixPublicKey, fingerprint: string, signature: Buffer): boolean {
  try {
    return verify(null, Buffer.from(fingerprint, 'utf8'), key.key, signature);
  } catch {
    return false;
  }
}

