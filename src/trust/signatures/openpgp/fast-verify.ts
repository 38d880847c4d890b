/**
 * A fast path for the cryptographic check of an OpenPGP document signature:
 * node:crypto with one cached KeyObject per key packet, instead of openpgp.js's
 * WebCrypto key import on every call (the bulk of its cost per commit).
 *
 * It can only *confirm*: `true` means the signature provably verifies exactly as
 * `SignaturePacket.verify(key, type, data, null, true, config)` would accept it;
 * `false` means "not proven here", and the caller asks openpgp.js itself, so
 * every failure (and its message) still comes from openpgp.js. Why equivalent:
 *  - the hashed bytes come from openpgp.js's own `toHash` (payload ‖ hashed
 *    subpackets ‖ v4 trailer, RFC 4880 §5.2.4 / RFC 9580 §5.2.4);
 *  - the same preconditions are checked (issuer key id, algorithm, the 16-bit
 *    hash prefix, EdDSA digest size, point encodings, MPI sizes);
 *  - the primitive is the same: Node's WebCrypto, which openpgp.js uses, is
 *    OpenSSL, as node:crypto is (Ed25519 over the digest, RSASSA-PKCS1-v1_5 and
 *    ECDSA over the hashed data);
 *  - the checks openpgp.js makes after the cryptography (critical unknown
 *    subpackets and notations, revocation-key class, rejected hashes) are
 *    declined here, so openpgp.js raises them.
 * Only v4 signatures by v4 keys with SHA-2 hashes take this path; anything
 * else (v5/v6, DSA, Ed448, Brainpool, SHA-1, streams) goes to openpgp.js.
 */
import { createHash, createPublicKey, verify as cryptoVerify, type KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import * as openpgp from 'openpgp';

/**
 * The openpgp.js release whose internals (packet fields, `toHash`, the checks after the
 * cryptography) this file was audited against; package.json pins it exactly. Another
 * installed version turns the fast path off, so every verdict comes from openpgp.js.
 */
export const AUDITED_OPENPGP_VERSION = '6.3.2';

/** openpgp does not export its package.json: walk up from its entry point to the package root. */
export function installedOpenpgpVersion(): string {
  let dir = path.dirname(createRequire(import.meta.url).resolve('openpgp'));
  for (;;) {
    try {
      const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as { name?: string; version: string };
      if (pkg.name === 'openpgp') return pkg.version;
    } catch {
      // not the package root yet
    }
    const up = path.dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

const FAST_PATH_ENABLED = installedOpenpgpVersion() === AUDITED_OPENPGP_VERSION;

const { enums } = openpgp;

const HASHES = new Map<number, { name: string; bytes: number }>([
  [enums.hash.sha224, { name: 'sha224', bytes: 28 }],
  [enums.hash.sha256, { name: 'sha256', bytes: 32 }],
  [enums.hash.sha384, { name: 'sha384', bytes: 48 }],
  [enums.hash.sha512, { name: 'sha512', bytes: 64 }],
]);

const NIST: Record<string, { crv: string; size: number }> = {
  nistP256: { crv: 'P-256', size: 32 },
  nistP384: { crv: 'P-384', size: 48 },
  nistP521: { crv: 'P-521', size: 66 },
};

type KeyPacket = openpgp.PublicKeyPacket | openpgp.PublicSubkeyPacket | openpgp.SecretKeyPacket | openpgp.SecretSubkeyPacket;

interface PublicParams {
  n?: Uint8Array;
  e?: Uint8Array;
  oid?: { getName(): string };
  Q?: Uint8Array;
  A?: Uint8Array;
}

interface SignatureInternals {
  version: number;
  hashed: unknown;
  params: unknown;
  signedHashValue: Uint8Array;
  unknownSubpackets: { critical: boolean }[];
  rawNotations: { name: string; critical: boolean }[];
  revocationKeyClass: number | null;
  toHash(signatureType: number, data: object, detached: boolean): unknown;
}

/** Imported keys, per key packet object (certificates are loaded once per key set). `null`: not supported here. */
const keyObjects = new WeakMap<object, KeyObject | null>();

/**
 * True only when `sig` is a valid signature of `signatureType` over `data` (a
 * literal data packet) by `keyPacket`, as openpgp.js would find it with no date
 * and `config`. False: not decided here (ask openpgp.js).
 */
export async function verifiesFast(sig: openpgp.SignaturePacket, keyPacket: KeyPacket, signatureType: number, data: object, config: openpgp.Config): Promise<boolean> {
  if (!FAST_PATH_ENABLED) return false;
  try {
    return await check(sig, keyPacket, signatureType, data, config);
  } catch {
    return false; // anything unexpected: let openpgp.js decide
  }
}

async function check(sig: openpgp.SignaturePacket, keyPacket: KeyPacket, signatureType: number, data: object, config: openpgp.Config): Promise<boolean> {
  const s = sig as unknown as SignatureInternals;
  if (s.version !== 4 || keyPacket.version !== 4 || s.hashed) return false;
  if (signatureType !== enums.signature.binary && signatureType !== enums.signature.text) return false;
  if (!sig.issuerKeyID.equals(keyPacket.getKeyID())) return false;
  if (sig.publicKeyAlgorithm !== keyPacket.algorithm) return false;
  const hash = HASHES.get(sig.hashAlgorithm!);
  if (!hash) return false;
  // openpgp.js's post-crypto checks: decline, so that it reports them itself.
  if (config.rejectHashAlgorithms.has(sig.hashAlgorithm!) || config.rejectMessageHashAlgorithms.has(sig.hashAlgorithm!)) return false;
  if (s.unknownSubpackets.some((p) => p.critical)) return false;
  if (s.rawNotations.some((n) => n.critical && !config.knownNotations.includes(n.name))) return false;
  if (s.revocationKeyClass !== null) return false;

  const toHash = s.toHash(signatureType, data, true);
  if (!(toHash instanceof Uint8Array)) return false;
  const digest = createHash(hash.name).update(toHash).digest();
  if (s.signedHashValue.length < 2 || digest[0] !== s.signedHashValue[0] || digest[1] !== s.signedHashValue[1]) return false;

  const key = keyObjectFor(keyPacket);
  if (!key) return false;
  const params = (await s.params) as Record<string, Uint8Array | undefined>;
  const pub = keyPacket.publicParams as PublicParams;
  switch (keyPacket.algorithm) {
    case enums.publicKey.eddsaLegacy:
    case enums.publicKey.ed25519: {
      // RFC 9580 §5.2.3.3/§5.2.3.4: EdDSA signs the digest, which must be at least 256 bits.
      if (hash.bytes < 32) return false;
      const rs = keyPacket.algorithm === enums.publicKey.ed25519 ? params.RS : concatPadded([params.r, params.s], 32);
      if (!rs || rs.length !== 64) return false;
      return cryptoVerify(null, digest, key, rs);
    }
    case enums.publicKey.rsaEncryptSign:
    case enums.publicKey.rsaSign: {
      const n = pub.n!;
      const sigValue = params.s;
      if (!sigValue || sigValue.length > n.length) return false;
      return cryptoVerify(hash.name, toHash, key, leftPad(sigValue, n.length));
    }
    case enums.publicKey.ecdsa: {
      const curve = NIST[pub.oid!.getName()]!;
      const rs = concatPadded([params.r, params.s], curve.size);
      if (!rs) return false;
      return cryptoVerify(hash.name, toHash, { key, dsaEncoding: 'ieee-p1363' }, rs);
    }
    default:
      return false;
  }
}

function keyObjectFor(keyPacket: KeyPacket): KeyObject | null {
  let key = keyObjects.get(keyPacket);
  if (key === undefined) {
    try {
      key = importKey(keyPacket);
    } catch {
      key = null;
    }
    keyObjects.set(keyPacket, key);
  }
  return key;
}

const b64url = (b: Uint8Array): string => Buffer.from(b).toString('base64url');

function importKey(keyPacket: KeyPacket): KeyObject | null {
  const pub = keyPacket.publicParams as PublicParams;
  switch (keyPacket.algorithm) {
    case enums.publicKey.eddsaLegacy: {
      // Native point encoding: 0x40 ‖ 32 bytes (openpgp.js checks the same prefix).
      const q = pub.Q;
      if (pub.oid?.getName() !== enums.curve.ed25519Legacy || !q || q.length !== 33 || q[0] !== 0x40) return null;
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(q.subarray(1)) }, format: 'jwk' });
    }
    case enums.publicKey.ed25519: {
      if (!pub.A || pub.A.length !== 32) return null;
      return createPublicKey({ key: { kty: 'OKP', crv: 'Ed25519', x: b64url(pub.A) }, format: 'jwk' });
    }
    case enums.publicKey.rsaEncryptSign:
    case enums.publicKey.rsaSign: {
      if (!pub.n?.length || !pub.e?.length) return null;
      return createPublicKey({ key: { kty: 'RSA', n: b64url(pub.n), e: b64url(pub.e) }, format: 'jwk' });
    }
    case enums.publicKey.ecdsa: {
      const curve = pub.oid ? NIST[pub.oid.getName()] : undefined;
      const q = pub.Q;
      // Uncompressed point only (0x04 ‖ x ‖ y), as openpgp.js requires for NIST curves.
      if (!curve || !q || q.length !== 1 + 2 * curve.size || q[0] !== 0x04) return null;
      return createPublicKey({
        key: { kty: 'EC', crv: curve.crv, x: b64url(q.subarray(1, 1 + curve.size)), y: b64url(q.subarray(1 + curve.size)) },
        format: 'jwk',
      });
    }
    default:
      return null;
  }
}

function leftPad(b: Uint8Array, size: number): Buffer {
  const out = Buffer.alloc(size);
  out.set(b, size - b.length);
  return out;
}

/** r ‖ s, each left-padded to `size`; undefined when one is missing or too long. */
function concatPadded(parts: (Uint8Array | undefined)[], size: number): Buffer | undefined {
  if (parts.some((p) => !p || p.length > size)) return undefined;
  return Buffer.concat(parts.map((p) => leftPad(p!, size)));
}
