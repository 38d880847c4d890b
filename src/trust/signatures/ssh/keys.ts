/**
 * OpenSSH public keys: the `keytype base64 [comment]` text form, the wire
 * format inside it (RFC 4253 §6.6, PROTOCOL.u2f for sk-* keys), SHA256
 * fingerprints as ssh-keygen prints them, and conversion to node:crypto keys.
 */
import { createHash, createPublicKey, type KeyObject } from 'node:crypto';

/** Key types we can verify; anything else (ssh-dss, certificates) fails closed. */
export const SSH_KEY_TYPES = [
  'ssh-ed25519',
  'ecdsa-sha2-nistp256',
  'ecdsa-sha2-nistp384',
  'ecdsa-sha2-nistp521',
  'ssh-rsa',
  'sk-ssh-ed25519@openssh.com',
  'sk-ecdsa-sha2-nistp256@openssh.com',
] as const;
export type SshKeyType = (typeof SSH_KEY_TYPES)[number];

export interface SshPublicKey {
  /** The key type named inside the blob. */
  type: string;
  /** The wire-format blob (what the base64 in an authorized_keys line decodes to). */
  blob: Buffer;
  /** `SHA256:` + unpadded base64 of SHA-256(blob), as `ssh-keygen -l` prints it. */
  fingerprint: string;
  comment?: string;
  /** FIDO keys: the application string (usually "ssh:"). */
  application?: string;
  /** RSA modulus size in bits. */
  bits?: number;
  /** ECDSA: the node:crypto curve digest ('sha256' | 'sha384' | 'sha512'). */
  ecdsaHash?: string;
  /** node:crypto key, undefined for types we cannot verify. */
  keyObject?: KeyObject;
}

export class SshFormatError extends Error {}

/** Reads SSH wire primitives, failing on any overrun. */
export class SshReader {
  private pos = 0;
  constructor(private readonly buf: Buffer) {}

  get remaining(): number {
    return this.buf.length - this.pos;
  }

  bytes(n: number): Buffer {
    if (n < 0 || this.pos + n > this.buf.length) throw new SshFormatError('truncated SSH data');
    const out = this.buf.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }

  u8(): number {
    return this.bytes(1)[0]!;
  }

  u32(): number {
    return this.bytes(4).readUInt32BE(0);
  }

  string(): Buffer {
    return this.bytes(this.u32());
  }

  text(): string {
    return this.string().toString('utf8');
  }

  /** An mpint as an unsigned magnitude without leading zeros. */
  mpint(): Buffer {
    const b = this.string();
    if (b.length > 0 && (b[0]! & 0x80) !== 0) throw new SshFormatError('negative mpint');
    let i = 0;
    while (i < b.length && b[i] === 0) i++;
    return b.subarray(i);
  }

  end(): void {
    if (this.remaining !== 0) throw new SshFormatError('trailing bytes in SSH data');
  }
}

export function sshString(data: Buffer | string): Buffer {
  const b = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  const len = Buffer.alloc(4);
  len.writeUInt32BE(b.length, 0);
  return Buffer.concat([len, b]);
}

export function sshFingerprint(blob: Buffer): string {
  return `SHA256:${createHash('sha256').update(blob).digest('base64').replace(/=+$/, '')}`;
}

const CURVES: Record<string, { jwk: string; size: number; hash: string }> = {
  nistp256: { jwk: 'P-256', size: 32, hash: 'sha256' },
  nistp384: { jwk: 'P-384', size: 48, hash: 'sha384' },
  nistp521: { jwk: 'P-521', size: 66, hash: 'sha512' },
};

const b64url = (b: Buffer): string => b.toString('base64url');

/**
 * Decoded keys by their exact blob bytes: every signature embeds its signer's
 * key, and importing it into node:crypto costs more than checking the signature.
 * The blob fully determines the decoded key, so a hit is the same key; only
 * successful decodes are kept, and the map is bounded (signatures may embed any
 * number of distinct keys).
 */
const decoded = new Map<string, SshPublicKey>();
const MAX_CACHED_KEYS = 1024;

/** Decodes a key blob. Unknown types decode to a key without keyObject (never verifiable). */
export function decodeSshPublicKeyBlob(blob: Buffer, comment?: string): SshPublicKey {
  const id = blob.toString('base64');
  let facts = decoded.get(id);
  if (!facts) {
    // A private copy of the bytes: the caller's buffer may be reused or changed.
    facts = decodeUncached(Buffer.from(blob));
    if (decoded.size >= MAX_CACHED_KEYS) decoded.clear();
    decoded.set(id, facts);
  }
  const { type, fingerprint, application, bits, ecdsaHash, keyObject } = facts;
  return {
    type,
    blob,
    fingerprint,
    ...(comment ? { comment } : {}),
    ...(application !== undefined ? { application } : {}),
    ...(bits !== undefined ? { bits } : {}),
    ...(ecdsaHash !== undefined ? { ecdsaHash } : {}),
    ...(keyObject !== undefined ? { keyObject } : {}),
  };
}

function decodeUncached(blob: Buffer): SshPublicKey {
  const r = new SshReader(blob);
  const type = r.text();
  const key: SshPublicKey = { type, blob, fingerprint: sshFingerprint(blob) };
  switch (type) {
    case 'ssh-ed25519':
    case 'sk-ssh-ed25519@openssh.com': {
      const pk = r.string();
      if (pk.length !== 32) throw new SshFormatError('Ed25519 key is not 32 bytes');
      if (type.startsWith('sk-')) key.application = r.text();
      r.end();
      key.keyObject = createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pk) }, format: 'jwk' });
      return key;
    }
    case 'ecdsa-sha2-nistp256':
    case 'ecdsa-sha2-nistp384':
    case 'ecdsa-sha2-nistp521':
    case 'sk-ecdsa-sha2-nistp256@openssh.com': {
      const curveName = r.text();
      const curve = CURVES[curveName];
      if (!curve || !type.includes(curveName)) throw new SshFormatError(`curve ${curveName} does not match key type ${type}`);
      const q = r.string();
      if (q.length !== 1 + 2 * curve.size || q[0] !== 0x04) throw new SshFormatError('ECDSA point is not an uncompressed point of the curve');
      if (type.startsWith('sk-')) key.application = r.text();
      r.end();
      key.ecdsaHash = curve.hash;
      key.keyObject = createPublicKey({
        key: { kty: 'EC', crv: curve.jwk, x: b64url(q.subarray(1, 1 + curve.size)), y: b64url(q.subarray(1 + curve.size)) },
        format: 'jwk',
      });
      return key;
    }
    case 'ssh-rsa': {
      const e = r.mpint();
      const n = r.mpint();
      r.end();
      if (n.length === 0 || e.length === 0) throw new SshFormatError('empty RSA parameter');
      key.bits = bitLength(n);
      key.keyObject = createPublicKey({ key: { kty: 'RSA', n: b64url(n), e: b64url(e) }, format: 'jwk' });
      return key;
    }
    default:
      // ssh-dss, *-cert-v01@openssh.com, anything newer: parsed for its fingerprint only.
      return key;
  }
}

/** Parses `keytype base64 [comment]`; the type outside must equal the type inside. */
export function parseSshPublicKeyText(text: string): SshPublicKey {
  const m = /^\s*(\S+)\s+([A-Za-z0-9+/]+={0,2})(?:\s+(.*?))?\s*$/.exec(text);
  if (!m) throw new SshFormatError('not an OpenSSH public key (expected "keytype base64 [comment]")');
  const blob = Buffer.from(m[2]!, 'base64');
  if (blob.toString('base64') !== m[2]) throw new SshFormatError('invalid base64 in public key');
  const key = decodeSshPublicKeyBlob(blob, m[3] || undefined);
  if (key.type !== m[1]) throw new SshFormatError(`key type ${m[1]} does not match the key data (${key.type})`);
  return key;
}

function bitLength(magnitude: Buffer): number {
  if (magnitude.length === 0) return 0;
  return (magnitude.length - 1) * 8 + (32 - Math.clz32(magnitude[0]!));
}

export function describeSshKey(key: SshPublicKey): string {
  return key.type === 'ssh-rsa' ? `ssh-rsa${key.bits ?? ''}` : key.type;
}
